"""Secrets never reach a report; the JSON has the documented shape; the HTML leads with the behaviours."""
import json
import re

import pytest

from conformance.reporting.document import evidence_html
from conformance.reporting.plots import line_chart
from conformance.verdicts.outcome import CheckResult, behaviour_verdict
from fixtures.redaction import Redactor, secret_token
from tests.conftest import FAST, run_conformance

SECRET = "AFMH3WB4HXB6HFUXLUAQH5VEISLAYTALX"


def test_learned_secrets_keep_type_and_length_but_not_value():
    redactor = Redactor()
    redactor.learn_secrets([{"dir": "/x", "secret": SECRET}])
    assert redactor.text(f"secret={SECRET}&x") == f"secret={secret_token(SECRET)}&x"
    assert secret_token(SECRET).startswith("<A-secret/33:")


def test_secrets_of_other_shapes_a_build_hands_out_are_learned_too():
    """Seen in differential runs: a base64 read-only secret for a 47-character X secret (1.3.106), and a
    body in lower case echoed back (both builds)."""
    base64_secret, lower_case = "Uk9OTFnktu6UoXRrk47gcELvRViVhAMopmsA4gaBHtPxlVanePVb9Q==", "Azhpl7xkm7bf3bwjxaqyl6ldousgymuau"
    redactor = Redactor()
    redactor.learn_secrets({"read_only": base64_secret, "read_write": lower_case})
    shown = redactor.text(f"{base64_secret} and {lower_case}")
    assert base64_secret not in shown and lower_case not in shown and shown.startswith("<U-secret/56:")


def test_made_up_invalid_secrets_stay_visible_as_reproducers():
    redactor = Redactor()
    redactor.learn_secrets({"error": 3, "message": "Invalid secret."})
    assert redactor.text("secret=DJj98eY2XqsVf83R") == "secret=DJj98eY2XqsVf83R"


def test_api_key_and_password_in_any_encoding():
    redactor = Redactor()
    redactor.add("p@ss word", "<password>")
    assert redactor.value({"a": ["p@ss word", "p%40ss%20word", "p%40ss+word"]}) == {"a": ["<password>"] * 3}


def result(verdict, reason="r"):
    return CheckResult(check="c", behaviour="b", verdict=verdict, reason=reason, duration_s=0.1,
                       evidence={"facts": {"x": "<b>"}, "exchanges": [], "exchanges_total": 0, "crashes": [],
                                 "reproducers": [], "series": {}})


def test_fold_never_counts_unknown_as_a_pass():
    assert behaviour_verdict([result("confirmed"), result("inconclusive", "why")]) == ("inconclusive", "why")
    assert behaviour_verdict([result("confirmed"), result("contradicted", "no")]) == ("contradicted", "no")
    assert behaviour_verdict([])[0] == "inconclusive"


def test_evidence_html_escapes_what_the_build_said():
    assert "&lt;b&gt;" in evidence_html(result("confirmed").to_dict())


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


def test_a_made_up_secret_that_sync_echoes_back_stays_visible():
    redactor = Redactor()
    made_up = "Q" + "2" * 32  # the shape of a secret, but one Sync merely echoed back
    redactor.learn_secrets({"read_only": "B" + "C" * 32, "read_write": made_up}, supplied=made_up)
    assert redactor.text(made_up) == made_up
    assert redactor.text("B" + "C" * 32).startswith("<B-secret/33:")
