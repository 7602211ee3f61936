"""The pytest plugin of a conformance run, hooks and fixtures only: the run itself is
conformance/harness/suite_run.py, a check's verdict conformance/harness/check_results.py and what pytest
reports of it conformance/harness/pytest_terms.py, the reports conformance/reporting/. Active only when
the run selects checks under conformance/."""
from __future__ import annotations

import time
from contextlib import nullcontext
from pathlib import Path

import pytest
from _pytest.runner import runtestprotocol

from conformance.harness.check_results import (
    EVIDENCE,
    PHASE_ENDINGS,
    WINDOW_OPENED,
    check_result,
    phase_ending,
    runs_beside,
    subject_of,
)
from conformance.harness.check_window import VOIDED_CHECK_STOP
from conformance.harness.peer_runner import ConcurrentScenarios
from conformance.harness.pytest_terms import redact_report, report_verdict
from conformance.harness.signals import stop_requested
from conformance.harness.suite_run import RUN, CheckSettings, SuiteRun, is_conformance_run, open_run
from conformance.helpers.crashes import blame_crash
from conformance.reporting import report_files
from conformance.reporting.document import run_document
from conformance.reporting.terminal import write_summary
from conformance.verdicts.outcome import Evidence, inconclusive
from fixtures.cpu_token import cpu_token
from fixtures.target import end_run
from fixtures.untrusted import printable

PEERS = 3  # instances in the peer group the scenarios share


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "behaviour(id): the catalogue behaviour a check decides")
    config.addinivalue_line("markers", "destructive: may crash the instance or add hundreds of folders")
    config.addinivalue_line("markers", "subject(kind): the check observes the target's end, 'crash' or 'exit' "
                                       "(see conformance/verdicts/verdict.py)")
    config.addinivalue_line("markers", "peers: starts more instances and shares folders between them "
                                       "(deselect with -m 'not peers')")
    config.addinivalue_line("markers", "beside: mostly waits on Sync's timers (a scan, a start); on a build the "
                                       "suite starts, it runs as a scenario on instances of its own beside the "
                                       "other checks")
    if not is_conformance_run(config) or config.option.help or config.option.collectonly:
        return
    open_run(config)
    VOIDED_CHECK_STOP.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is not None:
        VOIDED_CHECK_STOP.uninstall()
        run.opened.close()
        end_run()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash.get(RUN, None)
    if run is None:
        return []
    return [printable(line) for line in (
        f"sync target: {run.opened.label}; version {run.version} (API says {run.api_version}); "
        f"platform {run.platform}",
        f"network: {run.opened.isolation}", f"hypothesis seed: {run.seed}",
        f"expectations: {run.expectations.label}")]


def pytest_collection_finish(session: pytest.Session) -> None:
    run = session.config.stash.get(RUN, None)
    if run is None:
        return
    for item in session.items:  # after deselection: the checks that will really run
        marker = item.get_closest_marker("behaviour")
        if marker:
            run.last_check_of[marker.args[0]] = item.nodeid
            run.selected.append(item.nodeid)
            run.behaviour_of[item.nodeid] = marker.args[0]


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: how many checks there are
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash.get(RUN, None)
    if run is None:
        return
    # the scenarios run in threads from the first check on; their checks, which wait for them, come last,
    # so that every other check runs while the scenarios wait (for peers, a scan, a deadline)
    items.sort(key=lambda item: runs_beside(item, run))
    run.collected = sum(1 for item in items if item.get_closest_marker("behaviour"))
    modules: dict[str, set[str]] = {}
    for item in items:
        if marker := item.get_closest_marker("behaviour"):
            run.collected_of[marker.args[0]] = run.collected_of.get(marker.args[0], 0) + 1
            modules.setdefault(marker.args[0], set()).add(Path(item.path).name)
    for behaviour_id, names in modules.items():  # a module of it not named on the command line: a part left out
        if behaviour_id in run.catalogue:
            left_out = sorted({Path(check).name for check in run.catalogue[behaviour_id].checks} - names)
            if left_out:
                run.modules_left_out[behaviour_id] = left_out
    for item in items:
        if item.get_closest_marker("destructive") and run.target.owned is None \
                and not run.settings.allow_destructive:
            item.add_marker(pytest.mark.skip(
                reason="destructive check skipped on an attached instance; pass --allow-destructive"))


# -- fixtures -------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def suite_run(request) -> SuiteRun:
    run = request.config.stash.get(RUN, None)
    if run is None:
        pytest.fail("no Sync target: run the checks as `pytest conformance [options]` from the project root")
    return run


@pytest.fixture(scope="session")
def sync_target(suite_run):
    """The live target: LaunchedSync (a build or the double) or AttachedSync."""
    return suite_run.target


@pytest.fixture
def sync(sync_target, evidence):
    """The raw client of the live target; every exchange lands in this check's evidence."""
    return sync_target.client


@pytest.fixture
def evidence(request, suite_run) -> Evidence:
    """This check's evidence. Before the check, a target found unhealthy is restarted (not blamed on this
    check); the check's window of incidents opens after that. After it, a target that is not healthy is
    blamed on this check (its incident added here) and restarted for the next one."""
    target = suite_run.target
    if target.owned is not None and target.check_health() is not None:
        target.restart()
    collected = Evidence()
    request.node.stash[EVIDENCE] = collected
    opened = request.node.stash[WINDOW_OPENED] = time.time()
    beside = runs_beside(request.node, suite_run)
    if not beside:
        VOIDED_CHECK_STOP.arm(opened, subject_of(request.node))
    target.client.observers.append(collected.record)
    yield collected
    VOIDED_CHECK_STOP.disarm()
    target.client.observers.remove(collected.record)
    if beside:  # its scenario never used the target: a death of the target is no incident of it
        if target.owned is not None and target.check_health() is not None:
            target.restart()
        return
    blame_crash(target, collected, blamed_on=request.node.nodeid)


@pytest.fixture(scope="session", autouse=True)
def scenarios(request):
    """Every selected scenario (peer checks, and beside checks on a build the suite starts), started with
    the run's first check (conformance/harness/peer_runner.py); the peer group only for peer checks."""
    run = request.config.stash.get(RUN, None)
    if run is None:  # the suite's own tests, not a conformance run
        yield None
        return
    beside = {item.module.scenario: bool(item.get_closest_marker("peers")) for item in request.session.items
              if runs_beside(item, run) and hasattr(item.module, "scenario")}
    running = ConcurrentScenarios(run.target, run.settings, beside, PEERS) if beside else None
    yield running
    if running is not None:
        running.join(timeout=30)


@pytest.fixture
def scenario_outcome(request, scenarios, suite_run, evidence):
    """`scenario_outcome(scenario, here=None)`: waits for that scenario, takes over its evidence and ends as
    it ended. A beside check on an attached instance, which has no instances of its own, calls `here()`
    instead, in its turn, on the target (None: it cannot be decided there)."""
    def report(scenario, here=None):
        if not runs_beside(request.node, suite_run):
            if here is None:
                inconclusive("runs on instances of its own the suite starts; an attached instance has none")
            here()
            return
        seen, error = scenarios.outcome(scenario)
        evidence.absorb(seen)
        if error is not None:
            raise error
    return report


@pytest.fixture(scope="session")
def options(suite_run) -> CheckSettings:
    """The run's settings (conformance/harness/suite_run.py), read-only."""
    return suite_run.settings


# -- verdicts -------------------------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """A check's verdict is decided after its teardown, from its outcome and the target's health then;
    its reports are logged only once they say that verdict."""
    run = item.config.stash.get(RUN, None)
    marker = item.get_closest_marker("behaviour")
    if run is None or marker is None:
        return None
    if signum := stop_requested():  # its KeyboardInterrupt was lost on the way: no check starts after it
        raise KeyboardInterrupt(f"stopped by signal {signum}")
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    # a check talking to its target is a request-heavy phase (a place of the machine's CPU token); a peer
    # check waits for its scenario, and those only wait
    phase = nullcontext() if runs_beside(item, run) else cpu_token().shared()
    with phase:
        opened = time.time()
        reports = runtestprotocol(item, nextitem=nextitem, log=False)
    result = check_result(run, item, reports, marker.args[0], opened)
    run.results.append(result)
    report_verdict(run, item, reports, result)
    for test_report in reports:
        item.ihook.pytest_runtest_logreport(report=test_report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keeps how each phase ended (the verdict needs the exception's kind) and redacts failure texts."""
    test_report = yield
    run = item.config.stash.get(RUN, None)
    if run is None or item.get_closest_marker("behaviour") is None:
        return test_report
    redact_report(run, test_report)
    item.stash.setdefault(PHASE_ENDINGS, {})[call.when] = phase_ending(call, test_report)
    return test_report



# -- reports --------------------------------------------------------------------------------------------
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus):
    """Around pytest-html and JUnit writing their files: first what the run was (complete or not), then
    the JSON, the files' final names and a last redaction (conformance/reporting/report_files.py)."""
    run = session.config.stash.get(RUN, None)
    if run is not None:
        if exitstatus == pytest.ExitCode.INTERRUPTED or stop_requested():
            run.interrupted = "interrupted (Ctrl-C or SIGTERM)"
        elif session.shouldfail or session.shouldstop:
            run.interrupted = f"stopped early: {session.shouldfail or session.shouldstop}"
        run.document = run_document(run)  # what pytest-html's page and the terminal summary show
    outcome = yield
    if run is None:
        return outcome
    try:
        run.json_path = run.files.write_json(run.document, run.complete)
        written = run.files.settle(run.json_path)
        session.config.option.htmlpath = str(next((path for path in written if path.suffix == ".html"),
                                                  session.config.option.htmlpath))
        session.config.option.xmlpath = str(next((path for path in written if path.suffix == ".xml"),
                                                 session.config.option.xmlpath))
        _tell_pytest_html(session.config, Path(session.config.option.htmlpath))
        report_files.redact_files(written + [Path(path) for path in (session.config.option.htmlpath,
                                                                     session.config.option.xmlpath) if path],
                                  run.redactor)
    except OSError as error:
        run.write_error = f"could not write the reports to {run.files.json.parent}: {error.strerror or error}"
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    return outcome



def _tell_pytest_html(config: pytest.Config, html_path: Path) -> None:
    """pytest-html prints the path it wrote ('Generated html report: ...') at the very end: the file's
    final name, not the .partial one it was written under while the run went on."""
    for plugin in config.pluginmanager.get_plugins():
        if type(plugin).__module__.startswith("pytest_html") and hasattr(plugin, "_report_path"):
            plugin._report_path = html_path.resolve()


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is not None and run.document is not None:
        write_summary(terminalreporter, run.document,
                      [run.json_path, config.option.htmlpath, config.option.xmlpath], run.write_error)
