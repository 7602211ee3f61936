"""behaviour: peers-add-folder-secret-serves-no-encrypted-peer

DESCRIPTION: instance 0 adds a folder without a secret (add_folder makes one) holding files that carry a
plaintext marker, and asks get_secrets for that secret's family. Instance 1 adds the share with the
read-only secret (the control); instance 2 with the encryption secret if get_secrets offered one, else
with the closest an encrypted peer could come: the F letter on the same body. Poll until the control
holds every file (--peer-deadline), then watch the would-be encrypted peer (--peer-watch, or as long as
the control took).
EXPECTATION (undocumented-behaviors.rst item 2, in practice): a share made by add_folder cannot serve an
encrypted peer: get_secrets offers no encryption secret for it, and the F peer receives nothing while a
read-only peer of the same share receives everything.
"""
import pytest

from conformance.helpers.peers import listing
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree, write_tree

pytestmark = [pytest.mark.behaviour("peers-add-folder-secret-serves-no-encrypted-peer"), pytest.mark.peers]

MARKER = b"PLAINTEXT-MARKER-a9d2"
ORIGINALS = {"plain.txt": MARKER + b" made by add_folder\n"}


def scenario(scene):
    owner = scene.clients[0]
    directory = scene.group.instances[0].scratch_dir("plain-")
    write_tree(directory, ORIGINALS)
    if owner.call("add_folder", dir=directory, force=1).error_code() != 0:
        inconclusive("add_folder without a secret did not succeed")
    secret = next((entry.get("secret") for entry in owner.call("get_folders").json or []
                   if isinstance(entry, dict) and entry.get("dir") == directory), None)
    if not secret:
        inconclusive("the folder add_folder made is not in get_folders with a secret")
    family = owner.call("get_secrets", secret=secret).json or {}
    scene.evidence.note("get_secrets on add_folder's secret offers", sorted(family))
    encryption = family.get("encryption") or "F" + secret[1:]
    share = scene.share([None, family.get("read_only")])
    share.members.insert(0, (owner, secret, directory))  # removed with the others at the end
    would_be = scene.group.instances[2].scratch_dir("would-be-encrypted-")
    added = scene.clients[2].call("add_folder", dir=would_be, secret=encryption)
    scene.evidence.note("add_folder with the F secret on instance 2", added.summary())
    if added.error_code() == 0:
        share.members.append((scene.clients[2], encryption, would_be))
    ports = [scene.listening_port(index) for index in range(3)]
    for index, (client, member_secret, _) in enumerate(share.members):
        client.call("set_folder_hosts", secret=member_secret,
                    hosts=",".join(f"127.0.0.1:{port}" for number, port in enumerate(ports) if number != index))
    took = scene.wait_for("the read-only control holds every file", lambda: read_tree(share.dir(1)) == ORIGINALS)
    if took is None:
        inconclusive("the read-only control never received the files, so the share was not reachable")
    untouched, window = scene.watch(took, lambda: not read_tree(would_be))
    received = read_tree(would_be)
    scene.evidence.note("what the would-be encrypted peer holds", listing(received))
    assert untouched, f"a peer with an F secret received the add_folder share's files: {sorted(received)}"
    assert "encryption" not in family, \
        f"get_secrets offered an encryption secret for add_folder's share: {sorted(family)}"
    if added.error_code() != 0:
        inconclusive(f"add_folder refused the F secret ({added.summary()}): no encrypted peer joined, so its "
                     f"getting nothing says nothing")
    listed = scene.clients[2].call("get_folders").json
    if not any(isinstance(entry, dict) and entry.get("dir") == would_be for entry in listed or []):
        inconclusive("after the watch the F peer no longer lists its folder: it may not have been sharing at all")
    scene.prove_link_alive(share, 0, (1,), after="by the owner after the watch")
    scene.evidence.because(f"get_secrets offered only {sorted(family)}; the read-only control got the files in {took} s, "
                         f"the F peer ({added.summary()}) nothing in {window:.1f} s more")


def test_add_folder_share_serves_no_encrypted_peer(scenario_outcome):
    scenario_outcome(scenario)
