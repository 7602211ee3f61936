"""With every behaviour switched on, every check confirms; the run records a crash with its reproducer,
goes on, passes, leaves nothing behind, and no secret any client saw reaches any output."""
import pytest

from tests.checks_decide_both_ways.runs import DECIDED_HERE, WITHOUT_CPU_LOAD, checks_of, collected_checks
from tests.conftest import FAST, leftovers, run_conformance


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


@pytest.mark.parametrize("behaviour", DECIDED_HERE)
def test_every_check_confirms_when_the_double_has_the_behaviour(all_on, behaviour):
    checks = checks_of(all_on, behaviour)
    assert set(checks) == collected_checks()[behaviour], "every check of the behaviour ran"
    assert {check: result["verdict"] for check, result in checks.items()} == dict.fromkeys(checks, "confirmed"), \
        [(check, result["reason"][:200]) for check, result in checks.items() if result["verdict"] != "confirmed"]


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
