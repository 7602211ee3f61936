"""Every check must be able to fail. Against the double with every behaviour switched on, each check
confirms; with only its own behaviour switched off (the rest on, so nothing else can be the cause), each
check of that behaviour (not just one of them) contradicts, with a reason of its own. Runs the real
conformance command, as a user would."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from conformance.catalogue import load
from fixtures.double.profiles import PROFILES, SWITCHES
from tests.conftest import FAST, ROOT, leftovers, run_conformance

CATALOGUE = load()
# It measures the machine, which the other tests share: tests/test_cpu_load_check.py and
# tests/test_cpu_load_confirmed.py decide it both ways, the confirmation on a free core
CPU_LOAD = "many-folders-cpu-load"
WITHOUT_CPU_LOAD = ("--deselect", CATALOGUE[CPU_LOAD].checks[0])


@pytest.fixture(scope="module")
def all_on(tmp_path_factory):
    """Every check, peers included, with a witness of every secret any client saw (tests/witness.py)."""
    tmp = tmp_path_factory.mktemp("on")
    return run_conformance(tmp, "--double-switches", "all", *FAST, *WITHOUT_CPU_LOAD, "-p", "tests.witness",
                           "--witness-log", str(tmp / "seen.txt"))


def test_no_secret_any_client_saw_reaches_any_output(all_on):
    seen = set((all_on.tmp.parent / "seen.txt").read_text().split())
    assert len(seen) > 20, "the witness saw too little to prove anything"
    outputs = {path.name: path.read_text() for path in all_on.reports_dir.iterdir()}
    outputs["terminal"] = all_on.output
    leaks = {name: [value[:4] + "..." for value in seen if value in text] for name, text in outputs.items()}
    assert not any(leaks.values()), leaks


def is_peer_behaviour(behaviour: str) -> bool:
    return any("pytest.mark.peers" in (ROOT / check).read_text() for check in CATALOGUE[behaviour].checks)


PEER_SWITCHES = [behaviour for behaviour in SWITCHES if is_peer_behaviour(behaviour)]
DECIDED_HERE = [behaviour for behaviour in SWITCHES if behaviour != CPU_LOAD]


@pytest.fixture(scope="module")
def one_switched_off(tmp_path_factory) -> dict:
    """Per behaviour, a run of its checks with only its switch off: one run for every behaviour but the
    peer scenarios' (tests/one_switch_off.py switches the double before each behaviour), and a run of its
    own for each peer scenario, four at a time (the runs mostly wait on deadlines and child processes)."""
    def alone(behaviour):
        return run_conformance(tmp_path_factory.mktemp(f"off-{behaviour}"), "--double-switches",
                               f"all,{behaviour}=off", *FAST, checks=CATALOGUE[behaviour].checks)

    def together():
        return run_conformance(tmp_path_factory.mktemp("off-each"), "-p", "tests.one_switch_off",
                               "--double-switches", "all", *FAST, *WITHOUT_CPU_LOAD, "-m", "not peers")
    with ThreadPoolExecutor(max_workers=4) as pool:
        each = pool.submit(together)
        peers = dict(zip(PEER_SWITCHES, pool.map(alone, PEER_SWITCHES)))
    return {**dict.fromkeys(set(DECIDED_HERE) - set(PEER_SWITCHES), each.result()), **peers}


def test_the_double_has_a_switch_for_every_catalogue_behaviour():
    assert set(SWITCHES) == set(CATALOGUE)


def checks_of(run, behaviour: str) -> dict[str, dict]:
    """Each check of a behaviour in a run: node id -> its result."""
    return {check["check"]: check for item in run.document()["results"] if item["behaviour"] == behaviour
            for check in item["evidence"]}


@pytest.mark.parametrize("behaviour", DECIDED_HERE)
def test_every_check_confirms_when_the_double_has_the_behaviour(all_on, behaviour):
    checks = checks_of(all_on, behaviour)
    assert checks, f"no check of {behaviour} ran"
    assert {check: result["verdict"] for check, result in checks.items()} == dict.fromkeys(checks, "confirmed"), \
        [(check, result["reason"][:200]) for check, result in checks.items() if result["verdict"] != "confirmed"]


@pytest.mark.parametrize("behaviour", DECIDED_HERE)
def test_every_check_contradicts_when_the_double_lacks_only_that_behaviour(all_on, one_switched_off, behaviour):
    run = one_switched_off[behaviour]
    checks = checks_of(run, behaviour)
    assert set(checks) == set(checks_of(all_on, behaviour)), "the same checks ran both times"
    not_contradicting = [(check, result["verdict"], result["reason"][:200]) for check, result in checks.items()
                         if result["verdict"] != "contradicted"]
    assert not not_contradicting, not_contradicting
    generic = [check for check, result in checks.items()
               if result["reason"] in ("an assertion of the check failed", "") or result["reason"].startswith("assert ")]
    assert not generic, f"contradictions that do not say what was observed: {generic}"
    target_url = Counter(exchange["base_url"] for item in run.document()["results"] for check in item["evidence"]
                         for exchange in check["evidence"]["exchanges"]).most_common(1)  # the run's target
    without_reproducer = [check for check, result in checks.items() if not result["evidence"]["reproducers"]
                          and any(exchange["base_url"] == target_url[0][0] for exchange in result["evidence"]["exchanges"])]
    assert behaviour in PEER_SWITCHES or not without_reproducer, f"contradicted without a reproducer: {without_reproducer}"
    expected = {behaviour: "contradicted"} if behaviour in PEER_SWITCHES else \
        dict.fromkeys(set(DECIDED_HERE) - set(PEER_SWITCHES), "contradicted")  # each met its own switch off
    assert run.verdicts() == expected, run.output[-3000:]
    assert run.process.returncode == 1, "a contradiction must fail the pytest run"
    assert leftovers(run.tmp) == ([], [])


def test_confirmations_pass_the_pytest_run(all_on):
    assert all_on.process.returncode == 0, all_on.output[-3000:]


def test_a_crash_is_recorded_with_its_reproducer_and_the_run_goes_on(all_on):
    results = {item["behaviour"]: item for item in all_on.document()["results"]}
    crash_check = results["invalid-secret-crash"]["evidence"][0]["evidence"]
    assert crash_check["crashes"][0]["process"] == "killed by signal 11 (SIGSEGV)"
    assert crash_check["reproducers"][0].startswith("curl -sS -u ")
    assert "method=get_secrets" in crash_check["reproducers"][0]
    assert all_on.document()["run_info"]["restarts"] >= 1
    assert results["missing-parameters-error-2"]["verdict"] == "confirmed"  # served by the restarted instance


def test_the_run_leaves_no_process_and_no_temp_dir(all_on):
    assert leftovers(all_on.tmp) == ([], [])


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_profile_reproduces_what_its_real_build_showed(tmp_path, profile):
    run = run_conformance(tmp_path, "--double-profile", profile, *FAST)
    expected = {name: "confirmed" if shown else "contradicted" for name, shown in PROFILES[profile].observed.items()}
    assert run.verdicts() == expected, run.output[-3000:]
    assert run.document()["run_info"]["version"] == profile
