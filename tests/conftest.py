"""Helpers for the suite's own tests: run `pytest conformance` in a child process, as a user would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
# Small budgets: the point here is that every check can decide both ways, not to measure a build.
FAST = ["--examples", "25", "--many-folders", "60", "--cpu-window", "1.5", "--peer-deadline", "8", "--peer-watch", "2",
        "--peer-file-mb", "1.5"]
SYNC_ENV = ("SYNC_BINARY", "SYNC_API_KEY", "SYNC_URL", "SYNC_USER", "SYNC_PASSWORD")


@dataclass
class ConformanceRun:
    process: subprocess.CompletedProcess
    reports_dir: Path
    tmp: Path

    @property
    def output(self) -> str:
        return self.process.stdout + self.process.stderr

    def document(self) -> dict:
        reports = sorted(self.reports_dir.glob("sync-*.json"))
        assert reports, f"no JSON report written; output:\n{self.output[-3000:]}"
        return json.loads(reports[0].read_text())

    def verdicts(self) -> dict[str, str]:
        return {item["behaviour"]: item["verdict"] for item in self.document()["results"]}

    def html(self) -> str:
        return next(self.reports_dir.glob("sync-*.html")).read_text()


def run_conformance(tmp_path: Path, *args: str, checks: tuple[str, ...] = ("conformance",), env: dict | None = None,
                    timeout: float = 300) -> ConformanceRun:
    """`python -m pytest CHECKS ARGS` from the project root, with its temp files under tmp_path."""
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    reports = tmp_path / "reports"
    process = subprocess.run(
        [sys.executable, "-m", "pytest", *checks, "-q", "--reports-dir", str(reports),
         *args], cwd=ROOT, env=child_environment(scratch, env), capture_output=True, text=True, timeout=timeout)
    return ConformanceRun(process, reports, scratch)


def child_environment(scratch: Path, extra: dict | None = None) -> dict:
    """A child run's environment: none of the user's Sync settings, temp files under scratch, and
    bytecode kept, so that the many child runs do not each compile (and rewrite) every module again."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in SYNC_ENV and key != "PYTHONDONTWRITEBYTECODE"}
    environment.update({"TMPDIR": str(scratch), **(extra or {})})
    return environment


def leftovers(scratch: Path) -> tuple[list[str], list[int]]:
    """Temp dirs and processes a run left behind under its scratch dir."""
    dirs = [path.name for path in scratch.glob("sync-*")]
    processes = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if any(str(scratch) in part for part in process.info["cmdline"] or []):
            processes.append(process.info["pid"])
    return dirs, processes


# Modules in the order their runs take longest (measured on two cores), so that on several workers
# (pytest-xdist, --dist loadfile, which hands each worker the next module as it nears the end of its own)
# the short ones fill in beside the long ones instead of waiting behind them; the one that needs a free
# core goes last, when the others are ending.
LONGEST_FIRST = ("test_nemesis.py", "test_targets.py", "test_differential.py", "test_setup_errors.py",
                 "test_contradict.py", "test_expectations_and_fold.py", "test_profiles.py", "test_cpu_load_check.py",
                 "test_confirm.py", "test_docs.py", "test_matrix.py", "test_redaction_and_reports.py")
LAST = "test_cpu_load_confirmed.py"


def pytest_configure(config):
    # xdist would otherwise reorder the modules by their number of tests, which says nothing of their time
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    def place(item) -> int:
        if item.path.name == LAST:
            return len(LONGEST_FIRST) + 1
        return LONGEST_FIRST.index(item.path.name) if item.path.name in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=place)


@pytest.fixture
def double_wrapper(tmp_path) -> Path:
    """An executable script that `exec`s the reference double: a build as --sync-binary sees one."""
    script = tmp_path / "btsync"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT}/fixtures/double/run.py" "$@"\n')
    script.chmod(0o755)
    return script


VALID_LOOKING_KEY = "A" * 64  # the double accepts any key of the right shape
