"""behaviour: peers-known-hosts-without-lan

DESCRIPTION: three instances of their own, which share nothing with the other scenarios' instances (a
device already known through another folder could be found without the known hosts). Instances 0 and 1
share the folder under test with LAN discovery off (`search_lan=0`) and each other's listening port as
known host (set_folder_hosts, `use_hosts=1`); DHT, trackers and relays cannot reach anything in the
suite's namespace. As controls, each of them shares another folder with instance 2 by LAN discovery.
Poll until the folder under test has synced (--peer-deadline); when the deadline passes, the controls
decide: both synced (the instances were reachable all along) makes it a contradiction, otherwise it is
inconclusive.
EXPECTATION: known hosts set through the API are used to find peers: the folder under test syncs without
LAN discovery.
"""
import pytest

from conformance.outcome import inconclusive
from conformance.peers import PeerScenario, plain_secrets, tree
from fixtures.errors import SetupError

pytestmark = [pytest.mark.behaviour("peers-known-hosts-without-lan"), pytest.mark.peers]

TESTED = {"hosts.txt": b"found through known hosts\n"}
CONTROL = {"control.txt": b"found by LAN discovery\n"}


def scenario(run):
    group = run.group.another(3)
    try:
        group.start()
    except SetupError as error:
        inconclusive(f"the three instances of its own could not be started: {error}")
    isolated = PeerScenario(group, run.options)
    try:
        observe(isolated)
    finally:
        run.evidence.absorb(isolated.evidence)
        isolated.finish()
        group.stop()


def observe(run):
    tested_secrets = plain_secrets(run.clients[0])
    tested = run.share([tested_secrets["read_write"], tested_secrets["read_only"]], search_lan=False,
                       before_adding={0: TESTED})
    controls = []
    for member in (0, 1):
        secrets = plain_secrets(run.clients[member])
        by_member = [None, None, secrets["read_only"]]
        by_member[member] = secrets["read_write"]
        controls.append(run.share(by_member, known_hosts=False, before_adding={member: CONTROL}))
    run.evidence.note("known hosts of the folder under test",
                      [client.call("get_folder_hosts", secret=secret).json for client, secret, _ in tested.members])
    run.evidence.note("its folder preferences",
                      [client.call("get_folder_prefs", secret=secret).json for client, secret, _ in tested.members])
    took = run.wait_for("the folder with known hosts has synced", lambda: tree(tested.dir(1)) == TESTED)
    if took is None:
        controls_synced = [tree(control.dir(1)) == CONTROL for control in controls]
        run.evidence.note("control folders synced by LAN discovery", controls_synced)
        if not all(controls_synced):
            inconclusive("the folder with known hosts did not sync, and neither did every control folder "
                         "(LAN discovery), so the instances may not have been reachable")
        assert False, (f"both instances synced control folders by LAN discovery, but the folder with known hosts "
                       f"and LAN discovery off had not synced after {run.deadline_s:g} s")
    run.evidence.because(f"the folder with LAN discovery off synced through the known hosts in {took} s")


def test_known_hosts_find_peers_without_lan_discovery(peer_outcome):
    peer_outcome(scenario)
