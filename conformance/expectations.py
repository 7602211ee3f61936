"""python -m conformance.expectations record REPORT.json... [--catalogue FILE] [--dry-run]

Writes into the catalogue what runs' reports support: for each behaviour whose judgement against the
catalogue fails (a regression, a fix, a departure of another kind, nothing recorded for the version or
the platform), the record the run's verdict supports, on the run's platform (conformance/verdicts/
records.py says which: a neighbour widened, or a range of its own). Only those records change; the diff
is printed, and with --dry-run nothing is written. Afterwards the same reports are judged again against
the new catalogue, and every behaviour recorded must pass: a rerun of the same build passes, a different
build is still judged.

Refused, naming why: a partial run (it cannot say what the rest did), a double whose switches were set
by hand (it imitates no build), the double into the suite's own catalogue (which records real builds:
pass --catalogue FILE of your own), a report with no version number or no platform. A behaviour left
inconclusive has nothing to record, and is named.
"""
from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from conformance.harness.command_line import run_command
from conformance.reporting.index import load_run
from conformance.verdicts import catalogue as catalogue_module
from conformance.verdicts import records
from conformance.verdicts.expectations import (
    CONTRADICTED,
    FAILING,
    FLAKY,
    INCONCLUSIVE,
    expectations_for,
    observation_of,
    reason_pattern,
)
from fixtures.untrusted import printable


class RecordError(Exception):
    pass


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m conformance.expectations",
                                     description="Keep the catalogue's expectations up to date from runs' reports")
    commands = parser.add_subparsers(dest="command", required=True, metavar="record")
    record = commands.add_parser("record", help="write what reports support into the catalogue",
                                 description="Write into the catalogue what runs' reports support, for each "
                                             "behaviour whose judgement failed or found nothing recorded")
    record.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    record.add_argument("--catalogue", type=Path, metavar="FILE", help="default: the suite's catalogue.toml")
    record.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    return run_command(lambda: record_reports(args), interrupted="the catalogue is unchanged",
                       mistakes=(RecordError,))


def record_reports(args: argparse.Namespace) -> int:
    path = args.catalogue or catalogue_module.CATALOGUE_PATH
    before = _read(path)
    text = before
    documents = []
    for report in args.reports:
        document = load_run(report).document
        documents.append((report, document))
        for observed_behaviour in to_record(report, document, _parsed(text, path), own_catalogue=bool(args.catalogue)):
            text, done = records.recorded(text, observed_behaviour)
            seen = observed_behaviour.seen
            verdict = (f"flaky: {', '.join(f'{name} {count}' for name, count in seen.items())}" if seen
                       else observed_behaviour.verdict)
            print(printable(f"{report.name}: {observed_behaviour.behaviour} ({verdict} on "
                            f"{observed_behaviour.version} {observed_behaviour.platform}): {done}"))
    _check_recorded(documents, _parsed(text, path), path)
    if text == before:
        print(f"nothing to record: every behaviour of {len(documents)} report(s) meets {path}")
        return 0
    sys.stdout.writelines(printable(line.rstrip("\n")) + "\n" for line in difflib.unified_diff(
        before.splitlines(keepends=True), text.splitlines(keepends=True), str(path), str(path)))
    if args.dry_run:
        print(f"--dry-run: {path} is unchanged")
        return 0
    _write(path, text)
    print(f"{path} written; judged again against it, every behaviour recorded meets it")
    return 0


def to_record(report: Path, document: dict, catalogue: dict, own_catalogue: bool) -> list[records.Observed]:
    """What the report supports recording: each decided behaviour whose judgement against `catalogue`
    fails; RecordError where the report supports nothing."""
    info = document["run_info"]
    options = info.get("options") or {}
    is_double = info.get("target_kind") == "reference-double"
    if not info.get("complete"):
        raise RecordError(f"{report}: a partial run ({info.get('selection') or info.get('interrupted') or 'not complete'}), "
                          f"which cannot say what the behaviours it left out do; record a complete run's report")
    if is_double and options.get("double_switches") != "observed":
        raise RecordError(f"{report}: the double with switches set by hand ({options.get('double_switches')}) imitates "
                          f"no build; record a build's report, or the double's as observed")
    if is_double and not own_catalogue:
        raise RecordError(f"{report}: a run of the reference double; the suite's catalogue records real builds, so "
                          f"pass --catalogue FILE of your own to record the double's run")
    version, platform = info.get("version"), info.get("target_platform")
    if not records.is_recordable_version(version):
        raise RecordError(f"{report}: version {version!r} is not a version number, so no range can hold it")
    if not records.is_recordable_platform(platform):
        raise RecordError(f"{report}: the run names no platform it can be recorded on ({platform!r})")
    expectations = expectations_for("catalogue", catalogue, version, platform)
    observed = []
    for item in document["results"]:
        if item["behaviour"] not in catalogue:
            raise RecordError(f"{report}: behaviour {item['behaviour']} is not in the catalogue; record into the "
                              f"catalogue the run was made with")
        reruns = item.get("reruns") or []
        judgement = expectations.judge(item["behaviour"], item["verdict"], item["evidence"], frozenset(), reruns)
        if judgement.kind == FLAKY:  # recorded as going either way, with how often each way was seen
            attempts = [item] + reruns
            seen = Counter(attempt["verdict"] for attempt in attempts if attempt["verdict"] != INCONCLUSIVE)
            departing = next(attempt for attempt in attempts if attempt["verdict"] == CONTRADICTED)
            observation = observation_of(departing["evidence"])
            observed.append(records.Observed(item["behaviour"], version, platform, CONTRADICTED,
                                             tuple(reason_pattern(reason) for reason in observation), observation,
                                             dict(seen)))
            continue
        if not judgement.fails:
            continue
        if item["verdict"] == INCONCLUSIVE:
            print(printable(f"{report.name}: {item['behaviour']}: inconclusive, nothing to record "
                            f"({item['reason'][:200]})"))
            continue
        observation = observation_of(item["evidence"]) if item["verdict"] == CONTRADICTED else ()
        observed.append(records.Observed(item["behaviour"], version, platform, item["verdict"],
                                         tuple(reason_pattern(reason) for reason in observation), observation))
    return observed


def _check_recorded(documents: list[tuple[Path, dict]], catalogue: dict, path: Path) -> None:
    """Every decided behaviour of every report meets the catalogue as recorded (else nothing is written)."""
    for report, document in documents:
        info = document["run_info"]
        expectations = expectations_for("catalogue", catalogue, info["version"], info["target_platform"])
        unmet = [item["behaviour"] for item in document["results"] if item["verdict"] != INCONCLUSIVE
                 and expectations.judge(item["behaviour"], item["verdict"], item["evidence"], frozenset(),
                                        item.get("reruns") or ()).kind in FAILING + (FLAKY,)]
        if unmet:
            raise RecordError(f"{report}: {', '.join(unmet)} would still fail against the records written (two "
                              f"reports of one version that disagree?); {path} is unchanged")


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"--catalogue {path}: cannot read it ({getattr(error, 'strerror', None) or error})") from None
    _parsed(text, path)
    return text


def _parsed(text: str, path: Path) -> dict:
    try:
        return catalogue_module.loads(text, path)
    except ValueError as error:
        raise RecordError(f"{error}; fix the catalogue first") from None


def _write(path: Path, text: str) -> None:
    """All of it or nothing: a new file beside it, then renamed over it."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise RecordError("a reason holds text that cannot be written as UTF-8; record it by hand") from None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except OSError as error:
        raise RecordError(f"{path}: cannot write it ({error.strerror}); it is unchanged") from None


if __name__ == "__main__":
    sys.exit(main())
