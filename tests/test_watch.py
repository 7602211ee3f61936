"""The monitor's pauses: a SIGSTOP is a pause at once; a tracing stop only once it lasts, since Sync's own
crash handler holds a crashing process in one for a few milliseconds (the crash is the observation)."""
import os
import signal
import time

import pytest

from fixtures import launcher
from fixtures.build import reference_double
from fixtures.launcher import LaunchedSync
from fixtures.watch import JOURNAL, TRACING_STOP_PAUSE_S


@pytest.fixture
def double():
    instance = LaunchedSync(reference_double("1.4.111", None), None, role="watched double")
    instance.start()
    yield instance
    instance.stop()


def pauses_of(instance, since: float) -> list[dict]:
    return [incident for incident in JOURNAL.between(since, time.time())
            if incident["kind"] == "paused" and incident["instance"] == instance.role]


def sample_while(instance, monkeypatch, state: str, seconds: float) -> None:
    monkeypatch.setattr(launcher, "pause_state", lambda pid: state)
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        instance.sample()
        time.sleep(0.05)
    monkeypatch.setattr(launcher, "pause_state", lambda pid: None)
    instance.sample()


def test_a_tracing_stop_as_brief_as_a_crash_handlers_is_no_pause(double, monkeypatch):
    started = time.time()
    sample_while(double, monkeypatch, "tracing", TRACING_STOP_PAUSE_S / 4)
    assert pauses_of(double, started) == []


def test_a_tracing_stop_that_lasts_is_a_pause_from_when_it_began(double, monkeypatch):
    started = time.time()
    sample_while(double, monkeypatch, "tracing", TRACING_STOP_PAUSE_S * 2)
    [pause] = pauses_of(double, started)
    assert pause["at"] - started < 0.1 and pause["seconds"] >= TRACING_STOP_PAUSE_S * 1.5


def test_a_sigstop_is_a_pause_at_once(double, monkeypatch):
    started = time.time()
    sample_while(double, monkeypatch, "stopped", 0.1)
    assert len(pauses_of(double, started)) == 1


def test_a_health_check_names_a_pause_at_once_without_asking_the_paused_process(double, monkeypatch):
    asked = []
    monkeypatch.setattr(double.health_client, "call", lambda *args, **params: asked.append(args))
    os.kill(double.pid, signal.SIGSTOP)
    try:
        while launcher.pause_state(double.pid) != "stopped":  # a moment, far less than the monitor's interval
            pass
        incident = double.check_health()
    finally:
        os.kill(double.pid, signal.SIGCONT)
    assert incident["kind"] == "paused" and asked == [], (incident, asked)
