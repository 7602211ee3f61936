"""The CPU-load check, which measures the machine it runs on, decides both ways, and says so when other
work decided the reading.

- Confirmed against the double with the behaviour, contradicted against it without. The confirming run
  waits for a free core first: the suite's other tests run beside this one, and a spinning double that
  shares its core with them is rightly not called busy. A reading the check itself calls held back by
  other work is taken again, on a free core, at most twice.
- Under contention: the run and a busy neighbour pinned to one core, so the double gets about half of
  it. Its spinning is then neither a busy core (it did not get one) nor an idle one; the check says so,
  and that its threads wanted a whole core (on a CPU or waiting for one). An idle process next to a
  busy neighbour wants nothing."""
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from fixtures.cpu import CpuSampler
from tests.conftest import FAST, leftovers, run_conformance

CHECK = ("conformance/test_many_folders_cpu_load.py",)
ONE_CORE = {min(os.sched_getaffinity(0))}
needs_thread_figures = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux's per-thread figures")

HELD_BACK = "other work on the machine may have held it back"
FREE_CORE_WAIT_S = 240  # the other tests of a CI run end well within it


def wait_for_a_free_core() -> None:
    """Until the machine has left 90% of a core idle for a whole second (or FREE_CORE_WAIT_S passed: the
    run goes ahead and, on a machine that never quiets, says it was held back)."""
    deadline = time.monotonic() + FREE_CORE_WAIT_S
    while time.monotonic() < deadline:
        idle_cores = (100 - psutil.cpu_percent(interval=1.0)) / 100 * psutil.cpu_count()
        if idle_cores >= 0.9:
            return


def verdict_and_reason(run) -> tuple[str, str]:
    [result] = run.document()["results"]
    return result["verdict"], result["reason"]


def test_contradicted_when_the_double_stays_idle(tmp_path):
    run = run_conformance(tmp_path, "--double-switches", "all,many-folders-cpu-load=off", *FAST, checks=CHECK)
    verdict, reason = verdict_and_reason(run)
    assert verdict == "contradicted", reason
    assert "a busy core would be >= 80%" in reason
    assert run.process.returncode == 1, "a contradiction must fail the pytest run"
    assert leftovers(run.tmp) == ([], [])


def busy_neighbour() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"],
                            preexec_fn=lambda: os.sched_setaffinity(0, ONE_CORE))


def pinned_run(tmp_path, switches: str):
    neighbour = busy_neighbour()
    original = os.sched_getaffinity(0)
    os.sched_setaffinity(0, ONE_CORE)  # the run (and its double) inherit it
    try:
        return run_conformance(tmp_path, "--double-switches", switches, *FAST, checks=CHECK)
    finally:
        os.sched_setaffinity(0, original)
        neighbour.kill()
        neighbour.wait()


def cpu_facts(run) -> dict:
    [result] = run.document()["results"]
    return result["evidence"][0]["evidence"]["facts"]


@needs_thread_figures
def test_a_spinning_sync_sharing_its_core_is_not_called_idle(tmp_path):
    run = pinned_run(tmp_path, "all")
    facts = cpu_facts(run)
    used, wanted = (float(value) for value in facts["mean CPU % of one core used / wanted after adding (wanted: "
                                                          "on a CPU or waiting for one)"].split(" / "))
    assert used < 80 <= wanted, facts  # it got about half a core, and wanted all of it
    verdict, reason = verdict_and_reason(run)
    assert verdict == "inconclusive", run.output[-2000:]
    assert HELD_BACK in reason


def sample(pid: int) -> CpuSampler:
    with CpuSampler(pid, interval=0.2) as sampler:
        time.sleep(1.2)
    return sampler


@needs_thread_figures
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


# Last in the module (pytest keeps file order), so that the tests above run while the machine is busy
def test_confirmed_on_a_free_core_when_the_double_keeps_one_busy(tmp_path):
    for attempt in range(3):
        wait_for_a_free_core()
        (tmp_path / str(attempt)).mkdir()
        run = run_conformance(tmp_path / str(attempt), "--double-switches", "all", *FAST, checks=CHECK)
        verdict, reason = verdict_and_reason(run)
        if HELD_BACK not in reason:
            break
    assert verdict == "confirmed", reason
    assert run.process.returncode == 0, run.output[-3000:]
