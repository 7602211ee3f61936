"""behaviour: method-name-read-as-c-string

DESCRIPTION: call get_version and get_prefs, then each again with bytes after a NUL in the method name
(`method=get_version%00x`, `%00.json`, `%00%20`), and compare the answers.
EXPECTATION: Sync reads the method name up to its first NUL byte, as C reads a string: every suffixed
name is answered as the bare method is (the same JSON), not refused as an unknown method (error 1).
"""
import pytest

from conformance.verdicts.outcome import inconclusive
from fixtures.client import API_PATH

pytestmark = pytest.mark.behaviour("method-name-read-as-c-string")

SUFFIXES = ("x", ".json", "%20")  # as sent, percent-encoded


@pytest.mark.parametrize("method", ["get_version", "get_prefs"])
def test_a_method_name_ends_at_its_first_nul(sync, evidence, method):
    bare = sync.call(method)
    if bare.status != 200 or not isinstance(bare.json, dict) or bare.error_code() not in (0, None):
        inconclusive(f"{method} itself did not answer with its JSON ({bare.summary()}): nothing to compare")
    for suffix in SUFFIXES:
        query = f"method={method}%00{suffix}"
        suffixed = sync.request(API_PATH, {"method": f"{method}\x00{suffix}"}, query=query)
        assert suffixed.json == bare.json, f"{query} answered {suffixed.summary()}, {method} {bare.summary()}"
    evidence.because(f"{method} followed by %00 and {', '.join(SUFFIXES)} answered as {method}: {bare.summary()}")
