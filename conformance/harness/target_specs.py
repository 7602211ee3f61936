"""A target written the way users name builds, on the command line of the differential, the matrix and
the docs check:

    double                       the reference double, default profile, switches as observed
    double:1.3.106               another profile
    double:1.3.106@1.3.200       that profile reporting another version (--double-version)
    double:1.4.111:all,x=off     a profile with switches set (the syntax of --double-switches)
    http://user:pass@host:port   a running instance
    anything else                a btsync executable or an official .tar.gz
"""
from __future__ import annotations

import argparse
import os
import sys

from conformance.reporting.report_files import target_name
from fixtures.client import REQUEST_TIMEOUT_S
from fixtures.target import TargetChoice

SPEC_HELP = ("SPEC: double, double:PROFILE, double:PROFILE@VERSION, double:PROFILE:SWITCHES, a btsync executable "
             "or .tar.gz, or http://user:password@host:port of a running instance.")


def add_launch_options(parser: argparse.ArgumentParser) -> None:
    """What every command that starts SPEC targets takes besides the SPECs."""
    parser.add_argument("--sync-api-key", default=os.environ.get("SYNC_API_KEY"),
                        help="API key for real builds (default: $SYNC_API_KEY)")
    parser.add_argument("--allow-host-network", action="store_true",
                        help="run builds with the host's network (not recommended)")
    parser.add_argument("--request-timeout", type=float, default=REQUEST_TIMEOUT_S,
                        help=f"seconds per request (default {REQUEST_TIMEOUT_S:g})")


def check_launch_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.request_timeout <= 0:
        parser.error("--request-timeout must be a positive number of seconds")


def choice_for(spec: str, role: str = "target", api_key: str | None = None,
               allow_host_network: bool = False, request_timeout: float = REQUEST_TIMEOUT_S) -> TargetChoice:
    choice = TargetChoice(api_key=api_key, allow_host_network=allow_host_network, role=role,
                          request_timeout=request_timeout)
    if spec == "double" or spec.startswith("double:"):
        _, _, rest = spec.partition(":")
        profile, _, switches = rest.partition(":")
        profile, _, version = profile.partition("@")
        if profile:
            choice.double_profile = profile
        if version:
            choice.double_version = version
        if switches:
            choice.double_switches = switches
    elif spec.startswith(("http://", "https://")):
        choice.url = spec
    else:
        choice.binary = spec
    return choice


def conformance_command(choice: TargetChoice | None, reports_dir, options: list[str] = (),
                        checks: tuple[str, ...] = ("conformance",)) -> list[str]:
    """`python -m pytest conformance` (or only `checks`) against the same target (None: the one the
    environment names, SYNC_URL and its credentials), its reports in `reports_dir` (run from the project's
    root)."""
    return [sys.executable, "-m", "pytest", *checks, "-q", "-p", "no:cacheprovider",
            "--reports-dir", str(reports_dir), *(_run_arguments(choice) if choice else []), *options]


def _run_arguments(choice: TargetChoice) -> list[str]:
    """The options of `pytest conformance` that choose the same target."""
    if choice.url:
        return ["--sync-url", choice.url]
    if choice.binary:
        return ["--sync-binary", choice.binary]
    arguments = ["--double-profile", choice.double_profile, "--double-switches", choice.double_switches]
    return arguments + (["--double-version", choice.double_version] if choice.double_version else [])


def name_of(choice: TargetChoice, version: str | None) -> str:
    """The target's name in file names (conformance/reporting/report_files.py), once its version is known."""
    is_double = not (choice.url or choice.binary)
    return target_name(version or "unknown", is_double, choice.double_switches)
