"""behaviour: folder-prefs-extra-keys

DESCRIPTION: read get_folder_prefs of a folder of its own.
EXPECTATION: besides the six documented keys it answers `selective_sync` and `overwrite_changes`, which
the official page does not list.
"""
import pytest

pytestmark = pytest.mark.behaviour("folder-prefs-extra-keys")

UNDOCUMENTED = {"selective_sync", "overwrite_changes"}


def test_folder_prefs_carry_the_undocumented_keys(sync, evidence, added_folders):
    prefs = sync.call("get_folder_prefs", secret=added_folders.add_fresh()["secret"]).json
    evidence.note("keys", sorted(prefs) if isinstance(prefs, dict) else prefs)
    assert isinstance(prefs, dict) and UNDOCUMENTED <= set(prefs), (
        f"get_folder_prefs lacks {sorted(UNDOCUMENTED - set(prefs or {}))}")
    evidence.because("get_folder_prefs answers selective_sync and overwrite_changes too")
