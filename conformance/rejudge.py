"""python -m conformance.rejudge REPORT.json... [--catalogue FILE | --baseline FILE | --expectations none]
    [--allow-undecided IDS] [--reports-dir reports/rejudged]

A run's judgements again, from its report alone, with no target: a judgement is a function of the
report's verdicts and observations (each contradicting check's reason) and of the expectations, so after a
catalogue edit, or against another baseline, the report is judged again and its page rendered again. The
verdicts and evidence are the run's and stay untouched; the terminal lines and the exit status are those a
run of that build against those expectations gives (0, 1 when a behaviour fails its judgement, 2 for a run
that was interrupted).

Judged against the suite's catalogue unless told otherwise; a run that was judged against a baseline is
judged against the same baseline file again, and a double whose switches were set by hand against none,
as a run would be. The report's own --allow-undecided holds, with any given here. The rejudged report
goes to REPORTS_DIR under the same name (the original, the run's record, is never replaced).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from conformance.harness.command_line import run_command
from conformance.reporting.document import judgement_fields
from conformance.reporting.index import load_run
from conformance.reporting.report_files import check_reports_dir
from conformance.reporting.run_page import MalformedReport, page_html
from conformance.reporting.terminal import exit_status, summary_lines
from conformance.verdicts import catalogue as catalogue_module
from conformance.verdicts import expectations as expectations_module
from fixtures.untrusted import printable


class RejudgeError(Exception):
    pass


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m conformance.rejudge",
                                     description="Judge runs' reports again against the catalogue (or a baseline), "
                                                 "with no target, and render their pages again")
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    against = parser.add_mutually_exclusive_group()
    against.add_argument("--catalogue", type=Path, metavar="FILE", help="default: the suite's catalogue.toml")
    against.add_argument("--baseline", type=Path, metavar="FILE", help="an earlier complete run's JSON report")
    against.add_argument("--expectations", choices=("catalogue", "none"),
                         help="none: every behaviour must be confirmed (documentation verification)")
    parser.add_argument("--allow-undecided", action="append", default=[], metavar="IDS",
                        help="behaviour ids (comma-separated) or all, besides those the run accepted")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports/rejudged"),
                        help="where the rejudged JSON and HTML go (default reports/rejudged)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    return run_command(lambda: rejudge_reports(args), interrupted="reports already judged again are written",
                       mistakes=(RejudgeError,))


def rejudge_reports(args: argparse.Namespace) -> int:
    catalogue = _catalogue(args.catalogue)
    check_reports_dir(args.reports_dir)
    statuses = []
    for path in args.reports:
        document = load_run(path).document
        output = args.reports_dir / path.name
        if output.resolve() == path.resolve():
            raise RejudgeError(f"{path}: the rejudged report would replace it (the run's own record); pass "
                               f"another --reports-dir")
        try:
            again = judged_again(document, _expectations(args, document, catalogue),
                                 _allowed(args, document, catalogue), catalogue)
        except (KeyError, TypeError, AttributeError) as error:
            raise RejudgeError(f"{path}: a part of the report is missing or malformed ({error}); judge only "
                               f"the JSON the suite writes") from None
        again["run_info"]["rejudged"] = {"report": path.name, "was_judged_against": document["run_info"]["expectations"],
                                         "catalogue": str(args.catalogue) if args.catalogue else "the suite's",
                                         "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        written = _write(again, output)
        print(printable(f"{path}: judged again against {again['run_info']['expectations']}"))
        for line, _ in summary_lines(again, written, None):
            print(printable(line))
        for line in changes(document, again):
            print(printable(line))
        statuses.append(exit_status(again))
    return max(statuses)


def judged_again(document: dict, expectations: expectations_module.Expectations, allowed: frozenset[str],
                 catalogue: dict) -> dict:
    """The document with every behaviour judged again (its verdict, reason and evidence unchanged)."""
    version = document["run_info"]["version"]
    results = []
    for item in document["results"]:
        if item["behaviour"] not in catalogue:
            raise RejudgeError(f"behaviour {item['behaviour']} of the report is not in the catalogue; pass the "
                               f"catalogue the run was made with (--catalogue FILE)")
        judgement = expectations.judge(item["behaviour"], item["verdict"], item["evidence"], allowed,
                                       item.get("reruns") or (), item.get("unconfirmed"))
        results.append({**item, **judgement_fields(item["behaviour"], version, item["verdict"], judgement)})
    info = {**document["run_info"], "expectations": expectations.label}
    return {**document, "run_info": info, "results": results}


def changes(before: dict, after: dict) -> list[str]:
    """One line per behaviour whose judgement changed, and a count."""
    was = {item["behaviour"]: item["judgement"] for item in before["results"]}
    lines = [f"  changed: {item['behaviour']}: {was.get(item['behaviour'])} -> {item['judgement']}"
             for item in after["results"] if was.get(item["behaviour"]) != item["judgement"]]
    return lines + [f"{len(lines)} of {len(after['results'])} judgements changed"]


def _catalogue(path: Path | None) -> dict:
    try:
        return catalogue_module.load(path or catalogue_module.CATALOGUE_PATH)
    except ValueError as error:
        raise RejudgeError(f"--catalogue: {error}; fix the file or leave out --catalogue" if path
                           else f"the suite's catalogue is broken: {error}") from None


def _expectations(args: argparse.Namespace, document: dict, catalogue: dict) -> expectations_module.Expectations:
    """What a run of the report's build with these options would be judged against."""
    info = document["run_info"]
    options = info["options"]
    told = args.catalogue or args.baseline or args.expectations
    baseline = args.baseline or (None if told else options.get("baseline"))
    mode = args.expectations or ("catalogue" if told else options.get("expectations") or "catalogue")
    try:
        return expectations_module.expectations_for(
            mode, catalogue, info["version"], info["target_platform"],
            baseline_file=str(baseline) if baseline else None,
            imitates_no_build=info["target_kind"] == "reference-double" and options.get("double_switches") != "observed")
    except expectations_module.BaselineError as error:
        raise RejudgeError(str(error)) from None


def _allowed(args: argparse.Namespace, document: dict, catalogue: dict) -> frozenset[str]:
    try:
        return expectations_module.allowed_undecided(
            list(document["run_info"]["options"].get("allow_undecided") or []) + args.allow_undecided, catalogue)
    except ValueError as error:
        raise RejudgeError(str(error)) from None


def _write(document: dict, output: Path) -> list[Path]:
    html = output.with_suffix(".html")
    try:
        page = page_html(document)
    except MalformedReport as error:
        raise RejudgeError(f"{output.name}: {error}; judge only the JSON the suite writes") from None
    try:
        output.write_text(json.dumps(document, indent=2), encoding="utf-8")
        html.write_text(page, encoding="utf-8")
    except OSError as error:
        raise RejudgeError(f"{output.parent}: cannot write the rejudged report there ({error.strerror})") from None
    return [output, html]


if __name__ == "__main__":
    sys.exit(main())
