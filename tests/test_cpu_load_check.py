"""The CPU-load check, which measures the machine it runs on, decides both ways, and says so when other
work decided the reading.

- Contradicted against the double without the behaviour. Confirmed against it with the behaviour: in
  tests/test_cpu_load_confirmed.py, which waits for a free core.
- Under contention: the run and a busy neighbour pinned to one core, so the double gets about half of
  it. Its spinning is then neither a busy core (it did not get one) nor an idle one; the check says so,
  and that its threads wanted a whole core (on a CPU or waiting for one). An idle process next to a
  busy neighbour wants nothing.
- Starved: a stand-in Sync process sharing one core with three spinning neighbours gets a quarter of it
  or less, which reads like an idle process. Spinning from the start, it is not taken for idle before the
  folders came; spinning after them, it is no contradiction. Both are inconclusive, held back.

Contention is what these tests are about, so other tests running beside them change nothing they assert."""
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

import pytest

from conformance import test_many_folders_cpu_load as cpu_load
from conformance.helpers.folders import AddedFolders
from conformance.test_many_folders_cpu_load import HELD_BACK
from conformance.verdicts.outcome import Evidence, Inconclusive
from fixtures.cpu import CpuSampler
from tests.conftest import CPU_LOAD_CHECK, FAST, Answers, leftovers, run_conformance, verdict_and_reason

ONE_CORE = {min(os.sched_getaffinity(0))}
needs_thread_figures = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux's per-thread figures")

def test_contradicted_when_the_double_stays_idle(tmp_path):
    run = run_conformance(tmp_path, "--double-switches", "all,many-folders-cpu-load=off", *FAST, checks=CPU_LOAD_CHECK)
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
        return run_conformance(tmp_path, "--double-switches", switches, *FAST, checks=CPU_LOAD_CHECK)
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


def sample_together(*pids: int) -> list[CpuSampler]:
    with ExitStack() as stack:
        samplers = [stack.enter_context(CpuSampler(pid, interval=0.2)) for pid in pids]
        time.sleep(1.2)
    return samplers


@needs_thread_figures
def test_wanted_counts_time_waiting_for_a_cpu_and_nothing_else():
    neighbour, spinner = busy_neighbour(), busy_neighbour()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; print('asleep', flush=True); time.sleep(30)"],
                               stdout=subprocess.PIPE, preexec_fn=lambda: os.sched_setaffinity(0, ONE_CORE))
    try:
        sleeper.stdout.readline()  # its start-up is over: that was CPU it wanted
        spinning, sleeping = sample_together(spinner.pid, sleeper.pid)
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


# A stand-in has nothing to settle after the folders: shorter phases than Sync's (half a second more
# than the baseline is before the window after the folders)
STAND_IN_BASELINE_S = 1.0
STAND_IN_SETTLE_S = 1.0


@needs_thread_figures
@pytest.mark.parametrize("spin_after_s, words", [(0, "already busy before the folders were added"),
                                                 (STAND_IN_BASELINE_S + 0.5, HELD_BACK)],
                         ids=["spinning-from-the-start", "spinning-after-the-folders"])
def test_a_starved_spinning_sync_is_neither_idle_before_nor_contradicted_after(tmp_path, monkeypatch, spin_after_s,
                                                                               words):
    monkeypatch.setattr(cpu_load, "BASELINE_S", STAND_IN_BASELINE_S)
    monkeypatch.setattr(cpu_load, "SETTLE_S", STAND_IN_SETTLE_S)
    target = StarvedStandIn(tmp_path, spin_after_s)
    sync, evidence = AddsFolders(), Evidence()
    sync.observers.append(evidence.record)
    options = SimpleNamespace(many_folders=5, cpu_window=1.0, cpu_busy=80.0, cpu_idle=25.0)
    try:
        with pytest.raises(Inconclusive, match=words):
            cpu_load.test_many_empty_folders_keep_a_core_busy(sync, target, evidence, options,
                                                              AddedFolders(sync, target))
    finally:
        target.stop()


WINDOW_SETTINGS = SimpleNamespace(cpu_busy=80.0, cpu_idle=25.0)
TWO_CORES = 200.0


def test_a_window_ends_early_only_once_its_rest_cannot_change_the_verdict():
    idle, quiet_threads = [2.0] * 36, [1.0] * 36
    assert cpu_load.settled(idle, quiet_threads, 0.8, WINDOW_SETTINGS, TWO_CORES) is None, \
        "2 of 10 s left at two whole cores would lift the mean above the idle threshold"
    assert cpu_load.settled(idle, quiet_threads, 0.9, WINDOW_SETTINGS, TWO_CORES) == "contradicted"
    assert cpu_load.settled(idle, [100.0] * 36, 0.95, WINDOW_SETTINGS, TWO_CORES) is None, \
        "a thread that wanted a whole core may still make it held back, not idle"
    busy = [100.0] * 36
    assert cpu_load.settled(busy, busy, 0.85, WINDOW_SETTINGS, TWO_CORES) is None, \
        "an idle rest could still bring the second half below the busy threshold"
    assert cpu_load.settled(busy, busy, 0.95, WINDOW_SETTINGS, TWO_CORES) == "confirmed"
    burst = [100.0] * 20 + [0.0] * 16
    assert cpu_load.settled(burst, burst, 0.95, WINDOW_SETTINGS, TWO_CORES) is None, "a burst that died down"


class LateSampler:
    """Samples of the current phase that come only after `late_s` (a sampler held up by a loaded machine)."""

    def __init__(self, late_s: float):
        self.phase, self.interval = "idle", 0.05
        self.ready_at = time.monotonic() + late_s

    def of_phase(self, phase):
        return ["sample"] * cpu_load.MIN_SAMPLES if time.monotonic() >= self.ready_at else []


def test_a_window_lasts_until_it_has_its_samples_within_its_patience():
    assert 0.2 <= cpu_load.sample_for(LateSampler(0.0), 0.2, 0.6) < 0.3, "samples in time: the window's own length"
    assert 0.4 <= cpu_load.sample_for(LateSampler(0.4), 0.2, 0.6) < 0.55, "late samples: until they are there"
    assert 0.6 <= cpu_load.sample_for(LateSampler(5.0), 0.2, 0.6) < 0.75, "none: no longer than its patience"
