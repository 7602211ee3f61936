"""Fixtures shared by the checks (the harness fixtures live in conformance/plugin.py)."""
import pytest

from conformance.folders import AddedFolders


@pytest.fixture
def added_folders(sync, sync_target):
    """Adds folders for one check and removes exactly those afterwards."""
    folders = AddedFolders(sync, sync_target)
    yield folders
    if sync_target.alive():
        folders.remove_all()
