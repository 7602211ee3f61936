"""The suite's own tests' shared helpers (the one module they import from each other): run `pytest conformance`
in a child process as a user would, a crashing double, a client that answers from a table, a made-up result."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from conformance.verdicts.catalogue import CATALOGUE_PATH
from conformance.verdicts.outcome import CheckResult
from fixtures.build import reference_double
from fixtures.client import Exchange
from fixtures.cpu_token import DIRECTORY_VARIABLE
from fixtures.launcher import LaunchedSync
from tests.scheduling import SharedModulesWhole, place

ROOT = Path(__file__).resolve().parent.parent
# Small budgets: the point here is that every check can decide both ways, not to measure a build.
FAST = ["--examples", "25", "--many-folders", "60", "--cpu-window", "1.5", "--peer-deadline", "8", "--peer-watch", "2",
        "--peer-file-mb", "1.5"]
SYNC_ENV = ("SYNC_BINARY", "SYNC_API_KEY", "SYNC_URL", "SYNC_USER", "SYNC_PASSWORD")


@dataclass
class ConformanceRun:
    process: subprocess.CompletedProcess
    reports_dir: Path
    tmp: Path

    @property
    def output(self) -> str:
        return self.process.stdout + self.process.stderr

    def document(self) -> dict:
        reports = sorted(self.reports_dir.glob("sync-*.json"))
        assert reports, f"no JSON report written; output:\n{self.output[-3000:]}"
        return json.loads(reports[0].read_text())

    def verdicts(self) -> dict[str, str]:
        return {item["behaviour"]: item["verdict"] for item in self.document()["results"]}

    def html(self) -> str:
        return next(self.reports_dir.glob("sync-*.html")).read_text()


# A module fixture that runs child processes in threads makes their temp dirs before it starts the
# threads: pytest makes a worker's base temp dir on first use without a lock, and two threads asking at
# once fail (FileExistsError) when theirs is the worker's first test.
def run_conformance(tmp_path: Path, *args: str, checks: tuple[str, ...] = ("conformance",), env: dict | None = None,
                    timeout: float = 300, confirm_failures: int | None = 0) -> ConformanceRun:
    """`python -m pytest CHECKS ARGS` from the project root, with its temp files under tmp_path; failing
    judgements are not run again (--confirm-failures 0) unless `confirm_failures` says how often (None:
    the run's default), since most tests are about the first run (tests/test_confirmations.py: the reruns)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    reports = tmp_path / "reports"
    reruns = [] if confirm_failures is None else ["--confirm-failures", str(confirm_failures)]
    process = subprocess.run(
        [sys.executable, "-m", "pytest", *checks, "-q", "--reports-dir", str(reports),
         *reruns, *args], cwd=ROOT, env=child_environment(scratch, env), capture_output=True, text=True, timeout=timeout)
    return ConformanceRun(process, reports, scratch)


def child_environment(scratch: Path, extra: dict | None = None) -> dict:
    """A child run's environment: none of the user's Sync settings, temp files under scratch, a CPU token
    of its own (the child runs of parallel tests do not wait for each other's CPU windows; tests of the
    token share one on purpose), and bytecode kept, so that the many child runs do not each compile (and
    rewrite) every module again."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in SYNC_ENV and key != "PYTHONDONTWRITEBYTECODE"}
    environment.update({"TMPDIR": str(scratch), DIRECTORY_VARIABLE: str(scratch / "cpu-token"), **(extra or {})})
    return environment


def leftovers(scratch: Path) -> tuple[list[str], list[int]]:
    """Temp dirs and processes a run left behind under its scratch dir."""
    dirs = [path.name for path in scratch.glob("sync-*")]
    processes = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if any(str(scratch) in part for part in process.info["cmdline"] or []):
            processes.append(process.info["pid"])
    return dirs, processes


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, which may not be installed
def pytest_xdist_make_scheduler(config, log):
    if config.option.dist == "load":  # what -n alone chooses; another --dist given is left as given
        return SharedModulesWhole(config, log)
    return None


def pytest_configure(config):
    # xdist would otherwise hand out the work by number of tests (tests/scheduling.py gives its order)
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    if not hasattr(config, "workerinput") and not (ROOT / ".hypothesis" / "unicode_data").is_dir():
        build_hypothesis_caches()


def build_hypothesis_caches() -> None:
    """Hypothesis keeps under .hypothesis/ the constants it draws from the project's modules and its
    Unicode tables. In a fresh clone every child run that generates examples would build them, many at
    once (a tenth of the tests' CPU); one short run builds them first, before the workers start."""
    with tempfile.TemporaryDirectory() as scratch:
        run_conformance(Path(scratch), "--examples", "1", "--no-shrink",
                        checks=("conformance/test_http_status_on_error.py",))


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: place(item.nodeid))


@pytest.fixture(scope="session", autouse=True)
def own_cpu_token(tmp_path_factory):
    """Checks called in the test process take the CPU token of this worker, not the machine's."""
    os.environ[DIRECTORY_VARIABLE] = str(tmp_path_factory.mktemp("cpu-token"))


@pytest.fixture
def double_wrapper(tmp_path) -> Path:
    """An executable script that `exec`s the reference double: a build as --sync-binary sees one."""
    script = tmp_path / "btsync"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT}/fixtures/double/run.py" "$@"\n')
    script.chmod(0o755)
    return script


VALID_LOOKING_KEY = "A" * 64  # the double accepts any key of the right shape


def changing_double(root: Path, choose_profile: str) -> Path:
    """A build that is the double reporting 1.3.106, whose profile each start chooses anew: `choose_profile`
    is shell that sets $profile, with $start the number of this start (from 1). Its --help banner is
    1.3.106's."""
    starts, build = root / "starts", root / "build" / "btsync"
    build.parent.mkdir(parents=True)
    double = f'"{sys.executable}" "{ROOT}/fixtures/double/run.py"'
    build.write_text(f"""#!/bin/sh
case "$*" in *--help*) exec {double} --profile 1.3.106 "$@";; esac
echo x >> "{starts}"
start=$(wc -l < "{starts}")
{choose_profile}
exec {double} --profile $profile --version-as 1.3.106 "$@"
""")
    build.chmod(0o755)
    return build


@pytest.fixture
def crashing_double():
    target = LaunchedSync(reference_double("1.4.111"), None,
                          double_settings={"switches": {"invalid-secret-crash": True, "http-status-on-error": True}})
    target.start()
    yield target
    target.stop()


def made_up_result(verdict, reason="r"):
    """A check's result as the harness would make it, with a fact that needs escaping."""
    return CheckResult(check="c", behaviour="b", verdict=verdict, reason=reason, duration_s=0.1,
                       evidence={"facts": {"x": "<b>"}, "exchanges": [], "exchanges_total": 0, "crashes": [],
                                 "reproducers": [], "series": {}})


class Answers:
    """A client that answers from a table: (path, method) -> body text, HTTP 200."""

    def __init__(self, table: dict):
        self.table = table

    def call(self, method, **params):
        return self.request("/api", {"method": method, **params})

    def request(self, path, params, **_):
        text = self.table[(path, params.get("method"))]
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        return Exchange("http://127.0.0.1:1", path, dict(params), started=0.0, elapsed_ms=1.0, status=200,
                        text=text, json=parsed)


def write_report(directory: Path, version: str, verdicts: dict, *, double=False, digests=None, minutes=1,
                 reasons=None, judgements=None, kinds=None, partial=False) -> Path:
    stem = f"sync-{version}" + ("-double" if double else "") + (".partial" if partial else "")
    failing = ("regression", "departs differently", "stale", "fixed", "not judged", "not recorded")
    results = []
    for behaviour, verdict in verdicts.items():
        judgement = (judgements or {}).get(behaviour, "as expected")
        results.append({
            "behaviour": behaviour, "statement": f"{behaviour} statement", "kind": (kinds or {}).get(behaviour, "documented-quirk"),
            "verdict": verdict, "reason": f"{behaviour} was {verdict}", "judgement": judgement,
            "fails": judgement in failing, "accepted_undecided": False,
            "evidence": [{"check": f"conformance/test_{behaviour}.py::test", "verdict": verdict,
                          "reason": (reasons or {}).get(behaviour, f"{behaviour} was {verdict}"),
                          "evidence": {"fingerprint": {"digest": (digests or {}).get(behaviour, "d0"),
                                                       "signatures": [f"sig {(digests or {}).get(behaviour, 'd0')}"]}}}]})
    info = {"version": version, "api_version": version, "target_kind": "reference-double" if double else "launched",
            "complete": not partial, "started": "2026-11-27T01:00:00Z", "finished": f"2026-11-27T01:{minutes:02d}:00Z"}
    path = directory / f"{stem}.json"
    path.write_text(json.dumps({"format": "sync-conformance-report/1", "run_info": info, "results": results}))
    (directory / f"{stem}.html").write_text("<html></html>")
    return path


def verdict_and_reason(run) -> tuple[str, str]:
    [result] = run.document()["results"]
    return result["verdict"], result["reason"]


CPU_LOAD_CHECK = ("conformance/test_many_folders_cpu_load.py",)


def catalogue_of(behaviours) -> str:
    """The suite's catalogue with only these behaviours (a run of their checks alone is complete)."""
    header, *blocks = CATALOGUE_PATH.read_text().split("\n[[behaviour]]\n")
    kept = [block for block in blocks if re.search(r'^id = "([^"]+)"', block, re.M).group(1) in behaviours]
    return "\n[[behaviour]]\n".join([header] + kept)
