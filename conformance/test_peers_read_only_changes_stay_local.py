"""behaviour: peers-read-only-changes-stay-local

DESCRIPTION: instance 0 shares a folder read-write with instances 1 and 2 (read-only). Once `x.txt` has
reached both, instance 1 changes `x.txt` and writes a new `y.txt`. Then instance 0 writes a sentinel file;
once it has arrived at both read-only peers (the links are alive), the read-write peer and the other
read-only peer are watched (as long as the slowest spread measured on the run, or as the sentinel
took, at least --peer-watch: conformance/helpers/peers.py), counted from the change (a spread
is measured from its write, so the watch ends once the sentinel has arrived and that long has passed
since the change).
EXPECTATION: a read-only peer's changes and new files never spread: `x.txt` stays as the read-write peer
wrote it everywhere else, and `y.txt` appears nowhere else.
"""
import os
import time

import pytest

from conformance.helpers.peers import listing, plain_secrets
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree, write_tree

pytestmark = [pytest.mark.behaviour("peers-read-only-changes-stay-local"), pytest.mark.peers]

ORIGINAL = b"written by the read-write peer\n"


def scenario(scene):
    secrets = plain_secrets(scene.clients[0])
    share = scene.share([secrets["read_write"], secrets["read_only"], secrets["read_only"]],
                      before_adding={0: {"x.txt": ORIGINAL}})
    if scene.wait_for("x.txt is on both read-only peers",
                    lambda: all(read_tree(share.dir(i)).get("x.txt") == ORIGINAL for i in (1, 2))) is None:
        inconclusive("x.txt did not reach both read-only peers, so there was nothing to change")
    write_tree(share.dir(1), {"x.txt": b"changed on a read-only peer\n", "y.txt": b"new on a read-only peer\n"})
    changed_at = time.monotonic()
    write_tree(share.dir(0), {"sentinel.txt": b"written after the read-only change\n"})
    took = scene.wait_for("the later sentinel is on both read-only peers",
                        lambda: all("sentinel.txt" in read_tree(share.dir(i)) for i in (1, 2)), spread=True)
    if took is None:
        inconclusive("a file written later by the read-write peer did not reach the read-only peers either")

    def untouched_elsewhere():
        others = [read_tree(share.dir(i)) for i in (0, 2)]
        return all(files.get("x.txt") == ORIGINAL and "y.txt" not in files for files in others)

    held, window = scene.watch(took, untouched_elsewhere, since=(changed_at, "the read-only peer's change"))
    for index in range(3):
        scene.evidence.note(f"instance {index} ({['read-write', 'read-only, changed', 'read-only'][index]})",
                          listing(read_tree(share.dir(index))))
    assert held, (f"the read-only peer's change spread: x.txt on the others is "
                  f"{[read_tree(share.dir(i)).get('x.txt') for i in (0, 2)]}, y.txt on "
                  f"{[i for i in (0, 2) if 'y.txt' in read_tree(share.dir(i))]}")
    assert os.path.exists(os.path.join(share.dir(1), "y.txt")), "the read-only peer lost its own new file"
    scene.prove_link_alive(share, 0, (1, 2), after="after the watch")
    scene.evidence.because(f"{window:.1f} s after the read-only peer's change (a later file took {took:g} s to arrive), "
                         f"its changed x.txt and new y.txt had reached neither the read-write peer nor the other "
                         f"read-only peer")


def test_read_only_changes_do_not_spread(scenario_outcome):
    scenario_outcome(scenario)
