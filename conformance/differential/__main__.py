"""python -m conformance.differential --a SPEC --b SPEC [--requests N] [--exit-code]

Sends the same generated request sequences to two targets and reports every difference in their answers,
each with the shortest sequence that shows it. See conformance/harness/target_specs.py for SPEC.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from conformance.differential import output
from conformance.differential.engine import Differential
from conformance.differential.sides import Side
from conformance.harness.command_line import run_command
from conformance.harness.target_specs import SPEC_HELP, add_launch_options, check_launch_options, choice_for, name_of
from conformance.reporting.report_files import check_reports_dir
from fixtures.errors import SetupError
from fixtures.target import OpenedTarget, open_target


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.differential",
        description="The same generated requests to two targets; every difference, shrunk, in "
                    "REPORTS_DIR/differential/A-vs-B.html and .json.",
        epilog=SPEC_HELP)
    parser.add_argument("--a", required=True, metavar="SPEC", help="the first target")
    parser.add_argument("--b", required=True, metavar="SPEC", help="the second target")
    parser.add_argument("--requests", type=int, default=2000, help="requests to compare (default 2000)")
    parser.add_argument("--max-steps", type=int, default=25, help="longest generated sequence (default 25)")
    parser.add_argument("--seed", type=int, help="Hypothesis seed (default: random, printed)")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"))
    parser.add_argument("--exit-code", action="store_true",
                        help="exit 1 when the targets differ, 2 when too little was compared (see --min-coverage)")
    parser.add_argument("--min-coverage", type=float, default=0.5, metavar="SHARE",
                        help="the share of --requests that must be compared on undisturbed sequences (no pause, "
                             "hang or slow answer) for the run to say anything (default 0.5)")
    add_launch_options(parser)
    args = parser.parse_args(argv)
    for name, least in (("requests", 1), ("max_steps", 1)):
        if getattr(args, name) < least:
            parser.error(f"--{name.replace('_', '-')} must be at least {least}")
    if not 0 < args.min_coverage <= 1:
        parser.error("--min-coverage must be a share above 0 and at most 1 (0.5: half the requests)")
    check_launch_options(parser, args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    return run_command(lambda: compare_targets(args), interrupted="both targets stopped, nothing written")


def compare_targets(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else random.randrange(2 ** 32)
    check_reports_dir(args.reports_dir)
    opened: list[OpenedTarget] = []
    try:
        sides = []
        for role, spec in (("a", args.a), ("b", args.b)):
            choice = choice_for(spec, role, args.sync_api_key, args.allow_host_network, args.request_timeout)
            try:
                target = open_target(choice)
            except SetupError as error:
                raise error.named(f"--{role}") from None
            opened.append(target)
            version = target.build.version if target.build else None
            sides.append(Side(role, target.label, target.target, name_of(choice, version)))
        print(f"A: {sides[0].label}\nB: {sides[1].label}\nseed {seed}; comparing {args.requests} requests...",
              flush=True)
        started = time.time()
        run = Differential(*sides, min_coverage=args.min_coverage)
        run.explore(args.requests, seed, args.max_steps)
        print(f"{run.requests} requests in {run.sequences} sequences ({run.compared} on undisturbed ones); "
              f"{len(run.findings)} differences seen; shrinking...", flush=True)
        run.shrink_all()
        paths = output.write(run, args.reports_dir, seed, started, [target.isolation for target in opened])
    finally:
        for target in opened:
            target.close()
    print(output.summary(run))
    for path in paths:
        print(f"  {path}")
    if not args.exit_code:
        return 0
    return {output.NOT_COMPARED: 2, output.DIFFERENT: 1}.get(output.outcome(run), 0)


if __name__ == "__main__":
    sys.exit(main())
