"""Runs the selected scenarios at the same time, beside the other checks.

Sync does much on timers: it finds the peers of a new share (about 30 s on 1.4.111), scans a folder for
new files (about 10 s on 1.3.106), starts in seconds. The checks that mostly wait on those are scenarios:
the peer checks, on a peer group shared by them (each on shares of its own), and the beside checks, on
instances of their own. They run in threads started with the run's first check, so that their waits
overlap the other checks; each check then reports its own scenario's outcome and evidence. The whole set
takes about as long as the slowest scenario.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

from conformance.helpers.peers import Findings, PeerScenario
from conformance.verdicts.outcome import Evidence, Inconclusive, inconclusive
from fixtures.errors import SetupError
from fixtures.peer_group import PeerGroup
from fixtures.watch import JOURNAL

Scenario = Callable[[PeerScenario], None]


def _started_group(target, peers: int) -> PeerGroup:
    if target.owned is None:
        inconclusive("scenarios start instances of the build; an attached instance has none to start")
    group = target.owned.peer_group(peers)
    try:
        group.start()
    except SetupError as error:
        inconclusive(f"the peers could not be started: {error}")
    return group


class ConcurrentScenarios:
    """Runs the selected scenarios at once, from the run's first check on, so that their waits overlap
    the other checks. One long-lived thread starts the peer group (PEERS instances when a scenario needs
    peers, else none; a build's parent-death signal follows the thread that started it), then one thread
    per scenario, and stops the group when the last has ended. A group that does not start leaves the peer
    scenarios inconclusive, and the others run without it. `outcome(scenario)` waits for one and gives its
    evidence and the exception that ended it (None when it returned)."""

    def __init__(self, target, options, scenarios: dict[Scenario, bool], peers: int):
        """`scenarios`: each, and whether it needs the peer group."""
        self.outcomes: dict[Scenario, tuple[Evidence, BaseException | None]] = {}
        self.finished = {scenario: threading.Event() for scenario in scenarios}
        self.needs_peers = scenarios
        self.findings = Findings()
        self.runner = threading.Thread(target=self._run_all, args=(target, options, peers), daemon=True,
                                       name="scenarios")
        self.runner.start()

    def _run_all(self, target, options, peers: int) -> None:
        try:
            group = _started_group(target, peers if any(self.needs_peers.values()) else 0)
        except Inconclusive as unable:
            without = [scenario for scenario, needs in self.needs_peers.items() if needs]
            for scenario in without if target.owned is not None else self.finished:
                self._finish(scenario, Evidence(), unable)
            if target.owned is None:
                return
            group = target.owned.peer_group(0)
        try:
            threads = [threading.Thread(target=self._run, args=(scenario, group, options), daemon=True)
                       for scenario in self.finished if not self.finished[scenario].is_set()]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            group.stop()

    def _run(self, scenario: Scenario, group: PeerGroup, options) -> None:
        """Runs one scenario; every incident of the instances it used while it observed goes into its
        evidence, so the check that reports it is decided with them (a peer that died is named in its
        reason). Its clean-up (removing its shares) comes after: a death it provokes concerns the
        scenarios still observing, not this one."""
        started = time.time()
        scene = PeerScenario(group, options, self.findings)
        error = None
        try:
            scenario(scene)
        except BaseException as raised:  # an assertion (contradicted), inconclusive(), or a harness error
            error = raised
        observed = time.time()
        for instance in group.instances:
            instance.note_death()
        used = [instance for instance in group.instances if instance.base_url in scene.talked_to]
        used += scene.own_instances()
        roles = {instance.role for instance in used}
        scene.evidence.incidents += [incident for incident in JOURNAL.between(started, observed)
                                   if incident.get("instance") in roles]
        scene.evidence.note("seconds the scenario ran", round(observed - started, 1))
        try:
            scene.finish()
        except Exception:
            pass  # an instance gone at teardown: its folders go with it
        self._finish(scenario, scene.evidence, error)

    def _finish(self, scenario: Scenario, evidence: Evidence, error: BaseException | None) -> None:
        self.outcomes[scenario] = (evidence, error)
        self.finished[scenario].set()

    def outcome(self, scenario: Scenario) -> tuple[Evidence, BaseException | None]:
        self.finished[scenario].wait()
        return self.outcomes[scenario]

    def join(self, timeout: float) -> None:
        """At the run's end, waits for the group to be stopped once every scenario is over; a run cut
        short does not wait (the run's end stops every instance: fixtures/watch.py)."""
        if all(event.is_set() for event in self.finished.values()):
            self.runner.join(timeout)
