"""The CPU-load check, which measures the machine it runs on, decides both ways, and says so when other
work decided the reading.

- Confirmed against the double with the behaviour, contradicted against it without. The confirming run
  waits for a free core first: the suite's other tests run beside this one, and a spinning double that
  shares its core with them is rightly not called busy. A reading the check itself calls held back by
  other work is taken again, on a free core, at most twice.
- Under contention: the run and a busy neighbour pinned to one core, so the double gets about half of
  it. Its spinning is then neither a busy core (it did not get one) nor an idle one; the check says so,
  and that its threads wanted a whole core (on a CPU or waiting for one). An idle process next to a
  busy neighbour wants nothing.
- Starved: a stand-in Sync process sharing one core with three spinning neighbours gets a quarter of it
  or less, which reads like an idle process. Spinning from the start, it is not taken for idle before the
  folders came; spinning after them, it is no contradiction. Both are inconclusive, held back."""
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from conformance import test_many_folders_cpu_load as cpu_load
from conformance.outcome import Evidence, Inconclusive
from conformance.test_many_folders_cpu_load import HELD_BACK
from fixtures.cpu import CpuSampler
from tests.test_weak_confirmations import Answers
from tests.conftest import FAST, leftovers, run_conformance

CHECK = ("conformance/test_many_folders_cpu_load.py",)
ONE_CORE = {min(os.sched_getaffinity(0))}
needs_thread_figures = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux's per-thread figures")

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
    used, wanted, busiest = (float(value) for value in facts[
        "mean CPU % of one core used / wanted / wanted by the busiest thread after adding (wanted: on a CPU or "
        "waiting for one)"].split(" / "))
    assert used < 80 <= busiest <= wanted, facts  # it got about half a core, and its spinning thread wanted all
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
        used, wanted, busiest = (spinning.mean("idle", figure=figure) for figure in ("used", "wanted", "busiest"))
        assert used < 75 and wanted > 90 and busiest > 90, (used, wanted, busiest)  # half a core got, all wanted
        assert sleeping.mean("idle", figure="wanted") < 5  # a process that waits for nothing wants nothing
        assert sleeping.mean("idle", figure="busiest") < 5
    finally:
        for process in (neighbour, spinner, sleeper):
            process.kill()
            process.wait()


class StarvedStandIn:
    """A stand-in target: a process that spins after `spin_after_s`, pinned to one core with three spinning
    neighbours."""

    def __init__(self, tmp_path, spin_after_s: float):
        self.tmp_path = tmp_path
        self.neighbours = [busy_neighbour() for _ in range(3)]
        self.process = subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({spin_after_s})\nwhile True: pass"],
                                        preexec_fn=lambda: os.sched_setaffinity(0, ONE_CORE))
        self.pid = self.process.pid

    @property
    def owned(self):  # its process is the test's: it can be sampled and "reset"
        return self

    def scratch_dir(self, prefix):
        import tempfile
        return tempfile.mkdtemp(prefix=prefix, dir=self.tmp_path)

    def check_health(self):
        return None

    def reset(self):
        pass

    def stop(self):
        for process in [self.process, *self.neighbours]:
            process.kill()
            process.wait()


class AddsFolders(Answers):
    def __init__(self):
        super().__init__({("/api", "add_folder"): '{ "error": 0 }', ("/api", "get_folders"): "[ ]"})
        self.observers = []


@needs_thread_figures
@pytest.mark.parametrize("spin_after_s, words", [(0, "already busy before the folders were added"),
                                                 (cpu_load.BASELINE_S + 0.5, HELD_BACK)],
                         ids=["spinning-from-the-start", "spinning-after-the-folders"])
def test_a_starved_spinning_sync_is_neither_idle_before_nor_contradicted_after(tmp_path, spin_after_s, words):
    target = StarvedStandIn(tmp_path, spin_after_s)
    sync, evidence = AddsFolders(), Evidence()
    sync.observers.append(evidence.record)
    options = SimpleNamespace(many_folders=5, cpu_window=1.0, cpu_busy=80.0, cpu_idle=25.0)
    try:
        with pytest.raises(Inconclusive, match=words):
            cpu_load.test_many_empty_folders_keep_a_core_busy(sync, target, evidence, options)
    finally:
        target.stop()


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
