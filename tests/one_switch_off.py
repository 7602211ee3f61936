"""`-p tests.one_switch_off`: one conformance run against the double in which each behaviour's checks meet
a double with only that behaviour switched off (every other on). Before the first check of each
behaviour the double starts again on fresh storage with those switches, so each behaviour is decided as
in a run of its own, without a run (and its start-up) per behaviour. Scenarios (peer and beside checks)
run on instances started with the run, so their checks are left to runs of their own."""
import pytest

from conformance.harness.suite_run import RUN
from fixtures.double.profiles import SWITCHES


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    run = item.config.stash.get(RUN, None)
    marker = item.get_closest_marker("behaviour")
    if run is None or marker is None:
        return
    if item.get_closest_marker("peers") or item.get_closest_marker("beside"):
        raise pytest.UsageError("tests.one_switch_off cannot switch the scenarios' behaviours; "
                                "pass -m 'not peers and not beside'")
    target = run.target
    switches = {name: name != marker.args[0] for name in SWITCHES}
    if target.double_settings.get("switches") != switches:
        target.double_settings["switches"] = switches  # written into the config of every later start
        target.reset()
