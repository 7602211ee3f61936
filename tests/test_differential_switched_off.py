"""A differential run finds a behaviour the double lacks: with one switched off, each difference comes with
a reproducer that was replayed, and no secret any client saw reaches any output."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import leftovers
from tests.differential_runs import REQUESTS, SEED, DifferentialRun, run_differential

# Behaviours a differential run finds in 100 generated requests when the double lacks them, one per kind
# of difference (status, content type, error code and message, types and keys, a secret's kind), at the
# seeds tried (1, 2, 4, 5 and 8 to 10; 3, 6 and 7 miss missing-parameters-error-2). Differences that need
# state, or rarer requests, are found with larger budgets;
# test_a_difference_that_needs_state_is_shrunk_to_the_steps_it_needs holds one to a sequence.
# DIFFERENTIAL_TEST_SEED and DIFFERENTIAL_TEST_REQUESTS try others.
SWITCHES_FOUND = ("http-status-on-error", "content-type-text-javascript", "missing-parameters-error-2",
                  "response-shapes", "add-folder-secret-not-encryption-capable")
@pytest.fixture(scope="module")
def one_switched_off(tmp_path_factory) -> dict[str, DifferentialRun]:
    # made here, not in the threads: tests/conftest.py
    scratch = {switch: tmp_path_factory.mktemp(switch) for switch in SWITCHES_FOUND}

    def run(switch: str) -> DifferentialRun:
        return run_differential(scratch[switch], "--a", "double:1.4.111:all",
                                "--b", f"double:1.4.111:all,{switch}=off", "--requests", REQUESTS, "--seed", SEED,
                                "--exit-code")
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(SWITCHES_FOUND, pool.map(run, SWITCHES_FOUND)))


@pytest.mark.parametrize("switch", SWITCHES_FOUND)
def test_a_switched_off_behaviour_is_found_with_a_replayed_reproducer(one_switched_off, switch):
    run = one_switched_off[switch]
    assert run.process.returncode == 1, run.output[-3000:]
    differences = run.document()["differences"]
    assert differences, run.output[-3000:]
    for difference in differences:
        steps = difference["reproducer"]
        assert difference["key"] in steps[-1]["differences"], "the reproducer's last step shows it"
        assert len(steps) <= len(difference["first_seen_in"])
        assert all(step["a"]["curl"].startswith("curl -sS") and step["b"]["curl"] for step in steps)
    assert leftovers(run.tmp) == ([], [])


def test_no_secret_any_client_saw_reaches_any_output(one_switched_off):
    runs = list(one_switched_off.values())
    seen = set().union(*((run.tmp.parent / "seen.txt").read_text().split() for run in runs))
    assert len(seen) > 20, "the witness saw too little to prove anything"
    for run in runs:
        outputs = {path.name: path.read_text() for path in (run.reports_dir / "differential").iterdir()}
        outputs["terminal"] = run.output
        leaks = {name: [value[:4] + "..." for value in seen if value in text] for name, text in outputs.items()}
        assert not any(leaks.values()), leaks
