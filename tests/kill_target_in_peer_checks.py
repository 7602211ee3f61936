"""`-p tests.kill_target_in_peer_checks`: SIGKILLs the run's target at the start of every peer check, whose
scenario never uses the target; a death of the target is then no incident of that check."""
import signal

import pytest

from conformance.harness.suite_run import RUN


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    run = item.config.stash.get(RUN, None)
    if run is not None and item.get_closest_marker("peers") and run.target.process is not None:
        run.target.process.send_signal(signal.SIGKILL)
        run.target.process.wait()
