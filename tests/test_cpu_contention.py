"""The CPU-load check under contention: a Sync that spins decides the same on a machine whose cores are
taken by other work, because the check counts what Sync wanted (on a CPU or waiting for one), not only
what it got. The run and a busy neighbour are pinned to one core, so the double gets about half of it."""
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
        return run_conformance(tmp_path, "--double-switches", switches, *FAST, "--cpu-window", "3", checks=CHECK)
    finally:
        os.sched_setaffinity(0, original)
        neighbour.kill()
        neighbour.wait()


def cpu_facts(run) -> dict:
    [result] = run.document()["results"]
    return result["evidence"][0]["evidence"]["facts"]


def test_a_spinning_sync_sharing_its_core_is_still_a_busy_core(tmp_path):
    run = pinned_run(tmp_path, "all")
    facts = cpu_facts(run)
    used, wanted = (float(value) for value in facts["mean CPU % of one core used / wanted after adding (wanted: "
                                                          "on a CPU or waiting for one)"].split(" / "))
    assert used < 80 <= wanted, facts  # it got about half a core, and wanted all of it
    assert run.verdicts() == {"many-folders-cpu-load": "confirmed"}, run.output[-2000:]


def test_an_idle_sync_sharing_its_core_is_still_idle(tmp_path):
    run = pinned_run(tmp_path, "all,many-folders-cpu-load=off")
    assert run.verdicts() == {"many-folders-cpu-load": "contradicted"}, run.output[-2000:]


def test_wanted_counts_time_waiting_for_a_cpu():
    neighbour, spinner = busy_neighbour(), busy_neighbour()
    try:
        with CpuSampler(spinner.pid, interval=0.2) as sampler:
            time.sleep(1.5)
        assert sampler.knows_wanted
        used, wanted = sampler.mean("idle"), sampler.mean("idle", figure="wanted")
        assert used < 75 and wanted > 90, (used, wanted)
    finally:
        for process in (neighbour, spinner):
            process.kill()
            process.wait()
