"""pytest wiring for a conformance run: the target's lifecycle, verdicts from test outcomes, evidence,
crash blame and restart, and the reports. Active only when the run selects checks under conformance/.
"""
from __future__ import annotations

import json
import os
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conformance import catalogue as catalogue_module
from conformance import expectations as expectations_module
from conformance import report
from conformance.outcome import (CONFIRMED, CONTRADICTED, INCONCLUSIVE, CheckResult, Evidence,
                                 Inconclusive, blame_crash, fold)
from fixtures.build import PROJECT_ROOT
from fixtures.errors import SetupError
from fixtures.redaction import Redactor
from fixtures.target import OpenedTarget, TargetChoice, open_target

CHECKS_DIR = PROJECT_ROOT / "conformance"
EVIDENCE = pytest.StashKey[Evidence]()
RESULT = pytest.StashKey[CheckResult]()


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
    json_path: Path | None = None
    last_check_of: dict[str, str] = field(default_factory=dict)  # behaviour -> node id of its last check

    def judgement(self, behaviour_id: str, verdict: str) -> tuple[expectations_module.Expectation | None, str]:
        expectation = self.expectations.for_behaviour(behaviour_id)
        return expectation, expectations_module.judge(verdict, expectation)

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
        double_switches=option.double_switches, double_cpu_burn_folders=option.many_folders)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "behaviour(id): the catalogue behaviour a check decides")
    config.addinivalue_line("markers", "destructive: may crash the instance or add hundreds of folders")
    config.addinivalue_line("markers", "peers: starts more instances and shares folders between them "
                                       "(deselect with -m 'not peers')")
    if not is_conformance_run(config) or config.option.help or config.option.collectonly:
        return
    _check_budgets(config.option)
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    reports_dir = Path(config.option.reports_dir)
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise pytest.UsageError(f"--reports-dir {reports_dir}: cannot create it ({error.strerror}); "
                                f"pass a writable directory") from None
    choice = _choice(config)
    try:
        opened = open_target(choice)
    except SetupError as error:
        raise pytest.UsageError(str(error)) from None
    try:
        _start_run(config, opened, choice, reports_dir)
    except BaseException:
        opened.close()
        raise


def _start_run(config: pytest.Config, opened: OpenedTarget, choice: TargetChoice, reports_dir: Path) -> None:
    """Everything a run shares, once its target answers: redaction, version, seed, report paths."""
    client = opened.target.client
    redactor = Redactor()
    redactor.add(choice.api_key or getattr(opened.target, "api_key", None), "<api-key>")
    redactor.add(getattr(opened.target, "password", None), "<password>")
    client.observers.append(lambda exchange: redactor.learn_secrets(exchange.json, exchange.params.get("secret")))
    api_version = (client.call("get_version").json or {}).get("version")
    version = opened.build.version if opened.build else api_version or "unknown"
    os_name = (client.call("get_os").json or {}).get("os")
    architecture = opened.build.architecture if opened.build else None
    platform = f"{os_name}-{architecture}" if os_name and architecture else os_name
    catalogue = _load_catalogue(config.option.catalogue)
    if config.option.hypothesis_seed is None:
        config.option.hypothesis_seed = random.randrange(2 ** 32)
    _default_peer_waits(config.option, is_double=bool(opened.build and opened.build.is_double))
    run = SuiteRun(opened=opened, options=_safe_options(config), redactor=redactor, catalogue=catalogue,
                   version=version, api_version=api_version, platform=platform,
                   expectations=_expectations(config, opened, catalogue, version, platform),
                   seed=int(config.option.hypothesis_seed), started=time.time())
    config.stash[RUN] = run
    stem = f"sync-{version}" + ("-double" if opened.build and opened.build.is_double else "")
    run.json_path = reports_dir / f"{stem}.json"
    if config.option.baseline and Path(config.option.baseline).resolve() == run.json_path.resolve():
        raise pytest.UsageError(f"--baseline {config.option.baseline} is the report this run writes and would be "
                                f"overwritten; keep baselines apart (e.g. copy it to baselines/) and pass that copy")
    if not config.option.htmlpath:
        config.option.htmlpath = str(reports_dir / f"{stem}.html")
    if not config.option.xmlpath:  # JUnit XML for CI systems, beside the HTML
        config.option.xmlpath = str(reports_dir / f"{stem}.xml")
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
        return catalogue_module.load(Path(path) if path else catalogue_module.CATALOGUE_PATH)
    except ValueError as error:
        raise pytest.UsageError(f"--catalogue: {error}; fix the file or leave out --catalogue" if path
                                else f"the suite's catalogue is broken: {error}") from None


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
    problems = []
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
             "double_profile", "double_switches", "many_folders", "cpu_window", "cpu_busy", "cpu_idle",
             "examples", "ready_timeout", "expectations", "baseline", "catalogue", "peer_deadline", "peer_watch",
             "peer_file_mb")
    return {name: getattr(config.option, name) for name in names}


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash.get(RUN, None)
    if run is None:
        return
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
    """This check's evidence. After the check, the harness makes sure the target still lives: a dead
    target is blamed on this check (crash record added here) and restarted for the next one."""
    collected = Evidence()
    request.node.stash[EVIDENCE] = collected
    target = suite_run.target
    target.client.observers.append(collected.record)
    yield collected
    target.client.observers.remove(collected.record)
    blame_crash(target, collected, blamed_on=request.node.nodeid)


@pytest.fixture
def options(request):
    return request.config.option


# -- verdicts -------------------------------------------------------------------------------------------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    test_report = yield
    run = item.config.stash.get(RUN, None)
    marker = item.get_closest_marker("behaviour")
    if run is None or marker is None:
        return test_report
    _redact(run, test_report)
    if test_report.when == "call" or (test_report.when == "setup" and not test_report.passed):
        result = _check_result(item, call, test_report, marker.args[0])
        item.stash[RESULT] = result
        run.results.append(result)
        item.user_properties[:] = [("behaviour", result.behaviour), ("verdict", result.verdict)]
        test_report.user_properties = list(item.user_properties)
        _judge_against_expectations(run, item, test_report, result)
    elif test_report.when == "teardown" and RESULT in item.stash:
        result = item.stash[RESULT]
        result.evidence = run.redactor.value(item.stash[EVIDENCE].to_dict()) if EVIDENCE in item.stash \
            else result.evidence
        if test_report.failed:
            result.harness_error = result.harness_error or _first_line(test_report.longreprtext)
        report.attach_html_extras(test_report, result)
    return test_report


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
    on its last check ('stale'); an unforeseen contradiction stays a failure."""
    if result.harness_error:
        return
    if result.verdict == CONTRADICTED:
        expectation, judgement = run.judgement(result.behaviour, CONTRADICTED)
        if judgement == expectations_module.EXPECTED_DEPARTURE:
            test_report.outcome = "skipped"
            test_report.wasxfail = expectations_module.explain(result.behaviour, run.version, CONTRADICTED,
                                                               expectation, judgement)
        return
    if result.verdict == CONFIRMED and run.last_check_of.get(result.behaviour) == item.nodeid:
        verdict, _ = fold([other for other in run.results if other.behaviour == result.behaviour])
        expectation, judgement = run.judgement(result.behaviour, verdict)
        if judgement == expectations_module.STALE:
            test_report.outcome = "failed"
            test_report.longrepr = "[XPASS(strict)] " + expectations_module.explain(
                result.behaviour, run.version, verdict, expectation, judgement)


def _check_result(item, call, test_report, behaviour: str) -> CheckResult:
    evidence = item.stash.get(EVIDENCE, Evidence())
    harness_error = None
    excinfo = call.excinfo
    if test_report.passed:
        verdict, reason = CONFIRMED, evidence.reason or "the expected behaviour was observed"
    elif excinfo is not None and excinfo.errisinstance(Inconclusive):
        verdict, reason = INCONCLUSIVE, str(excinfo.value.msg)
    elif test_report.skipped:
        verdict, reason = INCONCLUSIVE, _skip_reason(test_report)
    elif excinfo is not None and excinfo.errisinstance(AssertionError) and test_report.when == "call":
        verdict, reason = CONTRADICTED, _assertion_reason(excinfo.value)
    else:
        verdict = INCONCLUSIVE
        harness_error = _first_line(test_report.longreprtext)
        reason = f"harness error: {harness_error}"
    run = item.config.stash[RUN]
    return CheckResult(check=item.nodeid, behaviour=behaviour, verdict=verdict,
                       reason=run.redactor.text(reason), duration_s=round(test_report.duration, 3),
                       evidence=run.redactor.value(evidence.to_dict()), harness_error=harness_error)


def _assertion_reason(error: AssertionError) -> str:
    # pytest appends its own "assert ..." explanation after the message; the message is the reason
    return str(error).split("\nassert ")[0].strip() or "an assertion of the check failed"


def _skip_reason(test_report) -> str:
    longrepr = test_report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    return (errors[0][2:].strip() if errors else lines[-1] if lines else "unknown error")[:300]


# -- reports --------------------------------------------------------------------------------------------
@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    run = session.config.stash.get(RUN, None)
    if run is None:
        return
    document = report.run_document(run)
    run.json_path.write_text(json.dumps(document, indent=1, ensure_ascii=False))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    run = config.stash.get(RUN, None)
    if run is None:
        return
    terminalreporter.section("behaviour verdicts")
    results = report.behaviour_results(run)
    for item in results:
        marker = {expectations_module.EXPECTED_DEPARTURE: " (expected)", expectations_module.STALE: " (STALE)",
                  expectations_module.REGRESSION: " (UNEXPECTED)"}.get(item["judgement"], "")
        terminalreporter.write_line(f"{item['verdict']:>13}  {item['behaviour']}{marker}: {item['reason']}"[:300])
    failing = [item for item in results if item["judgement"] in expectations_module.FAILING]
    terminalreporter.write_line(f"expectations: {report.expectations_label(run)}; " + (
        f"{len(failing)} behaviour{'s' * (len(failing) > 1)} departing from them" if failing else "all met"))
    for item in failing:
        terminalreporter.write_line(f"  {item['judgement'].upper()}: {item['explanation']}"[:400], red=True)
    terminalreporter.write_line(f"reports: {run.json_path}, {config.option.htmlpath} and {config.option.xmlpath}")
