"""pytest wiring for a conformance run: the target's lifecycle, verdicts from test outcomes, evidence,
crash blame and restart, and the reports. Active only when the run selects checks under conformance/.
"""
from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from _pytest.runner import runtestprotocol

from conformance import catalogue as catalogue_module
from conformance import expectations as expectations_module
from conformance import report, report_files
from conformance.check_window import VOIDED_CHECK_STOP, incidents_in_window
from conformance.crashes import blame_crash
from conformance.outcome import CONFIRMED, CONTRADICTED, INCONCLUSIVE, CheckResult, Evidence, Inconclusive, fold
from conformance.verdict import HARNESS_ERROR, decide
from fixtures.build import PROJECT_ROOT
from fixtures.attach import split_credentials
from fixtures.client import SyncClient
from fixtures.errors import SetupError
from fixtures.redaction import SECRETS, Redactor
from fixtures.target import OpenedTarget, TargetChoice, identity, open_target

CHECKS_DIR = PROJECT_ROOT / "conformance"
EVIDENCE = pytest.StashKey[Evidence]()
WINDOW_OPENED = pytest.StashKey[float]()  # when the check's window of incidents opened
PHASE_ENDINGS = pytest.StashKey[dict]()  # phase -> (verdict that phase alone gives, reason)


@dataclass
class SuiteRun:
    """Everything one conformance run shares."""

    opened: OpenedTarget
    options: dict
    redactor: Redactor
    catalogue: dict
    version: str
    api_version: str | None
    platform: str | None  # of the target: "linux-x64" (get_os and the executable's architecture)
    expectations: expectations_module.Expectations
    seed: int
    started: float
    results: list[CheckResult] = field(default_factory=list)
    files: report_files.ReportFiles | None = None
    json_path: Path | None = None  # where the JSON went (or goes)
    last_check_of: dict[str, str] = field(default_factory=dict)  # behaviour -> node id of its last check
    selected: list[str] = field(default_factory=list)  # node ids of the checks this run selected
    behaviour_of: dict[str, str] = field(default_factory=dict)  # node id -> behaviour
    interrupted: str | None = None  # why the run stopped early
    write_error: str | None = None
    collected: int = 0  # checks collected before -k/-m deselected any

    @property
    def selection(self) -> str | None:
        """What the run left out by choice, or None when it selected every check of every behaviour."""
        left_out = sorted(set(self.catalogue) - set(self.behaviour_of.values()))
        if left_out:
            return f"a selection: {len(left_out)} of {len(self.catalogue)} behaviours not selected"
        if len(self.selected) < self.collected:
            return f"a selection: {self.collected - len(self.selected)} checks deselected"
        return None

    @property
    def complete(self) -> bool:
        """Every check of every behaviour has a verdict and nothing cut the run short."""
        return (self.interrupted is None and self.selection is None
                and {result.check for result in self.results} >= set(self.selected))

    def judgement(self, behaviour_id: str, verdict: str,
                  reason: str = "") -> tuple[expectations_module.Expectation | None, str]:
        expectation = self.expectations.for_behaviour(behaviour_id)
        return expectation, expectations_module.judge(verdict, expectation, reason)

    @property
    def target(self):
        return self.opened.target


RUN = pytest.StashKey[SuiteRun]()


def is_conformance_run(config: pytest.Config) -> bool:
    args = config.args or []
    for arg in args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path == CHECKS_DIR or CHECKS_DIR in path.parents:
            return True
    return False


def _choice(config: pytest.Config) -> TargetChoice:
    option = config.option
    return TargetChoice(
        binary=option.sync_binary or os.environ.get("SYNC_BINARY") or None,
        api_key=option.sync_api_key or os.environ.get("SYNC_API_KEY") or None,
        url=option.sync_url or os.environ.get("SYNC_URL") or None,
        user=option.sync_user or os.environ.get("SYNC_USER") or None,
        password=option.sync_password or os.environ.get("SYNC_PASSWORD") or None,
        allow_host_network=option.allow_host_network, port=option.sync_port,
        ready_timeout=option.ready_timeout, double_profile=option.double_profile,
        double_switches=option.double_switches, double_version=option.double_version,
        double_cpu_burn_folders=option.many_folders)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "behaviour(id): the catalogue behaviour a check decides")
    config.addinivalue_line("markers", "destructive: may crash the instance or add hundreds of folders")
    config.addinivalue_line("markers", "subject(kind): the check observes the target's end, 'crash' or 'exit' "
                                       "(see conformance/verdict.py)")
    config.addinivalue_line("markers", "peers: starts more instances and shares folders between them "
                                       "(deselect with -m 'not peers')")
    if not is_conformance_run(config) or config.option.help or config.option.collectonly:
        return
    # everything the user gave is checked before a build starts
    _check_budgets(config.option)
    _check_paths(config)
    reports_dir = Path(config.option.reports_dir)
    try:
        report_files.check_reports_dir(reports_dir)
    except report_files.ReportsDirError as error:
        raise pytest.UsageError(str(error)) from None
    catalogue = _load_catalogue(config.option.catalogue)
    SyncClient.default_timeout = config.option.request_timeout
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    choice = _choice(config)
    try:
        opened = open_target(choice)
    except SetupError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        _start_run(config, opened, choice, catalogue, reports_dir)
    except BaseException:
        opened.close()
        raise


def _check_paths(config: pytest.Config) -> None:
    """A mistyped path would be found by pytest only after the build had started."""
    for arg in config.args or []:
        path = Path(config.invocation_params.dir, arg.split("::")[0])
        if not path.exists():
            raise pytest.UsageError(f"{arg}: no such file or directory; name checks under conformance/ "
                                    f"(e.g. conformance/test_http_status_on_error.py) or leave it out")


def _start_run(config: pytest.Config, opened: OpenedTarget, choice: TargetChoice, catalogue: dict,
               reports_dir: Path) -> None:
    """Everything a run shares, once its target answers: redaction, version, seed, report paths."""
    redactor = SECRETS  # every client and instance teaches it (fixtures/redaction.py)
    redactor.add(choice.api_key, "<api-key>")
    version, api_version, platform = identity(opened)
    if config.option.hypothesis_seed is None:
        config.option.hypothesis_seed = random.randrange(2 ** 32)
    _default_peer_waits(config.option, is_double=bool(opened.build and opened.build.is_double))
    run = SuiteRun(opened=opened, options=_safe_options(config), redactor=redactor, catalogue=catalogue,
                   version=version, api_version=api_version, platform=platform,
                   expectations=_expectations(config, opened, catalogue, version, platform),
                   seed=int(config.option.hypothesis_seed), started=time.time())
    config.stash[RUN] = run
    stem = report_files.ReportFiles.stem(version, bool(opened.build and opened.build.is_double))
    run.files = report_files.ReportFiles.for_stem(reports_dir, stem, bool(config.option.htmlpath),
                                                  bool(config.option.xmlpath))
    run.json_path = run.files.json
    if config.option.baseline and Path(config.option.baseline).resolve() == run.json_path.resolve():
        raise pytest.UsageError(f"--baseline {config.option.baseline} is the report this run writes and would be "
                                f"overwritten; keep baselines apart (e.g. copy it to baselines/) and pass that copy")
    if run.files.html:
        config.option.htmlpath = str(run.files.writing_path(run.files.html))
    if run.files.xml:  # JUnit XML for CI systems, beside the HTML
        config.option.xmlpath = str(run.files.writing_path(run.files.xml))
    config.option.self_contained_html = True
    config.pluginmanager.register(report.HtmlReportHooks(run), "sync-conformance-html")
    _use_example_database(stem.removeprefix("sync-"))


def _default_peer_waits(option, is_double: bool) -> None:
    """Sync takes tens of seconds to sync a new share; the double's instances take under one."""
    if option.peer_deadline is None:
        option.peer_deadline = 15.0 if is_double else 120.0
    if option.peer_watch is None:
        option.peer_watch = 5.0 if is_double else 30.0


def _load_catalogue(path: str | None) -> dict:
    try:
        catalogue = catalogue_module.load(Path(path) if path else catalogue_module.CATALOGUE_PATH)
    except ValueError as error:
        raise pytest.UsageError(f"--catalogue: {error}; fix the file or leave out --catalogue" if path
                                else f"the suite's catalogue is broken: {error}") from None
    if not catalogue:
        raise pytest.UsageError(f"--catalogue {path}: it names no behaviour ([[behaviour]] entries); fix the "
                                f"file or leave out --catalogue")
    return catalogue


def _expectations(config, opened: OpenedTarget, catalogue: dict, version: str, platform: str | None):
    mode, baseline = config.option.expectations, None
    if config.option.baseline:
        mode = "baseline"
        try:
            baseline = expectations_module.load_baseline(Path(config.option.baseline))
        except expectations_module.BaselineError as error:
            raise pytest.UsageError(str(error)) from None
    elif opened.build and opened.build.is_double and config.option.double_switches != "observed":
        mode = "none"  # switched by hand, the double imitates no build the catalogue speaks of
    return expectations_module.Expectations(mode, catalogue, version, platform, baseline)


def _stop_like_ctrl_c(signum, frame) -> None:
    """A CI job being cancelled sends SIGTERM: end the run as Ctrl-C would, so teardown still stops the
    build and removes its temp dir."""
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _check_budgets(option) -> None:
    """Every number a user can give, checked before anything starts: one line naming each problem."""
    problems = []
    if option.sync_port is not None and not 1 <= option.sync_port <= 65535:
        problems.append(f"--sync-port {option.sync_port}: give a port from 1 to 65535, or leave it out for a free one")
    if option.ready_timeout <= 0:
        problems.append(f"--ready-timeout {option.ready_timeout:g}: give a positive number of seconds")
    if option.request_timeout <= 0:
        problems.append(f"--request-timeout {option.request_timeout:g}: give a positive number of seconds")
    seed = getattr(option, "hypothesis_seed", None)
    if seed is not None and not str(seed).isdigit():
        problems.append(f"--hypothesis-seed {seed}: give a whole number from 0 up (the seed a report names)")
    if option.examples < 1:
        problems.append(f"--examples {option.examples}: give at least 1")
    if option.many_folders < 1:
        problems.append(f"--many-folders {option.many_folders}: give at least 1")
    if option.cpu_window <= 0:
        problems.append(f"--cpu-window {option.cpu_window:g}: give a positive number of seconds")
    if option.peer_deadline is not None and option.peer_deadline <= 0:
        problems.append(f"--peer-deadline {option.peer_deadline:g}: give a positive number of seconds")
    if option.peer_watch is not None and option.peer_watch <= 0:
        problems.append(f"--peer-watch {option.peer_watch:g}: give a positive number of seconds")
    if option.peer_file_mb <= 0:
        problems.append(f"--peer-file-mb {option.peer_file_mb:g}: give a positive size")
    if not 0 <= option.cpu_idle < option.cpu_busy:
        problems.append(f"--cpu-idle {option.cpu_idle:g} / --cpu-busy {option.cpu_busy:g}: "
                        f"need 0 <= idle < busy (percent of one core)")
    if problems:
        raise pytest.UsageError("; ".join(problems))


def _use_example_database(version: str) -> None:
    """Hypothesis examples per Sync version (the double's apart); other versions' examples are replayed
    (read-only) too, so a counterexample found on one build is tried first on the next."""
    from hypothesis import settings
    from hypothesis.database import (DirectoryBasedExampleDatabase, MultiplexedDatabase,
                                     ReadOnlyDatabase)
    root = PROJECT_ROOT / ".hypothesis" / "sync"
    own = root / version
    others = [ReadOnlyDatabase(DirectoryBasedExampleDatabase(path))
              for path in sorted(root.glob("*")) if path.is_dir() and path != own]
    settings.register_profile("sync-conformance", database=MultiplexedDatabase(
        DirectoryBasedExampleDatabase(own), *others), deadline=None)
    settings.load_profile("sync-conformance")


def _safe_options(config: pytest.Config) -> dict:
    names = ("sync_binary", "sync_url", "sync_user", "allow_destructive", "allow_host_network", "sync_port",
             "double_profile", "double_switches", "double_version", "many_folders", "cpu_window", "cpu_busy", "cpu_idle",
             "examples", "ready_timeout", "request_timeout", "expectations", "baseline", "catalogue",
             "peer_deadline", "peer_watch", "peer_file_mb")
    options = {name: getattr(config.option, name) for name in names}
    if options["sync_url"]:  # a password inside the URL goes nowhere
        base_url, _, _ = split_credentials(options["sync_url"])
        options["sync_url"] = base_url + urlsplit(options["sync_url"]).path
    return options


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is not None:
        run.opened.close()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash.get(RUN, None)
    if run is None:
        return []
    return [f"sync target: {run.opened.label}; version {run.version} (API says {run.api_version}); "
            f"platform {run.platform}",
            f"network: {run.opened.isolation}", f"hypothesis seed: {run.seed}",
            f"expectations: {report.expectations_label(run)}"]


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
    run.collected = sum(1 for item in items if item.get_closest_marker("behaviour"))
    for item in items:
        if item.get_closest_marker("destructive") and not run.target.can_restart \
                and not config.option.allow_destructive:
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
    if target.can_restart and target.check_health() is not None:
        target.restart()
    collected = Evidence()
    request.node.stash[EVIDENCE] = collected
    opened = request.node.stash[WINDOW_OPENED] = time.time()
    if not request.node.get_closest_marker("peers"):
        VOIDED_CHECK_STOP.arm(opened, _subject(request.node))
    target.client.observers.append(collected.record)
    yield collected
    VOIDED_CHECK_STOP.disarm()
    target.client.observers.remove(collected.record)
    if request.node.get_closest_marker("peers"):  # its scenario never used the target: a death of the
        if target.can_restart and target.check_health() is not None:  # target is no incident of it
            target.restart()
        return
    blame_crash(target, collected, blamed_on=request.node.nodeid)


@pytest.fixture
def options(request):
    return request.config.option


# -- verdicts -------------------------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """A check's verdict is decided after its teardown, from its outcome and the target's health then;
    its reports are logged only once they say that verdict."""
    run = item.config.stash.get(RUN, None)
    marker = item.get_closest_marker("behaviour")
    if run is None or marker is None:
        return None
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    opened = time.time()
    reports = runtestprotocol(item, nextitem=nextitem, log=False)
    result = _check_result(run, item, reports, marker.args[0], opened)
    run.results.append(result)
    _report_verdict(run, item, reports, result)
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
    _redact(run, test_report)
    item.stash.setdefault(PHASE_ENDINGS, {})[call.when] = _ending(call, test_report)
    return test_report


def _ending(call: pytest.CallInfo, test_report) -> tuple[str, str]:
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
    return HARNESS_ERROR, _error_line(excinfo, test_report)


def _check_result(run: SuiteRun, item, reports, behaviour: str, opened: float) -> CheckResult:
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
    decision = decide(verdict, reason, collected.crashes + collected.incidents, _subject(item), harness_error)
    if decision.verdict == CONTRADICTED:
        collected.reproduce_last_request(run.target.client)
    duration = sum(test_report.duration for test_report in reports)
    return CheckResult(check=item.nodeid, behaviour=behaviour, verdict=decision.verdict,
                       reason=run.redactor.text(decision.reason), duration_s=round(duration, 3),
                       evidence=run.redactor.value(collected.to_dict()), harness_error=decision.harness_error)


def _subject(node) -> str | None:
    """What the check observes of the target's end, if anything (`pytest.mark.subject`)."""
    marker = node.get_closest_marker("subject")
    return marker.args[0] if marker else None


def _report_verdict(run: SuiteRun, item, reports, result: CheckResult) -> None:
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


def _redact(run: SuiteRun, test_report) -> None:
    """Failure texts reach the terminal, CI logs and the JUnit XML: no key, password or folder secret."""
    longrepr = test_report.longrepr
    if isinstance(longrepr, tuple):
        test_report.longrepr = (*longrepr[:2], run.redactor.text(longrepr[2]))
    elif longrepr is not None:
        test_report.longrepr = run.redactor.text(str(longrepr))
    test_report.sections = [(title, run.redactor.text(content)) for title, content in test_report.sections]


def _judge_against_expectations(run: SuiteRun, item, test_report, result: CheckResult) -> None:
    """A departure the expectations foresee is a strict xfail; a behaviour that no longer departs fails
    on its last check ('stale', 'fixed'); an unforeseen contradiction stays a failure; one where nothing
    is known to judge by is an xfail that cannot fail ('unknown between', 'not recorded')."""
    if result.verdict == CONTRADICTED:
        expectation, judgement = run.judgement(result.behaviour, CONTRADICTED, result.reason)
        explanation = expectations_module.explain(result.behaviour, run.version, CONTRADICTED, expectation, judgement)
        if judgement == expectations_module.EXPECTED_DEPARTURE or judgement in expectations_module.REPORTED_ONLY:
            test_report.outcome = "skipped"
            test_report.wasxfail = explanation
        elif judgement == expectations_module.DEPARTS_DIFFERENTLY:
            test_report.longrepr = f"{explanation}; the build says: {result.reason}"
        return
    if result.verdict == CONFIRMED and run.last_check_of.get(result.behaviour) == item.nodeid:
        verdict, _ = fold([other for other in run.results if other.behaviour == result.behaviour])
        expectation, judgement = run.judgement(result.behaviour, verdict)
        if judgement in (expectations_module.STALE, expectations_module.FIXED):
            test_report.outcome = "failed"
            test_report.longrepr = "[XPASS(strict)] " + expectations_module.explain(
                result.behaviour, run.version, verdict, expectation, judgement)


def _assertion_reason(error: AssertionError) -> str:
    # pytest appends its own "assert ..." explanation after the message; the message is the reason
    return str(error).split("\nassert ")[0].strip() or "an assertion of the check failed"


def _skip_reason(test_report) -> str:
    longrepr = test_report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def _error_line(excinfo, test_report) -> str:
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


# -- reports --------------------------------------------------------------------------------------------
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus):
    """Around pytest-html and JUnit writing their files: first what the run was (complete or not), then
    the JSON, the files' final names and a last redaction (conformance/report_files.py)."""
    run = session.config.stash.get(RUN, None)
    if run is not None:
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            run.interrupted = "interrupted (Ctrl-C or SIGTERM)"
        elif session.shouldfail or session.shouldstop:
            run.interrupted = f"stopped early: {session.shouldfail or session.shouldstop}"
    outcome = yield
    if run is None:
        return outcome
    try:
        run.json_path = run.files.write_json(report.run_document(run), run.complete)
        written = run.files.settle(run.json_path)
        session.config.option.htmlpath = str(next((path for path in written if path.suffix == ".html"),
                                                  session.config.option.htmlpath))
        session.config.option.xmlpath = str(next((path for path in written if path.suffix == ".xml"),
                                                 session.config.option.xmlpath))
        report_files.redact_files(written + [Path(path) for path in (session.config.option.htmlpath,
                                                                     session.config.option.xmlpath) if path],
                                  run.redactor)
    except OSError as error:
        run.write_error = f"could not write the reports to {run.files.json.parent}: {error.strerror or error}"
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    return outcome


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is None:
        return
    terminalreporter.section("behaviour verdicts")
    results = report.behaviour_results(run)
    for item in results:
        marker = {expectations_module.EXPECTED_DEPARTURE: " (expected)", expectations_module.STALE: " (STALE)",
                  expectations_module.REGRESSION: " (UNEXPECTED)", expectations_module.FIXED: " (FIXED)",
                  expectations_module.DEPARTS_DIFFERENTLY: " (DEPARTS DIFFERENTLY)",
                  expectations_module.UNKNOWN_BETWEEN: " (unknown between records)",
                  expectations_module.NOT_RECORDED: " (not recorded)"}.get(item["judgement"], "")
        terminalreporter.write_line(f"{item['verdict']:>13}  {item['behaviour']}{marker}: {item['reason']}"[:300])
    failing = [item for item in results if item["judgement"] in expectations_module.FAILING]
    harness_errors = [result for result in run.results if result.harness_error]
    problems = [f"{len(failing)} behaviour{'s' * (len(failing) != 1)} departing from them"] * bool(failing)
    problems += [f"{len(harness_errors)} harness error{'s' * (len(harness_errors) != 1)}"] * bool(harness_errors)
    if not run.complete:
        problems.append(f"run incomplete ({run.interrupted or run.selection or 'not every selected check ran'}): "
                        f"{len({result.check for result in run.results})} of {len(run.selected)} checks decided")
    terminalreporter.write_line(f"expectations: {report.expectations_label(run)}; "
                                + ("; ".join(problems) if problems else "all met"), red=bool(problems))
    for item in failing:
        terminalreporter.write_line(f"  {item['judgement'].upper()}: {item['explanation']}"[:400], red=True)
    for item in results:
        if item["judgement"] == expectations_module.UNKNOWN_BETWEEN:
            terminalreporter.write_line(f"  {item['judgement']}: {item['explanation']}"[:400])
    unrecorded = [item for item in results if item["judgement"] == expectations_module.NOT_RECORDED]
    for source in dict.fromkeys(item["expected_from"] for item in unrecorded):
        names = [item["behaviour"] for item in unrecorded if item["expected_from"] == source]
        terminalreporter.write_line(f"  not recorded: {len(names)} behaviour{'s' * (len(names) != 1)} reported as "
                                    f"observed, not judged ({source.removeprefix('catalogue: ')})")
    if run.write_error:
        terminalreporter.write_line(f"ERROR: {run.write_error}; the verdicts above are all this run keeps", red=True)
        return
    kept = "" if run.complete or run.json_path == run.files.json else (
        f" (incomplete, so written beside the complete report {run.files.json.name}, not over it)")
    terminalreporter.write_line(f"reports: {run.json_path}, {config.option.htmlpath} and {config.option.xmlpath}{kept}")
