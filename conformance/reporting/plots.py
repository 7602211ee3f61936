"""Small inline SVG charts for the HTML reports (no external assets, no plotting library)."""
from __future__ import annotations

from html import escape

_BAND_COLOURS = ("#e8f0fe", "#fef7e0", "#e6f4ea", "#fce8e6")


def line_chart(points: list, x_label: str, y_label: str, bands: list | None = None,
               width: int = 640, height: int = 220) -> str:
    if not points:
        return "<p><em>no samples</em></p>"
    left, right, top, bottom = 48, 12, 12, 36
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    x_min, x_max = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    y_max = max(max(ys), 1.0) * 1.1

    def sx(x):
        return left + (float(x) - x_min) / (x_max - x_min) * (width - left - right)

    def sy(y):
        return height - bottom - float(y) / y_max * (height - top - bottom)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(y_label)} against {escape(x_label)}" '
             f'style="font:11px sans-serif;background:#fff">']
    for index, (start, end, label) in enumerate(bands or []):
        x0, x1 = sx(max(start, x_min)), sx(min(end, x_max))
        parts.append(f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1):.1f}" '
                     f'height="{height - top - bottom}" fill="{_BAND_COLOURS[index % len(_BAND_COLOURS)]}"/>'
                     f'<text x="{x0 + 3:.1f}" y="{top + 11}" fill="#555">{escape(label)}</text>')
    for fraction in (0, 0.5, 1):
        value = y_max / 1.1 * fraction
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(value):.1f}" y2="{sy(value):.1f}" '
                     f'stroke="#ddd"/><text x="{left - 4}" y="{sy(value) + 4:.1f}" text-anchor="end">'
                     f'{value:.0f}</text>')
    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    parts.append(f'<polyline fill="none" stroke="#1a73e8" stroke-width="1.5" points="{path}"/>')
    parts.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 6}" text-anchor="middle">'
                 f'{escape(x_label)} ({x_min:g} to {x_max:g})</text>')
    parts.append(f'<text x="12" y="{(top + height - bottom) / 2:.0f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(top + height - bottom) / 2:.0f})">{escape(y_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(bars: list[tuple[str, float]], value_label: str, width: int = 640) -> str:
    """Horizontal bars, one per (label, value), e.g. run time per version."""
    if not bars:
        return "<p><em>no values</em></p>"
    row, right = 22, 70
    left = min(max(len(label) for label, _ in bars) * 6 + 12, width // 2)
    height = row * len(bars) + 24
    top_value = max(max(value for _, value in bars), 1e-9)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(value_label)}" style="font:11px sans-serif;background:#fff">']
    for index, (label, value) in enumerate(bars):
        y = 4 + index * row
        length = value / top_value * (width - left - right)
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{max(length, 1):.1f}" height="{row - 8}" fill="#1a73e8"/>'
                     f'<text x="{left + length + 4:.1f}" y="{y + 14}">{value:.1f}</text>')
    parts.append(f'<text x="{left}" y="{height - 4}" fill="#555">{escape(value_label)}</text></svg>')
    return "".join(parts)
