"""The verdict rule on its own (conformance/verdicts/verdict.py): an incident makes any outcome inconclusive,
except the target's end where that end is the check's subject."""
import signal

import pytest

from conformance.verdicts.verdict import HARNESS_ERROR, decide, is_crash

SEGV, KILL, TERM = -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGTERM


def died(exit_status, reproduced=False, provoked_by=()):
    return {"kind": "died", "instance": "target", "at": 10.0, "process": f"status {exit_status}",
            "exit_status": exit_status, "reproduced": reproduced, "provoked_by": list(provoked_by)}


def silent(started=9.5):
    return {"kind": "no answer", "instance": "target", "at": started, "request": "get_prefs",
            "request_started": started, "error": "connection failed: remote end closed"}


PAUSED = {"kind": "paused", "instance": "peer 2", "at": 1.0, "until": 3.0, "seconds": 2.0, "process": "stopped"}
SLOW = {"kind": "slow", "instance": "target", "at": 1.0, "request": "get_version", "seconds": 7.1}
HUNG = {"kind": "hung", "instance": "target", "at": 1.0, "process": "running but not answering (hang)"}


@pytest.mark.parametrize("verdict", ["confirmed", "contradicted", "inconclusive"])
def test_without_incidents_the_checks_own_outcome_stands(verdict):
    assert decide(verdict, "what was seen", []).verdict == verdict
    assert decide(verdict, "what was seen", []).reason == "what was seen"


@pytest.mark.parametrize("incident", [died(KILL), died(SEGV), died(0), silent(), PAUSED, SLOW, HUNG],
                         ids=["sigkill", "sigsegv", "exit-0", "no-answer", "paused", "slow", "hung"])
@pytest.mark.parametrize("verdict", ["confirmed", "contradicted", HARNESS_ERROR])
def test_any_incident_makes_any_outcome_inconclusive(verdict, incident):
    decision = decide(verdict, "get_prefs answered None", [incident], harness_error="TypeError: x")
    assert decision.verdict == "inconclusive"
    assert decision.harness_error is None
    assert incident["instance"] in decision.reason


def test_the_reason_names_the_incident_and_keeps_what_the_check_saw():
    reason = decide("contradicted", "get_prefs answered None", [died(KILL)]).reason
    assert reason.startswith("the target died during the check (status -9")
    assert reason.endswith("(contradicted: get_prefs answered None)")


def test_a_peers_death_is_told_before_the_silences_it_explains():
    """Its clients see the silence first (the monitor records the death a moment later), and with many
    incidents the death once fell among '+N more'."""
    death = {**died(SEGV), "instance": "peer 1", "log_tail": "starting\n[20261202 17:00:01] assert failed in peers.cpp\n"}
    silences = [{**silent(started), "instance": "peer 1"} for started in (9.0, 9.1, 9.2, 9.3)]
    reason = decide("contradicted", "nothing arrived", silences + [death]).reason
    assert reason.startswith("the peer 1 died during the check (status -11"), reason
    assert "its log ends: '[20261202 17:00:01] assert failed in peers.cpp'" in reason


def test_a_harness_error_without_incidents_stays_one():
    decision = decide(HARNESS_ERROR, "", [], harness_error="TypeError: 'NoneType' object is not a mapping")
    assert decision.verdict == "inconclusive" and decision.harness_error.startswith("TypeError")


def test_a_reproduced_crash_is_the_observation_of_a_crash_subject():
    crash = died(SEGV, reproduced=True, provoked_by=[9.5])
    decision = decide("confirmed", "crashed", [crash, silent(9.5)], subject="crash")
    assert decision.verdict == "confirmed"


@pytest.mark.parametrize("death", [died(KILL, reproduced=True), died(TERM, reproduced=True), died(0, reproduced=True),
                                   died(SEGV, reproduced=False)],
                         ids=["sigkill", "sigterm", "exit-0", "not-reproduced"])
def test_other_ends_do_not_count_for_a_crash_subject(death):
    assert decide("confirmed", "crashed", [death], subject="crash").verdict == "inconclusive"
    assert decide("contradicted", "no crash", [death], subject="crash").verdict == "inconclusive"


def test_a_silence_no_crash_explains_counts_for_a_crash_subject():
    crash = died(SEGV, reproduced=True, provoked_by=[9.5])
    assert decide("confirmed", "crashed", [crash, silent(4.0)], subject="crash").verdict == "inconclusive"
    assert decide("confirmed", "crashed", [crash, HUNG], subject="crash").verdict == "inconclusive"


def test_exit_0_is_the_observation_of_an_exit_subject_and_nothing_else_is():
    assert decide("confirmed", "exited", [died(0)], subject="exit").verdict == "confirmed"
    assert decide("confirmed", "exited", [died(KILL)], subject="exit").verdict == "inconclusive"
    assert decide("contradicted", "still running", [PAUSED], subject="exit").verdict == "inconclusive"


def test_crash_statuses():
    assert [is_crash(status) for status in (SEGV, -signal.SIGABRT, -signal.SIGBUS, -signal.SIGILL, -signal.SIGFPE)] \
        == [True] * 5
    assert [is_crash(status) for status in (KILL, TERM, 0, None)] == [False] * 4
    assert is_crash(1) and is_crash(139)


def test_an_unknown_subject_is_a_mistake_in_the_check():
    with pytest.raises(ValueError):
        decide("confirmed", "x", [], subject="crashes")


def test_a_harness_error_inside_hypothesis_is_named_by_its_first_exception():
    from conformance.harness.check_results import error_line

    class Raised:
        value = ExceptionGroup("Hypothesis found 2 distinct failures.", [TypeError("'NoneType' object is not a mapping"),
                                                                         KeyError("x")])
    assert error_line(Raised(), None) == "TypeError: 'NoneType' object is not a mapping"
