"""python -m conformance.matrix BUILD... [--jobs N] [--reports-dir DIR] [-- PYTEST OPTIONS]

A conformance run per build, several at once, then the fold (REPORTS_DIR/index.html) and a summary table.
Each run is `python -m pytest conformance` in a process of its own, so each has its own network
namespace, temp dirs and build instances, exactly as a single run has. Runs are scheduled by resource, not
by number: every build starts at once as far as memory allows (a run starts while the memory available
exceeds the most a run has been measured to hold, its instances included, and a tenth of the machine's
memory in reserve); the CPU is shared through the machine's CPU token (fixtures/cpu_token.py), which each
run's checks take and each run's waits do not, so waits overlap freely and no run's load lands in
another's CPU window. The summary gives each run's peak memory and how long it waited for the token. BUILD is a target as
conformance/harness/target_specs.py writes it (a btsync executable, an official .tar.gz, `double:PROFILE@VERSION`)
or a directory holding builds. Exit status 1 when any run fails its judgement or does not finish.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from conformance.harness.command_line import run_command
from conformance.harness.signals import STOP_GRACE_S, interruptible, signal_group
from conformance.harness.target_specs import choice_for, conformance_command, name_of
from conformance.reporting.index import FoldError, write_index
from conformance.reporting.report_files import ReportFiles, check_reports_dir
from conformance.verdicts.expectations import FAILING
from fixtures.attach import split_credentials
from fixtures.build import EXECUTABLE_NAMES, PROJECT_ROOT, resolve_binary
from fixtures.errors import SetupError
from fixtures.target import double_settings

PROGRESS = re.compile(r"\[\s*(\d+)%\]\s*$")
FIRST_GUESS_BYTES = 500 * 2**20  # what a run may hold before any run has been measured
RESERVE_FRACTION = 0.1  # of the machine's memory, kept free
MEASURE_S = 1.0


@dataclass
class Build:
    """One build of the matrix and, once it ran, how its run went."""
    spec: str
    name: str  # the file-name part of its log, and how progress lines name it
    version: str | None
    process: subprocess.Popen | None = None
    started: float = 0.0
    finished: float = 0.0
    log_path: Path | None = None
    report_path: Path | None = None
    percent: int = 0
    last_lines: list[str] = field(default_factory=list)
    peak_bytes: int = 0  # the most its process tree (pytest and every instance it started) was seen to hold

    @property
    def seconds(self) -> float:
        return (self.finished or time.time()) - self.started if self.started else 0.0


def builds_in(given: str) -> list[str]:
    """A directory stands for the builds inside it (executables named btsync or rslsync, tarballs), two
    levels down at most; anything else is one build."""
    path = Path(given).expanduser()
    if not path.is_dir():
        return [given]
    found = sorted(str(candidate) for candidate in [*path.glob("*"), *path.glob("*/*")]
                   if candidate.is_file() and (candidate.name in EXECUTABLE_NAMES
                                               or candidate.name.endswith((".tar.gz", ".tgz"))
                                               and tarfile.is_tarfile(candidate)))
    if not found:
        raise SetupError(f"{given}: a directory with no build in it (no btsync/rslsync executable or .tar.gz "
                         f"two levels down); pass builds or a directory holding them")
    return found


def resolve(specs: list[str]) -> list[Build]:
    """Every build named, its version read from its banner before any run starts (SetupError for a
    mistake, naming the build); two builds of one version would write the same report."""
    builds = []
    for spec in [expanded for given in specs for expanded in builds_in(given)]:
        choice = choice_for(spec)
        version = None
        if choice.binary:
            try:
                build = resolve_binary(choice.binary)
            except SetupError as error:
                raise error from None
            version = build.version
            build.discard()
        elif not choice.url:
            try:
                double_settings(choice)
            except SetupError as error:
                raise error.named(f"{spec}:") from None
            version = choice.double_version or choice.double_profile
        builds.append(Build(spec, name_of(choice, version), version))
    reports = [_report_stem(build) for build in builds]
    clashes = sorted({stem for stem in reports if stem and reports.count(stem) > 1})
    if clashes:
        named = [build.spec for build, stem in zip(builds, reports) if stem in clashes]
        raise SetupError(f"more than one build would write {', '.join(clashes)} ({', '.join(named)}); give one "
                         f"build per version, or run the others into another --reports-dir")
    return builds


def _report_stem(build: Build) -> str | None:
    """The report a run of the build writes, where known beforehand (not for an instance by URL)."""
    return None if choice_for(build.spec).url else f"sync-{build.name}"


def report_of(build: Build, reports_dir: Path) -> Path | None:
    """The JSON report the build's run wrote (complete or partial): by its name where that was known
    beforehand, else (an instance by URL) the one written since the run started that names its URL."""
    stem = _report_stem(build)
    candidates = [reports_dir / f"{stem}.json", ReportFiles.partial(reports_dir / f"{stem}.json")] if stem \
        else sorted(reports_dir.glob("sync-*.json"))
    written = [path for path in candidates if path.is_file() and path.stat().st_mtime >= build.started]
    if stem is None:
        base_url = split_credentials(build.spec)[0]
        written = [path for path in written if _run_info(path).get("target") == base_url]
    return max(written, key=lambda path: path.stat().st_mtime, default=None)


def _run_info(path: Path) -> dict:
    try:
        info = json.loads(path.read_text()).get("run_info")
    except (OSError, ValueError, AttributeError):
        return {}
    return info if isinstance(info, dict) else {}


class Matrix:
    """Runs the builds, at most `jobs` at once, printing a line as each starts, progresses and ends."""

    def __init__(self, builds: list[Build], jobs: int, reports_dir: Path, pytest_options: list[str]):
        self.builds, self.jobs, self.reports_dir, self.pytest_options = builds, jobs, reports_dir, pytest_options
        self.logs_dir = reports_dir / "matrix"
        self.lock = threading.Lock()

    def say(self, build: Build, text: str) -> None:
        with self.lock:
            print(f"[{build.name}] {text}", flush=True)

    def run(self) -> None:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        waiting = list(self.builds)
        running: list[Build] = []
        measured = 0.0
        try:
            while waiting or running:
                while waiting and len(running) < self.jobs and (not running or self.memory_allows_another()):
                    running.append(self.start(waiting.pop(0)))
                time.sleep(0.2)
                if time.monotonic() - measured >= MEASURE_S:
                    measured = time.monotonic()
                    for build in running:
                        build.peak_bytes = max(build.peak_bytes, resident_bytes(build.process.pid))
                for build in [build for build in running if build.process.poll() is not None]:
                    running.remove(build)
                    self.finish(build)
        except KeyboardInterrupt:
            self.stop(running)
            raise

    def per_run_bytes(self) -> int:
        """What one more run may hold: the most any run was measured to (a first guess before that)."""
        return max((build.peak_bytes for build in self.builds), default=0) or FIRST_GUESS_BYTES

    def memory_allows_another(self) -> bool:
        memory = psutil.virtual_memory()
        return memory.available - self.per_run_bytes() >= RESERVE_FRACTION * memory.total

    def start(self, build: Build) -> Build:
        command = conformance_command(choice_for(build.spec), self.reports_dir, self.pytest_options)
        build.log_path = self.logs_dir / f"{build.name}.log"
        build.started = time.time()
        # a session of its own: Ctrl-C reaches the matrix, which stops each run in order
        build.process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                         preexec_fn=interruptible)
        threading.Thread(target=self.follow, args=(build,), daemon=True).start()
        self.say(build, f"started: {build.spec}")
        return build

    def follow(self, build: Build) -> None:
        """Keeps the run's output in its log, and says each quarter of the checks done."""
        with open(build.log_path, "w") as log:
            for line in build.process.stdout:
                log.write(line)
                build.last_lines = (build.last_lines + [line.rstrip()])[-15:]
                progress = PROGRESS.search(line)
                if progress and int(progress.group(1)) // 25 > build.percent // 25:
                    build.percent = int(progress.group(1))
                    self.say(build, f"{build.percent}% of checks done, {build.seconds:.0f} s")

    def finish(self, build: Build) -> None:
        build.finished = time.time()
        build.report_path = report_of(build, self.reports_dir)
        row = self.row(build)
        self.say(build, f"finished in {build.seconds:.0f} s: {row['verdicts']}; {row['judgement']}")

    def stop(self, running: list[Build]) -> None:
        """Ctrl-C or SIGTERM: each run is interrupted as Ctrl-C would (it stops its builds and removes its
        temp dirs), and killed if it has not finished after STOP_GRACE_S."""
        for build in running:
            signal_group(build.process, signal.SIGINT)
        deadline = time.time() + STOP_GRACE_S
        for build in running:
            try:
                build.process.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                signal_group(build.process, signal.SIGKILL)
                build.process.wait()

    def row(self, build: Build) -> dict:
        """The summary of one run from its JSON report (or why there is none)."""
        document = None
        if build.report_path and build.report_path.is_file():
            try:
                document = json.loads(build.report_path.read_text())
            except ValueError:
                document = None
        code = build.process.returncode if build.process else None
        resources = {"seconds": build.seconds, "peak_mb": round(build.peak_bytes / 2**20),
                     "token_wait_s": _token_wait_s(document)}
        if document is None:
            return {"build": build.spec, "version": build.version or "?", "verdicts": "no report",
                    "judgement": f"did not finish (exit {code}; see {build.log_path})", "failed": True,
                    **resources}
        results = document.get("results", [])
        counts = {verdict: sum(1 for item in results if item.get("verdict") == verdict)
                  for verdict in ("confirmed", "contradicted", "inconclusive")}
        failing = [f"{item['judgement']}: {item['behaviour']}" for item in results
                   if item.get("fails", item.get("judgement") in FAILING)]
        accepted = sum(1 for item in results if item.get("accepted_undecided"))
        complete = document.get("run_info", {}).get("complete", False)
        met = "all met" if complete else "run incomplete"  # as the run's own summary says it
        judgement = ("; ".join(failing) + ("" if complete else "; run incomplete") if failing
                     else met if results else "no behaviour decided") + (f" ({accepted} undecided, accepted)"
                                                                          if accepted else "")
        return {"build": build.spec, "version": document.get("run_info", {}).get("version", build.version),
                "verdicts": " / ".join(f"{count} {verdict}" for verdict, count in counts.items()),
                "judgement": judgement, "failed": code != 0, **resources}


def resident_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (a run: pytest and the instances it started)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def _token_wait_s(document: dict | None) -> float | None:
    """Seconds the run waited for the machine's CPU token (places and CPU windows), where it said."""
    waits = (document or {}).get("run_info", {}).get("cpu_token_waits")
    return round(waits["place_s"] + waits["machine_s"], 1) if isinstance(waits, dict) else None


def summary_table(rows: list[dict]) -> str:
    headers = ("build", "version", "verdicts", "judgement", "time", "token wait", "peak memory")
    cells = [(row["build"], str(row["version"]), row["verdicts"], row["judgement"], f"{row['seconds']:.0f} s",
              "?" if row["token_wait_s"] is None else f"{row['token_wait_s']:g} s", f"{row['peak_mb']} MB")
             for row in rows]
    widths = [max(len(header), *(len(cell[column]) for cell in cells)) for column, header in enumerate(headers)]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip()
             for line in (headers, *cells)]
    return "\n".join([lines[0], "  ".join("-" * width for width in widths), *lines[1:]])


def parse_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    split = argv.index("--") if "--" in argv else len(argv)
    own, pytest_options = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser(
        prog="python -m conformance.matrix",
        description="A conformance run per build, several at once; then reports/index.html and a summary.",
        epilog="BUILD: a btsync executable, an official .tar.gz, a directory holding builds, double, "
               "double:PROFILE or double:PROFILE@VERSION. Options after -- go to each run "
               "(e.g. -- -m 'not peers').")
    parser.add_argument("builds", nargs="+", metavar="BUILD")
    parser.add_argument("--jobs", type=int,
                        help="runs at once at most (default: every build, as far as memory allows; the CPU is "
                             "shared through the machine's CPU token)")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"))
    args = parser.parse_args(own)
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs {args.jobs}: give at least 1")
    return args, pytest_options


def main(argv: list[str] | None = None) -> int:
    args, pytest_options = parse_arguments(sys.argv[1:] if argv is None else argv)
    return run_command(lambda: run_matrix(args, pytest_options),
                       interrupted="every run stopped (each stops its builds and removes its temp dirs)")


def run_matrix(args: argparse.Namespace, pytest_options: list[str]) -> int:
    reports_dir = args.reports_dir.resolve()
    check_reports_dir(reports_dir)
    builds = resolve(args.builds)
    real = [build.spec for build in builds if choice_for(build.spec).binary]
    if real and not os.environ.get("SYNC_API_KEY") and "--sync-api-key" not in pytest_options:
        raise SetupError(f"{', '.join(real)}: a real build needs an API key; export SYNC_API_KEY=... "
                         f"(never commit it)")
    matrix = Matrix(builds, args.jobs or len(builds), reports_dir, pytest_options)
    started = time.time()
    at_once = f"{args.jobs} at a time at most" if args.jobs else "all at once"
    print(f"{len(builds)} builds, {at_once} as far as memory allows ({psutil.virtual_memory().available / 2**20:.0f} "
          f"MB available); logs in {matrix.logs_dir}", flush=True)
    matrix.run()
    rows = [matrix.row(build) for build in builds]
    try:
        index = write_index(reports_dir)
    except FoldError as error:
        print(f"ERROR: the fold failed: {error}", file=sys.stderr)
        return 1
    print(summary_table(rows))
    slowest = max(rows, key=lambda row: row["seconds"])
    print(f"{len(builds)} runs in {time.time() - started:.0f} s (the slowest run: {slowest['seconds']:.0f} s, "
          f"{slowest['build']}); index: {index}")
    return 1 if any(row["failed"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
