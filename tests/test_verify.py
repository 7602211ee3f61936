"""conformance/verify.py and conformance/verdicts/stability.py: every behaviour N times, on fresh instances and
on one; a behaviour that goes either way at random is flaky with the counts it was dealt, one that is the same
every time is stable, and a behaviour never decided is not stable."""
import json
import random
import subprocess
import sys

from conformance.verdicts import stability
from conformance.verdicts.stability import Observation
from tests.conftest import ROOT, VALID_LOOKING_KEY, changing_double, child_environment

CHECK = "test_add_folder_missing_dir_refused"  # 1.3.106 refuses a missing directory (confirmed), 1.4.111 does not
SEED = 3


def _verify(tmp_path, *args, timeout=600):
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "conformance.verify", "--reports-dir", str(tmp_path / "reports"), *args]
    process = subprocess.run(command, cwd=ROOT, env=child_environment(scratch), capture_output=True, text=True,
                             timeout=timeout)
    found = sorted((tmp_path / "reports" / "verify").glob("*.json"))
    return process, json.loads(found[0].read_text()) if found else None


def _row(document, behaviour):
    return next(row for row in document["behaviours"] if row["behaviour"] == behaviour)


def seeded_profiles(starts: int) -> list[str]:
    """The profile of each start of the wrapper below: at random, from SEED."""
    return ["1.3.106" if random.Random(SEED * 1000 + start).random() < 0.5 else "1.4.111"
            for start in range(1, starts + 1)]


def test_a_behaviour_going_either_way_at_random_is_flaky_with_the_counts_it_was_dealt(tmp_path):
    """A wrapper starts the double as 1.3.106 or as 1.4.111 at random (seeded) on every start, reporting
    1.3.106: each restart run sees a fresh draw, the loop's one instance one draw for all its runs."""
    draw = "import sys; from tests.test_verify import seeded_profiles; print(seeded_profiles(int(sys.argv[1]))[-1])"
    build = changing_double(tmp_path, f'profile=$(PYTHONPATH="{ROOT}" "{sys.executable}" -c "{draw}" $start)')
    process, document = _verify(tmp_path, str(build), "--runs", "4", "--sync-api-key", VALID_LOOKING_KEY,
                                "--", "-k", CHECK)
    assert process.returncode == 1, process.stdout[-3000:] + process.stderr[-2000:]
    dealt = seeded_profiles(5)  # four restart runs, then the loop's one instance
    expected = {"confirmed": dealt[:4].count("1.3.106"), "contradicted": dealt[:4].count("1.4.111")}
    assert 0 < expected["confirmed"] < 4, "the seed deals both ways"
    row = _row(document, "add-folder-missing-dir-refused")
    assert row["modes"]["restart"]["class"] == "flaky" and row["modes"]["restart"]["counts"] == expected
    minority = min(expected, key=expected.get)
    assert {run["verdict"] for run in row["modes"]["restart"]["differing"]} == {minority}
    loop_verdict = "confirmed" if dealt[4] == "1.3.106" else "contradicted"
    assert row["modes"]["loop"] == {"class": "stable", "counts": {loop_verdict: 4}, "differing": []}
    assert row["mode_effect"] == "flaky in restart mode only"
    assert "FLAKY (restart): add-folder-missing-dir-refused" in process.stdout and "not stable" in process.stdout
    page = (tmp_path / "reports" / "verify" / f"{document['name']}.html").read_text()
    assert "flaky in restart mode only" in page and 'href="verify/' in (tmp_path / "reports" / "index.html").read_text()


def test_a_behaviour_the_same_every_time_is_stable_and_the_run_exits_0(tmp_path):
    process, document = _verify(tmp_path, "double", "--runs", "2", "--", "-k", f"{CHECK} or get_version_matches")
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-2000:]
    for behaviour, verdict in (("add-folder-missing-dir-refused", "contradicted"),
                               ("get-version-matches-banner", "confirmed")):
        row = _row(document, behaviour)
        assert row["modes"]["restart"] == {"class": "stable", "counts": {verdict: 2}, "differing": []}, behaviour
    assert document["stable"] and "stable: every behaviour, in every mode" in process.stdout


def test_each_class_of_the_stability_rule():
    def seen(*verdicts, reasons=None):
        return [Observation(run, verdict, ((reasons or {}).get(run, "took 1.5 s"),))
                for run, verdict in enumerate(verdicts, 1)]
    assert stability.classify(seen("confirmed", "confirmed"))["class"] == "stable"
    # figures differ: the same observation
    assert stability.classify(seen("confirmed", "confirmed", reasons={2: "took 9.25 s"}))["class"] == "stable"
    flaky = stability.classify(seen("confirmed", "contradicted", "confirmed"))
    assert flaky["class"] == "flaky" and flaky["counts"] == {"confirmed": 2, "contradicted": 1}
    assert flaky["differing"] == [{"run": 2, "verdict": "contradicted", "reasons": ["took 1.5 s"]}]
    varies = stability.classify(seen("contradicted", "contradicted", reasons={2: "error 105"}))
    assert varies["class"] == "observations vary" and varies["differing"][0]["run"] == 2
    assert stability.classify(seen("confirmed", "inconclusive"))["class"] == "sometimes undecided"
    # undecided every time is not stable, nor is a behaviour a run did not hold
    assert stability.classify(seen("inconclusive", "inconclusive"))["class"] == "never decided"
    assert stability.classify(seen("not run", "not run"))["class"] == "never decided"


def test_across_modes_a_flake_or_a_verdict_of_its_own_follows_the_mode():
    stable = lambda verdict: {"class": "stable", "counts": {verdict: 3}}  # noqa: E731
    flaky = {"class": "flaky", "counts": {"confirmed": 2, "contradicted": 1}}
    assert stability.mode_effect({"restart": flaky, "loop": stable("confirmed")}) == "flaky in restart mode only"
    assert stability.mode_effect({"restart": stable("confirmed"), "loop": stable("contradicted")}) == \
        "follows the mode: confirmed in restart, contradicted in loop"
    assert stability.mode_effect({"restart": stable("confirmed"), "loop": stable("confirmed")}) is None
    assert stability.mode_effect({"restart": flaky}) is None
    # loop mode held it back: nothing says the flake follows the mode
    never = {"class": "never decided", "counts": {"inconclusive": 3}}
    assert stability.mode_effect({"restart": flaky, "loop": never}) is None


def test_a_run_that_wrote_no_report_is_not_read_from_an_earlier_verify(tmp_path):
    """The same reports dir verified again: a run that writes nothing has no report, not the old one."""
    import json as json_module

    from conformance import verify
    into = tmp_path / "verify" / "1.4.111" / "restart-1"
    into.mkdir(parents=True)
    (into / "sync-1.4.111.json").write_text(json_module.dumps({"run_info": {}, "results": [
        {"behaviour": "b", "verdict": "confirmed", "evidence": []}]}))
    run = verify._run_once("restart", 1, [sys.executable, "-c", "pass"], {}, into)
    assert run["report"] is None and run["results"] == [] and run["counts"] == {}
