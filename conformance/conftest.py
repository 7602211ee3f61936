"""Fixtures shared by the checks (the harness fixtures live in conformance/plugin.py)."""
import pytest

from conformance.folders import AddedFolders
from conformance.peers import ConcurrentScenarios

PEERS = 3


def pytest_collection_modifyitems(items):
    """The peer scenarios run in threads from the first check on; their checks, which wait for them, come
    last, so that every other check runs while the peers wait (for each other, or for a deadline)."""
    items.sort(key=lambda item: bool(item.get_closest_marker("peers")))


@pytest.fixture
def added_folders(sync, sync_target):
    """Adds folders for one check and removes exactly those afterwards."""
    folders = AddedFolders(sync, sync_target)
    yield folders
    if sync_target.alive():
        folders.remove_all()


@pytest.fixture(scope="session", autouse=True)
def peer_scenarios(request, sync_target, options):
    """Every selected peer scenario, started with the run's first check (see conformance/peers.py)."""
    scenarios = [item.module.scenario for item in request.session.items
                 if item.get_closest_marker("peers") and hasattr(item.module, "scenario")]
    running = ConcurrentScenarios(sync_target, options, list(dict.fromkeys(scenarios)), PEERS) \
        if scenarios else None
    yield running
    if running is not None:
        running.join(timeout=30)


@pytest.fixture
def peer_outcome(peer_scenarios, evidence):
    """`peer_outcome(scenario)`: waits for that scenario, takes over its evidence and ends as it ended."""
    def report(scenario):
        seen, error = peer_scenarios.outcome(scenario)
        evidence.absorb(seen)
        if error is not None:
            raise error
    return report
