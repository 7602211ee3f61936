"""behaviour: response-shapes

DESCRIPTION: call each getter and compare the answer's JSON shape (keys and value types) with what the
official API page documents.
EXPECTATION: get_version {"version": "X.Y.Z"}; get_os {"os": name}; get_speed {"download": int,
"upload": int}; get_folders entries with exactly dir, error, files, indexing, secret, size, type (integers
where numbers); get_folder_prefs the six documented 0/1 integers (extra keys allowed); get_folder_hosts
{"hosts": [strings]}; get_prefs an object of strings and integers.
"""
import re

import pytest

from fixtures.api_facts import DOCUMENTED_FOLDER_PREFS, FOLDER_KEYS

pytestmark = pytest.mark.behaviour("response-shapes")



def fingerprint(value):
    """The shape of a JSON value: types, and keys for objects (recorded as evidence)."""
    if isinstance(value, dict):
        return {key: fingerprint(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [fingerprint(value[0])] if value else []
    return type(value).__name__


def assert_ints(document: dict, keys, where: str) -> None:
    for key in keys:
        assert isinstance(document.get(key), int) and not isinstance(document.get(key), bool), (
            f"{where}: {key} is {document.get(key)!r}, not an integer")


def shape_of_get_version(sync, folder):
    answer = sync.call("get_version").json
    assert isinstance(answer, dict) and set(answer) == {"version"}, f"get_version answered {answer!r}"
    assert re.fullmatch(r"\d+(\.\d+)+", str(answer["version"])), f"version {answer['version']!r} is not X.Y.Z"
    return answer


def shape_of_get_os(sync, folder):
    answer = sync.call("get_os").json
    assert isinstance(answer, dict) and set(answer) == {"os"} and isinstance(answer["os"], str), (
        f"get_os answered {answer!r}")
    return answer


def shape_of_get_speed(sync, folder):
    answer = sync.call("get_speed").json
    assert isinstance(answer, dict) and set(answer) == {"download", "upload"}, f"get_speed answered {answer!r}"
    assert_ints(answer, ("download", "upload"), "get_speed")
    return answer


def shape_of_get_folders(sync, folder):
    answer = sync.call("get_folders").json
    assert isinstance(answer, list) and answer, f"get_folders answered {answer!r}"
    for entry in answer:
        assert set(entry) == FOLDER_KEYS, f"a get_folders entry has keys {sorted(entry)}, not {sorted(FOLDER_KEYS)}"
        assert_ints(entry, ("error", "files", "indexing", "size"), "get_folders entry")
        assert entry["type"] in ("read_write", "read_only"), f"folder type {entry['type']!r}"
    return answer


def shape_of_get_folder_prefs(sync, folder):
    answer = sync.call("get_folder_prefs", secret=folder["secret"]).json
    assert isinstance(answer, dict) and DOCUMENTED_FOLDER_PREFS <= set(answer), f"get_folder_prefs answered {answer!r}"
    assert_ints(answer, answer, "get_folder_prefs")
    assert set(answer.values()) <= {0, 1}, f"get_folder_prefs values beyond 0/1: {answer!r}"
    return answer


def shape_of_get_folder_hosts(sync, folder):
    answer = sync.call("get_folder_hosts", secret=folder["secret"]).json
    assert isinstance(answer, dict) and set(answer) == {"hosts"} and isinstance(answer["hosts"], list), (
        f"get_folder_hosts answered {answer!r}")
    assert all(isinstance(host, str) for host in answer["hosts"]), f"hosts {answer['hosts']!r}"
    return answer


def shape_of_get_prefs(sync, folder):
    answer = sync.call("get_prefs").json
    assert isinstance(answer, dict) and answer, f"get_prefs answered {answer!r}"
    odd = {key: value for key, value in answer.items() if not isinstance(value, (str, int))}
    assert not odd, f"get_prefs values that are neither strings nor integers: {odd}"
    return answer


SHAPES = {function.__name__.removeprefix("shape_of_"): function for function in (
    shape_of_get_version, shape_of_get_os, shape_of_get_speed, shape_of_get_folders, shape_of_get_folder_prefs,
    shape_of_get_folder_hosts, shape_of_get_prefs)}


@pytest.mark.parametrize("method", SHAPES)
def test_answer_has_the_documented_shape(sync, evidence, added_folders, method):
    folder = added_folders.add_fresh()
    answer = SHAPES[method](sync, folder)
    evidence.note("shape", fingerprint(answer))
    evidence.because(f"{method} answered the documented shape")
