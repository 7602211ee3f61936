"""A failing judgement confirmed before it fails the run (--confirm-failures K): the behaviour's checks run
again, up to K times (until one meets the expectation: then it is flaky), each in a run of its own
(`python -m pytest CHECKS`) on a fresh instance of the same target (a launched build or the double; an
attached instance cannot be started fresh, so it is not run again: harness/suite_run.rerun_could_tell),
with the run's options and seed. Once BROADLY_FAILING behaviours have failed every time, later failing
judgements are not run again and say so (they fail all the same). Each rerun's verdict and reasons join
the behaviour's judgement (verdicts/expectations.Expectations.judge); its report stays under
REPORTS_DIR/confirmations/<the run's report name>/, emptied first: runs of a matrix share REPORTS_DIR, and
a rerun's verdict is read from the one report its own run wrote there, never another target's.

Secrets go to the reruns by environment, never on their command line (where `ps` shows them)."""
from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

from conformance.harness.signals import run_child_run
from conformance.verdicts.outcome import INCONCLUSIVE
from fixtures.target import TargetChoice

# once this many behaviours have failed on every rerun, no more are run again (harness/suite_run.reruns_withheld)
BROADLY_FAILING = 3
# the options a rerun takes over from its run, by CheckSettings name (the rest are the target's)
SETTING_OPTIONS = {"examples": "--examples", "many_folders": "--many-folders", "cpu_window": "--cpu-window",
                   "cpu_busy": "--cpu-busy", "cpu_idle": "--cpu-idle", "peer_deadline": "--peer-deadline",
                   "peer_watch": "--peer-watch", "peer_file_mb": "--peer-file-mb", "ready_timeout": "--ready-timeout",
                   "request_timeout": "--request-timeout", "hypothesis_seed": "--hypothesis-seed"}


def rerun_arguments(option, choice: TargetChoice, settings) -> tuple[list[str], dict[str, str]]:
    """(the command-line options of a rerun, the environment it needs besides the run's own)."""
    arguments, environment = [], {}
    if choice.url:  # an attached instance is never run again
        return [], {}
    if choice.binary:
        arguments += ["--sync-binary", choice.binary]
    else:
        arguments += ["--double-profile", choice.double_profile, "--double-switches", choice.double_switches]
        arguments += ["--double-version", choice.double_version] if choice.double_version else []
    if choice.api_key:
        environment["SYNC_API_KEY"] = choice.api_key
    for name, value in asdict(settings).items():
        if name in SETTING_OPTIONS:
            arguments += [SETTING_OPTIONS[name], str(value)]
    arguments += ["--allow-destructive"] * settings.allow_destructive + ["--allow-host-network"] * choice.allow_host_network
    arguments += ["--no-shrink"] * bool(option.no_shrink)
    for flag, value in (("--expectations", option.expectations), ("--baseline", option.baseline),
                        ("--catalogue", option.catalogue), ("--sync-platform", option.sync_platform)):
        arguments += [flag, str(value)] if value else []
    for value in option.allow_undecided:
        arguments += ["--allow-undecided", value]
    return arguments + ["--confirm-failures", "0"], environment


def rerun(behaviour_id: str, checks: tuple[str, ...], number: int, run_report: Path, arguments: list[str],
          environment: dict[str, str]) -> dict:
    """The behaviour's checks run once more (the `number`th time), in a run of their own: what it said.
    `run_report` is the JSON of the run asking (its name keeps the reruns of two targets apart)."""
    reports_dir = run_report.parent
    into = reports_dir / "confirmations" / run_report.stem / f"{behaviour_id}-{number}"
    shutil.rmtree(into, ignore_errors=True)  # an earlier run's rerun of this target is not this one's
    exit_status = run_child_run([sys.executable, "-m", "pytest", *checks, "-q", "-p", "no:cacheprovider",
                                 "--reports-dir", str(into), *arguments], environment)
    return _said(behaviour_id, into, exit_status, reports_dir)


def _said(behaviour_id: str, into: Path, exit_status: int, reports_dir: Path) -> dict:
    """One rerun's verdict of the behaviour, and its checks' verdicts and reasons."""
    for report in sorted(into.glob("sync-*.json")):
        try:
            item = next(item for item in json.loads(report.read_text())["results"] if item["behaviour"] == behaviour_id)
        except (OSError, ValueError, KeyError, TypeError, StopIteration):
            continue
        return {"verdict": item["verdict"], "reason": item["reason"], "exit_status": exit_status,
                "report": str(report.relative_to(reports_dir)),
                "evidence": [{"check": check["check"], "verdict": check["verdict"], "reason": check["reason"]}
                             for check in item["evidence"]]}
    return {"verdict": INCONCLUSIVE, "reason": f"the rerun wrote no report of {behaviour_id} (exit status "
            f"{exit_status})", "exit_status": exit_status, "report": None, "evidence": []}
