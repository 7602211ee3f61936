"""python -m conformance.verify TARGET --runs N [--modes restart,loop] [--reports-dir DIR] [--seed N]
[-- PYTEST OPTIONS]

Stability runs: every behaviour N times in each mode, then per behaviour and per check whether it said the
same every time (conformance/verdicts/stability.py).

- restart: N whole conformance runs, each in a process of its own on a fresh instance (a new namespace,
  temp dir and storage), as a CI job runs them one after another.
- loop: one instance, started once by this command, and N conformance runs attached to it (by SYNC_URL),
  so whatever one run leaves in the instance meets the next. Attached runs hold back what needs instances
  of their own (the peer scenarios, destructive checks, launches with another config): those behaviours
  stay undecided in loop mode, and their stability rests on restart mode. An instance that died during a
  run is restarted before the next one, and the report says after which run.

Every run has the same Hypothesis seed (--seed, default 0), so the builds are asked the same, and no run
confirms its own failures (--confirm-failures 0): the repetition here is the confirmation. TARGET is what
the matrix takes (a btsync executable, an official .tar.gz, `double:PROFILE@VERSION`; an instance by URL
runs in loop mode only). Each run's reports go under REPORTS_DIR/verify/NAME/MODE-K/; the stability JSON
and its page are REPORTS_DIR/verify/NAME.json and .html, linked from the index.

Exit status 0 when every behaviour is stable (in loop mode, one left undecided by attaching is not
counted against it when restart mode decided it), 1 otherwise, 2 for a mistake.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from conformance.harness.command_line import run_command
from conformance.harness.signals import run_child_run
from conformance.harness.target_specs import add_launch_options, check_launch_options, choice_for, conformance_command
from conformance.matrix import resolve
from conformance.reporting import pages
from conformance.reporting.index import write_index
from conformance.reporting.report_files import check_reports_dir
from conformance.verdicts import catalogue as catalogue_module
from conformance.verdicts import stability
from fixtures.attach import split_credentials
from fixtures.errors import SetupError
from fixtures.target import open_target
from fixtures.untrusted import printable

FORMAT = "sync-conformance-verify/1"
MODES = ("restart", "loop")


def parse_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    own, pytest_options = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(prog="python -m conformance.verify",
                                     description="Every behaviour N times, on fresh instances and on one: "
                                                 "stable or flaky")
    parser.add_argument("target", metavar="TARGET", help="a btsync executable or .tar.gz, double[:PROFILE[@VERSION]], "
                                                         "or http://user:password@host:port (loop mode only)")
    parser.add_argument("--runs", type=int, default=10, help="runs per mode (default 10)")
    parser.add_argument("--modes", default="restart,loop", help="restart, loop or both (default restart,loop)")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"))
    parser.add_argument("--seed", type=int, default=0, help="the Hypothesis seed of every run (default 0)")
    add_launch_options(parser)
    args = parser.parse_args(own)
    check_launch_options(parser, args)
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    if not modes or set(modes) - set(MODES):
        parser.error(f"--modes {args.modes}: give restart, loop, or restart,loop")
    if args.runs < 2:
        parser.error(f"--runs {args.runs}: give 2 or more (one run says nothing of stability)")
    given = {option.split("=")[0] for option in pytest_options}
    if {"--confirm-failures", "--hypothesis-seed", "--reports-dir"} & given:
        parser.error("after --: --confirm-failures, --hypothesis-seed and --reports-dir are verify's own (use --seed "
                     "and --reports-dir before --)")
    args.modes = [mode for mode in MODES if mode in modes]
    return args, pytest_options


def main(argv: list[str] | None = None) -> int:
    args, pytest_options = parse_arguments(sys.argv[1:] if argv is None else argv)
    return run_command(lambda: verify(args, pytest_options), interrupted="the runs so far are under REPORTS_DIR/verify")


def verify(args: argparse.Namespace, pytest_options: list[str]) -> int:
    builds = resolve([args.target])
    if len(builds) != 1:
        raise SetupError(f"{args.target}: {len(builds)} builds; verify takes one target (the matrix takes many)")
    [build] = builds
    choice = choice_for(build.spec, api_key=args.sync_api_key, allow_host_network=args.allow_host_network,
                        request_timeout=args.request_timeout)
    if choice.url and "restart" in args.modes:
        raise SetupError(f"{split_credentials(build.spec)[0]}: an instance by URL cannot be started fresh, so it has "
                         f"no restart mode; pass --modes loop")
    check_reports_dir(args.reports_dir)
    name = build.name if not choice.url else "attached"
    into = args.reports_dir / "verify" / name
    options = ["--hypothesis-seed", str(args.seed), "--confirm-failures", "0",
               "--request-timeout", f"{args.request_timeout:g}", *pytest_options]
    environment = {"SYNC_API_KEY": args.sync_api_key} if args.sync_api_key else {}
    options += ["--allow-host-network"] * args.allow_host_network
    started = time.time()
    modes = {}
    for mode in args.modes:
        runner = _restart_runs if mode == "restart" else _loop_runs
        modes[mode] = runner(choice, args.runs, into, options, environment)
    reported = [run["version"] for found in modes.values() for run in found["runs"] if run.get("version")]
    document = stability_document(modes, args, build.version or (reported[0] if reported else None), name, started)
    written = write_stability(document, args.reports_dir)
    for line in summary_lines(document):
        print(printable(line)[:600])
    print(f"stability: {written} and {written.with_suffix('.html')}")
    return 0 if document["stable"] else 1


def _run_once(mode: str, number: int, command: list[str], environment: dict[str, str], into: Path) -> dict:
    begun = time.time()
    exit_status = run_child_run(command, environment)
    # only what this run wrote: a report left by an earlier verify into the same directory is not its
    reports = [path for path in sorted(into.glob("sync-*.json")) if path.stat().st_mtime >= begun]
    run = {"run": number, "exit_status": exit_status, "seconds": round(time.time() - begun, 1),
           # relative to REPORTS_DIR/verify/, where the stability page lies
           "report": str(reports[0].relative_to(into.parent.parent)) if reports else None}
    document = _read(reports[0]) if reports else None
    run["results"] = document["results"] if document else []
    run["version"] = document["run_info"].get("version") if document else None
    run["counts"] = dict(Counter(item["verdict"] for item in run["results"]).most_common())
    said = ", ".join(f"{count} {verdict}" for verdict, count in run["counts"].items()) or "no report"
    print(printable(f"{mode} run {number}: {said}, {run['seconds']:.0f} s"), flush=True)
    return run


def _read(path: Path) -> dict | None:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and isinstance(document.get("results"), list) else None


def _restart_runs(choice, runs: int, into: Path, options: list[str], environment: dict[str, str]) -> dict:
    done = []
    for number in range(1, runs + 1):
        where = into / f"restart-{number}"
        done.append(_run_once("restart", number, conformance_command(choice, where, options), environment, where))
    return {"runs": done, "restarts_between_runs": []}


def _loop_runs(choice, runs: int, into: Path, options: list[str], environment: dict[str, str]) -> dict:
    """N runs attached to one instance, started here (in this process's private network, which the runs
    share) unless the target is an instance by URL already."""
    opened = None if choice.url else open_target(choice)
    if choice.url:
        url, user, password = split_credentials(choice.url)
    else:
        target = opened.target
        url, user, password = target.base_url, target.login, target.password
    # by environment, never on a command line (where `ps` shows the password)
    attached = {**environment, "SYNC_URL": url, "SYNC_USER": user or "", "SYNC_PASSWORD": password or "",
                "SYNC_BINARY": ""}
    done, restarted = [], []
    try:
        for number in range(1, runs + 1):
            if opened is not None and opened.target.check_health() is not None:
                opened.target.restart()  # it died during the run before: the next run needs an instance
                restarted.append(number - 1)
            where = into / f"loop-{number}"
            done.append(_run_once("loop", number, conformance_command(None, where, options), attached, where))
    finally:
        if opened is not None:
            opened.target.stop()
            if opened.build is not None:
                opened.build.discard()
    return {"runs": done, "restarts_between_runs": restarted}


def _observations(runs: list[dict], behaviour: str) -> tuple[list[stability.Observation], dict[str, list]]:
    """The behaviour's observation in each run, and each of its checks' (by check id)."""
    behaviour_seen, checks_seen = [], {}
    for run in runs:
        item = next((item for item in run["results"] if item["behaviour"] == behaviour), None)
        if item is None:
            behaviour_seen.append(stability.Observation(run["run"], stability.NOT_RUN, ()))
            continue
        evidence = item.get("evidence") or []
        behaviour_seen.append(stability.Observation(run["run"], item["verdict"],
                                                    tuple(check.get("reason") or "" for check in evidence)))
        for check in evidence:
            checks_seen.setdefault(check["check"], []).append(
                stability.Observation(run["run"], check["verdict"], (check.get("reason") or "",)))
    return behaviour_seen, checks_seen


def stability_document(modes: dict[str, dict], args: argparse.Namespace, version: str | None, name: str,
                       started: float) -> dict:
    catalogue = catalogue_module.load()
    seen = {item["behaviour"] for mode in modes.values() for run in mode["runs"] for item in run["results"]}
    behaviours = [behaviour for behaviour in catalogue if behaviour in seen] + sorted(seen - set(catalogue))
    rows = []
    for behaviour in behaviours:
        by_mode, checks = {}, {}
        for mode, found in modes.items():
            observations, check_observations = _observations(found["runs"], behaviour)
            by_mode[mode] = stability.classify(observations)
            for check, observed in check_observations.items():
                checks.setdefault(check, {})[mode] = stability.classify(observed)
        rows.append({"behaviour": behaviour, "modes": by_mode, "mode_effect": stability.mode_effect(by_mode),
                     "checks": [{"check": check, "modes": found} for check, found in checks.items()]})
    tallies = {mode: stability.tally([row["modes"][mode] for row in rows]) for mode in modes}
    target = split_credentials(args.target)[0] if args.target.startswith("http") else args.target  # no password
    return {"format": FORMAT, "target": target,
            "name": name, "version": version, "seed": args.seed, "runs_per_mode": args.runs,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "duration_s": round(time.time() - started, 1),
            "modes": {mode: {"seconds": round(sum(run["seconds"] for run in found["runs"]), 1),
                             "restarts_between_runs": found["restarts_between_runs"],
                             "runs": [{key: run[key] for key in ("run", "exit_status", "seconds", "report", "counts")}
                                      for run in found["runs"]]}
                      for mode, found in modes.items()},
            "tally": tallies, "behaviours": rows, "stable": all(_stable(row, modes) for row in rows) and bool(rows)}


def _stable(row: dict, modes: dict) -> bool:
    """Stable in every mode; in loop mode, never decided on one attached instance is left to restart mode
    when that decided it stably."""
    for mode, found in row["modes"].items():
        if found["class"] == stability.STABLE:
            continue
        left_to_restart = mode == "loop" and found["class"] == stability.NEVER_DECIDED and "restart" in modes \
            and row["modes"]["restart"]["class"] == stability.STABLE
        if not left_to_restart:
            return False
    return True


def summary_lines(document: dict) -> list[str]:
    lines = []
    for mode, found in document["modes"].items():
        counts = ", ".join(f"{count} {kind}" for kind, count in document["tally"][mode].items())
        lines.append(f"{mode}: {len(found['runs'])} runs, {found['seconds']:.0f} s: {counts}")
    for row in document["behaviours"]:
        for mode, found in row["modes"].items():
            if found["class"] == stability.STABLE or (mode == "loop" and found["class"] == stability.NEVER_DECIDED):
                continue
            counts = ", ".join(f"{verdict} {count}" for verdict, count in found["counts"].items())
            differing = "; ".join(f"run {run['run']} {run['verdict']}: {' / '.join(run['reasons'])[:160]}"
                                  for run in found["differing"][:3])
            lines.append(f"  {found['class'].upper()} ({mode}): {row['behaviour']}: {counts}" +
                         (f"; {differing}" if differing else ""))
        if row["mode_effect"]:
            lines.append(f"  MODE: {row['behaviour']}: {row['mode_effect']}")
    lines.append("stable: every behaviour, in every mode" if document["stable"] else
                 "not stable: see the behaviours above")
    return lines


def write_stability(document: dict, reports_dir: Path) -> Path:
    """The JSON and the page rendered from it, then the index again."""
    path = reports_dir / "verify" / f"{document['name']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1))
    path.with_suffix(".html").write_text(stability_html(document))
    write_index(reports_dir)
    return path


def stability_html(document: dict) -> str:
    runs = {mode: [{**run, "page": str(Path(run["report"]).with_suffix(".html")) if run["report"] else None}
                   for run in found["runs"]]
            for mode, found in document["modes"].items()}
    return pages.render("verify.html.j2", document=document, runs=runs, classes=stability.CLASSES)


if __name__ == "__main__":
    sys.exit(main())
