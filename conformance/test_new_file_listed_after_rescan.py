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
Each write is timed from before it starts, and each listing is a window, from its request to its answer:
a slow target or client widens the windows, and an
attempt whose windows cannot tell a scan from an indexer is made again with new files (ATTEMPTS in all).
"""
import time
from dataclasses import dataclass, field

import pytest

from conformance.helpers.folders import AddedFolders
from conformance.helpers.peers import isolated
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import write_tree

pytestmark = [pytest.mark.behaviour("new-file-listed-after-rescan"), pytest.mark.beside]

FILES_PER_ATTEMPT = 3
ATTEMPTS = 3
LISTED_DEADLINE_S = 60.0
SCAN_SPREAD_S = 3.0  # the files of one scan appear in listings this close together
AT_ONCE_S = 0.5  # a listing answered this soon after the write is "at once": half the quickest scan seen (1.4.111, ~1 s)
WRITES_SPAN_S = 1.0  # writes spread wider than the quickest scan interval may be split between scans


def listed(sync, secret) -> set:
    listing = sync.call("get_files", secret=secret).json
    return {entry.get("name") for entry in listing if isinstance(entry, dict)} if isinstance(listing, list) else set()


@dataclass
class Attempt:
    """One round of writes: when each file was written, what the listing right after showed, and the window
    (earliest, latest monotonic time) in which each file first appeared."""
    names: tuple
    written: dict = field(default_factory=dict)
    listed_at_once: dict = field(default_factory=dict)  # name -> seconds from writing to that listing's answer
    not_listed_at_once: dict = field(default_factory=dict)
    appeared: dict = field(default_factory=dict)  # name -> (after, by)

    def writes_span(self) -> float:
        return max(self.written.values()) - min(self.written.values())

    def spread_bounds(self) -> tuple[float, float]:
        """The least and the most the files' first listings can lie apart, given the listing windows."""
        earliest = [after for after, _ in self.appeared.values()]
        latest = [by for _, by in self.appeared.values()]
        return max(0.0, max(earliest) - min(latest)), max(latest) - min(earliest)

    def evidence(self) -> dict:
        start = min(self.written.values())
        least, most = self.spread_bounds() if len(self.appeared) == len(self.names) else (None, None)
        return {"seconds from writing to the answer of the listing right after, for files it listed":
                {name: round(s, 2) for name, s in self.listed_at_once.items()},
                "seconds from writing to the answer of the listing right after, for files it did not list": {name: round(s, 2) for name, s in self.not_listed_at_once.items()},
                "seconds from the first write to each write": {n: round(t - start, 2) for n, t in self.written.items()},
                "seconds from the first write to each file's first listing (between)":
                    {n: [round(a - start, 2), round(b - start, 2)] for n, (a, b) in self.appeared.items()},
                "seconds between the first and last file's first listing (at least, at most)":
                    None if least is None else [round(least, 2), round(most, 2)]}


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
    for number in range(1, ATTEMPTS + 1):
        attempt = write_and_watch(sync, secret, directory, tuple(f"new-{number}-{i}.txt"
                                                                 for i in range(1, FILES_PER_ATTEMPT + 1)))
        evidence.note(f"attempt {number}", attempt.evidence())
        if judge(attempt, evidence, number):
            return
    inconclusive(f"none of {ATTEMPTS} attempts could tell a scan from an indexer: the target answered too slowly "
                 f"(a listing more than {AT_ONCE_S:g} s after its write showed the file, or the writes took more than "
                 f"{WRITES_SPAN_S:g} s while the files appeared over more than {SCAN_SPREAD_S:g} s)")


def write_and_watch(sync, secret, directory, names) -> Attempt:
    attempt = Attempt(names)
    last_absent = {}  # name -> request time of the latest listing without it

    def look(name_written=None):
        request = time.monotonic()
        now_listed = listed(sync, secret)
        answered = time.monotonic()
        for name in attempt.written:
            if name not in now_listed:
                last_absent[name] = request
            elif name not in attempt.appeared:
                attempt.appeared[name] = (last_absent.get(name, attempt.written[name]), answered)
        if name_written is not None:
            shown = attempt.listed_at_once if name_written in now_listed else attempt.not_listed_at_once
            shown[name_written] = answered - attempt.written[name_written]

    for name in names:
        # timed from before the write: a thread held up after writing would make a file listed by a
        # scan look listed at once (a loaded machine: 0.42 s "after" a write the double lists at 0.5 s)
        attempt.written[name] = time.monotonic()
        write_tree(directory, {name: name.encode()})
        look(name)
    while len(attempt.appeared) < len(names) and time.monotonic() < attempt.written[names[0]] + LISTED_DEADLINE_S:
        time.sleep(0.2)
        look()
    return attempt


def judge(attempt: Attempt, evidence, number: int) -> bool:
    """Decide from one attempt, or answer False when its windows are too wide to tell."""
    at_once = sorted(name for name, s in attempt.listed_at_once.items() if s <= AT_ONCE_S)
    assert not at_once, (f"get_files listed {at_once} right after writing (answered within {AT_ONCE_S:g} s): "
                         f"no wait for a scan")
    if len(attempt.appeared) < len(attempt.names):
        inconclusive(f"not every new file was listed within {LISTED_DEADLINE_S:g} s: listed "
                     f"{sorted(attempt.appeared)}")
    if attempt.listed_at_once:
        return False  # listed by a listing that answered late: a scan may have come in between
    least, most = attempt.spread_bounds()
    if least > SCAN_SPREAD_S and attempt.writes_span() <= WRITES_SPAN_S:
        raise AssertionError(f"the new files appeared at least {least:.2f} s apart though written within "
                             f"{attempt.writes_span():.2f} s: one by one as written, not together after a scan")
    if most > SCAN_SPREAD_S:
        return False
    lag = max(by for _, by in attempt.appeared.values()) - min(attempt.written.values())
    evidence.because(f"none of {len(attempt.names)} new files was listed right after writing; all appeared within "
                     f"{most:.2f} s of each other, by {lag:.2f} s after the first was written (attempt {number})")
    return True
