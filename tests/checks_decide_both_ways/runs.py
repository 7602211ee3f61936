"""What the three modules share: the behaviours decided here, and the checks each one has."""
from __future__ import annotations

import subprocess
import sys
from functools import cache

from conformance.verdicts.catalogue import load
from fixtures.double.profiles import SWITCHES
from tests.conftest import ROOT

CATALOGUE = load()
# It measures the machine, which the other tests share: tests/test_cpu_load_check.py and
# tests/test_cpu_load_confirmed.py decide it both ways, the confirmation on a free core
CPU_LOAD = "many-folders-cpu-load"
WITHOUT_CPU_LOAD = ("--deselect", CATALOGUE[CPU_LOAD].checks[0])


def runs_as_scenario(behaviour: str) -> bool:
    """Its checks run as scenarios (peer checks, beside checks) on instances started with the run: the
    double's switches cannot change for them during a run."""
    return any(marker in (ROOT / check).read_text() for check in CATALOGUE[behaviour].checks
               for marker in ("pytest.mark.peers", "pytest.mark.beside"))


SCENARIO_SWITCHES = [behaviour for behaviour in SWITCHES if runs_as_scenario(behaviour)]
DECIDED_HERE = [behaviour for behaviour in SWITCHES if behaviour != CPU_LOAD]


@cache
def collected_checks() -> dict[str, set[str]]:
    """Per behaviour, the node id of each of its checks as pytest collects them (no target is started for
    a collection): a run that decides a behaviour must report every one."""
    listing = subprocess.run([sys.executable, "-m", "pytest", "conformance", "--collect-only", "-q"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    node_ids = [line for line in listing.splitlines() if "::" in line]
    return {behaviour: {node_id for node_id in node_ids for check in entry.checks
                        if node_id == check or node_id.startswith(check + "::")}
            for behaviour, entry in CATALOGUE.items()}


def checks_of(run, behaviour: str) -> dict[str, dict]:
    """Each check of a behaviour in a run: node id -> its result."""
    return {check["check"]: check for item in run.document()["results"] if item["behaviour"] == behaviour
            for check in item["evidence"]}
