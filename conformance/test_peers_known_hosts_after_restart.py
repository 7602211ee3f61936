"""behaviour: peers-known-hosts-after-restart

DESCRIPTION: two instances of their own (conformance/helpers/known_hosts.py) share one folder with LAN
discovery off (`search_lan=0`) and each other's listening port as known host (set_folder_hosts,
`use_hosts=1`). Both are then restarted on the same storage, each with the listening port it had written
into its config (the suite's config says 0, a new port each start); what the restarted instances list as
known hosts and folder preferences goes into the evidence (a restart that lost them, or changed the
listening ports they name, is inconclusive).
The file to sync is written after the restart; poll until the folder has synced (--peer-deadline). When
the deadline passes, the listening ports decide: both accept TCP connections makes it a contradiction,
otherwise it is inconclusive. The time it took is what the scenario without a restart waits from.
EXPECTATION: known hosts set through the API are used to find peers once the instances have restarted
with them: the folder syncs without LAN discovery.
"""
import pytest

from conformance.helpers import known_hosts
from conformance.helpers.peers import isolated
from conformance.verdicts.outcome import inconclusive
from fixtures.errors import SetupError

pytestmark = [pytest.mark.behaviour("peers-known-hosts-after-restart"), pytest.mark.peers]


def scenario(scene):
    try:
        with isolated(scene, 2, "restarted known-hosts peer") as pair:
            observe(pair)
    finally:
        scene.findings.publish(known_hosts.RESTARTED_PAIR_SYNCED, None)  # it did not get as far as a time


def observe(scene):
    tested = known_hosts.share_without_lan(scene)
    hosts_set = [client.call("get_folder_hosts", secret=secret).json for client, secret, _ in tested.members]
    ports = [scene.listening_port(index) for index in (0, 1)]
    if None in ports:
        inconclusive(f"get_prefs gave no listening port to restart with: {ports}")
    try:  # the config's listening_port is 0, which is a new port each start: the known hosts name these
        for instance, port in zip(scene.group.instances, ports):
            instance.restart({"listening_port": port})
    except SetupError as error:
        inconclusive(f"the pair could not be restarted: {error}")
    known_hosts.note_settings(scene, tested, "after the restart")
    kept = [client.call("get_folder_hosts", secret=secret).json for client, secret, _ in tested.members]
    if kept != hosts_set:
        inconclusive(f"the restart did not keep the known hosts: {hosts_set} before, {kept} after")
    ports_now = [scene.listening_port(index) for index in (0, 1)]
    if ports_now != ports:
        inconclusive(f"the restart changed the listening ports the known hosts name: {ports} before, {ports_now} after")
    known_hosts.write_tested(tested)
    took = scene.wait_for("the restarted folder with known hosts has synced", lambda: known_hosts.synced(tested))
    if took is None:
        known_hosts.not_synced(scene, f"both known hosts accepted connections, but after a restart the folder "
                                      f"with LAN discovery off had not synced after {scene.deadline_s:.1f} s")
    scene.findings.publish(known_hosts.RESTARTED_PAIR_SYNCED, took)
    scene.evidence.because(f"after a restart, the folder with LAN discovery off synced through the known hosts "
                           f"in {took} s")


def test_known_hosts_find_peers_after_a_restart(scenario_outcome):
    scenario_outcome(scenario)
