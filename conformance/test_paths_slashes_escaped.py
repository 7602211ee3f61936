"""behaviour: paths-slashes-escaped

DESCRIPTION: add a folder and read the raw body of get_folders (before JSON decoding).
EXPECTATION (as users reported it): directory paths come back with escaped slashes (`\\/tmp\\/x`, valid
JSON for `/tmp/x`), so clients that compare raw text must unescape them.
"""
import json

import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("paths-slashes-escaped")


def test_get_folders_escapes_slashes_in_paths(sync, evidence, added_folders):
    directory = added_folders.add_fresh()["dir"]
    body = sync.call("get_folders").text
    escaped, plain = json.dumps(directory)[1:-1].replace("/", "\\/"), json.dumps(directory)[1:-1]
    if escaped not in body and plain not in body:
        inconclusive(f"get_folders' body holds the added directory in neither form: {body[:300]!r}")
    assert escaped in body, f"get_folders writes the path with plain slashes: {plain!r}"
    evidence.because(f"get_folders wrote the path as {escaped!r}")
