"""A differential run's report: JSON for tools, HTML (templates/differential.html.j2) for people, both
redacted, and the index (reports/index.html) folded again so it links them."""
from __future__ import annotations

import time
from pathlib import Path

from conformance.differential.compare import KINDS
from conformance.differential.engine import Differential, Finding
from conformance.reporting import pages
from conformance.reporting.index import write_index
from fixtures.redaction import SECRETS
from fixtures.untrusted import strict_json

FORMAT = 1


def reproduced(run: Differential) -> list[Finding]:
    return [finding for finding in run.findings.values() if finding.reproducer is not None]


def document(run: Differential, seed: int, started: float, isolation: list[str]) -> dict:
    def finding_record(finding: Finding) -> dict:
        record = {**finding.difference.to_dict(), "occurrences": finding.occurrences, "replays": finding.replays,
                  "first_seen_in": [step.to_dict() for step in finding.seen_in]}
        played = finding.reproducer
        if played is not None:
            record["reproducer"] = [
                {"request": step.describe(), "step": step.to_dict(), "a": pair[0].to_dict(), "b": pair[1].to_dict(),
                 "differences": [difference.key for difference in found]}
                for step, pair, found in zip(played.steps, played.answers, played.differences)]
            record["may_follow_from"] = finding.earlier_keys()
        return record

    shown = sorted(run.findings.values(), key=lambda finding: (KINDS.index(finding.difference.kind), finding.key))
    return {
        "format": FORMAT,
        "a": run.a.label, "b": run.b.label, "a_slug": run.a.slug, "b_slug": run.b.slug,
        "isolation": isolation, "seed": seed, "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
        "duration_s": round(time.time() - started, 1), "requests": run.explored[0], "sequences": run.explored[1],
        "replayed": {"requests": run.requests - run.explored[0], "sequences": run.sequences - run.explored[1]},
        "restarts": {"a": run.a.restarts, "b": run.b.restarts},
        "differences": [finding_record(finding) for finding in shown if finding.reproducer is not None],
        "not_reproduced": [finding_record(finding) for finding in shown if finding.reproducer is None],
        "disturbed_sequences": run.disturbed,
        "compared": run.compared, "asked": run.asked, "min_coverage": run.min_coverage, "outcome": outcome(run),
    }


NOT_COMPARED, DIFFERENT, NO_DIFFERENCE = "not compared", "differences", "no difference"


def outcome(run: Differential) -> str:
    """'not compared' when undisturbed sequences compared fewer requests than the coverage asked for
    (a comparison that compared nothing is no 'no difference'); else whether any difference reproduced."""
    if run.compared < run.min_coverage * run.asked:
        return NOT_COMPARED
    return DIFFERENT if reproduced(run) else NO_DIFFERENCE


def write(run: Differential, reports_dir: Path, seed: int, started: float, isolation: list[str]) -> list[Path]:
    record = SECRETS.value(document(run, seed, started, isolation))
    directory = reports_dir / "differential"
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"{run.a.slug}-vs-{run.b.slug}"
    json_path, html_path = Path(f"{stem}.json"), Path(f"{stem}.html")
    json_path.write_text(strict_json(record))
    html_path.write_text(SECRETS.text(page(record)))
    return [json_path, html_path, write_index(reports_dir)]


def page(record: dict) -> str:
    groups = {kind: [item for item in record["differences"] if item["kind"] == kind] for kind in KINDS}
    return pages.render("differential.html.j2", run=record,
                        groups={kind: items for kind, items in groups.items() if items})


def summary(run: Differential) -> str:
    found = reproduced(run)
    disturbed_keys = sorted({key for sequence in run.disturbed for key in sequence["differences"]})
    lines = []
    if outcome(run) == NOT_COMPARED:
        lines.append(f"NOT COMPARED: only {run.compared} of the {run.asked} requests asked for were compared on "
                     f"undisturbed sequences (at least {run.min_coverage:.0%} needed); the targets were paused, "
                     f"slow or silent: see the disturbed sequences")
    lines.append(f"{run.compared} requests compared on undisturbed sequences; {len(found)} differences reproduced"
                 + (f", {len(run.findings) - len(found)} seen once and not again" if len(run.findings) > len(found) else "")
                 + (f"; {len(run.disturbed)} sequences disturbed (pause, hang, slow answer), counting for nothing, "
                    f"{len(disturbed_keys)} differences seen in them" if run.disturbed else ""))
    for finding in sorted(found, key=lambda finding: (KINDS.index(finding.difference.kind), finding.key)):
        lines.append(f"  {SECRETS.text(finding.key)}  ({len(finding.reproducer.steps)} steps)")
    return "\n".join(lines)
