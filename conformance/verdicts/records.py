"""What a run's report supports writing into the catalogue, and the catalogue's text with it written
(`python -m conformance.expectations record`). Only the entries that change are touched: the rest of the
text (comments, order, layout) is kept line for line.

Where a behaviour's judgement failed (or found nothing recorded) and its verdict was decided, the record
is, on the report's platform:

- the neighbouring record widened to the run's version, when the build behaves as that neighbour (the
  same verdict, and for a contradiction the neighbour's departure matches the observation);
- else a record of its own for that version, after the record below it: a record of exactly that
  version is replaced, and a range that covers the version gets an exception of its own before it (the
  first record covering a version is the one that holds: verdicts/expectations.from_catalogue).

A contradiction is recorded with its departure in the canonical form: each contradicting check's reason,
its measured figures and paths free to vary (verdicts/expectations.reason_pattern)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace

from conformance.verdicts.expectations import (
    CONTRADICTED,
    departure_matches,
    version_key,
)

VERSION_SHAPE = re.compile(r"\d+(\.\d+)*")
PLATFORM_SHAPE = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Observed:
    """What a run saw of one behaviour, to be recorded."""
    behaviour: str
    version: str
    platform: str
    verdict: str
    departure: tuple[str, ...] = ()  # one pattern per contradicting check (empty when confirmed)
    observation: tuple[str, ...] = ()  # the contradicting checks' reasons
    seen: dict[str, int] | None = None  # a flaky behaviour (went both ways when run again): each verdict's count
    note: str | None = None  # kept from the record it replaces


@dataclass
class _Entry:
    start: int  # its [[behaviour.expect]] line
    end: int  # the line after its last key
    data: dict


@dataclass
class _Block:
    start: int
    end: int
    entries: list[_Entry]


def recorded(text: str, observed: Observed) -> tuple[str, str]:
    """(the catalogue text with `observed` recorded, what was done, in words)."""
    lines = text.splitlines(keepends=True)
    block = _blocks(text, lines)[observed.behaviour]
    key = version_key(observed.version)
    mine = [entry for entry in block.entries if entry.data.get("platform") in (None, observed.platform)]
    covering = next((entry for entry in mine if _covers(entry.data, key)), None)
    if covering is not None:
        where = _range(covering.data)
        if covering.data.get("since") == covering.data.get("until") == observed.version:
            lines[covering.start:covering.end] = _entry_lines(_keeping_what_still_holds(observed, covering.data))
            return "".join(lines), f"replaced the record of {where}"
        lines[covering.start:covering.start] = _entry_lines(observed)
        return "".join(lines), f"recorded {observed.version} apart, before the range {where} that covers it"
    below = max((entry for entry in mine if entry.data.get("until") and version_key(entry.data["until"]) < key),
                key=lambda entry: version_key(entry.data["until"]), default=None)
    above = min((entry for entry in mine if entry.data.get("since") and version_key(entry.data["since"]) > key),
                key=lambda entry: version_key(entry.data["since"]), default=None)
    for neighbour, bound in ((below, "until"), (above, "since")):
        if neighbour is not None and _behaves_as(neighbour.data, observed):
            before = _range(neighbour.data)
            _set_version(lines, neighbour, bound, observed.version)
            return "".join(lines), f"widened {before} to {observed.version}, which behaves as it"
    at = below.end if below else above.start if above else _end_of_entries(lines, block)
    lines[at:at] = _entry_lines(observed)
    return "".join(lines), f"recorded {observed.version} in a range of its own"


def _keeping_what_still_holds(observed: Observed, entry: dict) -> Observed:
    """A record replaced keeps its own departure where that still matches what was observed (a pattern
    written by hand says what may vary better than the canonical form does), and its note."""
    departure = entry.get("departure")
    patterns = (departure,) if isinstance(departure, str) else tuple(departure or ())
    if patterns and observed.observation and departure_matches(patterns, observed.observation):
        observed = replace(observed, departure=patterns)
    return replace(observed, note=entry.get("note"))


def _covers(entry: dict, key: tuple) -> bool:
    since, until = entry.get("since"), entry.get("until")
    return (not since or key >= version_key(since)) and (not until or key <= version_key(until))


def _behaves_as(entry: dict, observed: Observed) -> bool:
    verdicts = entry["verdict"] if isinstance(entry["verdict"], list) else [entry["verdict"]]
    if set(observed.seen or [observed.verdict]) != set(verdicts) if observed.seen else observed.verdict not in verdicts:
        return False
    if CONTRADICTED not in (observed.seen or [observed.verdict]):
        return True
    departure = entry.get("departure")
    patterns = (departure,) if isinstance(departure, str) else tuple(departure or ())
    return departure_matches(patterns, observed.observation)


def _range(entry: dict) -> str:
    return f"{entry.get('since') or '...'}..{entry.get('until') or '...'}"


def _set_version(lines: list[str], entry: _Entry, bound: str, version: str) -> None:
    for number in range(entry.start, entry.end):
        if re.match(rf"{bound}\s*=", lines[number]):
            lines[number] = f"{bound} = {toml_string(version)}\n"
            return
    raise AssertionError(f"no {bound} line in the record at line {entry.start + 1}")  # a neighbour has one


def _end_of_entries(lines: list[str], block: _Block) -> int:
    """Where a behaviour's first or next record goes: after its last line that is not blank."""
    end = block.end
    while end > block.start and not lines[end - 1].strip():
        end -= 1
    return end


def _entry_lines(observed: Observed) -> list[str]:
    lines = ["[[behaviour.expect]]", f"since = {toml_string(observed.version)}",
             f"until = {toml_string(observed.version)}", f"platform = {toml_string(observed.platform)}"]
    if observed.seen:
        lines += [f"verdict = [{', '.join(toml_string(verdict) for verdict in sorted(observed.seen))}]",
                  "seen = {" + ", ".join(f"{verdict} = {count}" for verdict, count in sorted(observed.seen.items())) + "}"]
    else:
        lines.append(f"verdict = {toml_string(observed.verdict)}")
    if len(observed.departure) == 1:
        lines.append(f"departure = {toml_string(observed.departure[0])}")
    elif observed.departure:
        lines += ["departure = ["] + [f"    {toml_string(pattern)}," for pattern in observed.departure] + ["]"]
    if observed.note:
        lines.append(f"note = {toml_string(observed.note)}")
    return [line + "\n" for line in lines]


def toml_string(value: str) -> str:
    """`value` as a TOML string: "..." as the catalogue writes plain values; a pattern with backslashes
    literal ('...'), so it reads as written; else a basic string, escaped where TOML requires it."""
    plain = not any(_needs_escape(char) for char in value)
    if plain and "\\" not in value and '"' not in value:
        return f'"{value}"'
    if plain and "'" not in value:
        return f"'{value}'"
    if plain and "'''" not in value and not value.endswith("'"):
        return f"'''{value}'''"
    escaped = "".join("\\\\" if char == "\\" else '\\"' if char == '"' else
                      f"\\u{ord(char):04x}" if _needs_escape(char) else char for char in value)
    return f'"{escaped}"'


def _needs_escape(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or code == 0x7F


def _blocks(text: str, lines: list[str]) -> dict[str, _Block]:
    """Each behaviour's lines and its records' lines, with the records' data (tomllib's). A record is
    its header and the lines right after it, up to a blank line, a comment or another table."""
    data = {entry["id"]: entry for entry in tomllib.loads(text).get("behaviour", [])}
    blocks: list[_Block] = []
    open_quote = None  # inside a multi-line string no line is a header, a comment or a blank
    for number, line in enumerate(lines):
        stripped = line.strip()
        record = blocks[-1].entries[-1] if blocks and blocks[-1].entries else None
        if open_quote is None and stripped == "[[behaviour]]":
            if blocks:
                blocks[-1].end = number
            blocks.append(_Block(number, len(lines), []))
        elif open_quote is None and stripped == "[[behaviour.expect]]":
            blocks[-1].entries.append(_Entry(number, number + 1, {}))
        elif record is not None and record.end == number and (
                open_quote is not None or (stripped and not stripped.startswith(("#", "[")))):
            record.end = number + 1
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 and open_quote in (None, quote):
                open_quote = None if open_quote == quote else quote
    by_id = {}
    for block in blocks:
        behaviour_id = next(match.group(1) for match in (re.match(r'id\s*=\s*"([^"]+)"', lines[number])
                                                         for number in range(block.start, block.end)) if match)
        for entry, values in zip(block.entries, data[behaviour_id].get("expect", []), strict=True):
            entry.data = values
        by_id[behaviour_id] = block
    return by_id


def is_recordable_version(version: str | None) -> bool:
    return bool(version and VERSION_SHAPE.fullmatch(version))


def is_recordable_platform(platform: str | None) -> bool:
    return bool(platform and PLATFORM_SHAPE.fullmatch(platform))
