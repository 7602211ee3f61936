"""behaviour: content-type-text-javascript

DESCRIPTION: look at the Content-Type of answers to a getter, a list and an error.
EXPECTATION: `text/javascript`, not `application/json` (clients that insist on JSON must accept it).
"""
import pytest

pytestmark = pytest.mark.behaviour("content-type-text-javascript")


@pytest.mark.parametrize("method", ["get_version", "get_folders", "no_such_method"])
def test_answers_are_text_javascript(sync, evidence, method):
    exchange = sync.call(method)
    content_type = exchange.headers.get("Content-Type", "")
    assert content_type.split(";")[0].strip() == "text/javascript", (
        f"{method}: Content-Type {content_type!r} instead of text/javascript")
    evidence.because(f"{method}: Content-Type {content_type}")
