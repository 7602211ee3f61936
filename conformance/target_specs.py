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
import re
import signal
import sys

from fixtures.errors import SetupError
from fixtures.target import TargetChoice
from fixtures.untrusted import file_part

SPEC_HELP = ("SPEC: double, double:PROFILE, double:PROFILE@VERSION, double:PROFILE:SWITCHES, a btsync executable "
             "or .tar.gz, or http://user:password@host:port of a running instance.")


def add_launch_options(parser: argparse.ArgumentParser) -> None:
    """What every command that starts SPEC targets takes besides the SPECs."""
    parser.add_argument("--sync-api-key", default=os.environ.get("SYNC_API_KEY"),
                        help="API key for real builds (default: $SYNC_API_KEY)")
    parser.add_argument("--allow-host-network", action="store_true",
                        help="run builds with the host's network (not recommended)")
    parser.add_argument("--request-timeout", type=float, default=10.0, help="seconds per request (default 10)")


def stop_on_sigterm_as_on_ctrl_c() -> None:
    """A CI job being cancelled sends SIGTERM: end as Ctrl-C would, so that clean-up still stops every
    build and removes its temp dirs. Either signal is also remembered (stop_requested)."""
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where SIGINT is ignored
        signal.signal(signal.SIGINT, _raise_keyboard_interrupt)


_STOP_SIGNALS: list[int] = []


def _raise_keyboard_interrupt(signum, frame) -> None:
    _STOP_SIGNALS.append(signum)
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def stop_requested() -> int | None:
    """The signal that asked this process to stop, if one did. Its KeyboardInterrupt can be lost: one
    raised while a finalizer (__del__) runs is printed and ignored, and the process goes on."""
    return _STOP_SIGNALS[0] if _STOP_SIGNALS else None


def check_launch_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.request_timeout <= 0:
        parser.error("--request-timeout must be a positive number of seconds")


RUN_OPTION = re.compile(r"--(?:sync-binary|sync-url|double-profile|double-switches|double-version) ")


def choice_for(spec: str, role: str = "target", api_key: str | None = None,
               allow_host_network: bool = False) -> TargetChoice:
    choice = TargetChoice(api_key=api_key, allow_host_network=allow_host_network, role=role)
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


def worded_for(error: SetupError, name: str) -> SetupError:
    """A SetupError worded for a run's options (`--double-profile 9.9.9: unknown`), naming the target the
    way this command took it instead (`name`, e.g. "--a " or "double:9.9.9: ")."""
    return SetupError(RUN_OPTION.sub(name, str(error)))


def run_command(choice: TargetChoice, reports_dir, options: list[str] = ()) -> list[str]:
    """`python -m pytest conformance` against the same target, its reports in `reports_dir` (run from the
    project's root)."""
    return [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider",
            "--reports-dir", str(reports_dir), *_run_arguments(choice), *options]


def _run_arguments(choice: TargetChoice) -> list[str]:
    """The options of `pytest conformance` that choose the same target."""
    if choice.url:
        return ["--sync-url", choice.url]
    if choice.binary:
        return ["--sync-binary", choice.binary]
    arguments = ["--double-profile", choice.double_profile, "--double-switches", choice.double_switches]
    return arguments + (["--double-version", choice.double_version] if choice.double_version else [])


def slug(choice: TargetChoice, version: str | None) -> str:
    """A file-name part that tells targets apart: 1.4.111, double-1.4.111, double-1.4.111-<switches>."""
    if choice.url:
        name = "instance-" + (version or "unknown")
    elif choice.binary:
        name = version or "build"
    else:
        name = f"double-{choice.double_profile}"
        if choice.double_version:
            name += f"-as-{choice.double_version}"
        if choice.double_switches != "observed":
            name += "-" + choice.double_switches
    return file_part(name)
