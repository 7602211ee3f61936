"""behaviour: shared-folders-config-disables-api

DESCRIPTION: start two more instances of the same build at the same moment: one whose config also lists a
folder under `shared_folders` (a generated secret, a directory of its own), and a control with the same
config without it. Once the control answers, keep asking the first for get_version for four times as long
as the control took to start (at least 8 s), while its process is watched.
EXPECTATION (as the sample config says): a config with `shared_folders` turns the WebUI off, and with it
the API, which lives in the same listener: the process runs, and its port refuses connections while the
control's answers. A process that dies or is paused meanwhile, a listener that takes connections but does
not answer, or a control that does not start leaves the check inconclusive. Starts are waits: this runs
beside the other checks.
"""
import tempfile
import time

import pytest

from conformance.verdicts.outcome import inconclusive
from fixtures.errors import SetupError
from fixtures.secret_format import random_secret

pytestmark = [pytest.mark.behaviour("shared-folders-config-disables-api"), pytest.mark.beside]

WAIT_FACTOR, MIN_WAIT_S, POLL_S = 4, 8.0, 0.2


def scenario(scene):
    # the folder's directory is the scenario's own: the target's go when it is reset, in another check
    with tempfile.TemporaryDirectory(prefix="sync-conformance-configured-") as directory:
        observe(scene, directory)


def observe(scene, directory: str):
    evidence, options = scene.evidence, scene.options
    shared = {"secret": random_secret("A"), "dir": directory,
              "use_relay_server": False, "use_tracker": False, "use_dht": False, "search_lan": False}
    configured = scene.sibling("second instance (shared_folders)",
                               extra_config={"shared_folders": [shared]}, answers_expected=False)
    control = scene.sibling("control instance", ready_timeout=options.ready_timeout)
    try:
        started = time.monotonic()
        configured.spawn()
        try:
            control.start()
        except SetupError as error:
            inconclusive(f"the control instance (the same config without shared_folders) did not start: {error}")
        control_ready_s = time.monotonic() - started
        control_answer = control.client.call("get_version")  # the comparison: the control's API answers
        wait_s = max(MIN_WAIT_S, WAIT_FACTOR * control_ready_s)
        while True:
            exchange = configured.client.call("get_version")
            if exchange.answered or time.monotonic() - started > wait_s:
                break
            time.sleep(POLL_S)
        still_running = configured.exit_status() is None
    finally:
        configured.stop()
        control.stop()
    evidence.exchanges += [control_answer.to_dict(), exchange.to_dict()]
    if not control_answer.answered:
        inconclusive(f"the control instance did not answer get_version once started: {control_answer.summary()}")
    evidence.note("seconds the control took to answer / seconds the configured instance was asked",
                  f"{control_ready_s:.1f} / {wait_s:.1f}")
    assert not exchange.answered, f"with shared_folders in its config, /api still answered: {exchange.summary()}"
    if not still_running:
        inconclusive("the instance with shared_folders was no longer running, so its silence says nothing")
    if exchange.timed_out:
        inconclusive(f"its port took the connection but did not answer ({exchange.transport_error}): a hang, "
                     f"not an API switched off")
    evidence.because(f"with shared_folders in its config the instance ran but refused connections on its API "
                     f"port for {wait_s:.0f} s ({exchange.transport_error}), while the control answered after "
                     f"{control_ready_s:.1f} s")


def test_a_config_with_shared_folders_has_no_api(scenario_outcome):
    scenario_outcome(scenario)
