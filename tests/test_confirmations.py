"""conformance/harness/confirmations.py and the judgement of reruns: a failing judgement is run again on
fresh instances before it fails the run; a behaviour changed for good is confirmed as a regression, a
flake that appears once is reported as a flake and does not fail the run, nor does it count as met."""
import json
import subprocess
import sys

import pytest

from conformance.reporting.terminal import exit_status, summary_lines
from conformance.verdicts import expectations as expectations_module
from conformance.verdicts.catalogue import load as load_catalogue
from conformance.verdicts.catalogue import seen_problem
from tests.conftest import ROOT, VALID_LOOKING_KEY, catalogue_of, changing_double, run_conformance

CHECK = ("conformance/test_add_folder_missing_dir_refused.py",)  # 1.3.106 refuses a missing directory, 1.4.111 does not


def test_a_behaviour_changed_for_good_is_a_regression_seen_every_time(tmp_path):
    # 1.4.111's behaviour reported as 1.3.106, with the run's default number of reruns
    run = run_conformance(tmp_path, "--double-version", "1.3.106", checks=CHECK, confirm_failures=None)
    assert run.process.returncode == 1, run.output[-2000:]
    [item] = run.document()["results"]
    assert item["judgement"] == "regression" and item["fails"]
    assert item["seen"] == "failing 3 of 3 times (contradicted 3 of 3)" and len(item["reruns"]) == 2
    assert "failing 3 of 3 times (contradicted 3 of 3), run again on a fresh instance" in run.output
    for rerun in item["reruns"]:  # each rerun's own report is kept beside the run's
        assert (run.reports_dir / rerun["report"]).is_file() and rerun["verdict"] == "contradicted"


def test_runs_sharing_a_reports_dir_each_read_their_own_reruns(tmp_path):
    """A matrix's runs share one reports dir. 1.4.111's behaviour reported as 1.3.106, then as 1.3.107,
    there: the second run's reruns are read from its own reports, not from the first run's (whose name sorts
    first), and an earlier run's rerun of the same target is gone before its rerun writes."""
    first = run_conformance(tmp_path, "--double-version", "1.3.106", checks=CHECK, confirm_failures=1)
    stale = first.reports_dir / "confirmations" / "sync-1.3.107-double" / "add-folder-missing-dir-refused-1"
    stale.mkdir(parents=True)
    (stale / "sync-1.3.0-double.json").write_text(json.dumps(first.document()))
    second = run_conformance(tmp_path, "--double-version", "1.3.107", checks=CHECK, confirm_failures=1)
    for run, version in ((first, "1.3.106"), (second, "1.3.107")):
        [report] = run.reports_dir.glob(f"sync-{version}-double*.json")  # a run of one check is partial
        [item] = json.loads(report.read_text())["results"]
        [rerun] = item["reruns"]
        assert rerun["report"] == f"confirmations/sync-{version}-double/add-folder-missing-dir-refused-1/" \
                                  f"{report.name}", rerun
        assert json.loads((run.reports_dir / rerun["report"]).read_text())["run_info"]["version"] == version
    assert not (stale / "sync-1.3.0-double.json").exists()


@pytest.mark.parametrize("version, reruns, why", [("1.3.106", 0, "turned off"),
                                                  ("1.2.0", 2, "nothing recorded: a rerun cannot help")])
def test_no_rerun_where_none_is_asked_for_or_none_can_help(tmp_path, version, reruns, why):
    run = run_conformance(tmp_path, "--double-version", version, checks=CHECK, confirm_failures=reruns)
    [item] = run.document()["results"]
    assert run.process.returncode == 1 and item["reruns"] == [] and item["seen"] is None, why
    assert not (run.reports_dir / "confirmations").exists()


@pytest.fixture(scope="module")
def flaky_run(tmp_path_factory):
    """A build that behaves as 1.4.111 on its first start, as 1.3.106 on its second, and so on, reporting
    1.3.106 (which refuses a missing directory): the run's verdict is a regression, its first rerun's not."""
    root = tmp_path_factory.mktemp("flaky")
    build = changing_double(root, 'if [ $(( start % 2 )) -eq 1 ]; then profile=1.4.111; else profile=1.3.106; fi')
    (root / "run").mkdir()
    catalogue = root / "catalogue.toml"  # of this one behaviour, so that the run is complete (and recordable)
    catalogue.write_text(catalogue_of(("add-folder-missing-dir-refused",)))
    return root, run_conformance(root / "run", "--sync-binary", str(build), "--sync-api-key", VALID_LOOKING_KEY,
                                 "--catalogue", str(catalogue), checks=CHECK, confirm_failures=2)


def test_a_flake_is_reported_as_a_flake_and_neither_fails_the_run_nor_is_met(flaky_run):
    _, run = flaky_run
    assert run.process.returncode == 0, run.output[-3000:]
    [item] = run.document()["results"]
    assert item["judgement"] == "flaky" and not item["fails"]
    assert item["seen"] == "contradicted 1 of 2, confirmed 1 of 2"
    assert [rerun["verdict"] for rerun in item["reruns"]] == ["confirmed"]  # flaky once met: no more reruns
    [summary] = [line for line in run.output.splitlines() if line.startswith("expectations:")]
    assert summary.endswith("none failing, but not all met: 1 flaky (not the same when run again: "
                            "add-folder-missing-dir-refused)")
    assert "FLAKY: add-folder-missing-dir-refused on 1.3.106: flaky: not the same when run again" in run.output
    assert "1 xfailed" in run.output and "REGRESSION" not in run.output


def test_a_rejudged_report_keeps_what_its_reruns_showed(flaky_run, tmp_path):
    root, run = flaky_run
    [report] = run.reports_dir.glob("sync-*.json")
    done = subprocess.run([sys.executable, "-m", "conformance.rejudge", str(report), "--catalogue",
                           str(root / "catalogue.toml"), "--reports-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "0 of 1 judgements changed" in done.stdout, done.stdout + done.stderr
    assert json.loads((tmp_path / report.name).read_text())["results"][0]["judgement"] == "flaky"


def _rerun(verdict, reason="x"):
    return {"verdict": verdict, "evidence": [{"verdict": verdict, "reason": reason}]}


def test_the_judgement_of_reruns_fails_only_what_failed_every_time():
    catalogue = load_catalogue()
    expectations = expectations_module.expectations_for("catalogue", catalogue, "1.3.106", "linux-x64")
    judge = lambda verdict, reruns: expectations.judge(  # noqa: E731
        "add-folder-missing-dir-refused", verdict, [{"verdict": verdict, "reason": "x"}], frozenset(), reruns)
    stable = judge("contradicted", [_rerun("contradicted"), _rerun("contradicted")])
    assert stable.kind == "regression" and stable.fails and stable.seen.startswith("failing 3 of 3")
    # failing every time, one run undecided: still failing, as the decided runs say
    mixed = judge("inconclusive", [_rerun("contradicted"), _rerun("inconclusive")])
    assert mixed.kind == "regression" and mixed.fails
    flaky = judge("contradicted", [_rerun("confirmed"), _rerun("contradicted")])
    assert flaky.kind == "flaky" and not flaky.fails and flaky.kind not in expectations_module.FAILING
    assert judge("confirmed", []).kind == "as expected" and judge("confirmed", []).seen is None


def test_a_complete_run_with_a_flake_says_none_failing_but_not_all_met():
    item = {"behaviour": "b", "verdict": "contradicted", "reason": "r", "judgement": "flaky", "fails": False,
            "accepted_undecided": False, "explanation": "b on 1.3.106: flaky: ...", "evidence": []}
    document = {"run_info": {"complete": True, "interrupted": None, "expectations": "catalogue"}, "results": [item]}
    lines = [line for line, _ in summary_lines(document, ["r.json"], None)]
    assert "expectations: catalogue; none failing, but not all met: 1 flaky (not the same when run again: b)" in lines
    assert "  FLAKY: b on 1.3.106: flaky: ..." in lines and exit_status(document) == 0


def test_a_flaky_behaviour_is_recorded_as_going_either_way_with_its_counts(flaky_run, tmp_path):
    root, run = flaky_run
    [report] = run.reports_dir.glob("sync-*.json")
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text((root / "catalogue.toml").read_text())
    done = subprocess.run([sys.executable, "-m", "conformance.expectations", "record", str(report), "--catalogue",
                           str(catalogue)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '+verdict = ["confirmed", "contradicted"]' in done.stdout and "+seen = {confirmed = 1, contradicted = 1}" in done.stdout
    [record] = [entry for entry in load_catalogue(catalogue)["add-folder-missing-dir-refused"].expect
                if entry.get("until") == "1.3.106"]
    assert record["seen"] == {"confirmed": 1, "contradicted": 1}
    again = subprocess.run([sys.executable, "-m", "conformance.rejudge", str(report), "--catalogue", str(catalogue),
                            "--reports-dir", str(tmp_path / "again")], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and "all met" in again.stdout, again.stdout
    [item] = json.loads((tmp_path / "again" / report.name).read_text())["results"]
    assert item["judgement"] == "expected departure" and not item["fails"]
    assert "flaky as recorded (catalogue 1.3.106..1.3.106 linux-x64: seen confirmed 1, contradicted 1)" in item["explanation"]


def test_a_seen_count_must_count_both_verdicts_of_an_either_way_record():
    assert seen_problem({"verdict": ["confirmed", "contradicted"], "seen": {"confirmed": 7, "contradicted": 3}}) is None
    assert "give verdict a list of both" in seen_problem({"verdict": "confirmed", "seen": {"confirmed": 2}})
    assert "at least once" in seen_problem({"verdict": ["confirmed", "contradicted"], "seen": {"confirmed": 2}})


def test_a_behaviour_undecided_because_of_a_selection_is_not_run_again(tmp_path):
    """Not judged because a check of it was deselected: a rerun of all its checks would decide it and
    call a selection flaky."""
    run = run_conformance(tmp_path, "-k", "not upper-case", checks=("conformance/test_http_status_on_error.py",),
                          confirm_failures=2)
    [item] = run.document()["results"]
    assert item["judgement"] == "not judged" and item["reruns"] == [] and run.process.returncode == 1


def test_reruns_stop_once_a_run_fails_broadly_and_what_is_left_says_it_is_not_confirmed(tmp_path):
    """1.4.111's behaviour reported as 1.3.106: four behaviours fail their judgement, each every time it is
    run. The first three are run again; the fourth is not (a run failing this broadly is no flake), and
    still fails, saying why it was not confirmed."""
    checks = ("conformance/test_add_folder_missing_dir_refused.py", "conformance/test_add_folder_non_empty_needs_force.py",
              "conformance/test_get_prefs_documented_keys.py", "conformance/test_set_prefs_round_trip.py")
    run = run_conformance(tmp_path, "--double-version", "1.3.106", checks=checks, confirm_failures=1)
    results = run.document()["results"]
    assert run.process.returncode == 1 and [item["fails"] for item in results] == [True] * 4, run.output[-2000:]
    rerun = [item for item in results if item["reruns"]]
    [left] = [item for item in results if not item["reruns"]]
    assert len(rerun) == 3 and all(item["seen"].startswith("failing 2 of 2") for item in rerun)
    assert left["unconfirmed"].startswith("3 behaviours had already failed on every rerun") and left["seen"] is None
    assert f"{left['behaviour']} on 1.3.106" in run.output and "not confirmed: 3 behaviours had already failed" in run.output
    assert len(list((run.reports_dir / "confirmations" / "sync-1.3.106-double").iterdir())) == 3


def test_a_rerun_runs_the_behaviours_its_wait_is_derived_from(tmp_path):
    """peers-known-hosts-without-restart waits twice what the restarted pair took: rerun alone it would
    have no such time and wait out --peer-deadline. Its rerun runs the restarted pair's check too, and
    only its own verdict is the rerun's."""
    restart_checks = ("conformance/test_peers_known_hosts_without_restart.py",
                      "conformance/test_peers_known_hosts_after_restart.py")
    # switched by hand, every behaviour is expected confirmed: this one is contradicted, and run again
    run = run_conformance(tmp_path, "--double-switches", "all,peers-known-hosts-without-restart=off",
                          "--peer-deadline", "30", checks=restart_checks, confirm_failures=1)
    item = next(item for item in run.document()["results"] if item["behaviour"] == "peers-known-hosts-without-restart")
    [rerun] = item["reruns"]
    rerun_report = json.loads((run.reports_dir / rerun["report"]).read_text())
    assert {result["behaviour"] for result in rerun_report["results"]} == {
        "peers-known-hosts-without-restart", "peers-known-hosts-after-restart"}
    [own] = [result for result in rerun_report["results"] if result["behaviour"] == "peers-known-hosts-without-restart"]
    assert rerun["verdict"] == own["verdict"] == "contradicted"
    assert "a restarted pair took" in own["reason"], own["reason"]  # not --peer-deadline: it had a time to wait from
