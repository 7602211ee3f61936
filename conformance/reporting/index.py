"""The index across versions (index.html) from every run's JSON report, and the diff of two runs
(the command is conformance/fold.py).

The index is a matrix, behaviours by runs (versions in version order, each build's reference-double run
after it), each cell the verdict and its judgement, linking to its evidence in that run's HTML report. A
cell is marked where the verdict or the departure differs from the previous run of the same kind (build
or double), and, where both are the same but the answers' fingerprints differ, as "answers changed".
Each behaviour names the runs where its verdict or departure changed. Filters (kind, changing rows,
failing judgements) are fragments of the page's address, so a filtered view can be linked.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from conformance.reporting import pages, plots
from conformance.reporting.document import FORMAT
from conformance.reporting.run_page import behaviour_anchor
from conformance.verdicts.expectations import reason_shape, version_key
from conformance.verdicts.fingerprint import describe_changes

VERDICT_MARKS = {"confirmed": "\u2714 confirmed", "contradicted": "\u2718 contradicted",
                 "inconclusive": "? inconclusive"}


class FoldError(Exception):
    pass


@dataclass
class Run:
    path: Path
    info: dict
    results: dict[str, dict]  # by behaviour id, in the report's order

    @property
    def document(self) -> dict:
        return {"format": FORMAT, "run_info": self.info, "results": list(self.results.values())}

    @property
    def is_double(self) -> bool:
        return self.info.get("target_kind") == "reference-double"

    @property
    def is_partial(self) -> bool:
        """A run cut short or of a selection: shown, marked, and never the version's run to compare with."""
        return not self.info.get("complete", True)

    @property
    def label(self) -> str:
        kinds = [kind for kind, holds in (("double", self.is_double), ("partial", self.is_partial)) if holds]
        return str(self.info.get("version")) + (f" ({', '.join(kinds)})" if kinds else "")

    @property
    def sort_key(self) -> tuple:
        return (version_key(self.info.get("version")), self.is_double, self.is_partial,
                str(self.info.get("started")))

    @property
    def html_name(self) -> str | None:
        html = self.path.with_suffix(".html")
        return html.name if html.exists() else None

    def duration_s(self) -> float | None:
        try:
            started, finished = (datetime.strptime(self.info[key], "%Y-%m-%dT%H:%M:%SZ") for key in ("started", "finished"))
        except (KeyError, TypeError, ValueError):
            return None
        return (finished - started).total_seconds()


def load_run(path: Path) -> Run:
    try:
        document = json.loads(path.read_text())
    except OSError as error:
        raise FoldError(f"{path}: cannot read it ({error.strerror})") from None
    except ValueError as error:
        raise FoldError(f"{path}: not JSON ({error}); delete it or run the suite again to rewrite it") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FoldError(f"{path}: not a {FORMAT} report; fold only the JSON the suite writes "
                        f"(reports/sync-<version>.json)")
    return Run(path, document["run_info"], {item["behaviour"]: item for item in document["results"]})


def load_runs(directory: Path) -> list[Run]:
    """Every run's report, complete (sync-<version>.json) and partial (.partial.json), in version order."""
    return sorted((load_run(path) for path in sorted(directory.glob("sync-*.json"))), key=lambda run: run.sort_key)


def behaviour_fingerprint(result: dict | None) -> str | None:
    """One digest over the fingerprints of a behaviour's checks."""
    if result is None:
        return None
    digests = sorted(f"{check['check']}={check['evidence'].get('fingerprint', {}).get('digest')}"
                     for check in result["evidence"])
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()[:12]


def signatures(result: dict) -> set[str]:
    return {signature for check in result["evidence"]
            for signature in check["evidence"].get("fingerprint", {}).get("signatures", [])}


# -- the diff of two runs -------------------------------------------------------------------------------
@dataclass
class Diff:
    old: Run
    new: Run
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, dict, dict]]   # verdict changed
    reshaped: list[tuple[str, set, set]]    # same verdict, answers changed: (id, signatures gone, new ones)
    reasoned: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # same verdict, reasons changed

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.reshaped or self.reasoned)


def diff(old: Run, new: Run) -> Diff:
    changed, reshaped, reasoned = [], [], []
    for behaviour in new.results:
        if behaviour not in old.results:
            continue
        before, after = old.results[behaviour], new.results[behaviour]
        if before["verdict"] != after["verdict"]:
            changed.append((behaviour, before, after))
        elif behaviour_fingerprint(before) != behaviour_fingerprint(after):
            reshaped.append((behaviour, signatures(before) - signatures(after), signatures(after) - signatures(before)))
        elif reasons := changed_reasons(before, after):
            reasoned.append((behaviour, reasons))
    return Diff(old, new, [b for b in new.results if b not in old.results],
                [b for b in old.results if b not in new.results], changed, reshaped, reasoned)


def changed_reasons(before: dict, after: dict) -> list[tuple[str, str]]:
    """(was, now) for each check whose reason says something else now; numbers and paths, which vary
    from run to run of one build, are left out of the comparison."""
    was = {check["check"]: check.get("reason", "") for check in before.get("evidence", [])}
    now = {check["check"]: check.get("reason", "") for check in after.get("evidence", [])}
    return [(was[check], now[check]) for check in sorted(set(was) & set(now))
            if reason_shape(was[check]) != reason_shape(now[check])]


def diff_text(found: Diff) -> str:
    lines = [f"{found.old.label} ({found.old.path.name}) -> {found.new.label} ({found.new.path.name})"]
    if found.empty:
        return lines[0] + "\nno change: same behaviours, same verdicts, same answers, same reasons"
    if found.changed:
        lines.append(f"verdict changed ({len(found.changed)}):")
        for behaviour, before, after in found.changed:
            lines += [f"  {behaviour}: {before['verdict']} -> {after['verdict']}",
                      f"    was: {before['reason'][:200]}", f"    now: {after['reason'][:200]}"]
    if found.reshaped:
        lines.append(f"same verdict, answers changed ({len(found.reshaped)}):")
        for behaviour, gone, new in found.reshaped:
            lines.append(f"  {behaviour}:")
            lines += [f"    {line[:600]}" for line in describe_changes(gone, new)]
    if found.reasoned:
        lines.append(f"same verdict, reasons changed ({len(found.reasoned)}):")
        for behaviour, reasons in found.reasoned:
            lines.append(f"  {behaviour}:")
            for was, now in reasons:
                lines += [f"    was: {was[:200]}", f"    now: {now[:200]}"]
    for title, names in (("added", found.added), ("removed", found.removed)):
        if names:
            lines.append(f"{title} ({len(names)}): {', '.join(names)}")
    return "\n".join(lines)


def diff_html(found: Diff) -> str:
    return pages.render("diff.html.j2", old=found.old.label, new=found.new.label,
                        text=diff_text(found))


# -- the index ------------------------------------------------------------------------------------------
RUN_COLUMNS = ("run", "API version", "target", "platform", "sha256", "suite", "seed", "started", "run time",
               "confirmed / contradicted / inconclusive", "reports")
# A judgement's mark beside the verdict: what the report reader tells apart at a glance
JUDGEMENT_MARKS = {"as expected": "as expected", "expected departure": "\u2248 expected departure",
                   "regression": "\u25bc REGRESSION", "departs differently": "\u2260 DEPARTS DIFFERENTLY",
                   "stale": "\u25b2 STALE", "fixed": "\u25b2 FIXED", "not judged": "? NOT JUDGED",
                   "not recorded": "\u2205 NOT RECORDED", "flaky": "~ flaky (neither failing nor met)"}
KINDS = ("documented-quirk", "api-contract", "observed-undocumented")
# The filters of the behaviours table, without a script: every combination is a fragment (#kind-..._...)
FILTERS = {"kind": ("all",) + KINDS, "rows": ("all", "changing"), "judgements": ("all", "failing")}


def departure_shape(result: dict) -> tuple[str, ...]:
    """What a contradicted behaviour's checks said, figures and paths folded: two runs that depart the same
    way have the same shape."""
    if result["verdict"] != "contradicted":
        return ()
    return tuple(sorted({reason_shape(check.get("reason") or "") for check in result["evidence"]
                         if check.get("verdict", "contradicted") == "contradicted"}))


def _cells(runs: list[Run], behaviour: str) -> tuple[list[dict | None], list[str], str | None]:
    """The row's cells (None where the run did not decide it), the labels of the runs where its verdict
    or its departure changed, and of the first run whose answers did."""
    previous: dict[bool, dict | None] = {}
    cells, changes, first_answer_change = [], [], None
    for run in runs:
        result = run.results.get(behaviour)
        before = None if run.is_partial else previous.get(run.is_double)  # a partial run is compared with none
        if not run.is_partial:
            previous[run.is_double] = result if result is not None else before
        if result is None:
            cells.append(None)
            continue
        judgement = result.get("judgement") or "not judged"
        classes = [f"v-{result['verdict']}", f"j-{judgement.replace(' ', '-')}"] + ["partial"] * run.is_partial
        if result.get("fails"):
            classes.append("fails")
        if before is not None and before["verdict"] != result["verdict"]:
            classes.append("changed")
            changes.append(run.label)
        elif before is not None and departure_shape(before) != departure_shape(result):
            classes.append("departed")
            changes.append(run.label)
        elif before is not None and behaviour_fingerprint(before) != behaviour_fingerprint(result):
            classes.append("reshaped")
            first_answer_change = first_answer_change or run.label
        accepted = " (accepted)" if result.get("accepted_undecided") else ""
        cells.append({
            "classes": " ".join(classes), "text": VERDICT_MARKS.get(result["verdict"], result["verdict"]),
            "judgement": JUDGEMENT_MARKS.get(judgement, judgement) + accepted,
            "title": f"{result['verdict']} ({judgement}{accepted}): {result.get('explanation') or result['reason']}"[:400],
            "link": f"{run.html_name}#{behaviour_anchor(behaviour)}" if run.html_name else None})
    return cells, changes, first_answer_change


def filter_views() -> list[dict]:
    """Every combination of the filters: its fragment, and for each filter's choices the fragment that
    changes only that filter (the links a view shows)."""
    names = list(FILTERS)
    combinations = [{}]
    for name in names:
        combinations = [{**chosen, name: choice} for chosen in combinations for choice in FILTERS[name]]

    def fragment(chosen: dict) -> str:
        return "view-" + "_".join(chosen[name] for name in names)
    return [{"id": fragment(chosen), "chosen": chosen, "default": all(choice == "all" for choice in chosen.values()),
             "links": [(name, [(choice, fragment({**chosen, name: choice}), choice == chosen[name])
                               for choice in FILTERS[name]]) for name in names]}
            for chosen in combinations]


def filter_css(views: list[dict]) -> str:
    """Each view hides the rows its filters leave out and shows its own links."""
    rules = []
    for view in views:
        target = f"#{view['id']}:target ~"
        rules.append(f"{target} .filters .f-{view['id']}{{display:block}}")
        chosen = view["chosen"]
        hidden = ([f"tr:not(.kind-{chosen['kind']})"] if chosen["kind"] != "all" else []) + \
            (["tr:not(.changing)"] if chosen["rows"] == "changing" else []) + \
            (["tr:not(.failing)"] if chosen["judgements"] == "failing" else [])
        rules += [f"{target} table.behaviours tbody {selector}{{display:none}}" for selector in hidden]
    return "\n".join(rules)


def _run_row(run: Run) -> dict:
    info = run.info
    counts = {verdict: sum(1 for item in run.results.values() if item["verdict"] == verdict) for verdict in VERDICT_MARKS}
    duration = run.duration_s()
    return {
        "label": run.label, "api_version": info.get("api_version") or "", "version_mismatch": info.get("version_mismatch"),
        "target_kind": info.get("target_kind") or "", "platform": info.get("target_platform") or "",
        "sha256": (info.get("binary_sha256") or "")[:16],
        "suite": f"{info.get('suite_version') or ''} {info.get('suite_commit') or ''}",
        "seed": info.get("hypothesis_seed") or "", "started": info.get("started") or "",
        "run_time": f"{duration:.0f} s" if duration is not None else "",
        "counts": " / ".join(str(counts[verdict]) for verdict in VERDICT_MARKS),
        "links": [(name, name.rsplit(".", 1)[1]) for name in (run.path.name, run.html_name, run.path.with_suffix(".xml").name)
                  if name and (run.path.parent / name).exists()]}


def _load_records(directory: Path, is_record) -> list[dict]:
    """The JSON records of one command under `directory` (those `is_record` accepts), each with its page
    beside it, newest first."""
    found = []
    for path in sorted(directory.glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and is_record(record):
            found.append({**record, "html": f"{directory.name}/{path.name[:-len('.json')]}.html"})
    return sorted(found, key=lambda record: record.get("started", ""), reverse=True)


def load_differentials(directory: Path) -> list[dict]:
    """The differential runs' JSON reports (reports/differential/*.json)."""
    return _load_records(directory / "differential", lambda record: "differences" in record)


def load_stability(directory: Path) -> list[dict]:
    """The stability runs' JSON (reports/verify/*.json, `python -m conformance.verify`)."""
    return _load_records(directory / "verify", lambda record: isinstance(record.get("tally"), dict))


def load_documents(directory: Path) -> list[str]:
    """The written documents (reports/docs/*.html, `python -m conformance.docs write`), across versions first."""
    names = sorted(path.name for path in (directory / "docs").glob("*.html"))
    return sorted(names, key=lambda name: not name.endswith("-across-versions.html"))


def write_index(reports_dir: Path, output: Path | None = None) -> Path:
    output = output or reports_dir / "index.html"
    try:
        output.write_text(index_html(load_runs(reports_dir), load_differentials(reports_dir),
                                     load_documents(reports_dir), load_stability(reports_dir)))
    except OSError as error:
        raise FoldError(f"{output}: cannot write it ({error.strerror}); pass --output FILE") from None
    return output


def index_html(runs: list[Run], differentials: list[dict] = (), documents: list[str] = (),
               stability_runs: list[dict] = ()) -> str:
    behaviours = list(dict.fromkeys(behaviour for run in reversed(runs) for behaviour in run.results))
    rows = []
    for behaviour in behaviours:
        cells, changes, first_answers = _cells(runs, behaviour)
        newest = next(run.results[behaviour] for run in reversed(runs) if behaviour in run.results)
        classes = [f"kind-{newest.get('kind')}"] + ["changing"] * bool(changes) + \
            ["failing"] * any(cell and "fails" in cell["classes"].split() for cell in cells)
        rows.append({"behaviour": behaviour, "statement": newest["statement"], "cells": cells, "changes": changes,
                     "first_answers": first_answers, "classes": " ".join(classes)})
    durations = [(run.label, run.duration_s()) for run in runs if run.duration_s() is not None]
    views = filter_views()
    return pages.render(
        "index.html.j2", run_columns=RUN_COLUMNS, runs=[_run_row(run) for run in runs],
        rows=rows, changed_rows=sum(1 for row in rows if row["changes"]), differentials=list(differentials),
        documents=list(documents), stability_runs=list(stability_runs), run_time_chart=plots.bar_chart(durations, "seconds per conformance run"),
        views=views, filter_css=filter_css(views))
