"""behaviour: remove-folder-removes

DESCRIPTION: add a folder, remove it by its secret, list the folders, remove it once more.
EXPECTATION: remove_folder answers error 0, the folder is gone from get_folders, and removing it again
answers error 1 (no such folder).
"""
import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("remove-folder-removes")


def test_removed_folder_is_gone(sync, evidence, added_folders):
    entry = added_folders.add_fresh()
    first = sync.call("remove_folder", secret=entry["secret"])
    listed = sync.call("get_folders").json
    again = sync.call("remove_folder", secret=entry["secret"])
    assert first.error_code() == 0, f"remove_folder: {first.summary()}"
    if not isinstance(listed, list):
        inconclusive(f"get_folders answered {listed!r} after the removal, not a list: cannot tell what it lists")
    dirs = [folder.get("dir") for folder in listed if isinstance(folder, dict)]
    assert entry["dir"] not in dirs, "the removed folder is still listed by get_folders"
    assert again.error_code() == 1, f"removing it again: {again.summary()} instead of error 1"
    evidence.because("remove_folder answered error 0, get_folders no longer lists it, a second remove gives error 1")
