"""What the two known-hosts scenarios share: a pair of instances of their own, which share nothing else (a
device already known through another folder could be found without the known hosts), one folder with LAN
discovery off and each other's listening port as known host, and what the ports say when it did not sync.

DHT, trackers and relays cannot reach anything in the suite's namespace, so the known hosts are the only
way the two can find each other. One scenario restarts its pair before it writes the file to sync
(conformance/test_peers_known_hosts_after_restart.py); the other does not, and waits as long as a stated
margin over what the restarted pair took (conformance/test_peers_known_hosts_without_restart.py).
"""
from __future__ import annotations

import socket

from conformance.helpers.peers import PeerScenario, Share, plain_secrets
from conformance.verdicts.outcome import inconclusive
from fixtures.shared_tree import read_tree, write_tree

TESTED = {"hosts.txt": b"found through known hosts\n"}
# what the restarted pair took, published for the scenario without a restart (None: it did not sync)
RESTARTED_PAIR_SYNCED = "seconds a restarted pair took to sync through its known hosts"


def share_without_lan(scene: PeerScenario) -> Share:
    secrets = plain_secrets(scene.clients[0])
    return scene.share([secrets["read_write"], secrets["read_only"]], search_lan=False)


def note_settings(scene: PeerScenario, share: Share, when: str) -> None:
    scene.evidence.note(f"known hosts {when}", [client.call("get_folder_hosts", secret=secret).json
                                             for client, secret, _ in share.members])
    scene.evidence.note(f"folder preferences {when}", [client.call("get_folder_prefs", secret=secret).json
                                                    for client, secret, _ in share.members])


def write_tested(share: Share) -> None:
    """Written once LAN discovery is off on both: a copy made through the LAN between adding the folder and
    switching discovery off would pass for one made through the known hosts."""
    write_tree(share.dir(0), TESTED)


def synced(share: Share) -> bool:
    return read_tree(share.dir(1)) == TESTED


def accepts_connections(port: int | None) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except (OSError, TypeError):
        return False


def not_synced(scene: PeerScenario, failure: str) -> None:
    """The folder did not sync: a contradiction (`failure`) when both known hosts accept connections (they
    were reachable all along), else inconclusive."""
    ports = [scene.listening_port(index) for index in (0, 1)]
    reachable = {port: accepts_connections(port) for port in ports}
    scene.evidence.note("listening ports accepting TCP connections at the end of the wait", reachable)
    if not all(reachable.values()):
        inconclusive(f"the folder did not sync, and not every known host accepted connections: {reachable}")
    assert False, failure
