"""A nemesis for the suite's own tests: a pytest plugin loaded into a conformance run against the double
(`-p tests.nemesis --nemesis FAULT --nemesis-log FILE`). Inside every check, each instance of ours that
answers a request is hit by FAULT right after its first answer in that check:

- kill:  SIGKILL;
- pause: SIGSTOP, then SIGCONT after --nemesis-pause seconds (longer than the request timeout);
- slow:  SIGUSR1, after which the double answers every request late (SYNC_DOUBLE_SLOW_ANSWER_S);
- drop:  SIGUSR2, after which the double drops the next connection without an answer.

A fault "lands" when it took effect inside the check: the signal reached a running process (kill,
pause), a later answer in the check came late (slow), or a later request went unanswered (drop). The
log has a line per landing: the check, the fault, the instance's role and the request after which it hit.
A scenario's instance is hit once: one of the peer group all peer scenarios share at its first answer
once started, every other right after it started. Their landings belong to their scenarios (check
null in the log), and a scenario's check only waits for its scenario: it meets no fault itself.

A fault meets each check function once: its first parameter set runs, the others are deselected
(parameters change what a check asks, not how it meets a fault).
"""
from __future__ import annotations

import json
import os
import re
import signal
import threading
import time

import pytest

from fixtures.client import SyncClient
from fixtures.launcher import LaunchedSync
from fixtures.peer_group import PEER_ROLES
from fixtures.watch import JOURNAL

SIGNALS = {"kill": signal.SIGKILL, "pause": signal.SIGSTOP, "slow": signal.SIGUSR1, "drop": signal.SIGUSR2}


def pytest_addoption(parser):
    parser.addoption("--nemesis", choices=sorted(SIGNALS), help="the fault to inject into every check")
    parser.addoption("--nemesis-log", help="where to write a JSON line per fault that landed")
    parser.addoption("--nemesis-pause", type=float, default=1.5, help="seconds a paused instance stays paused")


class Nemesis:
    def __init__(self, fault: str, log_path: str, pause_s: float):
        self.fault, self.log_path, self.pause_s = fault, log_path, pause_s
        self.check: str | None = None
        self.hit: dict[str, dict] = {}  # base_url -> the pending landing of this check's fault there
        self.scenario_hits: dict[str, dict] = {}  # a scenario instance's role -> its landing, for the whole run
        self.lock = threading.Lock()

    def arm(self, check: str | None) -> None:
        with self.lock:
            self.check, self.hit = check, {}
            target = next((candidate for candidate in JOURNAL.instances() if candidate.role == "target"), None)
            if check and self.fault in ("slow", "drop") and getattr(target, "pid", None):
                self._strike(target, "(the check's start)", self.hit, check)

    def observe(self, exchange) -> None:
        with self.lock:
            struck_once = next((pending for pending in self.scenario_hits.values()
                                if pending["base_url"] == exchange.base_url), None)
            if struck_once is not None:
                self._maybe_landed(struck_once, exchange)
                return
            instance = next((candidate for candidate in JOURNAL.instances()
                             if getattr(candidate, "base_url", None) == exchange.base_url
                             and getattr(candidate, "pid", None)), None)
            if instance is not None and instance.role in PEER_ROLES:
                # the peer group all peer scenarios share serves them across the other checks: each of its
                # instances is hit once, at its first answer once started, whichever check runs meanwhile
                if SHARED_PEER.match(instance.role) and exchange.answered and instance.answers_expected:
                    self._strike(instance, exchange.method, self.scenario_hits, None, key=instance.role)
                return
            if self.check is None:
                return
            pending = self.hit.get(exchange.base_url)
            if pending is not None:
                self._maybe_landed(pending, exchange)
            elif instance is not None and exchange.answered:
                self._strike(instance, exchange.method, self.hit, self.check)

    def started(self, instance) -> None:
        """A scenario's instance of its own (a beside check's, a known-hosts pair) is hit once, right
        after its first start, whichever check runs meanwhile: a scenario that asks it once would
        otherwise meet no slow or dropped answer. The landing is its scenario's (check null)."""
        with self.lock:
            if instance.role in PEER_ROLES and not SHARED_PEER.match(instance.role) \
                    and instance.role not in self.scenario_hits:
                self._strike(instance, "(its start)", self.scenario_hits, None, key=instance.role)
                time.sleep(0.3)  # its scenario's next request comes at once: the double's handler first

    def _strike(self, instance, after: str | None, hits: dict, check: str | None, key: str | None = None) -> None:
        if instance.exit_status() is None:
            pid = instance.pid
            hits[key or instance.base_url] = pending = {"check": check, "fault": self.fault, "instance": instance.role,
                                                        "after": after, "pid": pid, "landed": False,
                                                        "base_url": instance.base_url}
            os.kill(pid, SIGNALS[self.fault])
            time.sleep(0.05)  # the double's signal handler runs in its main thread: let it before the next request
            if self.fault == "pause":
                threading.Timer(self.pause_s, _resume, args=(pid,)).start()
            if self.fault in ("kill", "pause"):
                self._land(pending)

    def _maybe_landed(self, pending: dict, exchange) -> None:
        instance = next((candidate for candidate in JOURNAL.instances()
                         if getattr(candidate, "base_url", None) == exchange.base_url), None)
        if pending["landed"] or instance is None or instance.pid != pending["pid"]:  # not after a restart
            return
        if (self.fault == "slow" and exchange.slow) or \
                (self.fault == "drop" and not exchange.answered):
            self._land(pending)

    def _land(self, pending: dict) -> None:
        pending["landed"] = True
        with open(self.log_path, "a") as log:
            log.write(json.dumps({key: value for key, value in pending.items() if key not in ("landed", "base_url")})
                      + "\n")


def _resume(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGCONT)
    except ProcessLookupError:
        pass


NEMESIS = pytest.StashKey[Nemesis]()
SHARED_PEER = re.compile(r"peer \d+$")  # the peer group all peer scenarios share (harness/peer_runner.py)


def pytest_configure(config):
    if config.option.nemesis:
        nemesis = config.stash[NEMESIS] = Nemesis(config.option.nemesis, config.option.nemesis_log,
                                                  config.option.nemesis_pause)
        SyncClient.everyone.append(nemesis.observe)
        start = LaunchedSync.start

        def start_then_strike(instance):
            start(instance)
            nemesis.started(instance)
        LaunchedSync.start = start_then_strike


def pytest_collection_modifyitems(config, items):
    if not config.option.nemesis:
        return
    seen, kept, repeats = set(), [], []
    for item in items:
        function = (item.path, getattr(item, "originalname", item.name))
        (repeats if function in seen else kept).append(item)
        seen.add(function)
    if repeats:
        config.hook.pytest_deselected(items=repeats)
        items[:] = kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    nemesis = item.config.stash.get(NEMESIS, None)
    if nemesis is not None:  # a scenario's check only waits for its scenario: its instances were hit
        beside = item.get_closest_marker("peers") or item.get_closest_marker("beside")
        nemesis.arm(None if beside else item.nodeid)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        nemesis = item.config.stash.get(NEMESIS, None)
        if nemesis is not None:
            nemesis.arm(None)
