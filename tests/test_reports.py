"""conformance/reporting/: the JSON has the documented shape, no folder secret reaches a report, the HTML
(rendered from the JSON) leads with the behaviours and escapes what the build said."""
import html as html_lib
import json
import re
import subprocess
import sys

import pytest

from conformance.reporting.plots import line_chart
from conformance.reporting.run_page import evidence_html
from tests.conftest import FAST, ROOT, made_up_result, run_conformance


def test_evidence_html_escapes_what_the_build_said():
    assert "&lt;b&gt;" in evidence_html(made_up_result("confirmed").to_dict())


def test_plot_is_inline_svg():
    svg = line_chart([(0, 1), (1, 90)], "seconds", "% of one core", bands=[(0, 0.5, "idle")])
    assert svg.startswith("<svg") and "polyline" in svg and "idle" in svg


# Checks that only use secrets the instance handed out (the crash hunts send made-up ones, which stay
# visible by design), plus many-folders-cpu-load for the plots.
SECRET_HANDLING_CHECKS = ("conformance/test_add_folder_secret_not_encryption_capable.py",
                          "conformance/test_generated_secret_format.py", "conformance/test_response_shapes.py",
                          "conformance/test_folder_lifecycle_model.py", "conformance/test_many_folders_cpu_load.py")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return run_conformance(tmp_path_factory.mktemp("report"), *FAST, checks=SECRET_HANDLING_CHECKS)


def test_json_report_has_the_documented_fields(run):
    document = run.document()
    assert document["format"] == "sync-conformance-report/1"
    info = document["run_info"]
    assert info["version"] == "1.4.111" and info["target"] == "reference double"
    assert info["hypothesis_seed"] is not None and info["started"] and info["finished"]
    for item in document["results"]:
        assert item["verdict"] in ("confirmed", "contradicted", "inconclusive")
        assert item["reason"] and item["duration_s"] >= 0 and item["evidence"]
    assert info["target_platform"] == "linux-x64" and info["expectations"].startswith("catalogue, for 1.4.111")
    assert info["suite_version"] and info["banner"].startswith("BitTorrent Sync 1.4.111")
    assert (run.reports_dir / "sync-1.4.111-double.partial.html").is_file()  # a selection of checks
    junit = (run.reports_dir / "sync-1.4.111-double.partial.xml").read_text()
    assert junit.startswith("<?xml") and 'name="verdict"' in junit


def test_no_secret_of_any_folder_reaches_the_reports(run):
    text = json.dumps(run.document()) + run.html() + (run.reports_dir / "sync-1.4.111-double.partial.xml").read_text()
    exchanges = [exchange for item in run.document()["results"] for check in item["evidence"]
                 for exchange in check["evidence"]["exchanges"]]
    assert any("-secret/" in exchange["text"] for exchange in exchanges)
    found = re.findall(r"\b[A-F][A-Z2-7]{32}(?:[A-Z2-7]{26})?\b", text)
    assert not found, f"secret-shaped values reached a report: {[value[:4] + '...' for value in found]}"


def test_html_says_the_target_is_the_double_and_leads_with_behaviours(run):
    html = run.html()
    assert "NOT a BitTorrent Sync build" in html
    assert html.index("<h2>Behaviours</h2>") < html.index("many-folders-cpu-load")
    assert "<svg" in html


def test_a_report_is_rendered_again_from_its_json_alone(run, tmp_path):
    """The page pytest-html shows and the page `fold page` renders from the JSON alone carry the same
    behaviour rows, verdicts and evidence: the HTML comes from the document."""
    [report] = run.reports_dir.glob("sync-*.json")
    page = tmp_path / "again.html"
    done = subprocess.run([sys.executable, "-m", "conformance.fold", "page", str(report), "--output", str(page)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    again, shown = page.read_text(), html_lib.unescape(run.html())
    rows = re.findall(r'id="behaviour-([a-z0-9-]+)"', again)
    assert rows and rows == re.findall(r'id=\\?"behaviour-([a-z0-9-]+)\\?"', shown)
    for item in run.document()["results"]:
        assert f'class="verdict-{item["verdict"]}">{item["verdict"]}</td>' in again
        assert html_lib.escape(item["evidence"][0]["check"], quote=False) in again
    assert "NOT a BitTorrent Sync build" in again and "<svg" in again


def test_a_malformed_report_is_one_line_naming_the_file(tmp_path):
    report = tmp_path / "sync-1.4.111.json"
    report.write_text(json.dumps({"format": "sync-conformance-report/1", "run_info": {"version": "1.4.111"},
                                  "results": [{"behaviour": "x"}]}))
    done = subprocess.run([sys.executable, "-m", "conformance.fold", "page", str(report)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"ERROR: {report}: a part of the report is missing or malformed"), done.stderr
