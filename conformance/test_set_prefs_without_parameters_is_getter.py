"""behaviour: set-prefs-without-parameters-is-getter

DESCRIPTION: call set_prefs with no preference and compare with get_prefs (some clients read prefs so).
EXPECTATION: set_prefs answers the same preferences get_prefs answers, not an error.
"""
import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("set-prefs-without-parameters-is-getter")


def test_set_prefs_without_parameters_answers_the_preferences(sync, evidence):
    current = sync.call("get_prefs").json
    if not isinstance(current, dict) or not current:
        inconclusive(f"get_prefs answered {current!r}: no preferences to compare with")
    answer = sync.call("set_prefs")
    assert answer.error_code() in (None, 0) and answer.json == current, (
        f"set_prefs without parameters: {answer.summary()}")
    evidence.note("preference keys", sorted(current))
    evidence.because(f"set_prefs without parameters answered the {len(current)} preferences of get_prefs")
