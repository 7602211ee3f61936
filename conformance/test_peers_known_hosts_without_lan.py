"""behaviour: peers-known-hosts-without-lan

DESCRIPTION: two instances of their own, which share nothing else (a device already known through
another folder could be found without the known hosts). They share one folder with LAN discovery off
(`search_lan=0`) and each other's listening port as known host (set_folder_hosts, `use_hosts=1`); DHT,
trackers and relays cannot reach anything in the suite's namespace. The file to sync is written once
discovery is off on both. Poll until the folder has synced
(--peer-deadline). When the deadline passes, the listening ports decide: both accept TCP connections
(the known hosts were reachable all along) makes it a contradiction, otherwise it is inconclusive.
EXPECTATION: known hosts set through the API are used to find peers: the folder syncs without LAN
discovery.
"""
import socket

import pytest

from conformance.helpers.peers import PeerScenario, plain_secrets
from conformance.verdicts.outcome import inconclusive
from fixtures.errors import SetupError
from fixtures.shared_tree import read_tree, write_tree

pytestmark = [pytest.mark.behaviour("peers-known-hosts-without-lan"), pytest.mark.peers]

TESTED = {"hosts.txt": b"found through known hosts\n"}


def scenario(scene):
    group = scene.own_group(2, "known-hosts peer")
    try:
        group.start()
    except SetupError as error:
        inconclusive(f"the two instances of its own could not be started: {error}")
    isolated = PeerScenario(group, scene.options)
    try:
        observe(isolated)
    finally:
        scene.evidence.absorb(isolated.evidence)
        isolated.finish()
        group.stop()


def accepts_connections(port: int | None) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except (OSError, TypeError):
        return False


def observe(scene):
    secrets = plain_secrets(scene.clients[0])
    tested = scene.share([secrets["read_write"], secrets["read_only"]], search_lan=False)
    # written once LAN discovery is off on both: a copy made through the LAN between adding the folder
    # and switching discovery off would pass for one made through the known hosts
    write_tree(tested.dir(0), TESTED)
    scene.evidence.note("known hosts", [client.call("get_folder_hosts", secret=secret).json
                                      for client, secret, _ in tested.members])
    scene.evidence.note("folder preferences", [client.call("get_folder_prefs", secret=secret).json
                                             for client, secret, _ in tested.members])
    took = scene.wait_for("the folder with known hosts has synced", lambda: read_tree(tested.dir(1)) == TESTED)
    if took is None:
        ports = [scene.listening_port(index) for index in (0, 1)]
        reachable = {port: accepts_connections(port) for port in ports}
        scene.evidence.note("listening ports accepting TCP connections at the deadline", reachable)
        if not all(reachable.values()):
            inconclusive(f"the folder did not sync, and not every known host accepted connections: {reachable}")
        assert False, (f"both known hosts accepted connections, but the folder with LAN discovery off had not "
                       f"synced after {scene.deadline_s:g} s")
    scene.evidence.because(f"the folder with LAN discovery off synced through the known hosts in {took} s")


def test_known_hosts_find_peers_without_lan_discovery(peer_outcome):
    peer_outcome(scenario)
