"""`python -m conformance.matrix`: several builds at once, each run in its own process, then the fold and a
summary; its exit status is the judgement of them all; Ctrl-C stops every run and leaves nothing."""
import json
import re
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import psutil
import pytest

from conformance.harness.signals import interruptible
from conformance.matrix import Build, Matrix, resolve
from conformance.reporting.report_files import ReportFiles
from fixtures.errors import SetupError
from tests.conftest import FAST, ROOT, child_environment, leftovers

ONE_CHECK = ["-k", "missing_dir_refused"]  # one behaviour decided both ways by the profiles


def matrix(tmp_path, *args: str, wait: bool = True):
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "conformance.matrix", "--reports-dir", str(tmp_path / "reports"), *args]
    if not wait:
        return subprocess.Popen(command, cwd=ROOT, env=child_environment(scratch), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, preexec_fn=interruptible)
    return subprocess.run(command, cwd=ROOT, env=child_environment(scratch), capture_output=True, text=True,
                          timeout=300)


def test_builds_run_at_once_and_the_exit_status_is_their_judgement(tmp_path):
    done = matrix(tmp_path, "double:1.4.111@1.4.120", "double:1.3.106@1.4.121", "--", *FAST, *ONE_CHECK)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output  # 1.3.106's behaviour reported as 1.4.121: a fix since 1.4.111
    for name in ("1.4.120-double", "1.4.121-double"):
        assert f"[{name}] started" in output and f"[{name}] finished in" in output
        assert (tmp_path / "reports" / "matrix" / f"{name}.log").read_text().strip()
    table = output[output.index("build  "):]
    row_120 = next(line for line in table.splitlines() if line.startswith("double:1.4.111@1.4.120"))
    row_121 = next(line for line in table.splitlines() if line.startswith("double:1.3.106@1.4.121"))
    assert "fixed: add-folder-missing-dir-refused" in row_121
    # what each run waited for the machine's CPU token and the most its process tree held
    assert re.search(r" [\d.]+ s +\d+ MB$", row_120) and not row_120.endswith(" 0 MB"), row_120
    assert "runs in" in output and "(the slowest run:" in output
    # -k selected one behaviour: a partial report, never 'all met'
    assert "run incomplete" in row_120 and "all met" not in row_120
    index = (tmp_path / "reports" / "index.html").read_text()
    assert "1.4.120 (double, partial)" in index and "1.4.121 (double, partial)" in index
    assert leftovers(tmp_path / "tmp") == ([], [])


@pytest.mark.parametrize("args, phrase", [
    (["/nonexistent/btsync"], "/nonexistent/btsync: not found"),
    (["double", "double:1.4.111"], "more than one build would write sync-1.4.111-double"),
    (["--jobs", "0", "double"], "--jobs 0: give at least 1"),
    (["double:9.9.9"], "double:9.9.9: 9.9.9: no double profile of that name; use one of 1.3.106, 1.4.111"),
    (["double:1.4.111@next"], "double:1.4.111@next: next: not a version"),
])
def test_bad_input_is_one_clear_line(tmp_path, args, phrase):
    done = matrix(tmp_path, *args)
    output = done.stdout + done.stderr
    assert done.returncode == 2 and "Traceback" not in output and phrase in output, output
    assert not (tmp_path / "reports" / "matrix").exists()  # refused before any run started


def test_ctrl_c_stops_every_run_and_leaves_nothing_behind(tmp_path):
    # a check that waits (at least 8 s, asking little): the runs are still under way when Ctrl-C comes
    process = matrix(tmp_path, "double:1.4.111", "double:1.3.106", "--", *FAST, "--double-switches", "all",
                     "-k", "shared_folders", wait=False)
    started = 0
    deadline = time.time() + 60
    lines = []
    while started < 2 and time.time() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        started += "] started" in line
    time.sleep(4)  # the runs are under way, their doubles started
    process.send_signal(signal.SIGINT)
    output = "".join(lines) + process.communicate(timeout=120)[0]
    assert process.returncode == 130, output
    assert "interrupted: every run stopped" in output
    assert leftovers(tmp_path / "tmp") == ([], [])
    run_infos = {path.name: json.loads(path.read_text())["run_info"]
                 for path in (tmp_path / "reports").glob("sync-*.json")}
    assert all(not info.get("complete") and (info.get("interrupted") or "").startswith("interrupted")
               for info in run_infos.values()), (run_infos, output)


def test_a_double_with_switches_set_by_hand_writes_reports_of_its_own():
    """One name for a target in every file name: the double as observed and with switches set by hand
    write different reports (no clash), the same double twice would write one (a clash)."""
    builds = resolve(["double", "double:1.4.111:all"])
    assert [build.name for build in builds] == ["1.4.111-double", "1.4.111-double-all"]
    assert ReportFiles.stem("1.4.111", True, "all") == "sync-1.4.111-double-all"
    with pytest.raises(SetupError, match="more than one build would write sync-1.4.111-double"):
        resolve(["double", "double:1.4.111"])


def test_another_run_starts_only_while_memory_holds_the_most_a_run_held(tmp_path, monkeypatch):
    gib = 2**30
    memory = SimpleNamespace(total=10 * gib, available=0)
    monkeypatch.setattr(psutil, "virtual_memory", lambda: memory)
    builds = [Build("double", "a", None), Build("double", "b", None)]
    scheduler = Matrix(builds, 2, tmp_path, [])
    for available, allows in ((1.4 * gib, False), (1.6 * gib, True)):  # a first guess of 500 MB, 1 GiB kept free
        memory.available = available
        assert scheduler.memory_allows_another() is allows, available
    builds[0].peak_bytes = 2 * gib  # once a run was measured, the most one held
    for available, allows in ((2.9 * gib, False), (3.1 * gib, True)):
        memory.available = available
        assert scheduler.memory_allows_another() is allows, available
