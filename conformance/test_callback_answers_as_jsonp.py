"""behaviour: callback-answers-as-jsonp

DESCRIPTION: call getters with `callback=cb` (what the webui's own JSONP requests send), and without it.
EXPECTATION: the answer is the same document wrapped as `cb(...)`: JSONP, which browser clients of the API
rely on.
"""
import json

import pytest

pytestmark = pytest.mark.behaviour("callback-answers-as-jsonp")


@pytest.mark.parametrize("method", ["get_version", "get_prefs", "get_folders"])
def test_a_callback_wraps_the_answer(sync, evidence, method):
    plain = sync.call(method)
    wrapped = sync.call(method, callback="cb")
    text = wrapped.text.strip()
    assert text.startswith("cb(") and text.endswith(")"), (
        f"{method} with callback=cb answered {text[:120]!r}, not cb(...)")
    try:
        inner = json.loads(text[len("cb("):-1])
    except ValueError:
        inner = None
    assert inner == plain.json, f"{method} with callback=cb wrapped {text[3:-1][:120]!r}, not its plain answer"
    evidence.because(f"{method} with callback=cb answered cb(...) around its plain answer")
