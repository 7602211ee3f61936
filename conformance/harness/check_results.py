"""From a check's pytest reports to its verdict: how each phase ended, the incidents in its window and
the verdict rule (conformance/verdicts/verdict.py). What pytest then reports of it is
conformance/harness/pytest_terms.py."""
from __future__ import annotations

import time

import pytest

from conformance.harness.check_window import incidents_in_window
from conformance.harness.suite_run import SuiteRun
from conformance.verdicts.outcome import CONFIRMED, CONTRADICTED, INCONCLUSIVE, CheckResult, Evidence, Inconclusive
from conformance.verdicts.verdict import HARNESS_ERROR, decide

EVIDENCE = pytest.StashKey[Evidence]()
WINDOW_OPENED = pytest.StashKey[float]()  # when the check's window of incidents opened
PHASE_ENDINGS = pytest.StashKey[dict]()  # phase -> (verdict that phase alone gives, reason)


def phase_ending(call: pytest.CallInfo, test_report) -> tuple[str, str]:
    """(verdict the phase alone would give, its reason)."""
    excinfo = call.excinfo
    if test_report.passed:
        return CONFIRMED, ""
    if excinfo is not None and excinfo.errisinstance(Inconclusive):
        return INCONCLUSIVE, str(excinfo.value.msg)
    if test_report.skipped:
        return INCONCLUSIVE, _skip_reason(test_report)
    if excinfo is not None and excinfo.errisinstance(AssertionError) and call.when == "call":
        return CONTRADICTED, _assertion_reason(excinfo.value)
    return HARNESS_ERROR, error_line(excinfo, test_report)


def check_result(run: SuiteRun, item, reports, behaviour: str, opened: float) -> CheckResult:
    endings = item.stash.get(PHASE_ENDINGS, {})
    collected = item.stash.get(EVIDENCE, Evidence())
    verdict, reason = endings.get("call") or endings.get("setup") or (HARNESS_ERROR, "the check did not run")
    if verdict == CONFIRMED:
        reason = collected.reason or "the expected behaviour was observed"
    harness_error = reason if verdict == HARNESS_ERROR else None
    if endings.get("teardown", (CONFIRMED,))[0] == HARNESS_ERROR and harness_error is None:
        harness_error = endings["teardown"][1]
        verdict = HARNESS_ERROR
    journal = incidents_in_window(item.stash.get(WINDOW_OPENED, opened), time.time(),
                                  scenario_check=runs_beside(item, run))
    collected.incidents += [incident for incident in journal
                            if incident not in collected.crashes and incident not in collected.incidents]
    decision = decide(verdict, reason, collected.crashes + collected.incidents, subject_of(item), harness_error)
    if decision.verdict == CONTRADICTED:
        collected.reproduce_last_request(run.target.client)
    duration = sum(test_report.duration for test_report in reports)
    return CheckResult(check=item.nodeid, behaviour=behaviour, verdict=decision.verdict,
                       reason=run.redactor.text(decision.reason), duration_s=round(duration, 3),
                       evidence=run.redactor.value(collected.to_dict()), harness_error=decision.harness_error)


def runs_beside(node, run: SuiteRun) -> bool:
    """The check reports a scenario that ran in a thread beside the other checks: a peer check, or a
    beside check on a build the suite starts (on an attached instance it runs in its turn)."""
    return bool(node.get_closest_marker("peers")
                or node.get_closest_marker("beside") and run.target.owned is not None)


def subject_of(node) -> str | None:
    """What the check observes of the target's end, if anything (`pytest.mark.subject`)."""
    marker = node.get_closest_marker("subject")
    return marker.args[0] if marker else None


def _assertion_reason(error: AssertionError) -> str:
    # pytest appends its own "assert ..." explanation after the message; the message is the reason
    return str(error).split("\nassert ")[0].strip() or "an assertion of the check failed"


def _skip_reason(test_report) -> str:
    longrepr = test_report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def error_line(excinfo, test_report) -> str:
    """The first line of what went wrong; for an exception group (Hypothesis raises them), the first
    exception inside it rather than the group's frame."""
    error = excinfo.value if excinfo is not None else None
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    if error is not None:
        text = str(error).strip().splitlines()
        return f"{type(error).__name__}: {text[0] if text else ''}"[:300]
    return _first_line(test_report.longreprtext)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    return (errors[0][2:].strip() if errors else lines[-1] if lines else "unknown error")[:300]


