"""The one rule that turns what a check ended with into its verdict, decided after its teardown.

Input: the check's own outcome (it returned: confirmed; an assertion failed: contradicted; it called
`inconclusive()` or was skipped; anything else: a harness error) and every incident of the instances it
ran against during its time window (fixtures/watch.py): a death, a pause, a hang, a request left without
an answer, an answer slower than half the request timeout, a disk full where its storage is.

- No incident: the check's own outcome stands.
- An incident: the check is inconclusive, with the incidents as evidence, whatever it ended with.
  Silence from a target is never an answer, and a target that died may have died of something else.
- Unless the check's subject is the target's end (`pytest.mark.subject("crash")` or `("exit")`):
  - "crash": a death by a crash signal (SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE) or a non-zero exit
    that the check provoked again on a freshly restarted target (`reproduced`) is the observation, not
    an incident, and so is the unanswered request that provoked it. Anything else (SIGKILL or SIGTERM
    from outside, exit 0, a hang, a slow answer, a crash that did not come again) is an incident.
  - "exit": the target exiting with status 0 is the observation.
"""
from __future__ import annotations

import signal
from dataclasses import dataclass

from conformance.verdicts.outcome import INCONCLUSIVE

HARNESS_ERROR = "harness error"
CRASH_SIGNALS = frozenset({signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL, signal.SIGFPE})
SUBJECTS = ("crash", "exit")


@dataclass(frozen=True)
class Decision:
    verdict: str
    reason: str
    harness_error: str | None = None


def is_crash(exit_status: int | None) -> bool:
    """A crash signal or a non-zero exit status (a wrapper shell reports a signal as 128 + N)."""
    if exit_status is None:
        return False
    if exit_status < 0:
        return -exit_status in CRASH_SIGNALS
    return exit_status > 0


def excused(incident: dict, subject: str | None, observations: list[dict]) -> bool:
    """Whether an incident is what the check observes rather than something that happened to it."""
    if subject == "crash":
        if incident["kind"] == "died":
            return is_crash(incident.get("exit_status")) and bool(incident.get("reproduced"))
        if incident["kind"] == "no answer":  # the request that provoked an observed crash
            return any(incident.get("request_started") in crash.get("provoked_by", ()) for crash in observations)
    if subject == "exit":
        return incident["kind"] == "died" and incident.get("exit_status") == 0
    return False


def may_yet_be_excused(incident: dict, subject: str | None) -> bool:
    """Whether what the check goes on to observe could still make this incident its observation (a
    crash that a replay may reproduce, the unanswered request that provoked it); if not, the incident
    alone makes the check inconclusive."""
    if subject == "crash":
        return incident["kind"] == "no answer" or (incident["kind"] == "died" and is_crash(incident.get("exit_status")))
    return excused(incident, subject, [])


# What an instance's fate is told by first: what happened to its process, then what its clients saw of it
FATE_FIRST = ("died", "paused", "hung", "storage full", "slow", "no answer")


def describe(incident: dict) -> str:
    where = incident.get("instance", "target")
    kind = incident["kind"]
    if kind == "died":
        text = f"the {where} died during the check ({incident.get('process')}"
        if incident.get("last_request"):
            text += f"; last asked: {incident['last_request']}"
        last_line = next((line.strip() for line in reversed((incident.get("log_tail") or "").splitlines())
                          if line.strip()), None)
        if last_line:
            text += f"; its log ends: {last_line[:160]!r}"
        return text + ")"
    if kind == "paused":
        lasted = f" for {incident['seconds']} s" if incident.get("seconds") is not None else ""
        return f"the {where} was paused{lasted} during the check ({incident.get('process')})"
    if kind == "hung":
        return f"the {where} stopped answering during the check ({incident.get('answer') or incident.get('process')})"
    if kind == "slow":
        what = f"{incident['request']} " if incident.get("request") else ""
        return f"the {where} answered {what}after {incident.get('seconds')} s, over half the request timeout"
    if kind == "storage full":
        return f"the {where}'s disk was full during the check ({incident.get('process')})"
    if kind == "no answer":
        return f"the {where} left {incident.get('request')} without an answer ({incident.get('error')})"
    if kind == "repeated":  # the evidence's count of incidents left out (conformance/verdicts/outcome.py)
        return (f"the {where}: {incident['count']} more {incident['of_kind']!r} incidents over "
                f"{incident['last_at'] - incident['at']:.1f} s")
    return f"the {where}: {kind}"


def decide(verdict: str, reason: str, incidents: list[dict], subject: str | None = None,
           harness_error: str | None = None) -> Decision:
    """`verdict`/`reason`: what the check's own code ended with (`verdict` is HARNESS_ERROR for an
    unexpected exception, with `harness_error` its first line)."""
    if subject is not None and subject not in SUBJECTS:
        raise ValueError(f"unknown subject {subject!r}; one of {SUBJECTS}")
    observations = [incident for incident in incidents
                    if incident["kind"] == "died" and excused(incident, subject, [])]
    troubles = [incident for incident in incidents if not excused(incident, subject, observations)]
    if not troubles:
        if verdict == HARNESS_ERROR:
            return Decision(INCONCLUSIVE, f"harness error: {harness_error}", harness_error)
        return Decision(verdict, reason)
    own = f"{verdict}: {harness_error or reason}" if verdict != INCONCLUSIVE else reason
    # a death or a pause before the silences it explains, whichever was recorded first
    troubles = sorted(troubles, key=lambda incident: FATE_FIRST.index(incident["kind"])
                      if incident["kind"] in FATE_FIRST else len(FATE_FIRST))
    summary = "; ".join(dict.fromkeys(describe(incident) for incident in troubles[:3]))
    more = f" (+{len(troubles) - 3} more incidents)" if len(troubles) > 3 else ""
    return Decision(INCONCLUSIVE, f"{summary}{more}; so what the check saw is no verdict ({own})"[:900])

