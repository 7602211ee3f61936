"""behaviour: set-file-prefs-selective-download

DESCRIPTION: add a selective-sync folder (selective_sync=1) that holds `a.txt`, wait for get_files to
list it (deadline: 20 s), then switch its `download` preference with set_file_prefs, to 0 and back to 1.
Indexing is a wait: on a build the suite starts, this runs beside the other checks on an instance of its own.
EXPECTATION: in a selective-sync folder file entries carry `download`; set_file_prefs answers the file's
entry with the new value, and get_files then lists that value.
"""
import time

import pytest

from conformance.helpers.folders import AddedFolders
from conformance.helpers.peers import isolated
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import write_tree

pytestmark = [pytest.mark.behaviour("set-file-prefs-selective-download"), pytest.mark.beside]

INDEX_DEADLINE_S = 20.0


def file_entry(listing, name: str) -> dict | None:
    return next((entry for entry in listing or [] if isinstance(entry, dict) and entry.get("name") == name), None)


def scenario(scene):
    with isolated(scene, 1, "selective-sync instance", lan_discovery=False) as alone:
        client = alone.clients[0]
        observe(client, alone.evidence, AddedFolders(client, alone.group.instances[0]))


def test_download_preference_is_set_and_read_back(scenario_outcome, sync, evidence, added_folders):
    scenario_outcome(scenario, here=lambda: observe(sync, evidence, added_folders))


def observe(sync, evidence, added_folders):
    directory = added_folders.new_dir()
    write_tree(directory, {"a.txt": b"hello\n"})
    if added_folders.add(directory, selective_sync=1, force=1).error_code() != 0:
        inconclusive("add_folder refused a selective-sync folder")
    secret = added_folders.find(directory)["secret"]
    deadline = time.monotonic() + INDEX_DEADLINE_S
    while (listed := file_entry(sync.call("get_files", secret=secret).json, "a.txt")) is None:
        if time.monotonic() > deadline:
            inconclusive(f"get_files did not list a.txt within {INDEX_DEADLINE_S:g} s")
        time.sleep(0.5)
    evidence.note("a.txt before", listed)
    assert "download" in listed, f"a file of a selective-sync folder is listed without download: {listed}"
    for wanted in (0, 1):
        echoed = sync.call("set_file_prefs", secret=secret, path="a.txt", download=wanted).json
        read = file_entry(sync.call("get_files", secret=secret).json, "a.txt") or {}
        assert (file_entry(echoed, "a.txt") or {}).get("download") == wanted, (
            f"set_file_prefs download={wanted} answered {echoed}")
        assert read.get("download") == wanted, f"after set_file_prefs download={wanted}, get_files lists {read}"
    evidence.because("set_file_prefs answered a.txt with download 0, then 1, and get_files read each back")
