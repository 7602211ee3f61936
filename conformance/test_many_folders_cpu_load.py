"""behaviour: many-folders-cpu-load

DESCRIPTION: sample the Sync process's CPU while idle, while adding --many-folders empty folders, for a
few seconds to let the adding settle, and over --cpu-window seconds afterwards; time every add_folder
against the number of folders already added.
EXPECTATION: afterwards, with nothing else to do, Sync keeps a core busy: mean CPU over the window, and
over its second half, at or above --cpu-busy percent of one core (a burst that dies down is no busy
core). At or below --cpu-idle it is contradicted; between, inconclusive. A process already busy before
the folders came proves nothing: inconclusive. The evidence also gives what Sync's threads wanted (time
on a CPU plus time waiting for one, from Linux's per-thread scheduler figures), summed and for its busiest
thread. A busiest thread that wanted a core (--cpu-busy or more) while Sync got less was held back by
other work on the machine: such a reading neither contradicts nor, before the folders, counts as idle; it
is inconclusive and says so. The sum never decides: under load, the waits of many briefly woken threads
add up to a busy-looking figure for an idle process.
"""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conformance.helpers.crashes import blame_crash
from conformance.helpers.folders import unrecorded
from conformance.verdicts.outcome import inconclusive
from fixtures.cpu import CpuSampler

pytestmark = [pytest.mark.behaviour("many-folders-cpu-load"), pytest.mark.destructive]

BASELINE_S = 2.0
SETTLE_S = 2.0  # what the adding itself still costs right after the last answer is not the load we look for
HELD_BACK = "other work on the machine may have held it back"
ADD_WORKERS = 8  # a request waits ~25-50 ms on real builds, busy or not; concurrent ones overlap


def test_many_empty_folders_keep_a_core_busy(sync, sync_target, evidence, options, added_folders):
    if sync_target.owned is None:
        inconclusive("no process to sample: the instance is not the suite's (attached by URL)")
    count = options.many_folders
    directories = [sync_target.scratch_dir(f"many-{index:05d}-") for index in range(count)]
    latencies: list[tuple[int, float]] = []
    failures: list[str] = []

    def add(index: int) -> None:
        exchange = sync.call("add_folder", dir=directories[index])
        latencies.append((index, exchange.elapsed_ms))
        if exchange.error_code() != 0:
            failures.append(exchange.summary())

    interrupted = False
    try:
        with CpuSampler(sync_target.owned.pid) as sampler:
            time.sleep(BASELINE_S)
            sampler.phase = "adding"
            started = time.monotonic()
            pool = ThreadPoolExecutor(ADD_WORKERS)
            try:
                with unrecorded(sync, evidence):  # a thousand add_folder exchanges: the latencies stand for them
                    list(pool.map(add, range(count)))
            finally:  # on Ctrl-C or SIGTERM, drop the queued calls instead of waiting for all of them
                pool.shutdown(cancel_futures=True)
            adding_s = time.monotonic() - started
            sampler.phase = "settling"
            time.sleep(SETTLE_S)
            sampler.phase = "after"
            time.sleep(options.cpu_window)
        listed = sync.call("get_folders").json
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the run's end stops the target and takes every folder
        interrupted = True
        raise
    finally:
        blame_crash(sync_target, evidence)  # a death in the window is recorded before the reset below
        if not interrupted:
            added_folders.remove_dirs(set(directories))

    idle, during, after = (sampler.mean(phase) for phase in ("idle", "adding", "after"))
    second_half = sampler.mean("after", from_fraction=0.5)
    wanted, busiest, busiest_idle = (sampler.mean(phase, figure=figure) if sampler.knows_wanted else None
                                     for phase, figure in (("after", "wanted"), ("after", "busiest"), ("idle", "busiest")))
    evidence.note("folders requested / refused / listed afterwards",
                  f"{count} / {len(failures)} / {len(listed) if isinstance(listed, list) else listed}")
    evidence.note("first refusals", failures[:3])
    evidence.note("mean CPU % of one core used: idle / adding / after (its second half)",
                  f"{idle} / {during} / {after} ({second_half})")
    evidence.note("mean CPU % of one core used / wanted / wanted by the busiest thread after adding (wanted: on "
                  "a CPU or waiting for one)", " / ".join(str(value) if value is not None else "not known"
                                                          for value in (after, wanted, busiest)))
    evidence.note("adding took (s)", round(adding_s, 2))
    evidence.note("thresholds: busy >= / idle <= (% of one core)", f"{options.cpu_busy} / {options.cpu_idle}")
    evidence.plot("CPU of the Sync process", [(sample.t, sample.used) for sample in sampler.samples],
                  "seconds", "% of one core", bands=_phase_bands(sampler.samples))
    evidence.plot("add_folder latency against folder count", sorted(latencies), "folders added", "ms")
    if failures:
        inconclusive(f"{len(failures)} of {count} add_folder calls were refused (first: {failures[0]})")
    if after is None or idle is None:
        inconclusive("no CPU samples before or after adding the folders (the process may have died)")
    if idle > options.cpu_idle or (busiest_idle is not None and busiest_idle >= options.cpu_busy):
        inconclusive(f"Sync was already busy before the folders were added ({idle}% of one core used, its busiest "
                     f"thread wanted {busiest_idle}%), so a busy core afterwards would prove nothing")
    observed = (f"after adding {count} empty folders Sync used {after}% of one core on average over "
                f"{options.cpu_window:g} s ({second_half}% over the second half; idle before: {idle}%)")
    if after >= options.cpu_busy and second_half >= options.cpu_busy:
        evidence.because(observed)
        return
    if busiest is not None and busiest >= options.cpu_busy:
        inconclusive(f"{observed}, but its busiest thread wanted {busiest}% (on a CPU or waiting for one): "
                     f"{HELD_BACK}")
    assert after > options.cpu_idle, f"{observed}; a busy core would be >= {options.cpu_busy:g}%"
    inconclusive(f"{observed}: between the idle ({options.cpu_idle:g}%) and busy ({options.cpu_busy:g}%) thresholds")


def _phase_bands(samples) -> list[tuple[float, float, str]]:
    bands: list[tuple[float, float, str]] = []
    for sample in samples:
        if bands and bands[-1][2] == sample.phase:
            bands[-1] = (bands[-1][0], sample.t, sample.phase)
        else:
            bands.append((sample.t, sample.t, sample.phase))
    return bands
