"""behaviour: add-folder-outcome-under-result

DESCRIPTION: add a fresh empty folder, then add the same directory again (a refusal), and look at the
keys of both answers.
EXPECTATION (as users reported it): add_folder reports its outcome under `result`, not under the `error`
key every other method uses.
"""
import pytest

pytestmark = pytest.mark.behaviour("add-folder-outcome-under-result")


def outcome_key(answer) -> str | None:
    keys = [key for key in ("result", "error") if isinstance(answer, dict) and key in answer]
    return keys[0] if len(keys) == 1 else None


def test_add_folder_answers_result_not_error(evidence, added_folders):
    directory = added_folders.new_dir()
    answers = {"success": added_folders.add(directory).json, "refusal": added_folders.add(directory).json}
    keys = {case: outcome_key(answer) for case, answer in answers.items()}
    evidence.note("outcome key", keys)
    assert keys == {"success": "result", "refusal": "result"}, \
        f"add_folder answered {answers['success']} on success and {answers['refusal']} when refusing"
    evidence.because(f"add_folder answered {answers['success']} and {answers['refusal']}: `result`, not `error`")
