"""conformance/expectations.py record: from the double run as an unrecorded release that departs in three
ways, `record` touches only those three behaviours' records, and a rerun of the same build passes; a
different build is still judged; a release older than every record widens its neighbours; what a report
cannot support is refused in one line."""
import json
import re
import subprocess
import sys
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.verdicts import records
from conformance.verdicts.catalogue import CATALOGUE_PATH
from conformance.verdicts.catalogue import load as load_catalogue
from conformance.verdicts.catalogue import loads as catalogue_loads
from conformance.verdicts.expectations import reason_pattern
from conformance.verdicts.records import toml_string
from tests.conftest import ROOT, catalogue_of, run_conformance

# add-folder-missing-dir-refused, add-folder-non-empty-needs-force and get-prefs-documented-keys differ
# between 1.3.106 and 1.4.111; the other two do not
BEHAVIOURS = ("http-status-on-error", "get-folder-peers-empty", "add-folder-missing-dir-refused",
              "add-folder-non-empty-needs-force", "get-prefs-documented-keys")
DEPARTING = {"add-folder-missing-dir-refused", "add-folder-non-empty-needs-force", "get-prefs-documented-keys"}


def double_run(root, name, profile, version, catalogue):
    """A complete run of the double under `profile`, reporting `version`, against `catalogue`."""
    (root / name).mkdir()
    checks = tuple(path for behaviour in load_catalogue(catalogue).values() for path in behaviour.checks)
    return run_conformance(root / name, "--double-profile", profile, "--double-version", version,
                           "--catalogue", str(catalogue), "--hypothesis-seed", "3", checks=checks)


def record(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance.expectations", "record", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def report_of(run):
    [path] = run.reports_dir.glob("sync-*.json")
    return path


def changed_blocks(before: str, after: str) -> set[str]:
    """The behaviours whose lines differ; the text outside them is compared whole."""
    def blocks(text):
        header, *rest = text.split("\n[[behaviour]]\n")
        return header, {re.search(r'^id = "([^"]+)"', block, re.M).group(1): block for block in rest}
    (header_before, old), (header_after, new) = blocks(before), blocks(after)
    assert header_before == header_after and list(old) == list(new)
    return {behaviour for behaviour in old if old[behaviour] != new[behaviour]}


@pytest.fixture(scope="module")
def unrecorded_release(tmp_path_factory):
    """1.4.120, unrecorded, behaving as 1.3.106: three behaviours depart from the 1.4.111 records carried forward."""
    root = tmp_path_factory.mktemp("record")
    catalogue = root / "catalogue.toml"
    catalogue.write_text(catalogue_of(BEHAVIOURS))
    return root, catalogue, double_run(root, "before", "1.3.106", "1.4.120", catalogue)


def test_record_writes_only_the_departures_and_a_rerun_passes(unrecorded_release):
    root, catalogue, before = unrecorded_release
    failing = {item["behaviour"] for item in json.loads(report_of(before).read_text())["results"] if item["fails"]}
    assert before.process.returncode == 1 and failing == DEPARTING, before.output[-3000:]
    recorded = root / "recorded.toml"
    recorded.write_text(catalogue.read_text())
    done = record(report_of(before), "--catalogue", recorded)
    assert done.returncode == 0, done.stdout + done.stderr
    assert changed_blocks(catalogue.read_text(), recorded.read_text()) == DEPARTING
    assert done.stdout.count("in a range of its own") == 3 and "+since = \"1.4.120\"" in done.stdout
    entries = {behaviour.id: behaviour.expect for behaviour in load_catalogue(recorded).values()}
    for behaviour in DEPARTING:  # the old records stay, the new one added after them
        assert entries[behaviour][:-1] == load_catalogue(catalogue)[behaviour].expect
        assert entries[behaviour][-1]["since"] == entries[behaviour][-1]["until"] == "1.4.120"
    again = double_run(root, "again", "1.3.106", "1.4.120", recorded)
    assert again.process.returncode == 0 and "; all met" in again.output, again.output[-3000:]
    # a build of 1.4.120 that behaves as 1.4.111 is judged against the new records: it fails those three
    other = double_run(root, "other", "1.4.111", "1.4.120", catalogue)
    assert other.process.returncode == 0, other.output[-2000:]
    rejudged = subprocess.run([sys.executable, "-m", "conformance.rejudge", report_of(other), "--catalogue", recorded,
                               "--reports-dir", root / "rejudged"], cwd=ROOT, capture_output=True, text=True)
    assert rejudged.returncode == 1 and "3 behaviours failing them" in rejudged.stdout, rejudged.stdout


def test_a_dry_run_prints_the_diff_and_writes_nothing(unrecorded_release, tmp_path):
    _, catalogue, before = unrecorded_release
    copy = tmp_path / "catalogue.toml"
    copy.write_text(catalogue.read_text())
    done = record(report_of(before), "--catalogue", copy, "--dry-run")
    assert done.returncode == 0 and "+verdict = " in done.stdout and "is unchanged" in done.stdout, done.stderr
    assert copy.read_text() == catalogue.read_text()


def test_a_release_older_than_every_record_widens_the_records_it_behaves_as(unrecorded_release):
    root, catalogue, _ = unrecorded_release
    older = double_run(root, "older", "1.3.106", "1.2.70", catalogue)
    assert older.process.returncode == 1  # nothing recorded for 1.2.70
    widened = root / "widened.toml"
    widened.write_text(catalogue.read_text())
    done = record(report_of(older), "--catalogue", widened)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("to 1.2.70, which behaves as it") == len(BEHAVIOURS), done.stdout
    for behaviour in load_catalogue(widened).values():
        assert len(behaviour.expect) == len(load_catalogue(catalogue)[behaviour.id].expect)
        assert behaviour.expect[0]["since"] == "1.2.70"
    assert "nothing to record" in record(report_of(older), "--catalogue", widened).stdout


@pytest.mark.parametrize("case", ["partial", "switched-by-hand", "double-into-the-suites-catalogue", "no-version",
                                  "broken-catalogue"])
def test_what_a_report_cannot_support_is_refused_in_one_line(unrecorded_release, tmp_path, case):
    _, catalogue, before = unrecorded_release
    document = json.loads(report_of(before).read_text())
    info = document["run_info"]
    copy = tmp_path / "catalogue.toml"
    copy.write_text(catalogue.read_text() + ("[[behaviour]\n" if case == "broken-catalogue" else ""))
    changed = {"partial": {"complete": False, "selection": "a selection: 2 checks deselected"},
               "switched-by-hand": {"options": {**info["options"], "double_switches": "all"}},
               "no-version": {"version": "unknown"}}.get(case, {})
    report = tmp_path / "sync-x.json"
    report.write_text(json.dumps({**document, "run_info": {**info, **changed}}))
    args = (report,) if case == "double-into-the-suites-catalogue" else (report, "--catalogue", copy)
    wanted = {"partial": "a partial run", "switched-by-hand": "imitates no build",
              "double-into-the-suites-catalogue": "pass --catalogue FILE of your own",
              "no-version": "is not a version number", "broken-catalogue": "not valid TOML"}[case]
    before_text = CATALOGUE_PATH.read_text(), copy.read_text()
    done = record(*args)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and wanted in done.stderr, done.stderr
    assert (CATALOGUE_PATH.read_text(), copy.read_text()) == before_text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_any_text_is_written_as_a_toml_string_that_reads_back_the_same(value):
    assert tomllib.loads(f"value = {toml_string(value)}\n")["value"] == value


def test_a_record_replaced_keeps_its_own_departure_where_it_still_holds_and_its_note():
    text = catalogue_of(("get-prefs-documented-keys",))
    observation = ("get_prefs keys differ from 1.2.x: missing ['lan_use_tcp'], extra ['external_port', 'log_size']",)
    flaky = records.Observed("get-prefs-documented-keys", "1.3.106", "linux-x64", "contradicted",
                             tuple(map(reason_pattern, observation)), observation, {"confirmed": 1, "contradicted": 2})
    after, done = records.recorded(text, flaky)
    [entry] = [entry for entry in catalogue_loads(after, "x")["get-prefs-documented-keys"].expect
               if entry["until"] == "1.3.106"]
    before = [entry for entry in catalogue_loads(text, "x")["get-prefs-documented-keys"].expect
              if entry["until"] == "1.3.106"][0]
    assert done == "replaced the record of 1.3.106..1.3.106"
    assert entry == {**before, "verdict": ["confirmed", "contradicted"], "seen": {"confirmed": 1, "contradicted": 2}}
