"""conformance/rejudge.py: a report judged again against an edited catalogue is judged as a fresh run of
that build against that catalogue is, over every judgement kind, with the same terminal lines and exit
status; the run's verdicts and evidence stay as they were."""
import json
import re
import subprocess
import sys

import pytest

from conformance.verdicts import expectations as expectations_module
from conformance.verdicts.catalogue import CATALOGUE_PATH
from conformance.verdicts.catalogue import load as load_catalogue
from conformance.verdicts.expectations import reason_shape
from tests.conftest import ROOT, run_conformance

CHECKS = tuple(f"conformance/test_{name}.py" for name in (
    "get_folder_peers_empty", "paths_slashes_escaped", "add_folder_missing_dir_refused",
    "add_folder_outcome_under_result", "remove_folder_removes", "get_folders_by_secret_is_array",
    "get_secrets_type_encrypted_ignored", "unknown_secret_answers_empty", "get_prefs_documented_keys",
    "http_status_on_error"))
# one check of http-status-on-error left out: the behaviour is inconclusive, its record says confirmed
OPTIONS = ("-k", "not (test_bad_method_name_answers_200_with_error and upper-case)", "--allow-undecided",
           "get-secrets-type-encrypted-ignored", "--hypothesis-seed", "7")


def _entry(since, until, verdict, departure=None) -> str:
    lines = ["[[behaviour.expect]]", f'since = "{since}"', f'until = "{until}"', 'platform = "linux-x64"',
             f'verdict = "{verdict}"']
    return "\n".join(lines + [f"departure = {json.dumps(departure)}"] * (departure is not None)) + "\n"


def _edits() -> dict[str, str]:
    """Records that turn the double's 1.4.111 verdicts into every judgement there is."""
    prefs_departure = load_catalogue()["get-prefs-documented-keys"].expect[1]["departure"]
    return {
        "add-folder-missing-dir-refused": _entry("1.3.106", "1.4.111", "confirmed"),  # regression
        "add-folder-outcome-under-result": _entry("1.3.106", "1.4.111", "contradicted",  # departs differently
                                                  "add_folder answered \\{'error': 1\\}"),
        "remove-folder-removes": _entry("1.3.106", "1.4.111", "contradicted", "remove_folder kept it"),  # stale
        "get-folders-by-secret-is-array": _entry("1.3.106", "1.4.0", "contradicted", "an object"),  # fixed
        "get-secrets-type-encrypted-ignored": _entry("2.0.0", "2.0.0", "confirmed"),  # not recorded, accepted
        "unknown-secret-answers-empty": _entry("2.0.0", "2.0.0", "confirmed"),  # not recorded
        # between a record that confirms and one that departs as 1.4.111 does: behaves as the later one
        "get-prefs-documented-keys": _entry("1.3.106", "1.3.106", "confirmed")
        + _entry("1.5.0", "1.5.0", "contradicted", prefs_departure),
    }


def with_records(catalogue_text: str, records: dict[str, str]) -> str:
    """The catalogue with each named behaviour's [[behaviour.expect]] entries replaced by `records`."""
    blocks = catalogue_text.split("\n[[behaviour]]\n")
    for number, block in enumerate(blocks[1:], 1):
        behaviour_id = re.search(r'^id = "([^"]+)"', block, re.M).group(1)
        if behaviour_id in records:
            blocks[number] = block.split("[[behaviour.expect]]")[0].rstrip("\n") + "\n" + records[behaviour_id]
    return "\n[[behaviour]]\n".join(blocks)


def rejudge(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance.rejudge", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def judgements(document: dict) -> dict[str, tuple]:
    return {item["behaviour"]: (item["judgement"], item["fails"], item["accepted_undecided"], item["expected"],
                                item["expected_from"], item["explanation"]) for item in document["results"]}


def verdict_lines(output: str) -> list[str]:
    """The lines of the behaviour verdicts and what the expectations made of them, paths and figures folded."""
    lines = output.splitlines()
    first = next(number for number, line in enumerate(lines) if re.match(r"\s*(confirmed|contradicted|inconclusive)  ", line))
    last = next(number for number, line in enumerate(lines) if line.startswith(("reports:", "report:")))
    return [reason_shape(line) for line in lines[first:last]]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The double's run against the suite's catalogue, and a fresh one against the edited catalogue."""
    root = tmp_path_factory.mktemp("rejudge")
    edited = root / "catalogue.toml"
    edited.write_text(with_records(CATALOGUE_PATH.read_text(), _edits()))
    (root / "first").mkdir()
    (root / "fresh").mkdir()
    first = run_conformance(root / "first", *OPTIONS, checks=CHECKS)
    fresh = run_conformance(root / "fresh", *OPTIONS, "--catalogue", str(edited), checks=CHECKS)
    return root, edited, first, fresh


def test_a_report_judged_again_is_judged_as_a_fresh_run_against_that_catalogue(runs):
    root, edited, first, fresh = runs
    report = first.reports_dir / "sync-1.4.111-double.partial.json"
    done = rejudge(report, "--catalogue", edited, "--reports-dir", root / "again")
    again = json.loads((root / "again" / report.name).read_text())
    assert judgements(again) == judgements(fresh.document())
    kinds = {judgement for judgement, *_ in judgements(again).values()}
    assert kinds == {expectations_module.AS_EXPECTED, expectations_module.EXPECTED_DEPARTURE,
                     expectations_module.REGRESSION, expectations_module.DEPARTS_DIFFERENTLY, expectations_module.STALE,
                     expectations_module.FIXED, expectations_module.NOT_JUDGED, expectations_module.NOT_RECORDED}
    assert "behaves as catalogue 1.5.0" in judgements(again)["get-prefs-documented-keys"][4]
    assert judgements(again)["get-secrets-type-encrypted-ignored"][2] is True  # the run's --allow-undecided holds
    assert done.returncode == fresh.process.returncode == 1, done.stdout + done.stderr
    assert verdict_lines(done.stdout) == verdict_lines(fresh.output)
    assert "6 of 10 judgements changed" in done.stdout  # get-prefs-documented-keys stays an expected departure
    # what the run observed is untouched, and the page is rendered from the rejudged document
    observed = [(item["verdict"], item["reason"], item["evidence"]) for item in first.document()["results"]]
    assert [(item["verdict"], item["reason"], item["evidence"]) for item in again["results"]] == observed
    page = (root / "again" / report.with_suffix(".html").name).read_text()
    assert page.count('class="judgement-regression"') == 1 and "judged again" in page


def test_judged_again_against_the_catalogue_it_was_run_with_nothing_changes(runs):
    root, _, first, _ = runs
    done = rejudge(first.reports_dir / "sync-1.4.111-double.partial.json", "--reports-dir", root / "same")
    assert "0 of 10 judgements changed" in done.stdout
    assert done.returncode == first.process.returncode, done.stdout + done.stderr
    assert verdict_lines(done.stdout) == verdict_lines(first.output)


@pytest.mark.parametrize("case", ["not-json", "not-a-report", "own-path", "partial-baseline", "unknown-id",
                                  "unknown-behaviour"])
def test_a_report_that_cannot_be_judged_again_is_one_line(runs, tmp_path, case):
    _, _, first, _ = runs
    report = first.reports_dir / "sync-1.4.111-double.partial.json"
    args, wanted = {
        "not-json": ((tmp_path / "x.json",), "not JSON"),
        "not-a-report": ((tmp_path / "x.json",), "not a sync-conformance-report/1 report"),
        "own-path": ((report, "--reports-dir", report.parent), "would replace it"),
        "partial-baseline": ((report, "--baseline", report), "a partial run"),
        "unknown-id": ((report, "--allow-undecided", "no-such-behaviour"), "no behaviour no-such-behaviour"),
        "unknown-behaviour": ((tmp_path / "x.json",), "is not in the catalogue"),
    }[case]
    document = json.loads(report.read_text())
    (tmp_path / "x.json").write_text({"not-json": "{", "not-a-report": "{}"}.get(case) or json.dumps(
        {**document, "results": [{**document["results"][0], "behaviour": "gone-behaviour"}]}))
    done = rejudge(*args, *(("--reports-dir", tmp_path / "out") if "--reports-dir" not in args else ()))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and wanted in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
