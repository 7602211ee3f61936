"""The machine's CPU token (fixtures/cpu_token.py) between processes: a CPU window waits for the
request-heavy phases already running and holds off new ones; places are one per core; a wait needs none;
a stopped holder makes a wait give up after its patience, a killed one frees its places at once."""
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from fixtures.cpu_token import DIRECTORY_VARIABLE, CpuToken, machine_lock
from tests.conftest import CPU_LOAD_CHECK, FAST, ROOT, run_conformance

HOLD = """
import sys, time
from pathlib import Path
from fixtures.cpu_token import CpuToken
token = CpuToken(Path(sys.argv[1]), places=int(sys.argv[2]))
with getattr(token, sys.argv[3])():
    print("held", flush=True)
    time.sleep(float(sys.argv[4]))
"""


def holder(directory, kind: str, seconds: float, places: int = 2) -> subprocess.Popen:
    """Another process holding the token (`shared` or `exclusive`) for `seconds`, once it says so."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(directory), str(places), kind, str(seconds)],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout.readline().strip() == "held"
    return process


@contextmanager
def another_check_under_way(token: CpuToken) -> Iterator[None]:
    """A check of this process in a phase in another thread, from entering the block until leaving it."""
    inside, leave = threading.Event(), threading.Event()

    def a_check():
        with token.shared():
            inside.set()
            leave.wait()
    check = threading.Thread(target=a_check)
    check.start()
    inside.wait()
    try:
        yield
    finally:
        leave.set()
        check.join()


def timed(action) -> float:
    started = time.monotonic()
    with action:
        return time.monotonic() - started


def test_a_cpu_window_waits_for_a_request_heavy_phase_elsewhere(tmp_path):
    other = holder(tmp_path, "shared", 1.0)
    token = CpuToken(tmp_path, places=2)
    with token.exclusive() as had:
        assert had
    assert token.waits.machine_s >= 0.5 and token.waits.machine_waits == 1
    other.wait()


def test_no_request_heavy_phase_begins_inside_a_cpu_window(tmp_path):
    other = holder(tmp_path, "exclusive", 1.0)
    token = CpuToken(tmp_path, places=2)
    assert timed(token.shared()) >= 0.5
    assert token.waits.place_waits == 1
    other.wait()


def test_places_are_as_many_as_given_and_a_wait_needs_none(tmp_path):
    others = [holder(tmp_path, "shared", 3.0) for _ in range(2)]  # the second's start may take a second or more
    token = CpuToken(tmp_path, places=2)
    assert timed(token.shared()) >= 0.5, "a third request-heavy phase waits for one of two places"
    for other in others:
        other.wait()
    inside = CpuToken(tmp_path, places=2)
    with inside.shared():
        with inside.released():  # this process's place is given back while it waits
            with CpuToken(tmp_path, places=2).exclusive() as had:
                assert had
        assert inside.waits.place_waits == 0


def test_a_waiting_cpu_window_goes_before_later_request_heavy_phases(tmp_path):
    other = holder(tmp_path, "shared", 1.5, places=1)
    window, later = CpuToken(tmp_path, places=1), CpuToken(tmp_path, places=1)
    order = []

    def take_the_machine():
        with window.exclusive():
            order.append("window")
    waiting = threading.Thread(target=take_the_machine)
    waiting.start()
    time.sleep(0.5)  # the window is at the turnstile, waiting for the other process's place
    with later.shared():
        order.append("later phase")
    waiting.join()
    assert order == ["window", "later phase"]
    other.wait()


def test_a_stopped_holder_is_waited_for_only_as_long_as_the_patience(tmp_path):
    other = holder(tmp_path, "shared", 30)
    other.send_signal(signal.SIGSTOP)
    try:
        token = CpuToken(tmp_path, places=2, patience_s=0.5)
        with token.exclusive() as had:
            assert not had
        assert token.waits.machines_not_had == 1
    finally:
        other.kill()
        other.wait()
    with CpuToken(tmp_path, places=2, patience_s=0.5).exclusive() as had:
        assert had, "the kernel gave the killed holder's place back"


def waits_at_the_turnstile(directory) -> bool:
    """Someone holds the turnstile: a CPU window waiting for the places (a place is taken through it in
    an instant)."""
    with open(directory / "turnstile", "a+") as turnstile:
        try:
            fcntl.flock(turnstile, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(turnstile, fcntl.LOCK_UN)
        return False


def machine_taken(directory) -> bool:
    """Someone holds the turnstile and every place: a CPU window is under way (taking one place holds the
    turnstile too, for an instant)."""
    places = sorted(directory.glob("place-*"))
    if not places or not waits_at_the_turnstile(directory):
        return False
    for path in places:
        with open(path, "a+") as place:
            try:
                fcntl.flock(place, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            fcntl.flock(place, fcntl.LOCK_UN)
            return False
    return True


def test_a_run_s_cpu_window_waits_for_another_run_and_says_how_long(tmp_path):
    token_dir = tmp_path / "machine"
    other = holder(token_dir, "shared", 300, places=os.cpu_count() or 1)
    runs = []
    child = threading.Thread(target=lambda: runs.append(
        run_conformance(tmp_path, *FAST, checks=CPU_LOAD_CHECK, env={DIRECTORY_VARIABLE: str(token_dir)})))
    child.start()
    deadline = time.monotonic() + 120
    while not waits_at_the_turnstile(token_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)
    other.kill()  # the other run's check ends (its place goes back with the process)
    other.wait()
    child.join()
    [run] = runs
    document = run.document()
    waits = document["run_info"]["cpu_token_waits"]
    assert waits["machine_waits"] == 1 and waits["machine_s"] >= 1.5, waits
    [result] = document["results"]
    facts = result["evidence"][0]["evidence"]["facts"]
    waited = next(value for name, value in facts.items() if name.startswith("seconds waited for the whole machine"))
    assert waited >= 1.5 and result["verdict"] != "inconclusive", (waited, result["reason"])
    assert "machine's CPU token: waited" in run.output


def test_while_one_thread_has_the_machine_the_process_s_other_threads_wait(tmp_path):
    token = CpuToken(tmp_path, places=2)
    order = []

    def start_an_instance():
        with token.shared():
            order.append("another thread's phase")
    with token.exclusive() as had:
        assert had
        other = threading.Thread(target=start_an_instance)
        other.start()
        time.sleep(0.5)
        order.append("window ends")
    other.join()
    assert order == ["window ends", "another thread's phase"]


def test_a_wait_gives_back_only_a_place_no_other_thread_is_in(tmp_path):
    token = CpuToken(tmp_path, places=1, patience_s=0.3)
    with another_check_under_way(token):
        with token.shared(), token.released():  # this thread waits; the other thread's phase keeps the place
            with CpuToken(tmp_path, places=1, patience_s=0.3).exclusive() as had:
                assert not had
        with token.exclusive() as had:  # another check of this run is load too: the window waits for it
            assert not had
    with CpuToken(tmp_path, places=1, patience_s=0.3).exclusive() as had:
        assert had


def test_a_cpu_window_waits_for_this_process_s_other_checks_and_holds_off_new_ones(tmp_path):
    token = CpuToken(tmp_path, places=2)
    order = []
    inside = threading.Event()

    def a_check(name: str, hold_s: float):
        with token.shared():
            inside.set()
            time.sleep(hold_s)
            order.append(name)

    def the_window():
        with token.exclusive() as had:
            assert had
            time.sleep(0.3)
            order.append("window")
    running = threading.Thread(target=a_check, args=("check under way", 0.5))
    running.start()
    inside.wait()
    window = threading.Thread(target=the_window)
    window.start()
    time.sleep(0.1)  # the window waits for the check under way
    later = threading.Thread(target=a_check, args=("later check", 0.0))
    later.start()
    for thread in (running, window, later):
        thread.join()
    assert order == ["check under way", "window", "later check"]
    assert token.waits.machine_s >= 0.3 and token.waits.place_s >= 0.2, token.waits


def test_a_machine_resource_is_one_run_s_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv(DIRECTORY_VARIABLE, str(tmp_path))
    with machine_lock("port-8888") as had:
        assert had
        with machine_lock("port-8888", patience_s=0.3) as again:  # another open of it: another run's
            assert not again
    with machine_lock("port-8888", patience_s=0.3) as had:
        assert had


def test_the_cpu_check_holds_the_machine_for_its_two_windows_only(tmp_path):
    """The idle window before adding and the one after are the machine's alone; the adding and settling
    between them are not: another run's request-heavy phase, waiting while the idle window ran, gets its
    place once that window ends, and the window after adding waits for it and says how long."""
    token_dir = tmp_path / "machine"
    runs = []
    child = threading.Thread(target=lambda: runs.append(
        run_conformance(tmp_path, *FAST, checks=CPU_LOAD_CHECK, env={DIRECTORY_VARIABLE: str(token_dir)})))
    child.start()
    deadline = time.monotonic() + 120
    while not machine_taken(token_dir) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the idle window has the machine
    other = holder(token_dir, "shared", 4, places=os.cpu_count() or 1)  # had once the idle window ends
    child.join()
    other.wait()
    [run] = runs
    [result] = run.document()["results"]
    facts = result["evidence"][0]["evidence"]["facts"]
    assert facts["seconds waited for the whole machine after adding (no other check's or run's request-heavy "
                 "phase or CPU window at the same time)"] >= 1.0, facts
    assert facts["seconds from the last add_folder answer to the window after adding"] >= 3.0, facts
    assert result["verdict"] != "inconclusive", result["reason"]


def test_a_phase_inside_one_under_way_goes_on_while_a_window_waits(tmp_path):
    """A check restarting its target (a start inside the check's phase) while a CPU window waits for that
    check: the start goes on, the check ends, then the window has the machine."""
    token = CpuToken(tmp_path, places=2, patience_s=5)
    inside = threading.Event()
    order = []

    def a_check_restarting_its_target():
        with token.shared():
            inside.set()
            time.sleep(0.3)  # the window is waiting now
            with token.shared():
                order.append("restart")

    check = threading.Thread(target=a_check_restarting_its_target)
    check.start()
    inside.wait()
    with token.exclusive() as had:
        order.append("window")
    check.join()
    assert had and order == ["restart", "window"]


def test_a_window_waiting_for_another_run_lets_this_run_s_checks_go_on(tmp_path):
    """Sixteen runs' windows queue at the turnstile: while one waits there, its own run's checks must not
    stop (they did, and every run of a matrix stood still behind the others' windows)."""
    token = CpuToken(tmp_path, places=2)
    with another_check_under_way(token):
        other = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "2", "exclusive", "0.5"], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        while not waits_at_the_turnstile(tmp_path):
            time.sleep(0.02)  # the other run's window is through the turnstile, waiting for this run's place

        def this_run_s_window():
            with token.exclusive():
                pass
        window = threading.Thread(target=this_run_s_window)
        window.start()
        time.sleep(0.2)  # this run's window waits at the turnstile behind the other's
        later_check = threading.Thread(target=lambda: timed(token.shared()))
        later_check.start()
        later_check.join(timeout=0.5)
    # (leaving the block lets the others go, so the test ends even on failure)
    assert not later_check.is_alive(), "a check of this run waited for its window still in the queue"
    later_check.join()
    assert other.stdout.readline().strip() == "held"
    other.wait()
    window.join(timeout=5)
    assert not window.is_alive()


def test_a_check_queued_for_the_machine_keeps_no_place_meanwhile(tmp_path):
    """Two runs' CPU checks: the one queued behind the other's window must not keep its place meanwhile,
    or the window ahead waits for it while it waits for that window."""
    first, second = CpuToken(tmp_path, places=2, patience_s=5), CpuToken(tmp_path, places=2, patience_s=5)
    results = {}

    def the_first_run_s_window():
        with first.exclusive() as had:
            results["first"] = had
    with second.shared():  # the second run's CPU check, under way
        with first.shared():
            window = threading.Thread(target=the_first_run_s_window)
            window.start()
            while not waits_at_the_turnstile(tmp_path):
                time.sleep(0.02)
        with second.exclusive() as had:  # queued behind the first run's window
            results["second"] = had
    window.join()
    assert results == {"first": True, "second": True}, results
