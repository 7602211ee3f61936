"""A check's verdict said back in pytest's terms: the deciding report passes, fails or is skipped as the
verdict says, a contradiction the expectations foresee is a strict xfail, the behaviour's last check
carries its judgement, and no failure text carries a secret or an escape sequence."""
from __future__ import annotations

from conformance.harness import confirmations
from conformance.harness.html_hooks import attach_evidence
from conformance.harness.suite_run import SuiteRun
from conformance.verdicts import expectations as expectations_module
from conformance.verdicts.catalogue import rerun_checks
from conformance.verdicts.outcome import CONTRADICTED, INCONCLUSIVE, CheckResult
from fixtures.untrusted import printable


def report_verdict(run: SuiteRun, item, reports, result: CheckResult) -> None:
    """The deciding report (the call's, or the setup's when the check never ran) says the verdict in
    pytest's terms; every report carries it as properties (JUnit XML, the HTML rows)."""
    deciding = next((test_report for test_report in reports if test_report.when == "call"), reports[0])
    properties = [("behaviour", result.behaviour), ("verdict", result.verdict)]
    for test_report in reports:
        test_report.user_properties = list(properties)
    item.user_properties[:] = properties
    if reports[-1].when == "teardown":
        attach_evidence(reports[-1], result.to_dict())
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


def confirm(run: SuiteRun, behaviour_id: str) -> None:
    """The behaviour's checks run again on fresh instances (conformance/harness/confirmations.py), up to
    --confirm-failures times, and no more once a rerun meets the expectation: it is flaky by then."""
    arguments, environment = run.rerun_with
    reruns = run.reruns.setdefault(behaviour_id, [])
    for number in range(1, run.settings.confirm_failures + 1):
        reruns.append(run.redactor.value(confirmations.rerun(
            behaviour_id, rerun_checks(run.catalogue, behaviour_id), number, run.files.json, arguments, environment)))
        if run.behaviour_outcome(behaviour_id).judgement.kind == expectations_module.FLAKY:
            return


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
    if outcome.judgement.fails and outcome.judgement.kind in expectations_module.CONFIRMABLE \
            and run.settings.confirm_failures and result.behaviour not in run.reruns \
            and run.rerun_could_tell(result.behaviour):
        withheld = run.reruns_withheld()
        if withheld:
            run.unconfirmed[result.behaviour] = withheld
        else:
            confirm(run, result.behaviour)
        outcome = run.behaviour_outcome(result.behaviour)
    judgement = outcome.judgement
    if judgement.kind == expectations_module.FLAKY:  # neither a failure nor a pass: a non-strict xfail
        test_report.outcome, test_report.longrepr = "skipped", None
        test_report.wasxfail = "[FLAKY] " + expectations_module.explain(
            result.behaviour, run.version, outcome.verdict, judgement.expectation, judgement.kind, judgement.seen)
        return
    if judgement.fails and test_report.outcome != "failed":
        label = "XPASS(strict)" if judgement.kind in (expectations_module.STALE, expectations_module.FIXED) \
            else judgement.kind.upper()
        test_report.outcome = "failed"
        test_report.longrepr = f"[{label}] " + expectations_module.explain(
            result.behaviour, run.version, outcome.verdict, judgement.expectation, judgement.kind, judgement.seen,
            judgement.unconfirmed)
        if hasattr(test_report, "wasxfail"):
            del test_report.wasxfail
