"""The scheduling of the suite's own tests (tests/scheduling.py) holds to the modules it names."""
import re

from tests.conftest import ROOT
from tests.scheduling import LAST, LONGEST_FIRST, SHARE_RUNS, SharedModulesWhole

MODULE_FIXTURE = re.compile(r'@pytest\.fixture\(scope="module"')


def test_every_module_whose_tests_share_module_wide_runs_is_scheduled_whole():
    sharing = {str(path.relative_to(ROOT)) for path in (ROOT / "tests").rglob("test_*.py")
               if MODULE_FIXTURE.search(path.read_text())}
    assert sharing == set(SHARE_RUNS), "tests/scheduling.py SHARE_RUNS must name each module with a " \
                                       f"module-scoped fixture: add {sorted(sharing - set(SHARE_RUNS))}, " \
                                       f"remove {sorted(set(SHARE_RUNS) - sharing)}"


def test_the_modules_the_order_names_exist():
    assert all((ROOT / module).is_file() for module in (*LONGEST_FIRST, LAST)), "rename them in tests/scheduling.py"


def test_a_shared_module_is_one_unit_of_work_and_any_other_test_a_unit_of_its_own():
    split = SharedModulesWhole._split_scope
    assert split(None, "tests/test_nemesis.py::test_a[kill]") == split(None, "tests/test_nemesis.py::test_b") \
        == "tests/test_nemesis.py"
    assert split(None, "tests/test_targets.py::test_a[x]") == "tests/test_targets.py::test_a[x]"
