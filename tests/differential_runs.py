"""A differential run as the tests make one: `python -m conformance.differential` in a child process,
watched by the witness (tests/witness.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, ConformanceRun, child_environment

# The tests' budget: DIFFERENTIAL_TEST_REQUESTS and DIFFERENTIAL_TEST_SEED try others
REQUESTS = os.environ.get("DIFFERENTIAL_TEST_REQUESTS", "100")
SEED = os.environ.get("DIFFERENTIAL_TEST_SEED", "8")


class DifferentialRun(ConformanceRun):
    def document(self) -> dict:
        reports = sorted((self.reports_dir / "differential").glob("*.json"))
        assert reports, f"no JSON report written; output:\n{self.output[-3000:]}"
        return json.loads(reports[0].read_text())


def run_differential(tmp_path: Path, *args: str, env: dict | None = None, timeout: float = 300) -> DifferentialRun:
    """The command, in a child process with its temp files under tmp_path, every secret it saw written
    down by the witness (tests/witness.py) in tmp_path/seen.txt."""
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    reports = tmp_path / "reports"
    witnessed = ("import sys; from tests import witness; witness.start(sys.argv[1]); "
                 "from conformance.differential.__main__ import main; sys.exit(main(sys.argv[2:]))")
    process = subprocess.run(
        [sys.executable, "-c", witnessed, str(tmp_path / "seen.txt"), "--reports-dir", str(reports), *args],
        cwd=ROOT, env=child_environment(scratch, env), capture_output=True, text=True, timeout=timeout)
    return DifferentialRun(process, reports, scratch)
