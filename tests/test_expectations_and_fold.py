"""Expectations by version range (strict xfail, stale, regression), baselines, fingerprints, and the fold
of reports across versions with its diff."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance import fold as fold_command
from conformance.verdicts.catalogue import CATALOGUE_PATH, Behaviour
from conformance.verdicts.expectations import (
    AS_EXPECTED,
    CARRIED_FORWARD,
    DEPARTS_DIFFERENTLY,
    EXPECTED_DEPARTURE,
    FAILING,
    FIXED,
    NOT_JUDGED,
    NOT_RECORDED,
    RECORDED,
    REGRESSION,
    STALE,
    UNRECORDED,
    Expectation,
    departure_matches,
    explain,
    from_catalogue,
    judge,
    judged,
    load_baseline,
    reason_pattern,
    version_key,
)
from conformance.verdicts.fingerprint import describe_changes, shape
from conformance.verdicts.outcome import Evidence
from fixtures.client import Exchange
from tests.conftest import FAST, ROOT, run_conformance


def behaviour_with(*expect) -> Behaviour:
    return Behaviour("b", "statement", "source", "api-contract", ("conformance/test_b.py",), expect=tuple(expect))


# -- expectations ---------------------------------------------------------------------------------------
def test_versions_order_by_number_not_by_text():
    assert sorted(["1.4.111", "1.10.0", "1.4.82", "1.3.106", "2.0.93"], key=version_key) == \
        ["1.3.106", "1.4.82", "1.4.111", "1.10.0", "2.0.93"]


def test_an_expectation_covers_its_range_inclusively():
    behaviour = behaviour_with({"since": "1.3.0", "until": "1.4.82", "platform": "linux-x64", "verdict": "contradicted"})
    for version in ("1.3.0", "1.4.0", "1.4.82"):
        expectation = from_catalogue(behaviour, version, "linux-x64")
        assert (expectation.verdict, expectation.basis) == ("contradicted", RECORDED)
    assert from_catalogue(behaviour, "1.4.0", "linux").verdict == "contradicted"  # architecture unknown


def test_above_the_newest_record_the_newest_is_carried_forward_and_a_change_is_named():
    behaviour = behaviour_with({"since": "1.3.0", "until": "1.4.82", "platform": "linux-x64", "verdict": "contradicted",
                                "departure": "error 3 answered"})
    expectation = from_catalogue(behaviour, "1.4.111", "linux-x64")
    assert (expectation.verdict, expectation.basis) == ("contradicted", CARRIED_FORWARD)
    assert "1.4.82 linux-x64" in expectation.source
    assert judge("contradicted", expectation, ("error 3 answered",)) == EXPECTED_DEPARTURE
    assert judge("confirmed", expectation) == FIXED and FIXED in FAILING
    assert "changed since catalogue 1.4.82 linux-x64" in explain("b", "1.4.111", "confirmed", expectation, FIXED)
    confirmed_before = behaviour_with({"since": "1.3.0", "until": "1.4.82", "verdict": "confirmed"})
    carried = from_catalogue(confirmed_before, "2.0.0", "linux-x64")
    assert judge("contradicted", carried) == REGRESSION
    assert "(a regression)" in explain("b", "2.0.0", "contradicted", carried, REGRESSION)


def test_an_open_range_runs_on_and_below_the_oldest_record_nothing_is_judged():
    behaviour = behaviour_with({"since": "1.4.0", "verdict": "contradicted", "departure": "x"})
    assert from_catalogue(behaviour, "2.7.3", None).verdict == "contradicted"
    older = from_catalogue(behaviour, "1.3.106", None)
    assert older.basis == UNRECORDED and "oldest is 1.4.0" in older.source
    assert judge("contradicted", older) == judge("confirmed", older) == NOT_RECORDED
    assert NOT_RECORDED in FAILING  # unknown is never a pass: the user accepts it, or records the version


@pytest.mark.parametrize("version", ["unknown", ""])
def test_a_version_that_is_no_number_is_not_recorded(version):
    behaviour = behaviour_with({"since": "1.3.0", "verdict": "contradicted"})
    assert judge("contradicted", from_catalogue(behaviour, version, None)) == NOT_RECORDED


def test_between_two_records_agreement_is_expected_and_disagreement_is_unknown():
    behaviour = behaviour_with(
        {"since": "1.3.106", "until": "1.3.106", "platform": "linux-x64", "verdict": "contradicted", "departure": "old way"},
        {"since": "1.4.111", "until": "1.4.111", "platform": "linux-x64", "verdict": "contradicted", "departure": "new way"})
    between = from_catalogue(behaviour, "1.3.200", "linux-x64")
    assert between.verdict == "contradicted" and "1.3.106 and 1.4.111 linux-x64" in between.source
    assert judge("contradicted", between, ("old way",)) == judge("contradicted", between, ("new way",)) == EXPECTED_DEPARTURE
    assert judge("contradicted", between, ("another way",)) == DEPARTS_DIFFERENTLY
    assert judge("confirmed", between) == STALE


def test_between_two_records_that_disagree_the_build_must_behave_as_one_of_them():
    disagreeing = behaviour_with({"since": "1.3.106", "until": "1.3.106", "verdict": "confirmed"},
                                 {"since": "1.4.111", "until": "1.4.111", "verdict": "contradicted",
                                  "departure": "error 3"})
    unknown = from_catalogue(disagreeing, "1.4.0", "linux-x64")
    assert "between 1.3.106 (confirmed) and 1.4.111 (contradicted)" in unknown.source
    assert judge("confirmed", unknown) == AS_EXPECTED
    judgement, against = judged("contradicted", unknown, ("error 3",))
    assert judgement == EXPECTED_DEPARTURE and "behaves as catalogue 1.4.111" in against.source
    assert judge("contradicted", unknown, ("error 4",)) == DEPARTS_DIFFERENTLY
    assert "as neither record" in explain("b", "1.4.0", "contradicted", unknown, DEPARTS_DIFFERENTLY)
    assert judge("inconclusive", unknown) == NOT_JUDGED and NOT_JUDGED in FAILING


def test_a_departure_is_matched_whole_by_every_contradicting_check():
    departure = ("crashed by add_folder force=1&force=1", r"'Grüße' was added but get_folders lists \['x'\]")
    assert departure_matches(departure, ("crashed by add_folder force=1&force=1", "'Grüße' was added but get_folders lists ['x']"))
    # one crash more, one check less, a prefix that once matched: each departs differently
    assert not departure_matches(departure[:1], ("crashed by add_folder force=1&force=1, set_folder_prefs use_dht=1&use_dht=1",))
    assert not departure_matches(departure, departure[:1])
    assert not departure_matches(departure[:1], ("crashed by add_folder force=1&force=1",
                                                 "'Grüße' was added but get_folders lists ['x']"))


def test_a_reason_becomes_a_departure_whose_numbers_and_paths_vary():
    pattern = reason_pattern("after adding 1000 folders Sync used 4.2% at '/tmp/sync-x/folders' [1]")
    assert "1000" in pattern
    assert departure_matches((pattern,), ("after adding 1000 folders Sync used 12.75% at '/tmp/other/f' [1]",))
    assert not departure_matches((pattern,), ("after adding 60 folders Sync used 12.75% at '/tmp/other/f' [1]",))
    assert not departure_matches((pattern,), ("after adding 1000 folders Sync used 4.2% at '/tmp/other/f' [1] and more",))


def test_a_platform_without_records_is_judged_against_the_nearest_and_says_so():
    behaviour = behaviour_with(
        {"since": "1.3.106", "until": "1.4.111", "platform": "linux-x64", "verdict": "contradicted"},
        {"since": "1.3.106", "until": "1.4.111", "platform": "win32-x86", "verdict": "confirmed"})
    x86 = from_catalogue(behaviour, "1.3.150", "linux-x86")
    assert x86.verdict == "contradicted"
    assert "nothing recorded for linux-x86; judged against linux-x64" in x86.source
    assert from_catalogue(behaviour, "1.3.150", "win32-x86").verdict == "confirmed"
    assert "judged against linux-x64" in from_catalogue(behaviour, "1.3.150", "freebsd-x64").source
    own = behaviour_with(*behaviour.expect, {"since": "1.3.0", "until": "1.4.111", "platform": "linux-x86",
                                             "verdict": "confirmed"})
    assert from_catalogue(own, "1.3.150", "linux-x86").verdict == "confirmed"


def test_a_behaviour_with_no_record_is_not_judged():
    assert judge("contradicted", from_catalogue(behaviour_with(), "1.4.111", "linux-x64")) == NOT_RECORDED


@pytest.mark.parametrize("verdict, expected, judgement", [
    ("confirmed", "confirmed", AS_EXPECTED), ("contradicted", "contradicted", EXPECTED_DEPARTURE),
    ("contradicted", "confirmed", REGRESSION), ("confirmed", "contradicted", STALE),
    ("inconclusive", "contradicted", NOT_JUDGED), ("inconclusive", "confirmed", NOT_JUDGED)])
def test_judgements(verdict, expected, judgement):
    expectation = Expectation((expected,), "test", departures=(("the reason",),))
    assert judge(verdict, expectation, ("the reason",) if verdict == "contradicted" else ()) == judgement


def test_a_build_seen_to_go_either_way_fails_neither_way():
    behaviour = behaviour_with({"since": "1.3.106", "until": "1.3.106", "verdict": ["confirmed", "contradicted"],
                                "departure": "the reason"})
    expectation = from_catalogue(behaviour, "1.3.106", "linux-x64")
    assert expectation.verdict == "confirmed or contradicted"
    assert judge("confirmed", expectation) == AS_EXPECTED
    assert judge("contradicted", expectation, ("the reason",)) == EXPECTED_DEPARTURE


def edited_catalogue(tmp_path: Path, behaviour: str, old: str, new: str) -> Path:
    """The catalogue with one behaviour's 1.4.111 expectation changed from `old` to `new`."""
    text = CATALOGUE_PATH.read_text()
    start = text.index(f'id = "{behaviour}"')
    end = text.find("[[behaviour]]", start)
    block = text[start:end]
    departure = "\ndeparture = 'a departure never seen'" if new == "contradicted" else ""
    edited = block.replace(f'until = "1.4.111"\nplatform = "linux-x64"\nverdict = "{old}"',
                           f'until = "1.4.111"\nplatform = "linux-x64"\nverdict = "{new}"{departure}')
    assert edited != block, f"{behaviour} has no 1.4.111 expectation of {old}"
    path = tmp_path / "catalogue.toml"
    path.write_text(text[:start] + edited + text[end:])
    return path


def test_the_double_as_observed_meets_the_catalogue_expectations(tmp_path):
    run = run_conformance(tmp_path, *FAST, checks=("conformance/test_add_folder_missing_dir_refused.py",
                                                    "conformance/test_get_folder_peers_empty.py"))
    assert run.process.returncode == 0, run.output[-3000:]
    judgements = {item["behaviour"]: item["judgement"] for item in run.document()["results"]}
    assert judgements == {"add-folder-missing-dir-refused": EXPECTED_DEPARTURE, "get-folder-peers-empty": AS_EXPECTED}
    assert "1 xfailed" in run.output


@pytest.mark.parametrize("profile, reported, judgement, exit_code", [
    ("1.4.111", "1.4.120", EXPECTED_DEPARTURE, 0),  # behaves like the newest record: passes
    ("1.3.106", "1.3.200", AS_EXPECTED, 0),  # 1.3.106 confirms, 1.4.111 contradicts: behaves as 1.3.106
    ("1.4.111", "1.3.200", EXPECTED_DEPARTURE, 0),  # ... or as 1.4.111
    ("1.3.106", "1.2.0", NOT_RECORDED, 1),  # nothing to judge by: unknown is never a pass
    ("1.3.106", "1.4.120", FIXED, 1),  # newer than 1.4.111, but confirms what 1.4.111 contradicted
])
def test_a_version_the_catalogue_does_not_record_is_judged_by_its_neighbours(tmp_path, profile, reported, judgement,
                                                                             exit_code):
    run = run_conformance(tmp_path, "--double-profile", profile, "--double-version", reported,
                          checks=("conformance/test_add_folder_missing_dir_refused.py",))
    assert run.process.returncode == exit_code, run.output[-3000:]
    [result] = run.document()["results"]
    assert result["judgement"] == judgement and reported in result["explanation"]
    if judgement == FIXED:
        assert "FIXED: add-folder-missing-dir-refused on 1.4.120: changed since catalogue 1.4.111" in run.output
    if judgement == NOT_RECORDED:
        assert "all met" not in run.output and "--allow-undecided add-folder-missing-dir-refused" in run.output


def test_an_undecided_behaviour_passes_only_when_the_user_accepts_it(tmp_path):
    run = run_conformance(tmp_path, "--double-profile", "1.3.106", "--double-version", "1.2.0",
                          "--allow-undecided", "add-folder-missing-dir-refused",
                          checks=("conformance/test_add_folder_missing_dir_refused.py",))
    assert run.process.returncode == 0, run.output[-3000:]
    assert "add-folder-missing-dir-refused (not recorded, accepted)" in run.output
    assert run.document()["results"][0]["accepted_undecided"] is True


def test_an_edited_expectation_of_a_departure_turns_the_run_red(tmp_path):
    catalogue = edited_catalogue(tmp_path, "add-folder-missing-dir-refused", "contradicted", "confirmed")
    run = run_conformance(tmp_path, "--catalogue", str(catalogue),
                          checks=("conformance/test_add_folder_missing_dir_refused.py",))
    assert run.process.returncode == 1
    assert ("REGRESSION: add-folder-missing-dir-refused on 1.4.111: expected confirmed (catalogue "
            "1.4.111..1.4.111 linux-x64), the build contradicts it") in run.output


def test_a_departure_unlike_the_recorded_one_departs_differently():
    expectation = Expectation(("contradicted",), "catalogue 1.4.111..1.4.111",
                              departures=((r'add_folder on a missing directory: HTTP 200 \{ "error": 0 \}',),))
    assert judge("contradicted", expectation, ('add_folder on a missing directory: HTTP 200 { "error": 0 }',)) \
        == EXPECTED_DEPARTURE
    assert judge("contradicted", expectation, ('add_folder on a missing directory: HTTP 200 { "error": 100 }',)) \
        == DEPARTS_DIFFERENTLY
    assert DEPARTS_DIFFERENTLY in FAILING


def test_a_build_that_departs_otherwise_than_recorded_turns_the_run_red(tmp_path):
    text = CATALOGUE_PATH.read_text()
    recorded = """departure = 'add_folder on a missing directory: HTTP 200 \\{ "error": 0 \\}'"""
    assert recorded in text
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(text.replace(recorded, recorded.replace('"error": 0', '"error": 100')))
    run = run_conformance(tmp_path, "--catalogue", str(catalogue),
                          checks=("conformance/test_add_folder_missing_dir_refused.py",))
    assert run.process.returncode == 1, run.output[-2000:]
    assert "DEPARTS DIFFERENTLY: add-folder-missing-dir-refused on 1.4.111: contradicted, but not the whole way" in run.output
    assert run.document()["results"][0]["judgement"] == DEPARTS_DIFFERENTLY


def test_a_departure_that_is_no_regular_expression_is_refused(tmp_path):
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(CATALOGUE_PATH.read_text().replace(
        "departure = \"get_folders writes the path with plain slashes: '/[^']+'\"", "departure = '(unclosed'"))
    run = run_conformance(tmp_path, "--catalogue", str(catalogue), checks=("conformance/test_get_folder_peers_empty.py",))
    assert run.process.returncode == 4 and "departure '(unclosed' is not a regular expression" in run.output


def test_an_expectation_the_build_no_longer_meets_is_stale_and_fails(tmp_path):
    catalogue = edited_catalogue(tmp_path, "get-folder-peers-empty", "confirmed", "contradicted")
    run = run_conformance(tmp_path, "--catalogue", str(catalogue), checks=("conformance/test_get_folder_peers_empty.py",))
    assert run.process.returncode == 1
    assert "STALE: stale expectation: get-folder-peers-empty on 1.4.111: expected contradicted" in run.output
    assert "the build now confirms it" in run.output
    assert run.document()["results"][0]["judgement"] == STALE


def test_a_baseline_fails_only_what_changed_since(tmp_path):
    baseline = tmp_path / "baseline.json"
    slashes = {"behaviour": "paths-slashes-escaped", "verdict": "contradicted", "evidence": [
        {"verdict": "contradicted", "reason": "get_folders writes the path with plain slashes: '/tmp/x/folder-1'"}]}
    baseline.write_text(json.dumps({"format": "sync-conformance-report/1",
                                    "run_info": {"version": "1.4.111", "complete": True},
                                    "results": [{"behaviour": "get-folder-peers-empty", "verdict": "confirmed"},
                                                slashes]}))
    checks = ("conformance/test_get_folder_peers_empty.py", "conformance/test_paths_slashes_escaped.py")
    (tmp_path / "same").mkdir()
    (tmp_path / "changed").mkdir()
    unchanged = run_conformance(tmp_path / "same", "--baseline", str(baseline), checks=checks)
    assert unchanged.process.returncode == 0, unchanged.output[-3000:]
    changed = run_conformance(tmp_path / "changed", "--baseline", str(baseline), "--double-switches",
                              "observed,get-folder-peers-empty=off", checks=checks)
    assert changed.process.returncode == 1
    assert "REGRESSION: get-folder-peers-empty on 1.4.111: expected confirmed (baseline baseline.json" in changed.output


def test_a_baseline_contradiction_accepts_only_the_same_departure(tmp_path):
    baseline = tmp_path / "baseline.json"
    reason = "get_prefs keys differ from 1.2.x: missing ['lan_use_tcp'], extra ['log_size']"
    baseline.write_text(json.dumps({"format": "sync-conformance-report/1", "run_info": {"version": "1.4.111", "complete": True},
                                    "results": [{"behaviour": "k", "verdict": "contradicted",
                                                 "evidence": [{"verdict": "contradicted", "reason": reason}]}]}))
    expectations, version = load_baseline(baseline)
    assert version == "1.4.111" and "baseline baseline.json (1.4.111)" == expectations["k"].source
    assert judge("contradicted", expectations["k"], (reason,)) == EXPECTED_DEPARTURE
    assert judge("contradicted", expectations["k"], (reason.replace("log_size", "lang_iso"),)) == DEPARTS_DIFFERENTLY
    assert judge("contradicted", expectations.get("new"), (reason,)) == NOT_RECORDED


@pytest.mark.parametrize("content, message", [
    ("not json", "not JSON"), ('{"format": "something else"}', "not a conformance report"),
    ('{"format": "sync-conformance-report/1", "run_info": {"complete": false, "selection": "a selection: 48 of 49 '
     'behaviours not selected"}, "results": []}', "a partial run (a selection: 48 of 49 behaviours not selected)")])
def test_a_bad_baseline_is_named_with_the_fix(tmp_path, content, message):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    run = run_conformance(tmp_path, "--baseline", str(baseline), checks=("conformance/test_get_folder_peers_empty.py",))
    assert run.process.returncode == 4
    assert f"ERROR: --baseline {baseline}: {message}" in run.output and "Traceback" not in run.output


def test_a_broken_catalogue_is_named_with_the_fix(tmp_path):
    broken = tmp_path / "catalogue.toml"
    broken.write_text('[[behaviour]]\nid = "x"\n')
    run = run_conformance(tmp_path, "--catalogue", str(broken), checks=("conformance/test_get_folder_peers_empty.py",))
    assert run.process.returncode == 4
    assert f"ERROR: --catalogue: {broken}: behaviour entry 1 (x) lacks statement" in run.output


# -- fingerprints ---------------------------------------------------------------------------------------
def test_shape_keeps_keys_and_types_and_drops_values():
    assert shape({"b": [1, 2], "a": "x", "c": {"d": None}}) == "{a:str,b:[int],c:{d:null}}"
    assert shape([{"x": 1}, {"x": 2}, {"y": True}]) == "[{x:int}|{y:bool}]"


def test_answers_to_generated_examples_stay_out_of_the_digest():
    evidence = Evidence()
    answer = Exchange("http://127.0.0.1:1", "/api", {"method": "get_version"}, started=0.0, elapsed_ms=1.0, status=200,
                      text='{"version": "1"}', json={"version": "1"})
    evidence.record(answer)
    digest = evidence.to_dict()["fingerprint"]["digest"]

    @given(st.just(0))
    def generated(_):
        evidence.record(Exchange("http://127.0.0.1:1", "/api", {"method": "get_os"}, started=0.0, elapsed_ms=1.0, status=200, text="{}",
                                 json={}))

    generated()
    fingerprint = evidence.to_dict()["fingerprint"]
    assert fingerprint["digest"] == digest and fingerprint["generated_signatures"] == ["get_os: HTTP 200 {}"]


# -- the fold -------------------------------------------------------------------------------------------
def write_report(directory: Path, version: str, verdicts: dict, *, double=False, digests=None, minutes=1,
                 reasons=None) -> Path:
    stem = f"sync-{version}" + ("-double" if double else "")
    results = [{"behaviour": behaviour, "statement": f"{behaviour} statement", "verdict": verdict,
                "reason": f"{behaviour} was {verdict}", "judgement": "as expected",
                "evidence": [{"check": f"conformance/test_{behaviour}.py::test",
                              "reason": (reasons or {}).get(behaviour, f"{behaviour} was {verdict}"),
                              "evidence": {"fingerprint": {"digest": (digests or {}).get(behaviour, "d0"),
                                                           "signatures": [f"sig {(digests or {}).get(behaviour, 'd0')}"]}}}]}
               for behaviour, verdict in verdicts.items()]
    info = {"version": version, "api_version": version, "target_kind": "reference-double" if double else "launched",
            "started": "2026-11-27T01:00:00Z", "finished": f"2026-11-27T01:{minutes:02d}:00Z"}
    path = directory / f"{stem}.json"
    path.write_text(json.dumps({"format": "sync-conformance-report/1", "run_info": info, "results": results}))
    (directory / f"{stem}.html").write_text("<html></html>")
    return path


def test_the_index_orders_versions_numerically_and_marks_changes(tmp_path):
    write_report(tmp_path, "1.4.111", {"a": "confirmed", "b": "confirmed", "c": "confirmed"})
    write_report(tmp_path, "1.4.82", {"a": "contradicted", "b": "confirmed", "c": "confirmed"}, digests={"c": "d1"})
    write_report(tmp_path, "1.3.106", {"a": "contradicted", "b": "confirmed", "c": "confirmed"})
    write_report(tmp_path, "1.4.111", {"a": "confirmed", "b": "confirmed", "c": "confirmed"}, double=True)
    assert fold_command.main(["--reports-dir", str(tmp_path)]) == 0
    page = (tmp_path / "index.html").read_text()
    header = page[page.index("<h2>Behaviours</h2>"):]
    assert header.index(">1.3.106<") < header.index(">1.4.82<") < header.index(">1.4.111<") < header.index(">1.4.111 (double)<")
    row_a = header[header.index("<th title=\"a statement\">"):].split("</tr>")[0]
    assert 'class="v-confirmed changed"' in row_a and row_a.endswith('<td class="first-changed">1.4.111</td><td></td>')
    assert 'href="sync-1.4.111.html#behaviour-a"' in row_a
    row_c = header[header.index("<th title=\"c statement\">"):].split("</tr>")[0]
    assert row_c.count('class="v-confirmed reshaped"') == 2  # answers changed at 1.4.82, and back at 1.4.111
    assert "<svg" in page


def test_the_diff_lists_changed_reshaped_added_and_removed(tmp_path):
    old = write_report(tmp_path, "1.3.106", {"a": "contradicted", "b": "confirmed", "gone": "confirmed"})
    new = write_report(tmp_path, "1.4.111", {"a": "confirmed", "b": "confirmed", "new": "confirmed"}, digests={"b": "d9"})
    html = tmp_path / "diff.html"
    done = subprocess.run([sys.executable, "-m", "conformance.fold", "diff", str(old), str(new), "--html", str(html),
                           "--exit-code"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert "verdict changed (1):\n  a: contradicted -> confirmed" in done.stdout
    assert "same verdict, answers changed (1):\n  b:\n    - sig d0\n    + sig d9" in done.stdout
    assert "added (1): new" in done.stdout and "removed (1): gone" in done.stdout
    assert "a: contradicted -&gt; confirmed" in html.read_text()


def test_the_diff_names_a_changed_reason_but_not_a_changed_number(tmp_path):
    verdicts = {"a": "contradicted", "b": "contradicted", "c": "confirmed"}
    old = write_report(tmp_path, "1.4.111", verdicts, reasons={"a": "error 3 after 1.2 s", "b": "keys ['x']"})
    # a measured time differs: the same reason; an error code differs: another
    (tmp_path / "new").mkdir()
    same = write_report(tmp_path / "new", "1.4.111", verdicts, reasons={"a": "error 3 after 4.52 s", "b": "keys ['x']"})
    other = write_report(tmp_path / "new", "1.4.112", verdicts, reasons={"a": "error 4 after 1.2 s", "b": "keys ['y']"})

    def fold_diff(new):
        return subprocess.run([sys.executable, "-m", "conformance.fold", "diff", str(old), str(new), "--exit-code"],
                              cwd=ROOT, capture_output=True, text=True)
    assert fold_diff(same).returncode == 0 and "same reasons" in fold_diff(same).stdout
    changed = fold_diff(other)
    assert changed.returncode == 1 and "same verdict, reasons changed (2):" in changed.stdout, changed.stdout
    assert "    was: keys ['x']\n    now: keys ['y']" in changed.stdout


@pytest.mark.parametrize("setup, message", [
    (lambda d: None, "no sync-*.json reports in"),
    (lambda d: (d / "sync-1.0.json").write_text("{broken"), "sync-1.0.json: not JSON"),
    (lambda d: (d / "sync-1.0.json").write_text("[]"), "sync-1.0.json: not a sync-conformance-report/1 report")])
def test_fold_errors_name_the_file_and_the_fix(tmp_path, setup, message):
    setup(tmp_path)
    done = subprocess.run([sys.executable, "-m", "conformance.fold", "--reports-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_the_index_of_hundreds_of_behaviours_and_a_dozen_versions_is_one_plain_table(tmp_path):
    behaviours = [f"behaviour-{number:03d}" for number in range(400)]
    for minor in range(12):
        write_report(tmp_path, f"1.{minor}.0", {name: "confirmed" if (number + minor) % 7 else "contradicted"
                                                for number, name in enumerate(behaviours)})
    assert fold_command.main(["--reports-dir", str(tmp_path)]) == 0
    page = (tmp_path / "index.html").read_text()
    assert page.count("<tr>") >= 400 and "<script" not in page


def test_a_changed_object_shape_is_told_as_keys_added_gone_and_retyped():
    gone = {"get_prefs: HTTP 200 {a:int,b:str,c:{d:int}}", "get_os: HTTP 200 {os:str}"}
    new = {"get_prefs: HTTP 200 {a:str,c:{d:int},e:int}", "get_os: HTTP 200 error 1 {error:int}"}
    assert describe_changes(gone, new) == [
        "- get_os: HTTP 200 {os:str}", "+ get_os: HTTP 200 error 1 {error:int}",
        "~ get_prefs: HTTP 200: keys added: e; keys gone: b; type changed: a int->str"]


def test_a_release_that_answers_every_request_late_is_never_all_met(tmp_path):
    """Every answer past half the request timeout: every check inconclusive, every behaviour not judged."""
    run = run_conformance(tmp_path, "--request-timeout", "0.5", checks=("conformance/test_get_folder_peers_empty.py",),
                          env={"SYNC_DOUBLE_SLOW_FROM_START": "1", "SYNC_DOUBLE_SLOW_ANSWER_S": "0.3"})
    assert run.process.returncode == 1, run.output[-3000:]
    assert "all met" not in run.output and "NOT JUDGED: get-folder-peers-empty on 1.4.111" in run.output
    assert run.document()["results"][0]["fails"] is True
