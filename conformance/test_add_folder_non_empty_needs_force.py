"""behaviour: add-folder-non-empty-needs-force

DESCRIPTION: call add_folder on a directory holding a file, first without, then with `force=1`.
EXPECTATION: error 105 ("Destination folder is not empty.") without force; error 0 with force=1.
"""
import pytest

from fixtures.shared_tree import write_tree

pytestmark = pytest.mark.behaviour("add-folder-non-empty-needs-force")


def test_non_empty_directory_needs_force(sync, evidence, added_folders):
    directory = added_folders.new_dir()
    write_tree(directory, {"present.txt": b"already here\n"})
    plain = added_folders.add(directory)
    assert plain.error_code() == 105, f"add_folder on a non-empty directory without force: {plain.summary()}"
    forced = added_folders.add(directory, force=1)
    assert forced.error_code() == 0, f"the same with force=1: {forced.summary()}"
    evidence.because(f"without force: error 105 ({plain.json.get('message')!r}); with force=1: error 0")
