"""behaviour: peers-read-write-changes-reach-all

DESCRIPTION: instances 0 and 2 share a folder read-write, instance 1 read-only. Once `x.txt` from
instance 0 is everywhere, instance 2 (the other read-write peer) changes it and then writes a sentinel.
Poll until the change is on instances 0 and 1 (--peer-deadline); when the deadline passes, the
sentinel decides: arrived (the link is alive) makes it a contradiction, missing makes it inconclusive.
EXPECTATION: a read-write peer's change reaches every other peer, read-write and read-only; the time from
the change to its arrival on each peer is recorded.
"""
import time

import pytest

from conformance.helpers.peers import listing, plain_secrets
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree, write_tree

pytestmark = [pytest.mark.behaviour("peers-read-write-changes-reach-all"), pytest.mark.peers]

ORIGINAL, CHANGED = b"first version\n", b"second version, written on the other read-write peer\n"


def scenario(scene):
    secrets = plain_secrets(scene.clients[0])
    share = scene.share([secrets["read_write"], secrets["read_only"], secrets["read_write"]],
                      before_adding={0: {"x.txt": ORIGINAL}})
    if scene.wait_for("x.txt is on every peer",
                    lambda: all(read_tree(share.dir(i)).get("x.txt") == ORIGINAL for i in (1, 2))) is None:
        inconclusive("the first version of x.txt did not reach every peer")
    write_tree(share.dir(2), {"x.txt": CHANGED})
    changed_at = time.monotonic()
    write_tree(share.dir(2), {"sentinel.txt": b"written after the change\n"})
    latencies = {}
    for index, role in ((0, "read-write"), (1, "read-only")):
        if scene.wait_for(f"the change is on the {role} peer",
                        lambda: read_tree(share.dir(index)).get("x.txt") == CHANGED, spread=True) is None:
            seen = read_tree(share.dir(index))
            if "sentinel.txt" not in seen:
                inconclusive(f"nothing written by instance 2 reached the {role} peer within the deadline")
            assert False, (f"a file written after the change reached the {role} peer, the change did not within "
                           f"{scene.deadline_s:g} s: x.txt there is still {seen.get('x.txt')!r}")
        latencies[role] = round(time.monotonic() - changed_at, 1)
    scene.evidence.note("files on each peer", {index: listing(read_tree(share.dir(index))) for index in range(3)})
    scene.evidence.note("seconds from the change to its arrival", latencies)
    scene.evidence.because(f"the change reached the read-write peer in {latencies['read-write']} s and the read-only "
                         f"peer in {latencies['read-only']} s")


def test_read_write_changes_reach_every_peer(scenario_outcome):
    scenario_outcome(scenario)
