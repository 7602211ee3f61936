"""Fixtures shared by the checks (the harness fixtures live in conformance/plugin.py)."""
import pytest

from conformance.folders import AddedFolders
from conformance.outcome import inconclusive
from conformance.peers import ConcurrentScenarios
from fixtures.errors import SetupError
from fixtures.peers import PeerGroup

PEERS = 3


@pytest.fixture
def added_folders(sync, sync_target):
    """Adds folders for one check and removes exactly those afterwards."""
    folders = AddedFolders(sync, sync_target)
    yield folders
    if sync_target.alive():
        folders.remove_all()


@pytest.fixture(scope="session")
def peer_group(sync_target):
    """Three more instances of the target's build in the suite's namespace, for the peer scenarios."""
    if sync_target.kind != "launched":
        inconclusive("peer scenarios start instances of the build; an attached instance has none to start")
    group = PeerGroup(sync_target.build, sync_target.api_key, PEERS, sync_target.double_settings)
    try:
        group.start()
    except SetupError as error:
        inconclusive(f"the peers could not be started: {error}")
    yield group
    group.stop()


@pytest.fixture(scope="session")
def peer_scenarios(request, peer_group):
    """Every selected peer scenario, started at once (see conformance/peers.py)."""
    scenarios = [item.module.scenario for item in request.session.items
                 if item.get_closest_marker("peers") and hasattr(item.module, "scenario")]
    return ConcurrentScenarios(peer_group, request.config.option, list(dict.fromkeys(scenarios)))


@pytest.fixture
def peer_outcome(peer_scenarios, evidence):
    """`peer_outcome(scenario)`: waits for that scenario, takes over its evidence and ends as it ended."""
    def report(scenario):
        seen, error = peer_scenarios.outcome(scenario)
        evidence.absorb(seen)
        if error is not None:
            raise error
    return report
