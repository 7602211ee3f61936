"""behaviour: shared-folders-config-disables-api

DESCRIPTION: start a second instance of the same build whose config also lists a folder under
`shared_folders` (a generated secret, a directory of its own), and call get_version on it.
EXPECTATION (as the sample config says): a config with `shared_folders` turns the WebUI off, and with it
the API, which lives in the same listener: /api does not answer.
"""
import pytest

from conformance.outcome import inconclusive
from fixtures.errors import SetupError
from fixtures.launcher import LaunchedSync
from fixtures.secret_format import random_secret

pytestmark = pytest.mark.behaviour("shared-folders-config-disables-api")

# The API of a normal instance answers within a second or two; waiting longer only slows a confirmation.
READY_TIMEOUT_S = 8.0


def test_a_config_with_shared_folders_has_no_api(sync_target, evidence):
    if sync_target.kind != "launched":
        inconclusive("needs a build the suite can start a second time (attached instance)")
    shared = {"secret": random_secret("A"), "dir": sync_target.scratch_dir("configured-"),
              "use_relay_server": False, "use_tracker": False, "use_dht": False, "search_lan": False}
    configured = LaunchedSync(sync_target.build, sync_target.api_key, ready_timeout=READY_TIMEOUT_S,
                              double_settings=sync_target.double_settings, extra_config={"shared_folders": [shared]})
    try:
        configured.start()
        exchange = configured.client.call("get_version")
    except SetupError as refusal:
        evidence.note("start-up", str(refusal))
        assert "did not answer" in str(refusal), f"the instance failed otherwise: {refusal}"
        evidence.because(f"with shared_folders in its config the instance did not answer /api within "
                         f"{READY_TIMEOUT_S:g} s")
        return
    finally:
        configured.stop()
    evidence.exchanges.append(exchange.to_dict())
    assert False, f"with shared_folders in its config, /api still answered: {exchange.summary()}"
