"""behaviour: get-files-lists-contents

DESCRIPTION: add a folder (force=1) that already holds `a.txt`, `sub/b.bin` and a `.SyncIgnore`, then
poll get_files for its root and for `path=sub` until Sync has indexed them (deadline: 20 s). Indexing is a
wait: on a build the suite starts, this runs beside the other checks on an instance of its own.
EXPECTATION: the root lists `a.txt` (type file, its size) and `sub` (type folder); `path=sub` lists
`b.bin` with its size; Sync's own `.Sync*` files are not listed.
"""
import time

import pytest

from conformance.helpers.folders import AddedFolders
from conformance.helpers.peers import isolated
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import write_tree

pytestmark = [pytest.mark.behaviour("get-files-lists-contents"), pytest.mark.beside]

INDEX_DEADLINE_S = 20.0
FILES = {"a.txt": b"hello\n", "sub/b.bin": bytes(range(256)) * 40, ".SyncIgnore": b"*.tmp\n"}


def by_name(listing) -> dict:
    return {entry.get("name"): entry for entry in listing} if isinstance(listing, list) else {}


def scenario(scene):
    with isolated(scene, 1, "get_files instance", lan_discovery=False) as alone:
        client = alone.clients[0]
        observe(client, alone.evidence, AddedFolders(client, alone.group.instances[0]))


def test_get_files_lists_names_types_and_sizes(scenario_outcome, sync, evidence, added_folders):
    scenario_outcome(scenario, here=lambda: observe(sync, evidence, added_folders))


def observe(sync, evidence, added_folders):
    directory = added_folders.new_dir()
    write_tree(directory, FILES)
    if added_folders.add(directory, force=1).error_code() != 0:
        inconclusive("add_folder refused the prepared directory")
    secret = added_folders.find(directory)["secret"]
    deadline = time.monotonic() + INDEX_DEADLINE_S
    while True:
        root = by_name(sync.call("get_files", secret=secret).json)
        sub = by_name(sync.call("get_files", secret=secret, path="sub").json)
        if ("a.txt" in root and "b.bin" in sub) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    evidence.note("root listing", sorted(root))
    evidence.note("sub listing", sorted(sub))
    if "a.txt" not in root and "sub" not in root:
        inconclusive(f"nothing was listed within {INDEX_DEADLINE_S:g} s (indexing not finished?)")
    assert not [name for name in root if name.startswith(".Sync")], f"Sync's own files are listed: {sorted(root)}"
    assert root.get("a.txt", {}).get("type") == "file" and root["a.txt"].get("size") == len(FILES["a.txt"]), (
        f"a.txt is listed as {root.get('a.txt')}")
    assert root.get("sub", {}).get("type") == "folder", f"sub is listed as {root.get('sub')}"
    assert sub.get("b.bin", {}).get("size") == len(FILES["sub/b.bin"]), f"sub/b.bin is listed as {sub.get('b.bin')}"
    evidence.because("get_files listed a.txt and sub with their types and sizes, sub/b.bin under path=sub, "
                     "and no .Sync file")
