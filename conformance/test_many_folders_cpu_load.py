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
The idle window and the one after adding are each the whole machine's (fixtures/cpu_token.py: no other
check's or run's request-heavy phase or CPU window meanwhile; one not had within the token's patience is
inconclusive); the adding shares the machine as any request-heavy phase does, and the settling holds no
place. Each window lasts until it has MIN_SAMPLES samples too (a sampler on a loaded machine is late), up
to SAMPLES_PATIENCE times its length. The evidence says how long each window waited for the machine and
how long after the last answer the window after adding began. It ends early once what is
left of it could no longer change the verdict (at most every core busy, or one thread's whole core, from
then on), and before adding when Sync is already busy; the evidence says what ended it.
"""
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Iterator

import psutil
import pytest

from conformance.helpers.crashes import blame_crash
from conformance.helpers.folders import unrecorded
from conformance.verdicts.outcome import inconclusive
from fixtures.cpu import CpuSampler
from fixtures.cpu_token import cpu_token

pytestmark = [pytest.mark.behaviour("many-folders-cpu-load"), pytest.mark.destructive]

BASELINE_S = 2.0
MIN_SAMPLES = 4  # a window's mean is read from this many samples at least: on a loaded machine they come late
SAMPLES_PATIENCE = 3.0  # a window waits for them up to this many times its length
SETTLE_S = 2.0  # what the adding itself still costs right after the last answer is not the load we look for
WAITING = "waiting for the machine"  # no window of the check: other runs' load may be in it
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
    adding_s = watched_s = None
    try:
        with CpuSampler(sync_target.owned.pid, phase=WAITING) as sampler:
            with the_machine(evidence, "before adding"):
                sampler.phase = "idle"
                idle_s = sample_for(sampler, BASELINE_S, SAMPLES_PATIENCE * BASELINE_S)
                evidence.note("seconds the idle window lasted", round(idle_s, 1))
            if not already_busy(sampler, options):
                sampler.phase = "adding"
                started = time.monotonic()
                pool = ThreadPoolExecutor(ADD_WORKERS)
                try:
                    with unrecorded(sync, evidence):  # a thousand add_folder exchanges: the latencies stand for them
                        list(pool.map(add, range(count)))
                finally:  # on Ctrl-C or SIGTERM, drop the queued calls instead of waiting for all of them
                    pool.shutdown(cancel_futures=True)
                added = time.monotonic()
                adding_s = added - started
                sampler.phase = "settling"
                with cpu_token().released():
                    time.sleep(SETTLE_S)
                sampler.phase = WAITING
                with the_machine(evidence, "after adding"):
                    evidence.note("seconds from the last add_folder answer to the window after adding",
                                  round(time.monotonic() - added, 1))
                    sampler.phase = "after"
                    watched_s, ended = watch_after(sampler, options)
                evidence.note("what ended the window", ended)
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
    evidence.note("adding took (s)", round(adding_s, 2) if adding_s is not None else "not added: already busy")
    evidence.note("thresholds: busy >= / idle <= (% of one core)", f"{options.cpu_busy} / {options.cpu_idle}")
    evidence.plot("CPU of the Sync process", [(sample.t, sample.used) for sample in sampler.samples],
                  "seconds", "% of one core", bands=_phase_bands(sampler.samples))
    evidence.plot("add_folder latency against folder count", sorted(latencies), "folders added", "ms")
    if failures:
        inconclusive(f"{len(failures)} of {count} add_folder calls were refused (first: {failures[0]})")
    if idle is not None and already_busy(sampler, options):
        inconclusive(f"Sync was already busy before the folders were added ({idle}% of one core used, its busiest "
                     f"thread wanted {busiest_idle}%), so a busy core afterwards would prove nothing")
    if after is None or idle is None:
        inconclusive("no CPU samples before or after adding the folders (the process may have died)")
    observed = (f"after adding {count} empty folders Sync used {after}% of one core on average over "
                f"{watched_s:.1f} s ({second_half}% over the second half; idle before: {idle}%)")
    if after >= options.cpu_busy and second_half >= options.cpu_busy:
        evidence.because(observed)
        return
    if busiest is not None and busiest >= options.cpu_busy:
        inconclusive(f"{observed}, but its busiest thread wanted {busiest}% (on a CPU or waiting for one): "
                     f"{HELD_BACK}")
    assert after > options.cpu_idle, f"{observed}; a busy core would be >= {options.cpu_busy:g}%"
    inconclusive(f"{observed}: between the idle ({options.cpu_idle:g}%) and busy ({options.cpu_busy:g}%) thresholds")


@contextmanager
def the_machine(evidence, window: str) -> Iterator[None]:
    """The machine to this check alone for one CPU-measuring window (the idle one before adding, the one
    after): no request-heavy phase of another check or run, nor another CPU window, meanwhile. The adding
    between them is a request-heavy phase like any other, and the settling a wait."""
    waited_before = cpu_token().waits.machine_s
    with cpu_token().exclusive() as had:
        evidence.note(f"seconds waited for the whole machine {window} (no other check's or run's request-heavy "
                      f"phase or CPU window at the same time)", round(cpu_token().waits.machine_s - waited_before, 1))
        if not had:
            inconclusive(f"other checks or runs on this machine kept it busy: the CPU window {window} did not "
                         f"have the machine to itself within {cpu_token().patience_s:g} s")
        yield


def already_busy(sampler: CpuSampler, options) -> bool:
    """Busy before the folders came: whatever follows, the reading proves nothing."""
    idle, busiest_idle = sampler.mean("idle"), sampler.mean("idle", figure="busiest")
    return idle is not None and (idle > options.cpu_idle
                                 or busiest_idle is not None and busiest_idle >= options.cpu_busy)


def watch_after(sampler: CpuSampler, options) -> tuple[float, str]:
    """Samples the window after adding until --cpu-window has passed or the rest of it could no longer
    change the verdict: (seconds watched, which of the two ended it)."""
    started = time.monotonic()
    most = 100.0 * (psutil.cpu_count() or 1)
    while (watched := time.monotonic() - started) < options.cpu_window:
        after = sampler.of_phase("after")
        verdict = settled([sample.used for sample in after], [sample.busiest for sample in after],
                          watched / options.cpu_window, options, most)
        if verdict:
            return watched, (f"after {watched:.1f} of the {options.cpu_window:g} s of --cpu-window: {verdict} whatever the "
                    f"rest would show (at most {most:g}% of one core on this machine, 100% for one thread)")
        time.sleep(sampler.interval)
    if len(sampler.of_phase("after")) >= MIN_SAMPLES:
        return watched, f"the whole --cpu-window ({options.cpu_window:g} s)"
    watched += sample_for(sampler, 0.0, SAMPLES_PATIENCE * options.cpu_window - watched)
    return watched, (f"the whole --cpu-window ({options.cpu_window:g} s), then as long as it took to have "
                     f"{MIN_SAMPLES} samples ({len(sampler.of_phase('after'))} in {watched:.1f} s)")


def sample_for(sampler: CpuSampler, shortest: float, longest: float) -> float:
    """Samples the current phase for `shortest` seconds, and on until it has MIN_SAMPLES samples, but no
    longer than `longest`: the seconds it lasted."""
    started = time.monotonic()
    while (lasted := time.monotonic() - started) < shortest or (
            len(sampler.of_phase(sampler.phase)) < MIN_SAMPLES and lasted < longest):
        time.sleep(sampler.interval / 2)
    return lasted


def settled(used: list[float], busiest: list[float | None], done: float, options, most: float) -> str | None:
    """The verdict the window's remaining part (1 - `done` of it) can no longer change, given at most
    `most` % used and 100 % wanted by one thread from here on; the samples so far must give it too."""
    if not used or done >= 1.0:
        return None
    mean = sum(used) / len(used)
    known = [value for value in busiest if value is not None]
    busiest_mean = sum(known) / len(known) if known else None
    rest = 1.0 - done
    highest = mean * done + most * rest
    highest_busiest = None if busiest_mean is None else busiest_mean * done + 100.0 * rest
    if highest <= options.cpu_idle and (highest_busiest is None or highest_busiest < options.cpu_busy):
        return "contradicted"
    if done <= 0.5:
        return None
    in_second_half = used[int(len(used) * 0.5 / done):]  # the samples since half the window
    lowest_second_half = sum(in_second_half) / max(len(in_second_half), 1) * (done - 0.5) / 0.5
    later_half_so_far = used[len(used) // 2:]  # what the rule reads as the second half if the window ends now
    if min(mean * done, lowest_second_half, sum(later_half_so_far) / len(later_half_so_far)) >= options.cpu_busy:
        return "confirmed"
    return None


def _phase_bands(samples) -> list[tuple[float, float, str]]:
    bands: list[tuple[float, float, str]] = []
    for sample in samples:
        if bands and bands[-1][2] == sample.phase:
            bands[-1] = (bands[-1][0], sample.t, sample.phase)
        else:
            bands.append((sample.t, sample.t, sample.phase))
    return bands
