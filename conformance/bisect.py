"""python -m conformance.bisect BEHAVIOUR BUILD... [--reports-dir DIR] [--seed N] [-- PYTEST OPTIONS]

Where a behaviour's verdict or departure changed across builds of many versions: the builds are put in
version order, and only that behaviour's checks run, on as few builds as a search needs (the two ends,
then the middle of each stretch whose ends differ). A build whose run stays inconclusive (run twice) is
left out of the search and named. Before a change is named, the builds on each side of it are run once
more: the change is named only when both runs of each side agree. BUILD is what the matrix takes (a
btsync executable, an official .tar.gz, `double:PROFILE@VERSION`, or a directory of builds).

Exit status 0 when the search ended (with the changes found, or none between the ends), 1 when a change
could not be confirmed (a side went both ways) or too few builds were decided to search, 2 for a mistake.
Each run's reports go under REPORTS_DIR/bisect/BEHAVIOUR/, a summary in REPORTS_DIR/bisect/BEHAVIOUR.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from conformance.harness.command_line import run_command
from conformance.harness.signals import run_child_run
from conformance.harness.target_specs import choice_for, conformance_command
from conformance.matrix import Build, report_of, resolve
from conformance.reporting.index import departure_shape
from conformance.reporting.report_files import check_reports_dir
from conformance.verdicts import catalogue as catalogue_module
from conformance.verdicts.expectations import INCONCLUSIVE, version_key
from fixtures.errors import SetupError
from fixtures.untrusted import printable


@dataclass(frozen=True)
class Outcome:
    """What one run of the behaviour on one build said: its verdict, and how it departed."""
    verdict: str
    departure: tuple[str, ...]
    reason: str

    @property
    def key(self) -> tuple:
        return (self.verdict, self.departure)

    def __str__(self) -> str:
        return self.verdict + (f" ({'; '.join(self.departure)})" if self.departure else "")


@dataclass
class Search:
    behaviour: str
    checks: tuple[str, ...]
    builds: list[Build]
    reports_dir: Path
    pytest_options: list[str]
    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)  # by build index, every run
    runs: int = 0

    def outcome(self, index: int) -> Outcome:
        """The build's first decided outcome (a run more where the first was inconclusive)."""
        if index not in self.outcomes:
            self.outcomes[index] = [self.probe(index)]
            if self.outcomes[index][0].verdict == INCONCLUSIVE:
                self.outcomes[index].append(self.probe(index))
        decided = [outcome for outcome in self.outcomes[index] if outcome.verdict != INCONCLUSIVE]
        return decided[0] if decided else self.outcomes[index][-1]

    def probe(self, index: int) -> Outcome:
        build = self.builds[index]
        self.runs += 1
        reports = self.reports_dir / "bisect" / self.behaviour / f"{build.name}-run-{self.runs}"
        command = conformance_command(choice_for(build.spec), reports, self.pytest_options, self.checks)
        build.started = time.time()
        exit_status = run_child_run(command)
        outcome = _outcome_of(report_of(build, reports), self.behaviour, exit_status)
        print(printable(f"run {self.runs}: {build.version} ({build.spec}): {outcome}, "
                        f"{time.time() - build.started:.1f} s"[:400]), flush=True)
        return outcome

    def changes(self) -> tuple[list[tuple[int, int]], list[int]]:
        """The pairs of neighbouring decided builds whose outcomes differ, and the builds left out
        undecided (by index in version order)."""
        decided = list(range(len(self.builds)))
        left_out: list[int] = []

        def settles(index: int) -> bool:
            """Whether the build decided; an undecided one leaves the search."""
            if self.outcome(index).verdict != INCONCLUSIVE:
                return True
            decided.remove(index)
            left_out.append(index)
            return False

        while decided and not settles(decided[0]):
            pass
        while len(decided) > 1 and not settles(decided[-1]):
            pass
        found, stretches = [], [(decided[0], decided[-1])] if len(decided) > 1 else []
        while stretches:
            low, high = stretches.pop()
            if self.outcome(low).key == self.outcome(high).key:
                continue  # the same at both ends: no change is looked for inside
            inside = [index for index in decided if low < index < high]
            if not inside:
                found.append((low, high))
                continue
            middle = inside[len(inside) // 2]
            if settles(middle):
                stretches += [(middle, high), (low, middle)]
            else:
                stretches.append((low, high))  # the same stretch, one build fewer inside
        return sorted(found), sorted(left_out)

    def confirmed(self, pair: tuple[int, int]) -> bool:
        """Both sides run once more, and each side's runs agree."""
        for index in pair:
            self.outcomes[index].append(self.probe(index))
        return all(len({outcome.key for outcome in self.outcomes[index] if outcome.verdict != INCONCLUSIVE}) == 1
                   for index in pair)


def _outcome_of(report: Path | None, behaviour: str, exit_code: int) -> Outcome:
    if report is None:
        return Outcome(INCONCLUSIVE, (), f"the run wrote no report (exit status {exit_code})")
    try:
        results = json.loads(report.read_text())["results"]
        item = next(item for item in results if item["behaviour"] == behaviour)
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return Outcome(INCONCLUSIVE, (), f"{report.name}: no verdict for {behaviour} in it")
    return Outcome(item["verdict"], departure_shape(item), item["reason"])


def parse_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    own, _, pytest_options = (argv[:argv.index("--")], None, argv[argv.index("--") + 1:]) if "--" in argv \
        else (argv, None, [])
    parser = argparse.ArgumentParser(prog="python -m conformance.bisect",
                                     description="Where a behaviour's verdict or departure changed across builds")
    parser.add_argument("behaviour", help="a behaviour id of the catalogue (e.g. add-folder-missing-dir-refused)")
    parser.add_argument("builds", nargs="+", metavar="BUILD", help="builds, or directories holding them")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"))
    parser.add_argument("--seed", type=int, default=0, help="the Hypothesis seed of every run (default 0), so "
                                                             "the builds are asked the same")
    return parser.parse_args(own), pytest_options


def main(argv: list[str] | None = None) -> int:
    args, pytest_options = parse_arguments(sys.argv[1:] if argv is None else argv)
    return run_command(lambda: bisect(args, pytest_options), interrupted="the runs so far are under REPORTS_DIR/bisect")


def bisect(args: argparse.Namespace, pytest_options: list[str]) -> int:
    catalogue = catalogue_module.load()
    if args.behaviour not in catalogue:
        raise SetupError(f"no behaviour {args.behaviour} in the catalogue; name one by its id "
                         f"(e.g. add-folder-missing-dir-refused)")
    builds = sorted(resolve(args.builds), key=lambda build: version_key(build.version))
    if len(builds) < 2:
        raise SetupError("one build: a search needs two or more, of different versions")
    check_reports_dir(args.reports_dir)
    search = Search(args.behaviour, catalogue[args.behaviour].checks, builds, args.reports_dir,
                    # the search runs each side of a change twice itself: no run confirms its own failures
                    ["--hypothesis-seed", str(args.seed), "--confirm-failures", "0", *pytest_options])
    pairs, left_out = search.changes()
    summary = {"behaviour": args.behaviour, "builds": [build.version for build in builds],
               "left_out_undecided": [builds[index].version for index in left_out], "changes": [], "unconfirmed": []}
    for index in left_out:
        print(printable(f"left out: {builds[index].version}: inconclusive twice ({search.outcome(index).reason[:200]})"))
    for low, high in pairs:
        before, after = search.outcome(low), search.outcome(high)
        record = {"between": [builds[low].version, builds[high].version], "before": str(before), "after": str(after)}
        if search.confirmed((low, high)):
            summary["changes"].append(record)
            print(printable(f"changed between {builds[low].version} and {builds[high].version}: {before} -> {after} "
                            f"(each side run twice)"[:600]))
        else:
            summary["unconfirmed"].append({**record, "runs": {builds[index].version: [str(outcome) for outcome in
                                                                                       search.outcomes[index]]
                                                              for index in (low, high)}})
            print(printable(f"not confirmed between {builds[low].version} and {builds[high].version}: a side went "
                            f"both ways when run again (flaky), so no change is named"[:600]))
    decided = len(builds) - len(left_out)
    if not pairs and decided >= 2:
        print(f"no change between {builds[0].version} and {builds[-1].version}: the same at both ends (a change "
              f"and its reversal between them would not be seen)")
    summary.update(runs=search.runs, builds_run=len(search.outcomes))
    print(f"{search.runs} runs on {len(search.outcomes)} of {len(builds)} builds")
    (args.reports_dir / "bisect" / f"{args.behaviour}.json").write_text(json.dumps(summary, indent=2))
    return 1 if summary["unconfirmed"] or decided < 2 else 0


if __name__ == "__main__":
    sys.exit(main())
