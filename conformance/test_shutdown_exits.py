"""behaviour: shutdown-exits

DESCRIPTION: call shutdown and watch the process (the harness restarts it for the checks after).
EXPECTATION: shutdown answers error 0, and the process exits with status 0 within a few seconds.
"""
import time

import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = [pytest.mark.behaviour("shutdown-exits"), pytest.mark.destructive, pytest.mark.subject("exit")]

EXIT_DEADLINE_S = 10.0


def test_shutdown_answers_and_the_process_exits(sync, sync_target, evidence):
    if sync_target.owned is None:
        inconclusive("shutdown would stop an instance the suite cannot start again")
    exchange = sync.call("shutdown")
    deadline = time.monotonic() + EXIT_DEADLINE_S
    while sync_target.owned.exit_status() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    status = sync_target.owned.exit_status()
    evidence.note("exit status", status)
    sync_target.owned.restart()
    assert exchange.error_code() == 0, f"shutdown answered {exchange.summary()}"
    assert status == 0, (f"the process was still running {EXIT_DEADLINE_S:g} s after shutdown" if status is None
                         else f"the process exited with status {status}")
    evidence.because("shutdown answered error 0 and the process exited with status 0")
