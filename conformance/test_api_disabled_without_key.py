"""behaviour: api-disabled-without-key

DESCRIPTION: start a second instance of the same build with a config that has a webui login but no
`api_key`, and call get_version on it.
EXPECTATION: HTTP 400 on /api: since 1.2.61 only webui.api_key switches the API on.
"""
import pytest

from conformance.outcome import inconclusive
from fixtures.launcher import LaunchedSync

pytestmark = pytest.mark.behaviour("api-disabled-without-key")


def test_without_an_api_key_the_api_answers_400(sync_target, evidence):
    if sync_target.kind != "launched":
        inconclusive("needs a build the suite can start a second time (attached instance)")
    keyless = LaunchedSync(sync_target.build, None, role="second instance (no api_key)", with_api=False, double_settings=sync_target.double_settings)
    try:
        keyless.start()
        exchange = keyless.client.call("get_version")
    finally:
        keyless.stop()
    evidence.exchanges.append(exchange.to_dict())
    assert exchange.status == 400, f"without api_key: {exchange.summary()} instead of HTTP 400"
    evidence.because(f"without api_key, /api answered HTTP 400 {exchange.text.strip()!r}")
