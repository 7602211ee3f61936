"""behaviour: get-folders-by-secret-is-array

DESCRIPTION: add a folder, then call get_folders with its secret.
EXPECTATION: a JSON array holding exactly that folder (not the bare folder object).
"""
import pytest

pytestmark = pytest.mark.behaviour("get-folders-by-secret-is-array")


def test_get_folders_with_a_secret_answers_an_array_of_one(sync, evidence, added_folders):
    entry = added_folders.add_fresh()
    answer = sync.call("get_folders", secret=entry["secret"]).json
    assert isinstance(answer, list), f"get_folders with a secret answered a {type(answer).__name__}, not a list"
    assert len(answer) == 1 and answer[0].get("dir") == entry["dir"], (
        f"get_folders with a secret answered {len(answer)} entries, not the one folder")
    evidence.because("get_folders with a secret answered a list holding that one folder")
