"""behaviour: non-ascii-dir-round-trip

DESCRIPTION: add folders whose directory names hold non-ASCII characters, and read them in get_folders.
EXPECTATION: get_folders gives the directory back exactly as it was added (users reported UTF-8 decoded
as Latin-1, "GrÃ¼ÃŸe" for "Grüße", in dir and peer names).
"""
import os

import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("non-ascii-dir-round-trip")

NAMES = {"german": "Grüße", "cjk": "文件夹", "emoji": "📁 folder"}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_directory_name_comes_back_unchanged(sync, evidence, added_folders, name):
    parent = added_folders.new_dir()
    directory = os.path.join(parent, name)
    os.mkdir(directory)
    if added_folders.add(directory).error_code() != 0:
        inconclusive(f"add_folder refused {name!r}")
    ours = [entry for entry in sync.call("get_folders").json if entry["dir"].startswith(parent + "/")]
    for entry in ours:  # listed under another name, it still has to be removed afterwards
        if entry["secret"] not in added_folders.secrets:
            added_folders.secrets.append(entry["secret"])
    shown = [entry["dir"] for entry in ours]
    evidence.note("added as / listed as", f"{directory!r} / {shown}")
    assert shown == [directory], f"{name!r} was added but get_folders lists {[os.path.basename(d) for d in shown]}"
    evidence.because(f"{name!r} came back unchanged")
