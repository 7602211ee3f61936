"""Blaming a target's death (or hang) on the check that saw it, and provoking a crash on purpose.

Both restart the target, so the next request, and the next check, meet a healthy one. The incidents
they return are the journal's own records (fixtures/watch.py): marking one `reproduced` is what lets
the verdict rule (conformance/verdicts/verdict.py) count it as the observation of a crash check.
"""
from __future__ import annotations

from conformance.verdicts.outcome import Evidence
from conformance.verdicts.verdict import is_crash


def blame_crash(target, evidence: Evidence, **context) -> dict | None:
    """If the target is not healthy (died, paused, hung, slow): add `context` (such as the request that
    caused it) to the incident, show it in this check's evidence, restart the target, and return the
    incident (the same record the journal holds, so a check can mark it `reproduced`)."""
    incident = target.check_health()
    if incident is None:
        return None
    incident.update(context)
    evidence.crashes.append(incident)
    target.restart()
    return incident


def provoke_crash(client, target, evidence: Evidence, path: str, params: dict, query: str | None = None,
                  **context) -> dict | None:
    """Send one request; if the target does not survive it with a crash (a crash signal or a non-zero
    exit), send it again to the freshly restarted target. The crash incident, marked `reproduced` when the
    second death was a crash too (conformance/verdicts/verdict.py counts only those), or None when the target
    survived or ended some other way (killed from outside, exit 0, a hang: incidents, not observations).
    `query`, when given, is the query string sent as it is (`params` then only describes it)."""
    exchange = client.request(path, params, query=query)
    if exchange.answered:
        return None
    crash = blame_crash(target, evidence, request=exchange.to_dict(), **context)
    if crash is None or not is_crash(crash.get("exit_status")):
        return None
    again = client.request(path, params, query=query)
    replay = None if again.answered else blame_crash(target, evidence, request=again.to_dict(), replay=True, **context)
    reproduced = replay is not None and is_crash(replay.get("exit_status"))
    for incident, sent in ((crash, exchange), (replay, again)):
        if incident is not None:
            incident.update(reproduced=reproduced, provoked_by=[sent.started])
    return crash
