"""conformance/harness/signals.py and the run's end: a run stopped from outside (SIGTERM, SIGKILL, a lost interrupt)
leaves no build running and no temp dir, and says it was interrupted."""
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conformance import test_many_folders_cpu_load as cpu_load
from conformance.harness.signals import interruptible
from tests.conftest import FAST, ROOT, child_environment, leftovers, run_conformance

MANY = 3000  # folders: the double takes seconds to add them


def many_folder_dirs(scratch: Path) -> int:
    """How many directories the many-folders check has made so far."""
    return len(list(scratch.glob("sync-conformance-*/folders/many-*")))


def adding_folders(scratch: Path) -> bool:
    return many_folder_dirs(scratch) > 0


def all_folder_dirs_made(scratch: Path) -> bool:
    return many_folder_dirs(scratch) == MANY


def a_check_decided(output: Path) -> bool:
    """pytest (-q) has printed the mark of a decided check: the run is past its start, among its checks."""
    return any(re.fullmatch(r"[.xXsFE]+\s*(\[\s*\d+%\])?", line.strip())
               for line in output.read_text(errors="replace").splitlines() if line.strip())


@pytest.mark.parametrize("signal_name, moment", [("SIGTERM", "starting"), ("SIGTERM", "checks"),
                                                 ("SIGTERM", "adding folders"), ("SIGKILL", "checks")],
                         ids=["SIGTERM-while-starting", "SIGTERM-during-checks", "SIGTERM-while-adding-folders",
                              "SIGKILL-during-checks"])
def test_a_run_stopped_from_outside_leaves_no_build_running(tmp_path, signal_name, moment):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    output = tmp_path / "output"
    # stopped while adding folders: only the check that adds them runs, so it starts at once
    checks = "conformance/test_many_folders_cpu_load.py" if moment == "adding folders" else "conformance"
    with output.open("wb") as sink:
        run = subprocess.Popen([sys.executable, "-u", "-m", "pytest", checks, "-q", "--reports-dir",
                                str(tmp_path / "r"), *FAST, "--many-folders", str(MANY)], cwd=ROOT,
                               env=child_environment(scratch), stdout=sink, stderr=subprocess.STDOUT)
    reached = {"starting": lambda: leftovers(scratch)[1], "checks": lambda: a_check_decided(output),
               "adding folders": lambda: all_folder_dirs_made(scratch)}[moment]
    try:
        deadline = time.monotonic() + 60
        while not reached() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reached(), f"the run never reached {moment}: {output.read_text(errors='replace')[-1000:]}"
        if moment == "adding folders":  # the check adds the folders once it has sampled the idle process
            time.sleep(cpu_load.BASELINE_S + 0.5)
        run.send_signal(getattr(signal, signal_name))
        run.wait(timeout=30)
    finally:
        run.kill()  # a run that ignored the signal must not go on
    deadline = time.monotonic() + 10
    while leftovers(scratch)[1] and time.monotonic() < deadline:
        time.sleep(0.1)
    dirs, processes = leftovers(scratch)
    assert processes == []
    if signal_name == "SIGTERM":  # the run ended for it and its teardown ran; after SIGKILL only the kernel acts
        assert dirs == []
        if moment != "starting":  # signalled after the start: the report says why the run is incomplete
            report = json.loads((tmp_path / "r" / "sync-1.4.111-double.partial.json").read_text())
            assert report["run_info"]["interrupted"].startswith("interrupted"), report["run_info"]


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_an_interrupted_run_says_so_and_keeps_the_complete_report(tmp_path, signal_name):
    reports = tmp_path / "r"
    reports.mkdir()
    complete = reports / "sync-1.4.111-double.json"
    complete.write_text(json.dumps({"format": "sync-conformance-report/1", "run_info": {"complete": True}, "results": []}))
    before = complete.read_text()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # a check decided, then the many-folders check under way when the signal comes
    checks = ("conformance/test_get_folder_peers_empty.py", "conformance/test_many_folders_cpu_load.py")
    run = subprocess.Popen([sys.executable, "-m", "pytest", *checks, "-q", "--reports-dir", str(reports),
                            *FAST, "--many-folders", str(MANY)], cwd=ROOT, env=child_environment(scratch),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=interruptible)
    try:
        deadline = time.monotonic() + 60
        while not adding_folders(scratch) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)  # until the many-folders check makes its directories
        assert adding_folders(scratch), "the many-folders check was never seen under way"
        run.send_signal(getattr(signal, signal_name))
        output, _ = run.communicate(timeout=60)
    finally:
        run.kill()
    assert complete.read_text() == before, "the complete report was replaced"
    partial = json.loads((reports / "sync-1.4.111-double.partial.json").read_text())
    assert partial["run_info"]["complete"] is False
    assert partial["run_info"]["interrupted"].startswith("interrupted")
    assert partial["run_info"]["checks_decided"] < partial["run_info"]["checks_selected"]
    assert "run incomplete (interrupted" in output and "all met" not in output
    assert (reports / "sync-1.4.111-double.partial.html").is_file()
    assert leftovers(scratch) == ([], [])


def test_a_stop_signal_whose_interrupt_was_lost_still_stops_the_run_before_its_next_check(tmp_path):
    checks = ("conformance/test_get_version_matches_banner.py", "conformance/test_remove_folder_removes.py")
    run = run_conformance(tmp_path, "-p", "tests.lost_stop", checks=checks)
    assert "Exception ignored" in run.output and "KeyboardInterrupt" in run.output, run.output[-2000:]
    document = run.document()
    assert document["run_info"]["interrupted"] == "interrupted (Ctrl-C or SIGTERM)", document["run_info"]
    assert len(document["results"]) == 1, "no check started after the signal"
    assert leftovers(run.tmp) == ([], [])


def test_sigterm_during_the_peer_scenarios_leaves_no_instance_and_no_temp_dir(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = subprocess.Popen([sys.executable, "-m", "pytest", "conformance", "-q", "-m", "peers", "--reports-dir",
                            str(tmp_path / "r"), "--peer-deadline", "60"], cwd=ROOT,
                           env=child_environment(scratch), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(leftovers(scratch)[1]) < 6 and time.monotonic() < deadline:  # target, 3 peers, the known-hosts pair
            time.sleep(0.1)
        assert len(leftovers(scratch)[1]) >= 6, "the peer scenarios never started their instances"
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=60)
    finally:
        run.kill()
    assert leftovers(scratch) == ([], [])
