"""Fixtures a check may ask for besides the harness's own (conformance/harness/plugin.py)."""
import pytest

from conformance.helpers.folders import AddedFolders


@pytest.fixture
def added_folders(sync, sync_target):
    """Adds folders for one check and removes exactly those afterwards."""
    folders = AddedFolders(sync, sync_target)
    yield folders
    if sync_target.alive():
        folders.remove_all()
