"""conformance/verdicts/expectations.py: what a run is expected to show, and every judgement rule shown to fail a
build that departs and to pass one that does not."""
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.verdicts.catalogue import CATALOGUE_PATH, Behaviour, departure_problem
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
    UNKNOWN,
    UNRECORDED,
    Expectation,
    departure_matches,
    explain,
    from_catalogue,
    judge,
    judged,
    load_baseline,
    reason_pattern,
    release_line,
    version_key,
)
from tests.conftest import FAST, run_conformance


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
        {"since": "1.5.0", "until": "1.5.0", "platform": "linux-x64", "verdict": "contradicted", "departure": "new way"})
    between = from_catalogue(behaviour, "1.4.0", "linux-x64")  # of neither record's release line
    assert between.verdict == "contradicted" and "1.3.106 and 1.5.0 linux-x64" in between.source
    assert judge("contradicted", between, ("old way",)) == judge("contradicted", between, ("new way",)) == EXPECTED_DEPARTURE
    assert judge("contradicted", between, ("another way",)) == DEPARTS_DIFFERENTLY
    assert judge("confirmed", between) == STALE


def test_between_two_records_that_disagree_the_build_must_behave_as_one_of_them():
    disagreeing = behaviour_with({"since": "1.3.106", "until": "1.3.106", "verdict": "confirmed"},
                                 {"since": "1.5.0", "until": "1.5.0", "verdict": "contradicted",
                                  "departure": "error 3"})
    unknown = from_catalogue(disagreeing, "1.4.0", "linux-x64")
    assert "between 1.3.106 (confirmed) and 1.5.0 (contradicted)" in unknown.source
    assert judge("confirmed", unknown) == AS_EXPECTED
    judgement, against = judged("contradicted", unknown, ("error 3",))
    assert judgement == EXPECTED_DEPARTURE and "behaves as catalogue 1.5.0" in against.source
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


def test_a_patch_release_is_judged_by_its_own_release_line_first_and_says_so():
    behaviour = behaviour_with({"since": "1.3.106", "until": "1.3.106", "platform": "linux-x64", "verdict": "confirmed"},
                               {"since": "1.4.111", "until": "1.4.111", "platform": "linux-x64",
                                "verdict": "contradicted", "departure": "error 3"})
    below_its_line = from_catalogue(behaviour, "1.4.110", "linux-x64")
    assert below_its_line.source == "catalogue 1.4.111 linux-x64, the nearest record of release line 1.4"
    assert judge("contradicted", below_its_line, ("error 3",)) == EXPECTED_DEPARTURE
    assert judge("confirmed", below_its_line) == STALE  # behaving as 1.3.106, another line, is not enough
    above_its_line = from_catalogue(behaviour, "1.3.150", "linux-x64")
    assert "1.3.106 linux-x64, the newest record of release line 1.3, carried forward" in above_its_line.source
    assert judge("contradicted", above_its_line, ("error 3",)) == REGRESSION
    assert "changed since catalogue 1.3.106" in explain("b", "1.3.150", "contradicted", above_its_line, REGRESSION)
    # a line with no record: the neighbours on either side, as before
    assert from_catalogue(behaviour_with(behaviour.expect[0], {**behaviour.expect[1], "since": "1.5.0", "until": "1.5.0"}),
                          "1.4.110", "linux-x64").basis == UNKNOWN
    assert release_line("1.4.111") == "1.4" and release_line("2") is None


def test_a_reason_becomes_a_departure_whose_numbers_and_paths_vary():
    pattern = reason_pattern("after adding 1000 folders Sync used 4.2% at '/tmp/sync-x/folders' [1]")
    assert "1000" in pattern
    assert departure_matches((pattern,), ("after adding 1000 folders Sync used 12.75% at '/tmp/other/f' [1]",))
    assert not departure_matches((pattern,), ("after adding 60 folders Sync used 12.75% at '/tmp/other/f' [1]",))
    assert not departure_matches((pattern,), ("after adding 1000 folders Sync used 4.2% at '/tmp/other/f' [1] and more",))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_reason_is_matched_whole_by_its_pattern_and_the_catalogue_takes_the_pattern(reason):
    pattern = reason_pattern(reason)
    assert re.fullmatch(pattern, reason)
    assert departure_problem({"verdict": "contradicted", "departure": pattern}) is None


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
    ("1.3.106", "1.3.200", AS_EXPECTED, 0),  # 1.3.106 confirms, 1.4.111 contradicts: 1.3.x is judged by 1.3.106
    ("1.4.111", "1.3.200", REGRESSION, 1),  # ... so behaving as 1.4.111, another release line, is a change
    ("1.4.111", "1.4.50", EXPECTED_DEPARTURE, 0),  # and 1.4.x by 1.4.111
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
    assert "the build confirms it" in run.output
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


def test_a_release_that_answers_every_request_late_is_never_all_met(tmp_path):
    """Every answer past half the request timeout: every check inconclusive, every behaviour not judged."""
    run = run_conformance(tmp_path, "--request-timeout", "0.5", checks=("conformance/test_get_folder_peers_empty.py",),
                          env={"SYNC_DOUBLE_SLOW_FROM_START": "1", "SYNC_DOUBLE_SLOW_ANSWER_S": "0.3"})
    assert run.process.returncode == 1, run.output[-3000:]
    assert "all met" not in run.output and "NOT JUDGED: get-folder-peers-empty on 1.4.111" in run.output
    assert run.document()["results"][0]["fails"] is True
