"""The double has a switch for every behaviour, and each of its profiles reproduces, in a full run, the
verdicts its real build showed."""
import pytest

from fixtures.double.profiles import PROFILES, SWITCHES
from tests.checks_decide_both_ways.runs import CATALOGUE
from tests.conftest import FAST, run_conformance


def test_the_double_has_a_switch_for_every_catalogue_behaviour():
    assert set(SWITCHES) == set(CATALOGUE)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_profile_reproduces_what_its_real_build_showed(tmp_path, profile):
    run = run_conformance(tmp_path, "--double-profile", profile, *FAST)
    expected = {name: "confirmed" if shown else "contradicted" for name, shown in PROFILES[profile].observed.items()}
    assert run.verdicts() == expected, run.output[-3000:]
    assert run.document()["run_info"]["version"] == profile
