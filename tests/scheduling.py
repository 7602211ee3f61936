"""How the suite's own tests are shared over several workers (pytest-xdist, `-n 8`).

Each test goes to the next worker that nears the end of its work, in the order below (longest first,
so that the short ones fill in beside the long ones instead of waiting behind them at the end). The
tests of a module that share runs made once for the module (module-scoped fixtures) go whole to one
worker, so those runs are made once. The CPU-load confirmation needs a free core: it goes last, when
the others are ending.
"""
from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

# Modules whose tests share module-wide runs (tests/test_scheduling.py holds this list to the modules)
SHARE_RUNS = ("tests/test_nemesis.py", "tests/test_differential.py", "tests/test_differential_switched_off.py",
              "tests/checks_decide_both_ways/test_contradict.py",
              "tests/checks_decide_both_ways/test_confirm.py", "tests/test_docs.py",
              "tests/test_reports.py", "tests/test_real_builds.py", "tests/test_record.py", "tests/test_rejudge.py",
              "tests/test_confirmations.py")
# Longest first: a shared module's tests all together, another module's single tests (on two cores)
LONGEST_FIRST = ("tests/test_nemesis.py", "tests/test_differential.py", "tests/test_differential_switched_off.py",
                 "tests/checks_decide_both_ways/test_contradict.py", "tests/checks_decide_both_ways/test_profiles.py", "tests/checks_decide_both_ways/test_confirm.py",
                 "tests/test_cpu_load_check.py", "tests/test_docs.py", "tests/test_record.py", "tests/test_bisect.py", "tests/test_confirmations.py",
                 "tests/test_verify.py", "tests/test_interruptions.py",
                 "tests/test_launcher.py", "tests/test_matrix.py", "tests/test_reports.py", "tests/test_setup_errors.py",
                 "tests/test_hostile_targets.py", "tests/test_expectations.py", "tests/test_peer_runner.py",
                 "tests/test_attach.py", "tests/test_index.py", "tests/test_rejudge.py")
LAST = "tests/test_cpu_load_confirmed.py"


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def place(nodeid: str) -> int:
    module = module_of(nodeid)
    if module == LAST:
        return len(LONGEST_FIRST) + 1
    return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)


class SharedModulesWhole(LoadScopeScheduling):
    """xdist's scheduling by scope, where a scope is a single test, or a whole module in SHARE_RUNS. The
    work goes out in collection order (see tests/conftest.py: `loadscopereorder` off)."""

    def _split_scope(self, nodeid: str) -> str:
        module = module_of(nodeid)
        return module if module in SHARE_RUNS else nodeid
