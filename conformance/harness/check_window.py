"""A check's window of incidents: which of the journal's incidents are a check's, and stopping a check
that one of them has already made inconclusive.

A check's window opens once the target is healthy (the `evidence` fixture) and closes after its
teardown. The incidents in it are the check's, except those of the scenarios' instances (peer groups,
a beside check's own): the scenarios run in threads beside the other checks, and each collects its own.

Once an incident is in a check's window that nothing the check goes on to see can excuse (any incident,
for a check without a subject; conformance/verdicts/verdict.py), the check is inconclusive whatever it does next,
and going on only costs time: each request to a paused or slowed instance waits out the request timeout,
a crash hunt restarts the target for every try. So its next request from the main thread stops it,
naming the incident; the requests after that one (its clean-up) go out as usual.
"""
from __future__ import annotations

import threading
import time

from conformance.verdicts.outcome import inconclusive
from conformance.verdicts.verdict import describe, may_yet_be_excused
from fixtures.client import SyncClient
from fixtures.peer_group import PEER_ROLES
from fixtures.watch import JOURNAL


def incidents_in_window(opened: float, closed: float, scenario_check: bool) -> list[dict]:
    if scenario_check:
        return []
    return [incident for incident in JOURNAL.between(opened, closed) if incident.get("instance") not in PEER_ROLES]


class VoidedCheckStop:
    """Armed for one check at a time (checks run one after another in the main thread)."""

    def __init__(self) -> None:
        self.opened: float | None = None
        self.subject: str | None = None

    def arm(self, opened: float, subject: str | None) -> None:
        self.opened, self.subject = opened, subject

    def disarm(self) -> None:
        self.opened = None

    def install(self) -> None:
        """From now on it looks at every client's requests (for the length of a conformance run)."""
        if self.before_request not in SyncClient.before_each:
            SyncClient.before_each.append(self.before_request)

    def uninstall(self) -> None:
        if self.before_request in SyncClient.before_each:
            SyncClient.before_each.remove(self.before_request)

    def before_request(self, client: SyncClient) -> None:
        if self.opened is None or client.health_probe or threading.current_thread() is not threading.main_thread():
            return
        incidents = [incident for incident in incidents_in_window(self.opened, time.time(), scenario_check=False)
                     if not may_yet_be_excused(incident, self.subject)]
        if incidents:
            self.disarm()
            inconclusive(f"stopped before its next request, which could no longer decide it: "
                         f"{describe(incidents[0])}")


VOIDED_CHECK_STOP = VoidedCheckStop()
