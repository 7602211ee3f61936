"""python -m conformance.fold [--reports-dir reports] [--output reports/index.html]
python -m conformance.fold diff OLD.json NEW.json [--html FILE] [--exit-code]
python -m conformance.fold page REPORT.json [--output FILE]

The command around conformance/reporting/: the index across versions, what changed between two runs,
and a run's page rendered again from its JSON alone."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.reporting.index import (
    FoldError,
    diff,
    diff_html,
    diff_text,
    load_differentials,
    load_run,
    load_runs,
    write_index,
)
from conformance.reporting.run_page import MalformedReport, page_html


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["diff"]:
            return _diff_command(argv[1:])
        if argv[:1] == ["page"]:
            return _page_command(argv[1:])
        return _index_command(argv)
    except FoldError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2


def _index_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.fold",
                                     description="Fold reports/sync-*.json into reports/index.html "
                                                 "(or: python -m conformance.fold diff OLD.json NEW.json)")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"))
    parser.add_argument("--output", type=Path, help="default: REPORTS_DIR/index.html")
    args = parser.parse_args(argv)
    runs = load_runs(args.reports_dir)
    if not runs and not load_differentials(args.reports_dir):
        raise FoldError(f"no sync-*.json reports in {args.reports_dir}; run `python -m pytest conformance` "
                        f"first, or pass --reports-dir DIR")
    output = write_index(args.reports_dir, args.output)
    print(f"{len(runs)} runs folded into {output}: {', '.join(run.label for run in runs)}")
    for is_double in (False, True):
        same_kind = [run for run in runs if run.is_double == is_double]
        for older, newer in zip(same_kind, same_kind[1:]):
            found = diff(older, newer)
            print(f"  {older.label} -> {newer.label}: {len(found.changed)} verdicts changed, "
                  f"{len(found.reshaped)} answers changed, {len(found.added)} added, {len(found.removed)} removed")
    return 0


def _diff_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.fold diff",
                                     description="What changed between two runs (text; --html for a page)")
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the diff as an HTML page")
    parser.add_argument("--exit-code", action="store_true", help="exit 1 when anything changed")
    args = parser.parse_args(argv)
    found = diff(load_run(args.old), load_run(args.new))
    print(diff_text(found))
    if args.html:
        try:
            args.html.write_text(diff_html(found))
        except OSError as error:
            raise FoldError(f"{args.html}: cannot write it ({error.strerror})") from None
    return 1 if args.exit_code and not found.empty else 0


def _page_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.fold page",
                                     description="A run's HTML page, rendered again from its JSON report alone")
    parser.add_argument("report", type=Path, metavar="REPORT.json")
    parser.add_argument("--output", type=Path, metavar="FILE", help="default: REPORT.page.html beside it")
    args = parser.parse_args(argv)
    document = load_run(args.report).document
    output = args.output or args.report.with_suffix(".page.html")
    try:
        page = page_html(document)
    except MalformedReport as error:
        raise FoldError(f"{args.report}: {error}; render only the JSON the suite writes") from None
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as error:
        raise FoldError(f"{output}: cannot write it ({error.strerror})") from None
    print(f"{args.report} rendered to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
