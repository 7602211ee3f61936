"""behaviour: peers-encrypted-peer-cannot-read

DESCRIPTION: secrets from `get_secrets type=encryption`: instance 0 adds the folder with the D secret
(files whose contents carry a plaintext marker, distinctive names, a subfolder), instance 1 with the
E secret (read-only), instance 2 with the F secret (encrypted). Poll until the encrypted peer stores as
many files as the others hold, then read its disk. Afterwards one stored file is tampered with on the
encrypted peer and the others are watched for --peer-watch seconds (recorded as evidence, not judged).
EXPECTATION: the encrypted peer stores and relays the data without being able to read it: no plaintext
marker in any stored file, no original file or folder name on its disk; get_folders reports its type.
"""
import os

import pytest

from conformance.helpers.peers import encryption_secrets, listing
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree

pytestmark = [pytest.mark.behaviour("peers-encrypted-peer-cannot-read"), pytest.mark.peers]

MARKER = b"PLAINTEXT-MARKER-7f3a"
ORIGINALS = {"secret-plans.txt": MARKER + b" meet at noon\n",
             "Zutaten/Rezept-Gr\u00fc\u00dfe.txt": MARKER + b" flour, sugar\n" * 20,
             "report.csv": b"id,value\n" + MARKER + b",1\n" * 50}


def name_parts(paths) -> set[str]:
    return {part for path in paths for part in path.replace(os.sep, "/").split("/")}


def scenario(scene):
    secrets = encryption_secrets(scene.clients[0])
    share = scene.share([secrets["read_write"], secrets["read_only"], secrets["encryption"]],
                      before_adding={0: ORIGINALS})
    took = scene.wait_for("the encrypted peer stores every file",
                        lambda: len(read_tree(share.dir(2))) >= len(ORIGINALS))
    stored = read_tree(share.dir(2))
    scene.evidence.note("originals beside what the encrypted peer stores (paired by size)", [
        {"original": original["name"], "size": original["size"], "head": original["head"],
         "stored as": kept["name"], "stored size": kept["size"], "stored head": kept["head"]}
        for original, kept in zip(sorted(listing(ORIGINALS), key=lambda row: row["size"]),
                                  sorted(listing(stored), key=lambda row: row["size"]))])
    client, secret, _ = share.members[2]
    entry = next((folder for folder in client.call("get_folders").json or []
                  if isinstance(folder, dict) and folder.get("secret") == secret), {})
    scene.evidence.note("type get_folders reports on the encrypted peer", entry.get("type"))
    if took is None:
        inconclusive(f"within the deadline the encrypted peer stored {len(stored)} of {len(ORIGINALS)} files")
    readable = [name for name, data in stored.items() if MARKER in data]
    assert not readable, f"the encrypted peer stores plaintext: the marker is in {readable}"
    known_names = name_parts(ORIGINALS) & name_parts(stored)
    assert not known_names, f"the encrypted peer stores original names: {sorted(known_names)}"
    assert entry.get("type"), f"get_folders on the encrypted peer reports no type: {entry}"
    _record_tampering(scene, share, stored)
    scene.evidence.because(f"{len(stored)} files stored by the encrypted peer ({entry.get('type')!r}) after {took} s: "
                         f"no plaintext marker, no original name; sizes {sorted(map(len, stored.values()))} against "
                         f"{sorted(map(len, ORIGINALS.values()))}")


def _record_tampering(scene, share, stored) -> None:
    """What happens when the encrypted peer's copy is changed on its disk: evidence only."""
    victim = sorted(stored)[0]
    path = os.path.join(share.dir(2), victim)
    with open(path, "r+b") as handle:
        handle.write(b"\x00" * 8)

    def intact():
        read_only_copy = read_tree(share.dir(1))
        return read_tree(share.dir(0)) == ORIGINALS and all(ORIGINALS.get(name) == data
                                                            for name, data in read_only_copy.items())
    scene.watch(0.0, intact)
    scene.evidence.note("after 8 zero bytes were written into the encrypted peer's copy of one file",
                      {"read-write and read-only peers still hold the originals": intact(),
                       "the encrypted peer's copy": "restored" if read_tree(share.dir(2)).get(victim) == stored[victim]
                       else "left as tampered"})


def test_encrypted_peer_stores_nothing_readable(scenario_outcome):
    scenario_outcome(scenario)
