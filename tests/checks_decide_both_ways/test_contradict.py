"""With only one behaviour switched off, every check of that behaviour contradicts, saying what it
observed, with a reproducer, and fails the pytest run."""
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.checks_decide_both_ways.runs import (
    CATALOGUE,
    DECIDED_HERE,
    SCENARIO_SWITCHES,
    WITHOUT_CPU_LOAD,
    checks_of,
    collected_checks,
)
from tests.conftest import FAST, leftovers, run_conformance

# Each check contradicts, whatever its example: shrinking them (most of these runs' CPU where no example
# is stored yet, as in CI) shows nothing here; the profiles' runs shrink theirs.
NO_SHRINK = ("--no-shrink",)


@pytest.fixture(scope="module")
def one_switched_off(tmp_path_factory) -> dict:
    """Per behaviour, a run of its checks with only its switch off: one run for every behaviour but the
    scenarios' (tests/one_switch_off.py switches the double before each behaviour), and a run of its own
    for each behaviour whose checks are scenarios, four at a time (the runs mostly wait on deadlines and
    child processes)."""
    # made here, not in the threads: tests/conftest.py
    scratch = {name: tmp_path_factory.mktemp(f"off-{name}") for name in ("each", *SCENARIO_SWITCHES)}

    def alone(behaviour):
        return run_conformance(scratch[behaviour], "--double-switches",
                               f"all,{behaviour}=off", *FAST, *NO_SHRINK, checks=CATALOGUE[behaviour].checks)

    def together():
        return run_conformance(scratch["each"], "-p", "tests.one_switch_off",
                               "--double-switches", "all", *FAST, *NO_SHRINK, *WITHOUT_CPU_LOAD,
                               "-m", "not peers and not beside")
    with ThreadPoolExecutor(max_workers=4) as pool:
        each = pool.submit(together)
        scenarios = dict(zip(SCENARIO_SWITCHES, pool.map(alone, SCENARIO_SWITCHES)))
    return {**dict.fromkeys(set(DECIDED_HERE) - set(SCENARIO_SWITCHES), each.result()), **scenarios}


@pytest.mark.parametrize("behaviour", DECIDED_HERE)
def test_every_check_contradicts_when_the_double_lacks_only_that_behaviour(one_switched_off, behaviour):
    run = one_switched_off[behaviour]
    checks = checks_of(run, behaviour)
    assert set(checks) == collected_checks()[behaviour], "every check of the behaviour ran"
    not_contradicting = [(check, result["verdict"], result["reason"][:200]) for check, result in checks.items()
                         if result["verdict"] != "contradicted"]
    assert not not_contradicting, not_contradicting
    generic = [check for check, result in checks.items()
               if result["reason"] in ("an assertion of the check failed", "") or result["reason"].startswith("assert ")]
    assert not generic, f"contradictions that do not say what was observed: {generic}"
    target_url = Counter(exchange["base_url"] for item in run.document()["results"] for check in item["evidence"]
                         for exchange in check["evidence"]["exchanges"]).most_common(1)  # the run's target
    without_reproducer = [check for check, result in checks.items() if not result["evidence"]["reproducers"]
                          and any(exchange["base_url"] == target_url[0][0] for exchange in result["evidence"]["exchanges"])]
    assert behaviour in SCENARIO_SWITCHES or not without_reproducer, f"contradicted without a reproducer: {without_reproducer}"
    expected = {behaviour: "contradicted"} if behaviour in SCENARIO_SWITCHES else \
        dict.fromkeys(set(DECIDED_HERE) - set(SCENARIO_SWITCHES), "contradicted")  # each met its own switch off
    assert run.verdicts() == expected, run.output[-3000:]
    assert run.process.returncode == 1, "a contradiction must fail the pytest run"
    assert leftovers(run.tmp) == ([], [])
