"""Every check must be able to fail: against the double with its behaviour switched on it confirms,
switched off it contradicts. Runs the real conformance command, as a user would."""
import pytest

from conformance.catalogue import load
from fixtures.double.profiles import PROFILES, QUIRKS
from tests.conftest import FAST, leftovers, run_conformance

CATALOGUE = load()


@pytest.fixture(scope="module")
def quirks_on(tmp_path_factory):
    return run_conformance(tmp_path_factory.mktemp("on"), "--double-quirks", "all", *FAST)


@pytest.fixture(scope="module")
def quirks_off(tmp_path_factory):
    return run_conformance(tmp_path_factory.mktemp("off"), "--double-quirks", "none", *FAST)


def test_every_quirk_of_the_double_is_a_catalogue_behaviour():
    assert set(QUIRKS) <= set(CATALOGUE)


@pytest.mark.parametrize("behaviour", QUIRKS)
def test_check_confirms_when_the_double_has_the_behaviour(quirks_on, behaviour):
    verdicts = quirks_on.verdicts()
    assert verdicts.get(behaviour) == "confirmed", quirks_on.output[-3000:]


@pytest.mark.parametrize("behaviour", QUIRKS)
def test_check_contradicts_when_the_double_lacks_it(quirks_off, behaviour):
    verdicts = quirks_off.verdicts()
    assert verdicts.get(behaviour) == "contradicted", quirks_off.output[-3000:]


def test_contradictions_fail_the_pytest_run_and_confirmations_pass_it(quirks_on, quirks_off):
    assert quirks_on.process.returncode == 0, quirks_on.output[-3000:]
    assert quirks_off.process.returncode == 1, quirks_off.output[-3000:]


def test_a_crash_is_recorded_with_its_reproducer_and_the_run_goes_on(quirks_on):
    results = {item["behaviour"]: item for item in quirks_on.document()["results"]}
    crash_check = results["invalid-secret-crash"]["evidence"][0]["evidence"]
    assert crash_check["crashes"][0]["process"] == "killed by signal 11 (SIGSEGV)"
    assert crash_check["reproducers"][0].startswith("curl -sS -u ")
    assert "method=get_secrets" in crash_check["reproducers"][0]
    assert quirks_on.document()["run_info"]["restarts"] >= 1
    later = results["many-folders-cpu-load"]["verdict"]
    assert later == "confirmed"  # the restarted instance served the check that came after the crash


def test_runs_leave_no_process_and_no_temp_dir(quirks_on, quirks_off):
    for run in (quirks_on, quirks_off):
        assert leftovers(run.tmp) == ([], [])


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_profile_reproduces_what_its_real_build_showed(tmp_path, profile):
    run = run_conformance(tmp_path, "--double-profile", profile, *FAST)
    expected = {name: "confirmed" if shown else "contradicted" for name, shown in PROFILES[profile].observed.items()}
    assert run.verdicts() == expected, run.output[-3000:]
    assert run.document()["run_info"]["version"] == profile
