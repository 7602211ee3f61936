"""behaviour: set-prefs-round-trip

DESCRIPTION: set generated values of every preference get_prefs lists (device name, ports, language,
rate limits, intervals, sizes, on/off switches, folder defaults) with set_prefs, several at a time, read
them back with get_prefs, and restore the original values afterwards. Values stay where they cannot cut
the instance off (ports below the API's ephemeral range). `lang_iso` is read-only in effect (derived
from `lang`) and is only recorded.
EXPECTATION: set_prefs answers the complete preferences with the new values, and get_prefs reads the
same; a value keeps the type get_prefs gives it (integers stay integers, numbers kept as strings stay
strings).
"""
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conformance.helpers.strategies import DERIVED_PREFERENCES, preference_value
from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("set-prefs-round-trip")


def as_read(value, like):
    """The value as get_prefs would show it, given the type it shows that preference with."""
    return str(value) if isinstance(like, str) else int(value)


def without_derived(prefs) -> dict:
    return {name: value for name, value in prefs.items() if name not in DERIVED_PREFERENCES} \
        if isinstance(prefs, dict) else prefs


def test_preferences_set_are_the_preferences_read(sync, evidence, options):
    original = sync.call("get_prefs").json
    if not isinstance(original, dict) or not original:
        inconclusive(f"get_prefs answered {original!r}, not a preferences object")
    writable = {name: strategy for name, value in original.items()
                if (strategy := preference_value(name, value)) is not None}
    evidence.note("preferences exercised", sorted(writable))
    evidence.note("preferences not exercised (derived, or no value known to be safe)",
                  sorted(set(original) - set(writable)))
    tried = []

    # No shrinking: a failing change is already small, and each shrink step costs three requests
    @settings(max_examples=max(5, options.examples // 5), suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.reuse, Phase.generate))
    @given(change=st.fixed_dictionaries({}, optional=writable).filter(bool))
    def round_trip(change):
        tried.append(change)
        before = sync.call("get_prefs").json
        if not isinstance(before, dict):
            inconclusive(f"get_prefs answered {before!r} before a change, not a preferences object")
        echoed = sync.call("set_prefs", **change).json
        after = sync.call("get_prefs").json
        expected = without_derived({**before, **{name: as_read(value, before[name])
                                                 for name, value in change.items()}})
        assert without_derived(echoed) == expected, \
            f"set_prefs {change} answered {_differences(without_derived(echoed), expected)}"
        assert without_derived(after) == expected, \
            f"after set_prefs {change}, get_prefs differs: {_differences(without_derived(after), expected)}"

    try:
        round_trip()
    finally:
        restored = sync.call("set_prefs", **{name: original[name] for name in writable}).json
        evidence.note("derived preferences at the end", {name: (restored or {}).get(name)
                                                         for name in DERIVED_PREFERENCES & set(original)})
    touched = {name for change in tried for name in change}
    evidence.because(f"{len(tried)} generated changes touching {len(touched)} of {len(original)} preferences "
                     f"were answered in full and read back with their types")


def _differences(got, expected) -> dict:
    """Every key that differs, (got, expected), in key order: the whole departure, the same every run."""
    if not isinstance(got, dict):
        return {"answer": got}
    return {key: (got.get(key), expected.get(key)) for key in sorted(set(got) | set(expected))
            if got.get(key) != expected.get(key)}
