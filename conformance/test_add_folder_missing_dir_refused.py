"""behaviour: add-folder-missing-dir-refused

DESCRIPTION: call add_folder with a path that does not exist.
EXPECTATION: error 100 ("Can't open the destination folder."), as the official page's error list says.
"""
import os

import pytest

pytestmark = pytest.mark.behaviour("add-folder-missing-dir-refused")


def test_missing_directory_is_refused_with_100(sync, evidence, added_folders):
    missing = os.path.join(added_folders.new_dir(), "missing", "x")
    exchange = added_folders.add(missing)
    evidence.note("directory exists afterwards", os.path.isdir(missing))
    assert exchange.error_code() == 100, f"add_folder on a missing directory: {exchange.summary()}"
    evidence.because(f"error 100 ({exchange.json.get('message')!r})")
