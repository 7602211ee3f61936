"""behaviour: peers-read-only-receives-identical

DESCRIPTION: instance 0 adds a folder holding a text file, a subfolder, a large random file
(--peer-file-mb) and files with non-ASCII names; instance 1 adds the same share with the read-only
secret (both find each other by LAN discovery and known hosts). Poll until every file exists on the
read-only peer (--peer-deadline), then compare.
EXPECTATION: the read-only peer ends with the same files, byte for byte, under the same names.
"""
import os

import pytest

from conformance.helpers.peers import listing, plain_secrets
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree

pytestmark = [pytest.mark.behaviour("peers-read-only-receives-identical"), pytest.mark.peers]


def scenario(scene):
    originals = {"hello.txt": b"hello from the read-write peer\n",
                 "sub/deeper/notes.txt": b"a file two folders down\n",
                 "large.bin": os.urandom(int(scene.options.peer_file_mb * 1024 * 1024)),
                 "Gr\u00fc\u00dfe.txt": "gr\u00fc\u00dfe\n".encode(),
                 "\u65e5\u672c\u8a9e/\u30d5\u30a1\u30a4\u30eb.txt": "\u65e5\u672c\u8a9e\n".encode()}
    secrets = plain_secrets(scene.clients[0])
    share = scene.share([secrets["read_write"], secrets["read_only"]], before_adding={0: originals})
    took = scene.wait_for("every file is on the read-only peer",
                        lambda: set(originals) <= set(read_tree(share.dir(1))))
    received = read_tree(share.dir(1))
    scene.evidence.note("on the read-write peer", listing(originals))
    scene.evidence.note("on the read-only peer", listing(received))
    if took is None:
        inconclusive(f"after {scene.options.peer_deadline:g} s the read-only peer holds {sorted(received)} of "
                     f"{sorted(originals)}")
    differing = [name for name in originals if received[name] != originals[name]]
    assert not differing, f"arrived with other bytes: {differing} " + \
        ", ".join(f"{name}: {len(received[name])} of {len(originals[name])} bytes" for name in differing)
    extra = sorted(set(received) - set(originals))
    assert not extra, f"the read-only peer holds files the read-write one never had: {extra}"
    scene.evidence.because(f"all {len(originals)} files ({sum(map(len, originals.values()))} bytes, non-ASCII names "
                         f"and a subfolder among them) arrived identical in {took} s")


def test_read_only_peer_receives_identical_files(scenario_outcome):
    scenario_outcome(scenario)
