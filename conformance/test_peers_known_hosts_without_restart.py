"""behaviour: peers-known-hosts-without-restart

DESCRIPTION: two instances of their own (conformance/helpers/known_hosts.py) share one folder with LAN
discovery off (`search_lan=0`) and each other's listening port as known host (set_folder_hosts,
`use_hosts=1`), and are not restarted. The file to sync is written at once; poll until the folder has
synced. The wait is derived from evidence: twice what the restarted pair of
peers-known-hosts-after-restart took on this run (at least 10 s), never longer than --peer-deadline; the
whole deadline when that pair gave no time (it did not sync, or was not run). The evidence says which.
When the wait ends, the listening ports decide: both accept TCP connections makes it a contradiction,
otherwise it is inconclusive.
EXPECTATION: set_folder_hosts takes effect without a restart: the folder syncs through the known hosts
just set about as soon as through known hosts an instance was started with.
"""
import pytest

from conformance.helpers import known_hosts
from conformance.helpers.peers import isolated

pytestmark = [pytest.mark.behaviour("peers-known-hosts-without-restart"), pytest.mark.peers]

MARGIN = 2  # times what the restarted pair took: what "about as soon as" allows
SHORTEST_WAIT_S = 10.0


def scenario(scene):
    with isolated(scene, 2, "known-hosts peer") as pair:
        observe(pair)


def wait_basis(scene) -> tuple[float, str]:
    """How long to wait, and why, from what is known now."""
    deadline = scene.deadline_s
    if not scene.findings.published(known_hosts.RESTARTED_PAIR_SYNCED):
        return deadline, f"--peer-deadline {deadline:g} s: no restarted pair had synced yet"
    restarted = scene.findings.get(known_hosts.RESTARTED_PAIR_SYNCED)
    if restarted is None:
        return deadline, f"--peer-deadline {deadline:g} s: the restarted pair gave no time"
    wait = max(MARGIN * restarted, SHORTEST_WAIT_S)
    if wait >= deadline:
        return deadline, f"--peer-deadline {deadline:g} s, under {MARGIN} times the {restarted} s a restarted pair took"
    return wait, f"{MARGIN} times the {restarted} s a restarted pair took, {SHORTEST_WAIT_S:g} s at least"


def observe(scene):
    tested = known_hosts.share_without_lan(scene)
    known_hosts.note_settings(scene, tested, "as set")
    known_hosts.write_tested(tested)
    took = scene.wait_for("the folder with known hosts just set has synced", lambda: known_hosts.synced(tested),
                          deadline_s=lambda: wait_basis(scene)[0])
    waited, basis = wait_basis(scene)
    scene.evidence.note("what ended the wait", basis if took is None else "the folder synced")
    if took is None:
        known_hosts.not_synced(scene, f"both known hosts accepted connections, but without a restart the folder "
                                      f"with LAN discovery off had not synced after {waited:.1f} s ({basis})")
    scene.evidence.because(f"without a restart, the folder with LAN discovery off synced through the known hosts "
                           f"just set in {took} s")


def test_known_hosts_just_set_find_peers(scenario_outcome):
    scenario_outcome(scenario)
