"""behaviour: set-prefs-round-trip

DESCRIPTION: set generated values of writable preferences that cannot disturb the instance (device name,
rate limits, intervals and sizes) with set_prefs, read them back with get_prefs, and restore the
original values afterwards.
EXPECTATION: set_prefs answers the complete preferences with the new values, and get_prefs reads the
same; a value keeps the type get_prefs gives it (integers stay integers, numbers kept as strings stay
strings).
"""
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conformance.outcome import inconclusive

pytestmark = pytest.mark.behaviour("set-prefs-round-trip")

WRITABLE = {
    "device_name": st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30),
    "download_limit": st.integers(0, 100000), "upload_limit": st.integers(0, 100000),
    "folder_rescan_interval": st.integers(60, 86400), "sync_trash_ttl": st.integers(1, 365),
    "max_file_size_for_versioning": st.integers(1, 5000),
}


def as_read(value, like):
    """The value as get_prefs would show it, given the type it shows that preference with."""
    return str(value) if isinstance(like, str) else int(value)


def test_preferences_set_are_the_preferences_read(sync, evidence, options):
    original = sync.call("get_prefs").json
    writable = {name: strategy for name, strategy in WRITABLE.items() if name in (original or {})}
    if not writable:
        inconclusive(f"get_prefs offers none of {sorted(WRITABLE)}")
    evidence.note("preferences exercised", sorted(writable))
    tried = []

    # No shrinking: a failing change is already small, and each shrink step costs three requests
    @settings(max_examples=max(5, options.examples // 5), suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.reuse, Phase.generate))
    @given(change=st.fixed_dictionaries({}, optional=writable).filter(bool))
    def round_trip(change):
        tried.append(change)
        before = sync.call("get_prefs").json
        echoed = sync.call("set_prefs", **change).json
        after = sync.call("get_prefs").json
        expected = {**before, **{name: as_read(value, before[name]) for name, value in change.items()}}
        assert echoed == expected, f"set_prefs {change} answered {_differences(echoed, expected)}"
        assert after == expected, f"after set_prefs {change}, get_prefs differs: {_differences(after, expected)}"

    try:
        round_trip()
    finally:
        sync.call("set_prefs", **{name: original[name] for name in writable})
    evidence.because(f"{len(tried)} generated changes were answered in full and read back with their types")


def _differences(got, expected) -> dict:
    if not isinstance(got, dict):
        return {"answer": got}
    return {key: (got.get(key), expected.get(key)) for key in set(got) | set(expected) if got.get(key) != expected.get(key)}
