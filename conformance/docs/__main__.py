"""python -m conformance.docs check DOC.rst [--target SPEC]   run the document's examples against a target
python -m conformance.docs write [REPORT.json ...] [--doc DOC.rst]   the document as each build deserves

`check` writes REPORTS_DIR/docs/check-DOC-TARGET.json; `write` reads conformance reports (sync-*.json) and
those check reports, and writes REPORTS_DIR/docs/DOC-VERSION.rst and .html per version and
DOC-across-versions.rst and .html, then refreshes REPORTS_DIR/index.html. See conformance/harness/target_specs.py
for SPEC.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from conformance.docs import check, write
from conformance.docs.document import DocumentError, read
from conformance.harness.command_line import run_command
from conformance.harness.target_specs import SPEC_HELP, add_launch_options, check_launch_options, choice_for, name_of
from conformance.reporting.index import write_index
from conformance.reporting.report_files import check_reports_dir
from fixtures.errors import SetupError
from fixtures.redaction import SECRETS
from fixtures.target import identity, open_target
from fixtures.untrusted import strict_json


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m conformance.docs",
                                     description="Verify a behaviour document against Sync, and write it as "
                                                 "each build deserves.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{check,write}")
    checking = commands.add_parser(
        "check", help="run the document's >>> examples against a live target",
        epilog=SPEC_HELP)
    checking.add_argument("document", type=Path, metavar="DOC.rst")
    checking.add_argument("--target", default="double", metavar="SPEC", help="what to run against (default: double)")
    checking.add_argument("--client", choices=("auto", "pybtsync", "adapter"), default="auto",
                          help="the document's btsync object: pybtsync's BTSync if installed (auto), or the "
                               "suite's adapter, which returns what the API answered")
    checking.add_argument("--reports-dir", type=Path, default=Path("reports"))
    checking.add_argument("--exit-code", action="store_true", help="exit 1 unless every example reproduces")
    add_launch_options(checking)
    writing = commands.add_parser("write", help="the document as it should read for each build, from reports")
    writing.add_argument("reports", nargs="*", type=Path, metavar="REPORT.json",
                         help="conformance and docs-check reports (default: those in --reports-dir)")
    writing.add_argument("--doc", type=Path, metavar="DOC.rst",
                         help="the document (default: the one the check reports ran)")
    writing.add_argument("--reports-dir", type=Path, default=Path("reports"))
    args = parser.parse_args(argv)
    if args.command == "check":
        check_launch_options(checking, args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    return run_command(lambda: run_check(args) if args.command == "check" else run_write(args),
                       interrupted="the target stopped, nothing written",
                       mistakes=(DocumentError, write.WriteError))


def run_check(args: argparse.Namespace) -> int:
    document = read(args.document)
    if not document.examples:
        raise DocumentError(f"{args.document}: no >>> examples to run")
    if args.client == "pybtsync" and importlib.util.find_spec("pybtsync") is None:
        raise SetupError("--client pybtsync: pybtsync is not installed; `pip install pybtsync` or leave out --client")
    check_reports_dir(args.reports_dir)
    choice = choice_for(args.target, "target", args.sync_api_key, args.allow_host_network, args.request_timeout)
    SECRETS.add(choice.api_key, "<api-key>")
    started = time.time()
    try:
        opened = open_target(choice)
    except SetupError as error:
        raise error.named("--target") from None
    try:
        version, api_version, platform = identity(opened)
        print(f"target: {opened.label}\ndocument: {args.document} ({len(document.examples)} examples)", flush=True)
        outcomes, client = check.run_examples(document, opened.target, prefer_pybtsync=args.client != "adapter")
    finally:
        opened.close()
    record = {
        "format": check.CHECK_FORMAT, "document": str(args.document.resolve()), "document_title": document.title,
        "target": SECRETS.text(opened.label), "target_slug": name_of(choice, version),
        "version": version, "api_version": api_version, "platform": platform,
        "is_double": opened.is_double, "double_switches": choice.double_switches if opened.is_double else None,
        "client": client, "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        "duration_s": round(time.time() - started, 1), "examples": [outcome.to_dict() for outcome in outcomes],
    }
    path = args.reports_dir / "docs" / f"check-{args.document.stem}-{record['target_slug']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(strict_json(SECRETS.value(record), indent=2))
    print(f"btsync: {client}")
    print("\n".join(check.summary_lines(outcomes)))
    print(f"report: {path}")
    every_example_reproduces = all(outcome.outcome == check.REPRODUCES for outcome in outcomes)
    return 1 if args.exit_code and not every_example_reproduces else 0


def run_write(args: argparse.Namespace) -> int:
    inputs = write.load_inputs(args.reports or write.default_inputs(args.reports_dir))
    document_path = args.doc or inputs.document_path()
    written = write.write_documents(read(document_path), inputs, args.reports_dir / "docs")
    index = write_index(args.reports_dir)
    for path in written:
        print(f"  {path}")
    print(f"  {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
