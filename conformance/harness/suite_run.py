"""One conformance run: what it shares (SuiteRun) and how it is assembled from the command line, every
option checked before a build starts (open_run)."""
from __future__ import annotations

import os
import random
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conformance.harness import confirmations
from conformance.harness.html_hooks import HtmlReportHooks
from conformance.harness.signals import stop_on_sigterm_as_on_ctrl_c
from conformance.reporting import report_files
from conformance.verdicts import catalogue as catalogue_module
from conformance.verdicts import expectations as expectations_module
from conformance.verdicts.outcome import INCONCLUSIVE, CheckResult, behaviour_verdict
from fixtures.attach import split_credentials
from fixtures.build import PROJECT_ROOT
from fixtures.cpu_token import cpu_token
from fixtures.errors import SetupError
from fixtures.redaction import SECRETS, Redactor
from fixtures.target import OpenedTarget, TargetChoice, end_run, identity, open_target, watch_clients

CHECKS_DIR = PROJECT_ROOT / "conformance"
PLATFORM_SHAPE = re.compile(r"[a-z0-9]+-[a-z0-9_]+")


@dataclass(frozen=True)
class CheckSettings:
    """What checks read of the command line (the `options` fixture): checked once by open_run, with the
    defaults that depend on the target filled in, and never changed afterwards."""

    examples: int
    hypothesis_seed: int
    many_folders: int
    cpu_window: float
    cpu_busy: float
    cpu_idle: float
    peer_deadline: float
    peer_watch: float
    peer_file_mb: float
    ready_timeout: float
    request_timeout: float
    allow_destructive: bool
    confirm_failures: int


@dataclass(frozen=True)
class BehaviourOutcome:
    """A behaviour's one verdict and judgement, from all its checks: what every output shows."""
    verdict: str
    reason: str
    checks: list[CheckResult]
    judgement: expectations_module.Judgement


@dataclass
class SuiteRun:
    """Everything one conformance run shares."""

    opened: OpenedTarget
    settings: CheckSettings
    options: dict  # what the report shows of the command line (no password)
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
    document: dict | None = None  # the JSON document, built once when the run ends
    last_check_of: dict[str, str] = field(default_factory=dict)  # behaviour -> node id of its last check
    selected: list[str] = field(default_factory=list)  # node ids of the checks this run selected
    behaviour_of: dict[str, str] = field(default_factory=dict)  # node id -> behaviour
    allow_undecided: frozenset[str] = frozenset()  # behaviour ids, or {"all"}
    interrupted: str | None = None  # why the run stopped early
    write_error: str | None = None
    collected: int = 0  # checks collected before -k/-m deselected any
    collected_of: dict[str, int] = field(default_factory=dict)  # behaviour -> its checks collected before that
    modules_left_out: dict[str, list[str]] = field(default_factory=dict)  # behaviour -> its modules not collected
    rerun_with: tuple[list[str], dict[str, str]] = ([], {})  # a rerun's options and environment (confirmations.py)
    reruns: dict[str, list[dict]] = field(default_factory=dict)  # behaviour -> its runs again, after it failed
    unconfirmed: dict[str, str] = field(default_factory=dict)  # behaviour -> why its failing judgement was not run again

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

    def behaviour_outcome(self, behaviour_id: str) -> BehaviourOutcome | None:
        """A behaviour's verdict from its checks so far (the rule is outcome.behaviour_verdict; inconclusive
        here while a check of it has not run, or was not selected), and its judgement; None before any check
        ran."""
        checks = [result for result in self.results if result.behaviour == behaviour_id]
        if not checks:
            return None
        verdict, reason = behaviour_verdict(checks)
        selected = sum(1 for check in self.selected if self.behaviour_of.get(check) == behaviour_id)
        collected = self.collected_of.get(behaviour_id, selected)
        if len(checks) < max(selected, collected):  # what the missing checks would have said is unknown
            why = self.interrupted or (f"{collected - selected} not selected" if collected > selected
                                       else "not every check ran")
            verdict, reason = INCONCLUSIVE, (f"only {len(checks)} of its {max(selected, collected)} checks ran "
                                             f"({why}); so far: {reason}")
        elif behaviour_id in self.modules_left_out:
            verdict, reason = INCONCLUSIVE, (f"its checks in {', '.join(self.modules_left_out[behaviour_id])} were "
                                             f"not selected; so far: {reason}")
        return BehaviourOutcome(verdict, reason, checks, self.expectations.judge(
            behaviour_id, verdict, checks, self.allow_undecided, self.reruns.get(behaviour_id, ()),
            self.unconfirmed.get(behaviour_id)))

    def rerun_could_tell(self, behaviour_id: str) -> bool:
        """Whether running the behaviour again on a fresh instance could end otherwise: the suite owns the
        target (an attached instance cannot be started fresh, and what it holds back there, destructive
        checks and peers, it holds back every time), every check of it was selected and ran, and the run
        was not cut short. Otherwise its verdict is the selection's doing, which no rerun changes."""
        checks = sum(1 for result in self.results if result.behaviour == behaviour_id)
        selected = sum(1 for check in self.selected if self.behaviour_of.get(check) == behaviour_id)
        return (self.target.owned is not None and self.interrupted is None
                and behaviour_id not in self.modules_left_out
                and checks >= selected and selected >= self.collected_of.get(behaviour_id, selected))

    @staticmethod
    def cpu_token_waits() -> dict:
        """How long this run waited for the machine's CPU token (fixtures/cpu_token.py), and how often in
        vain."""
        return cpu_token().waits.as_dict()

    def reruns_withheld(self) -> str | None:
        """Why no more failing judgements are run again, or None: once BROADLY_FAILING behaviours have
        failed on every rerun, the run fails broadly (a target slow or broken throughout), which no
        flake explains, and running the rest again would only multiply its time."""
        failing_every_time = [behaviour for behaviour in self.reruns
                              if self.behaviour_outcome(behaviour).judgement.fails]
        if len(failing_every_time) < confirmations.BROADLY_FAILING:
            return None
        return (f"{len(failing_every_time)} behaviours had already failed on every rerun "
                f"({', '.join(failing_every_time[:confirmations.BROADLY_FAILING])}...): a run failing this broadly "
                f"is no flake, so no more reruns")

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


def open_run(config: pytest.Config) -> None:
    """Checks everything the user gave, starts (or reaches) the target and stashes the run under RUN;
    pytest.UsageError, one line naming the fix, for any mistake."""
    # everything the user gave is checked before a build starts
    _check_budgets(config.option)
    _check_paths(config)
    reports_dir = Path(config.option.reports_dir)
    try:
        report_files.check_reports_dir(reports_dir)
    except report_files.ReportsDirError as error:
        raise pytest.UsageError(str(error)) from None
    catalogue = _load_catalogue(config.option.catalogue)
    stop_on_sigterm_as_on_ctrl_c()
    choice = _choice(config)
    watch_clients()
    try:
        opened = open_target(choice)
    except SetupError as error:
        end_run()
        raise pytest.UsageError(str(error.as_run_option())) from None
    except BaseException:
        end_run()
        raise
    try:
        _start_run(config, opened, choice, catalogue, reports_dir)
    except BaseException:  # the run never began: nothing for pytest_unconfigure to close
        if RUN in config.stash:
            del config.stash[RUN]
        opened.close()
        end_run()
        raise


def _choice(config: pytest.Config) -> TargetChoice:
    option = config.option
    if (option.sync_url or os.environ.get("SYNC_URL")) and (option.sync_binary or os.environ.get("SYNC_BINARY")):
        raise pytest.UsageError("both --sync-url and --sync-binary given (or SYNC_URL and SYNC_BINARY); "
                                "choose one target")
    return TargetChoice(
        binary=option.sync_binary or os.environ.get("SYNC_BINARY") or None,
        api_key=option.sync_api_key or os.environ.get("SYNC_API_KEY") or None,
        url=option.sync_url or os.environ.get("SYNC_URL") or None,
        user=option.sync_user or os.environ.get("SYNC_USER") or None,
        password=option.sync_password or os.environ.get("SYNC_PASSWORD") or None,
        allow_host_network=option.allow_host_network, port=option.sync_port,
        ready_timeout=option.ready_timeout, request_timeout=option.request_timeout, double_profile=option.double_profile,
        double_switches=option.double_switches, double_version=option.double_version,
        many_folders=option.many_folders)



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
    platform = config.option.sync_platform or platform
    settings = _settings(config.option, is_double=opened.is_double)
    run = SuiteRun(opened=opened, settings=settings, options=_safe_options(config, settings), redactor=redactor,
                   catalogue=catalogue, version=version, api_version=api_version, platform=platform,
                   expectations=_expectations(config, opened, catalogue, version, platform),
                   seed=settings.hypothesis_seed, started=time.time(),
                   allow_undecided=_allowed_undecided(config.option.allow_undecided, catalogue))
    run.rerun_with = confirmations.rerun_arguments(config.option, choice, settings)
    config.stash[RUN] = run
    stem = report_files.ReportFiles.stem(version, opened.is_double, choice.double_switches)
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
    config.pluginmanager.register(HtmlReportHooks(run), "sync-conformance-html")
    use_example_database(stem.removeprefix("sync-"), shrink=not config.option.no_shrink)


def _settings(option, is_double: bool) -> CheckSettings:
    """The checked options as checks see them. Waits default by target: Sync takes tens of seconds to sync
    a new share, the double's instances under one; the double's CPU, busy or not, does not change after the
    last folder, so a shorter window decides it (and holds the whole machine less long); a seed not given is
    drawn (and reported)."""
    seed = option.hypothesis_seed
    return CheckSettings(
        examples=option.examples, hypothesis_seed=int(seed) if seed is not None else random.randrange(2 ** 32),
        many_folders=option.many_folders, cpu_busy=option.cpu_busy,
        cpu_window=option.cpu_window if option.cpu_window is not None else 4.0 if is_double else 10.0,
        cpu_idle=option.cpu_idle, peer_file_mb=option.peer_file_mb,
        peer_deadline=option.peer_deadline if option.peer_deadline is not None else 15.0 if is_double else 120.0,
        peer_watch=option.peer_watch if option.peer_watch is not None else 5.0 if is_double else 10.0,
        ready_timeout=option.ready_timeout, request_timeout=option.request_timeout,
        allow_destructive=option.allow_destructive, confirm_failures=option.confirm_failures)


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
    try:
        return expectations_module.expectations_for(
            config.option.expectations, catalogue, version, platform, baseline_file=config.option.baseline,
            # switched by hand, the double imitates no build the catalogue speaks of
            imitates_no_build=opened.is_double and config.option.double_switches != "observed")
    except expectations_module.BaselineError as error:
        raise pytest.UsageError(str(error)) from None


def _allowed_undecided(values: list[str], catalogue: dict) -> frozenset[str]:
    try:
        return expectations_module.allowed_undecided(values, catalogue)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


def _check_budgets(option) -> None:
    """Every number a user can give, checked before anything starts: one line naming each problem."""
    problems = []
    if option.sync_port is not None and not 1 <= option.sync_port <= 65535:
        problems.append(f"--sync-port {option.sync_port}: give a port from 1 to 65535, or leave it out for a free one")
    if option.ready_timeout <= 0:
        problems.append(f"--ready-timeout {option.ready_timeout:g}: give a positive number of seconds")
    if option.sync_platform and not PLATFORM_SHAPE.fullmatch(option.sync_platform):
        problems.append(f"--sync-platform {option.sync_platform}: give an OS and an architecture, such as "
                        f"linux-x64 or linux-arm")
    if option.request_timeout <= 0:
        problems.append(f"--request-timeout {option.request_timeout:g}: give a positive number of seconds")
    seed = getattr(option, "hypothesis_seed", None)
    if seed is not None and not str(seed).isdigit():
        problems.append(f"--hypothesis-seed {seed}: give a whole number from 0 up (the seed a report names)")
    if option.confirm_failures < 0:
        problems.append(f"--confirm-failures {option.confirm_failures}: give how many reruns, 0 for none")
    if option.examples < 1:
        problems.append(f"--examples {option.examples}: give at least 1")
    if option.many_folders < 1:
        problems.append(f"--many-folders {option.many_folders}: give at least 1")
    if option.cpu_window is not None and option.cpu_window <= 0:
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


def use_example_database(version: str, shrink: bool) -> None:
    """Hypothesis examples per Sync version (the double's apart); other versions' examples are replayed
    (read-only) too, so a counterexample found on one build is tried first on the next."""
    from hypothesis import Phase, settings
    from hypothesis.database import DirectoryBasedExampleDatabase, MultiplexedDatabase, ReadOnlyDatabase
    root = PROJECT_ROOT / ".hypothesis" / "sync"
    own = root / version
    others = [ReadOnlyDatabase(DirectoryBasedExampleDatabase(path))
              for path in sorted(root.glob("*")) if path.is_dir() and path != own]
    settings.register_profile("sync-conformance", database=MultiplexedDatabase(
        DirectoryBasedExampleDatabase(own), *others), deadline=None,
        phases=[phase for phase in Phase if shrink or phase is not Phase.shrink])
    settings.load_profile("sync-conformance")


def _safe_options(config: pytest.Config, settings: CheckSettings) -> dict:
    names = ("sync_binary", "sync_url", "sync_user", "allow_host_network", "sync_port", "sync_platform",
             "double_profile", "double_switches", "double_version", "expectations", "baseline", "catalogue", "allow_undecided")
    options = {name: getattr(config.option, name) for name in names}
    options.update((name, value) for name, value in asdict(settings).items() if name != "hypothesis_seed")
    if options["sync_url"]:  # a password inside the URL goes nowhere
        base_url, _, _ = split_credentials(options["sync_url"])
        options["sync_url"] = base_url + urlsplit(options["sync_url"]).path
    return options

