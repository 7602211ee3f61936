"""behaviour: new-file-listed-after-rescan

DESCRIPTION: add an empty folder and wait until get_files answers for it; then three times write a new
file and call get_files at once; then poll until every file is listed (deadline 60 s).
A scan is a wait: on a build the suite starts, this runs beside the other checks on an instance of its own.
EXPECTATION (as users reported it): a file written a moment ago is not listed at once; get_files shows it
only after Sync's next scan of the folder, so clients must wait. A scan shows itself so: none of the
three files is listed right after it was written, and all three appear together, within SCAN_SPREAD_S of
the first (an indexer that follows each write would list them one by one, or some at once). A scan is
not one step for get_files: on 1.3.106 a listing taken during one showed the first file, the next
listing, 0.9 s later, the other two.
"""
import time

import pytest

from conformance.helpers.folders import AddedFolders
from conformance.helpers.peers import isolated
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import write_tree

pytestmark = [pytest.mark.behaviour("new-file-listed-after-rescan"), pytest.mark.beside]

FILES = ("new-1.txt", "new-2.txt", "new-3.txt")
LISTED_DEADLINE_S = 60.0
SCAN_SPREAD_S = 3.0  # the files of one scan appear in listings this close together


def listed(sync, secret) -> set:
    listing = sync.call("get_files", secret=secret).json
    return {entry.get("name") for entry in listing if isinstance(entry, dict)} if isinstance(listing, list) else set()


def scenario(scene):
    with isolated(scene, 1, "rescan instance", lan_discovery=False) as alone:
        client = alone.clients[0]
        observe(client, alone.evidence, AddedFolders(client, alone.group.instances[0]))


def test_a_new_file_is_listed_only_after_a_rescan(scenario_outcome, sync, evidence, added_folders):
    scenario_outcome(scenario, here=lambda: observe(sync, evidence, added_folders))


def observe(sync, evidence, added_folders):
    folder = added_folders.add_fresh()
    secret, directory = folder["secret"], folder["dir"]
    if not isinstance(sync.call("get_files", secret=secret).json, list):
        inconclusive("get_files does not answer a list for the new folder")
    at_once = {}
    written = {}
    for name in FILES:
        write_tree(directory, {name: name.encode()})
        written[name] = time.monotonic()
        at_once[name] = name in listed(sync, secret)
    seen_after, listings_showing_new = {}, 0
    while len(seen_after) < len(FILES) and time.monotonic() < written[FILES[0]] + LISTED_DEADLINE_S:
        now_listed = listed(sync, secret)
        new = {name: round(time.monotonic() - written[name], 2)
               for name in FILES if name in now_listed and name not in seen_after}
        listings_showing_new += bool(new)
        seen_after.update(new)
        time.sleep(0.2)
    evidence.note("listed by the get_files right after writing", at_once)
    evidence.note("seconds from writing to being listed", seen_after)
    if len(seen_after) < len(FILES):
        inconclusive(f"not every new file was listed within {LISTED_DEADLINE_S:g} s: listed {seen_after}")
    evidence.note("listings in which new files appeared", listings_showing_new)
    assert not any(at_once.values()), (f"get_files listed {sorted(name for name, seen in at_once.items() if seen)} "
                                       f"right after it was written: no wait for a scan")
    first_listed = [written[name] + seconds for name, seconds in seen_after.items()]
    spread = round(max(first_listed) - min(first_listed), 2)
    evidence.note("seconds between the first and the last new file's first listing", spread)
    assert spread <= SCAN_SPREAD_S, (f"the new files appeared over {spread} s ({listings_showing_new} listings), one "
                                     f"by one as written, not together after a scan")
    evidence.because(f"none of {len(FILES)} new files was listed right after writing; all appeared within {spread} s "
                     f"of each other ({listings_showing_new} listing(s)), {max(seen_after.values())} s after the first "
                     f"was written")
