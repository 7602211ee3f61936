"""The suite against a real Sync build: only where the user gives one (CI has none).

    SYNC_BINARY=~/.cache/sync-builds/1.4.111/btsync SYNC_API_KEY=... python -m pytest tests/test_real_builds.py

The verdicts come from the live build; the run judges them against the catalogue's recorded expectations
for that version, so a build (or a check) that changed fails here.
"""
import os

import pytest

from conformance.verdicts.catalogue import load
from conformance.verdicts.expectations import FAILING
from fixtures.build import DumpsDirGuard
from tests.conftest import leftovers, run_conformance

BINARY = os.environ.get("SYNC_BINARY")
API_KEY = os.environ.get("SYNC_API_KEY")
pytestmark = pytest.mark.skipif(
    not (BINARY and API_KEY),
    reason="no real Sync build: set SYNC_BINARY (btsync executable or .tar.gz) and SYNC_API_KEY to run these")


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    assert not DumpsDirGuard.path.exists(), f"remove {DumpsDirGuard.path} first (an earlier run left it)"
    return run_conformance(tmp_path_factory.mktemp("real"), env={"SYNC_BINARY": BINARY, "SYNC_API_KEY": API_KEY},
                           timeout=600)


def test_run_completes_with_a_verdict_for_every_behaviour_and_no_harness_error(real_run):
    document = real_run.document()
    assert document["run_info"]["target_kind"] == "launched"
    assert document["run_info"]["network_isolation"].startswith("private network namespace")
    assert {item["behaviour"] for item in document["results"]} == set(load())
    for item in document["results"]:
        for check in item["evidence"]:
            assert check["harness_error"] is None, check
    assert leftovers(real_run.tmp) == ([], [])
    assert not DumpsDirGuard.path.exists()


def test_verdicts_match_what_the_catalogue_expects_of_this_version(real_run):
    departing = [item["explanation"] for item in real_run.document()["results"] if item["judgement"] in FAILING]
    assert not departing, "\n".join(departing)
    assert real_run.process.returncode == 0, real_run.output[-3000:]
