"""behaviour: set-folder-prefs-round-trip

DESCRIPTION: on a folder of its own, set generated combinations of the six documented folder
preferences (0/1) and read them back.
EXPECTATION: set_folder_prefs answers the folder's complete preferences with the new values, and
get_folder_prefs afterwards answers the same.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.api_facts import DOCUMENTED_FOLDER_PREFS

pytestmark = pytest.mark.behaviour("set-folder-prefs-round-trip")

changes = st.dictionaries(st.sampled_from(sorted(DOCUMENTED_FOLDER_PREFS)), st.integers(0, 1), min_size=1)


def test_folder_prefs_set_are_the_prefs_read(sync, evidence, added_folders, options):
    secret = added_folders.add_fresh()["secret"]
    tried = []

    @settings(max_examples=max(5, options.examples // 5), suppress_health_check=list(HealthCheck))
    @given(change=changes)
    def round_trip(change):
        before = sync.call("get_folder_prefs", secret=secret).json
        echoed = sync.call("set_folder_prefs", secret=secret, **change).json
        after = sync.call("get_folder_prefs", secret=secret).json
        tried.append(change)
        expected = {**before, **change}
        assert echoed == expected, f"set_folder_prefs {change} answered {echoed}, expected {expected}"
        assert after == expected, f"after set_folder_prefs {change}, get_folder_prefs answered {after}"

    round_trip()
    evidence.note("changes tried", len(tried))
    evidence.because(f"{len(tried)} generated changes were echoed in full and read back unchanged")
