"""behaviour: peers-overwrite-changes-restores

DESCRIPTION: instance 0 shares a folder read-write with instance 1 (read-only). Once `x.txt` is on both,
instance 1 changes it with its folder's `overwrite_changes` off; instance 0 writes a sentinel, and once that
has arrived the read-only peer is watched (as long as the slowest spread measured on the run, or as the
sentinel took, at least --peer-watch), counted from the change: a spread is measured from its write. Then
`overwrite_changes` is switched on through set_folder_prefs and the read-only copy is polled (--peer-deadline); at the deadline
a second sentinel decides between contradicted (it arrived) and inconclusive.
EXPECTATION: with overwrite_changes off the read-only peer keeps its change; switched on, Sync puts the
read-write peer's version back.
"""
import time

import pytest

from conformance.helpers.peers import plain_secrets
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree, write_tree

pytestmark = [pytest.mark.behaviour("peers-overwrite-changes-restores"), pytest.mark.peers]

ORIGINAL, LOCAL = b"as the read-write peer wrote it\n", b"changed on the read-only peer\n"


def scenario(scene):
    secrets = plain_secrets(scene.clients[0])
    share = scene.share([secrets["read_write"], secrets["read_only"]], before_adding={0: {"x.txt": ORIGINAL}})
    reader, read_only_secret, _ = share.members[1]

    def on_reader():
        return read_tree(share.dir(1)).get("x.txt")

    if scene.wait_for("x.txt is on the read-only peer", lambda: on_reader() == ORIGINAL) is None:
        inconclusive("x.txt never reached the read-only peer")
    reader.call("set_folder_prefs", secret=read_only_secret, overwrite_changes=0)
    write_tree(share.dir(1), {"x.txt": LOCAL})
    changed_at = time.monotonic()
    write_tree(share.dir(0), {"sentinel-1.txt": b"later\n"})
    took = scene.wait_for("the first sentinel is on the read-only peer",
                        lambda: "sentinel-1.txt" in read_tree(share.dir(1)), spread=True)
    if took is None:
        inconclusive("a later file from the read-write peer never arrived: the link is not alive")
    kept, _ = scene.watch(took, lambda: on_reader() == LOCAL, since=(changed_at, "the read-only peer's change"))
    scene.evidence.note("x.txt on the read-only peer with overwrite_changes off", on_reader().decode(errors="replace"))
    assert kept, f"with overwrite_changes off the local change was replaced: x.txt is {on_reader()!r}"

    switched_at = scene.elapsed()
    prefs = reader.call("set_folder_prefs", secret=read_only_secret, overwrite_changes=1).json
    scene.evidence.note("set_folder_prefs overwrite_changes=1 answered", prefs)
    write_tree(share.dir(0), {"sentinel-2.txt": b"later still\n"})
    if scene.wait_for("the read-write version is back on the read-only peer", lambda: on_reader() == ORIGINAL) is None:
        if "sentinel-2.txt" not in read_tree(share.dir(1)):
            inconclusive("after overwrite_changes=1 nothing from the read-write peer arrived within the deadline")
        assert False, (f"overwrite_changes=1: a later file arrived, but after {scene.deadline_s:g} s x.txt is still "
                       f"as changed locally ({on_reader()!r})")
    scene.evidence.because(f"with overwrite_changes off the read-only copy kept its change; switched on, the "
                         f"read-write version was back {scene.elapsed() - switched_at:.1f} s later")


def test_overwrite_changes_decides_whether_a_local_change_survives(scenario_outcome):
    scenario_outcome(scenario)
