"""behaviour: api-disabled-without-key

DESCRIPTION: start a second instance of the same build with a config that has a webui login but no
`api_key`, and call get_version on it (a start is a wait: this runs beside the other checks).
EXPECTATION: HTTP 400 on /api: since 1.2.61 only webui.api_key switches the API on.
"""
import pytest

pytestmark = [pytest.mark.behaviour("api-disabled-without-key"), pytest.mark.beside]


def scenario(scene):
    keyless = scene.sibling("second instance (no api_key)", api_key=None, with_api=False)
    try:
        keyless.start()
        exchange = keyless.client.call("get_version")
    finally:
        keyless.stop()
    scene.evidence.exchanges.append(exchange.to_dict())
    assert exchange.status == 400, f"without api_key: {exchange.summary()} instead of HTTP 400"
    scene.evidence.because(f"without api_key, /api answered HTTP 400 {exchange.text.strip()!r}")


def test_without_an_api_key_the_api_answers_400(scenario_outcome):
    scenario_outcome(scenario)
