"""The CPU-load check under contention. The run and a busy neighbour are pinned to one core, so the double
gets about half of it: its spinning is then neither a busy core (it did not get one) nor an idle one; the
check says so, and that its threads wanted a whole core (on a CPU or waiting for one). An idle process
next to a busy neighbour wants nothing."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtures.cpu import CpuSampler
from tests.conftest import FAST, run_conformance

CHECK = ("conformance/test_many_folders_cpu_load.py",)
ONE_CORE = {min(os.sched_getaffinity(0))}
pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux's per-thread figures")


def busy_neighbour() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"],
                            preexec_fn=lambda: os.sched_setaffinity(0, ONE_CORE))


def pinned_run(tmp_path, switches: str):
    neighbour = busy_neighbour()
    original = os.sched_getaffinity(0)
    os.sched_setaffinity(0, ONE_CORE)  # the run (and its double) inherit it
    try:
        return run_conformance(tmp_path, "--double-switches", switches, *FAST, "--cpu-window", "2", checks=CHECK)
    finally:
        os.sched_setaffinity(0, original)
        neighbour.kill()
        neighbour.wait()


def cpu_facts(run) -> dict:
    [result] = run.document()["results"]
    return result["evidence"][0]["evidence"]["facts"]


def test_a_spinning_sync_sharing_its_core_is_not_called_idle(tmp_path):
    run = pinned_run(tmp_path, "all")
    facts = cpu_facts(run)
    used, wanted = (float(value) for value in facts["mean CPU % of one core used / wanted after adding (wanted: "
                                                          "on a CPU or waiting for one)"].split(" / "))
    assert used < 80 <= wanted, facts  # it got about half a core, and wanted all of it
    [result] = run.document()["results"]
    assert result["verdict"] == "inconclusive", run.output[-2000:]
    assert "other work on the machine may have held it back" in result["reason"]


def sample(pid: int) -> CpuSampler:
    with CpuSampler(pid, interval=0.2) as sampler:
        time.sleep(1.2)
    return sampler


def test_wanted_counts_time_waiting_for_a_cpu_and_nothing_else():
    neighbour, spinner = busy_neighbour(), busy_neighbour()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                               preexec_fn=lambda: os.sched_setaffinity(0, ONE_CORE))
    try:
        spinning, sleeping = sample(spinner.pid), sample(sleeper.pid)
        assert spinning.knows_wanted
        used, wanted = spinning.mean("idle"), spinning.mean("idle", figure="wanted")
        assert used < 75 and wanted > 90, (used, wanted)  # half a core got, a whole one wanted
        assert sleeping.mean("idle", figure="wanted") < 5  # a process that waits for nothing wants nothing
    finally:
        for process in (neighbour, spinner, sleeper):
            process.kill()
            process.wait()
