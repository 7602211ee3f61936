"""The Hypothesis profile a conformance run loads: examples kept per Sync version, and counterexamples
shrunk unless --no-shrink."""
import pytest
from hypothesis import Phase, settings
from hypothesis.database import MultiplexedDatabase

from conformance.harness.suite_run import use_example_database


@pytest.fixture
def restored_profile():
    before = settings.get_current_profile_name()
    yield
    settings.load_profile(before)


@pytest.mark.parametrize("shrink", [True, False])
def test_a_run_shrinks_counterexamples_unless_told_not_to(restored_profile, shrink):
    use_example_database("1.4.111-double", shrink=shrink)
    profile = settings.get_profile("sync-conformance")
    assert (Phase.shrink in profile.phases) is shrink
    assert {Phase.reuse, Phase.generate} <= set(profile.phases)  # stored counterexamples are still tried first
    assert isinstance(profile.database, MultiplexedDatabase) and profile.deadline is None
