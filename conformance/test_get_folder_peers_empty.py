"""behaviour: get-folder-peers-empty

DESCRIPTION: call get_folder_peers for a folder of an instance that has no peers (the suite's network
namespace holds no other Sync).
EXPECTATION: an empty JSON array.
"""
import pytest

pytestmark = pytest.mark.behaviour("get-folder-peers-empty")


def test_folder_without_peers_answers_an_empty_array(sync, evidence, added_folders):
    secret = added_folders.add_fresh()["secret"]
    exchange = sync.call("get_folder_peers", secret=secret)
    assert exchange.json == [], f"get_folder_peers of a folder without peers: {exchange.summary()}"
    evidence.because("get_folder_peers answered []")
