"""Verdicts hold under faults. A nemesis (tests/nemesis.py) hits the double inside every check with one
fault per run: killed, paused longer than the request timeout, made slow, or made to drop a connection.
No check the fault reached may be confirmed or contradicted; every behaviour is reached; the run goes
on to the end on a healthy target (the nemesis needs an answer in each check before it can strike) and
leaves nothing behind."""
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conformance.verdicts.catalogue import load
from tests.conftest import ROOT, leftovers, run_conformance

FAULTS = ("kill", "pause", "slow", "drop")
# Kill and pause meet the double with every behaviour on; slow and drop meet it as 1.4.111 behaves (with
# every behaviour on, invalid-secret-crash's first request kills the slowed process: nothing left to slow).
SWITCHES = {"kill": "all", "pause": "all", "slow": "observed", "drop": "observed"}
# Lean budgets and a short request timeout: a pause or a slow answer needs to outlast half of it only.
# No shrinking: a check a fault reached is inconclusive whatever its example.
LEAN = ["--examples", "5", "--many-folders", "5", "--cpu-window", "1",
        "--peer-deadline", "4", "--peer-watch", "1", "--peer-file-mb", "0.5", "--request-timeout", "0.4",
        "--nemesis-pause", "0.6", "--no-shrink"]


@pytest.fixture(scope="module")
def under_fault(tmp_path_factory) -> dict:
    """fault -> (run, landings): a run of every check per fault, all at once (they wait more than they
    compute)."""
    # made here, not in the threads: tests/conftest.py
    scratch = {fault: tmp_path_factory.mktemp(fault) for fault in FAULTS}

    def run(fault):
        tmp = scratch[fault]
        log = tmp / "landed.jsonl"
        log.touch()
        done = run_conformance(tmp, "-p", "tests.nemesis", "--nemesis", fault, "--nemesis-log", str(log),
                               "--double-switches", SWITCHES[fault], *LEAN,
                               env={"SYNC_DOUBLE_SLOW_ANSWER_S": "0.25"}, timeout=600)
        return done, [json.loads(line) for line in log.read_text().splitlines()]
    with ThreadPoolExecutor(max_workers=len(FAULTS)) as pool:
        return dict(zip(FAULTS, pool.map(run, FAULTS)))


def checks_of(done) -> list[dict]:
    return [check for item in done.document()["results"] for check in item["evidence"]]


@pytest.mark.parametrize("fault", FAULTS)
def test_no_check_a_fault_reached_gets_a_verdict(under_fault, fault):
    done, landings = under_fault[fault]
    reached = {landing["check"] for landing in landings if landing["check"]}
    # a scenario's instance that was hit reached the checks whose evidence holds its incidents
    scenario_hits = {landing["instance"] for landing in landings if not landing["check"]}
    reached |= {check["check"] for check in checks_of(done)
                if {incident.get("instance") for incident in check["evidence"]["incidents"]} & scenario_hits}
    decided = [(check["check"], check["verdict"], check["reason"][:300]) for check in checks_of(done)
               if check["check"] in reached and check["verdict"] != "inconclusive"]
    assert not decided, decided


# The incidents each fault leaves in the evidence of a check it reached outside the check's own window
# (the scenarios run in threads across several checks: a scenario that asks a peer killed meanwhile meets
# a connection refused, its death noted later; one paused right after its start is asked before the
# pause is seen; a slowed answer on a loaded machine may outlast the request timeout).
SIGNS = {"kill": {"died", "no answer"}, "pause": {"paused", "no answer", "hung"}, "slow": {"slow", "no answer", "hung"},
         "drop": {"no answer", "hung"}}


@pytest.mark.parametrize("fault", FAULTS)
def test_the_fault_reaches_every_behaviour_and_says_what_happened(under_fault, fault):
    done, landings = under_fault[fault]
    hit = {landing["check"] for landing in landings if landing["check"]}
    reached, reasons = set(), []
    for item in done.document()["results"]:
        for check in item["evidence"]:
            kinds = {incident["kind"] for incident in check["evidence"]["incidents"] + check["evidence"]["crashes"]}
            if check["check"] in hit or kinds & SIGNS[fault]:
                reached.add(item["behaviour"])
                reasons.append(check["reason"])
    assert reached == set(load()), sorted(set(load()) - reached)
    words = {"kill": "died", "pause": "was paused", "slow": "over half the request timeout",
             "drop": "without an answer"}[fault]
    assert any(words in reason for reason in reasons), reasons[:3]


@pytest.mark.parametrize("fault", FAULTS)
def test_the_run_ends_on_its_own_and_leaves_nothing(under_fault, fault):
    done, _ = under_fault[fault]
    # inconclusive behaviours are not judged, and fail the run: unknown is never a pass
    assert done.process.returncode == 1 and "NOT JUDGED" in done.output, done.output[-3000:]
    assert done.document()["run_info"]["complete"] is False  # one parameter set per check: a selection
    assert leftovers(done.tmp) == ([], [])
    assert "Traceback" not in done.output


def test_the_nemesis_log_names_real_checks(under_fault):
    known = {check["check"] for done, _ in under_fault.values() for check in checks_of(done)}
    landed = {landing["check"] for _, landings in under_fault.values() for landing in landings if landing["check"]}
    assert landed and landed <= known
    assert Path(ROOT / "tests" / "nemesis.py").is_file()


# The nemesis strikes an instance after its first answer; shared_folders' instance never answers, so its
# death is tried by hand: a build whose shared_folders instance (switched to disable its API) is killed
# two seconds after it starts. Before, the death read as "the instance failed otherwise": contradicted.
DYING_SHARED_FOLDERS_BUILD = """#!/bin/sh
if grep -q '"shared_folders"' "$3" 2>/dev/null; then
  "{python}" - "$3" <<'EDIT'
import json, sys
config = json.load(open(sys.argv[1]))
config["reference_double"] = {{"switches": {{"shared-folders-config-disables-api": True}}}}
json.dump(config, open(sys.argv[1], "w"))
EDIT
  (sleep 2; kill -9 $$) &
fi
exec "{python}" "{root}/fixtures/double/run.py" "$@"
"""


def test_a_shared_folders_instance_that_dies_is_no_verdict(tmp_path):
    import sys
    build = tmp_path / "btsync"
    build.write_text(DYING_SHARED_FOLDERS_BUILD.format(python=sys.executable, root=ROOT))
    build.chmod(0o755)
    done = run_conformance(tmp_path, "--sync-binary", str(build), "--sync-api-key", "A" * 64,
                           checks=("conformance/test_shared_folders_config_disables_api.py",))
    check = checks_of(done)[0]
    assert check["verdict"] == "inconclusive", check
    assert "second instance (shared_folders) died" in check["reason"], check["reason"]
    assert leftovers(done.tmp) == ([], [])
