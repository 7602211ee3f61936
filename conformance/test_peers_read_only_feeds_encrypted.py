"""behaviour: peers-read-only-feeds-encrypted

DESCRIPTION: instance 0 adds a folder with the D secret (files carrying a plaintext marker), instance 1
with the E secret (read-only, encryption-capable). Once instance 1 holds everything, instance 0 removes the
folder, so only the read-only peer has the data; then instance 2 adds the share with the F secret. Poll
until the encrypted peer stores every file (--peer-deadline).
EXPECTATION: a read-only peer serves an encrypted peer on its own, and sends it encrypted data: the
encrypted peer ends with every file and no plaintext marker.
"""
import pytest

from conformance.helpers.peers import encryption_secrets, listing
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree

pytestmark = [pytest.mark.behaviour("peers-read-only-feeds-encrypted"), pytest.mark.peers]

MARKER = b"PLAINTEXT-MARKER-51c0"
ORIGINALS = {"a.txt": MARKER + b" first\n", "b/c.txt": MARKER + b" second\n" * 10}


def scenario(scene):
    secrets = encryption_secrets(scene.clients[0])
    first = scene.share([secrets["read_write"], secrets["read_only"]], before_adding={0: ORIGINALS})
    if scene.wait_for("the read-only peer holds every file",
                    lambda: read_tree(first.dir(1)) == ORIGINALS) is None:
        inconclusive("the read-only peer never received the files it was to pass on")
    source, secret, _ = first.members[0]
    removed = source.call("remove_folder", secret=secret)
    still_there = [entry for entry in source.call("get_folders").json or []
                   if isinstance(entry, dict) and entry.get("secret") == secret]
    if removed.error_code() != 0 or still_there:
        inconclusive(f"the read-write peer was not removed ({removed.summary()}; still listed: {bool(still_there)}), "
                     f"so the read-only peer would not be feeding alone")
    feeding = scene.share([None, None, secrets["encryption"]])
    hosts = f"127.0.0.1:{scene.listening_port(1)}"
    scene.clients[2].call("set_folder_hosts", secret=secrets["encryption"], hosts=hosts)
    scene.clients[1].call("set_folder_hosts", secret=secrets["read_only"],
                        hosts=f"127.0.0.1:{scene.listening_port(2)}")
    took = scene.wait_for("the encrypted peer stores every file",
                        lambda: len(read_tree(feeding.dir(0))) >= len(ORIGINALS))
    stored = read_tree(feeding.dir(0))
    scene.evidence.note("on the read-only peer", listing(read_tree(first.dir(1))))
    scene.evidence.note("stored by the encrypted peer", listing(stored))
    if took is None:
        inconclusive(f"with only the read-only peer holding the data, the encrypted peer stored {len(stored)} of "
                     f"{len(ORIGINALS)} files within the deadline")
    readable = [name for name, data in stored.items() if MARKER in data]
    assert not readable, f"the read-only peer sent plaintext to the encrypted peer: {readable}"
    scene.evidence.because(f"with the read-write peer gone, the read-only peer alone gave the encrypted peer all "
                         f"{len(stored)} files, encrypted, in {took} s")


def test_read_only_peer_alone_feeds_the_encrypted_peer(scenario_outcome):
    scenario_outcome(scenario)
