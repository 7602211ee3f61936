"""`--a` and `--b`: what each side of a differential run is, written the way users name builds.

    double                      the reference double, default profile, switches as observed
    double:1.3.106              another profile
    double:1.4.111:all,x=off    a profile with switches set (the syntax of --double-switches)
    http://user:pass@host:port  a running instance (it must be the run's alone: folders are removed)
    anything else               a btsync executable or an official .tar.gz
"""
from __future__ import annotations

import re

from fixtures.target import TargetChoice


def choice_for(spec: str, role: str, api_key: str | None, allow_host_network: bool) -> TargetChoice:
    choice = TargetChoice(api_key=api_key, allow_host_network=allow_host_network, role=role)
    if spec == "double" or spec.startswith("double:"):
        _, _, rest = spec.partition(":")
        profile, _, switches = rest.partition(":")
        if profile:
            choice.double_profile = profile
        if switches:
            choice.double_switches = switches
    elif spec.startswith(("http://", "https://")):
        choice.url = spec
    else:
        choice.binary = spec
    return choice


def slug(choice: TargetChoice, version: str | None) -> str:
    """A file-name part that tells the side apart: 1.4.111, double-1.4.111, double-1.4.111-<switches>."""
    if choice.url:
        name = "instance-" + (version or "unknown")
    elif choice.binary:
        name = version or "build"
    else:
        name = f"double-{choice.double_profile}"
        if choice.double_switches != "observed":
            name += "-" + choice.double_switches
    return re.sub(r"[^A-Za-z0-9._=+-]+", "_", name)[:80]
