"""From a check's pytest reports to its verdict: how each phase ended, the incidents in its window, the
verdict rule (conformance/verdicts/verdict.py), and the verdict said back in pytest's terms and judged against
the expectations."""
from __future__ import annotations

import time

import pytest

from conformance.harness.check_window import incidents_in_window
from conformance.harness.suite_run import SuiteRun
from conformance.reporting import document as report
from conformance.verdicts import expectations as expectations_module
from conformance.verdicts.outcome import CONFIRMED, CONTRADICTED, INCONCLUSIVE, CheckResult, Evidence, Inconclusive
from conformance.verdicts.verdict import HARNESS_ERROR, decide
from fixtures.untrusted import printable

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
                                  peer_check=item.get_closest_marker("peers") is not None)
    collected.incidents += [incident for incident in journal
                            if incident not in collected.crashes and incident not in collected.incidents]
    decision = decide(verdict, reason, collected.crashes + collected.incidents, subject_of(item), harness_error)
    if decision.verdict == CONTRADICTED:
        collected.reproduce_last_request(run.target.client)
    duration = sum(test_report.duration for test_report in reports)
    return CheckResult(check=item.nodeid, behaviour=behaviour, verdict=decision.verdict,
                       reason=run.redactor.text(decision.reason), duration_s=round(duration, 3),
                       evidence=run.redactor.value(collected.to_dict()), harness_error=decision.harness_error)


def subject_of(node) -> str | None:
    """What the check observes of the target's end, if anything (`pytest.mark.subject`)."""
    marker = node.get_closest_marker("subject")
    return marker.args[0] if marker else None


def report_verdict(run: SuiteRun, item, reports, result: CheckResult) -> None:
    """The deciding report (the call's, or the setup's when the check never ran) says the verdict in
    pytest's terms; every report carries it as properties (JUnit XML, the HTML rows)."""
    deciding = next((test_report for test_report in reports if test_report.when == "call"), reports[0])
    properties = [("behaviour", result.behaviour), ("verdict", result.verdict)]
    for test_report in reports:
        test_report.user_properties = list(properties)
    item.user_properties[:] = properties
    if reports[-1].when == "teardown":
        report.attach_html_extras(reports[-1], result)
    if result.harness_error:  # the failing report (call, setup or teardown) says so as it is
        return
    location = (str(item.path), item.location[1])
    if result.verdict == INCONCLUSIVE:
        deciding.outcome, deciding.longrepr = "skipped", (*location, f"Skipped: {result.reason}")
    elif result.verdict == CONTRADICTED:
        deciding.outcome = "failed"
        if not deciding.longrepr:
            deciding.longrepr = result.reason
    else:
        deciding.outcome, deciding.longrepr = "passed", None
    _judge_against_expectations(run, item, deciding, result)


def redact_report(run: SuiteRun, test_report) -> None:
    """Failure texts reach the terminal, CI logs and the JUnit XML: no key, password or folder secret, and
    no escape sequence an answer held."""
    def safe(text: str) -> str:
        return printable(run.redactor.text(text))

    longrepr = test_report.longrepr
    if isinstance(longrepr, tuple):
        test_report.longrepr = (*longrepr[:2], safe(longrepr[2]))
    elif longrepr is not None:
        test_report.longrepr = safe(str(longrepr))
    if getattr(test_report, "wasxfail", None):
        test_report.wasxfail = safe(test_report.wasxfail)
    test_report.sections = [(title, safe(content)) for title, content in test_report.sections]


def _judge_against_expectations(run: SuiteRun, item, test_report, result: CheckResult) -> None:
    """A contradicting check whose reason is a part of a departure the expectations foresee (or of one
    where nothing is recorded to judge by) is a strict xfail; any other contradiction fails. The
    behaviour's last check carries the behaviour's one judgement: when that fails the run (a regression,
    departs differently, stale, fixed, not judged, not recorded), so does that check's report, whatever
    the check itself showed."""
    if result.verdict == CONTRADICTED:
        expectation = run.expectations.for_behaviour(result.behaviour)
        if expectations_module.foreseen(expectation, result.reason):
            test_report.outcome = "skipped"
            test_report.wasxfail = f"{result.behaviour} on {run.version}: contradicted, a part of the departure " \
                                   f"{expectation.source if expectation else 'nothing recorded'} foresees"
        else:
            test_report.outcome = "failed"
            test_report.longrepr = (f"{result.behaviour} on {run.version}: contradicted, not as "
                                    f"{expectation.source if expectation else 'expected'} records; the build says: "
                                    f"{result.reason}")
    if run.last_check_of.get(result.behaviour) != item.nodeid:
        return
    outcome = run.behaviour_outcome(result.behaviour)
    if outcome.fails and test_report.outcome != "failed":
        label = "XPASS(strict)" if outcome.judgement in (expectations_module.STALE, expectations_module.FIXED) \
            else outcome.judgement.upper()
        test_report.outcome = "failed"
        test_report.longrepr = f"[{label}] " + expectations_module.explain(
            result.behaviour, run.version, outcome.verdict, outcome.expectation, outcome.judgement)
        if hasattr(test_report, "wasxfail"):
            del test_report.wasxfail


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


