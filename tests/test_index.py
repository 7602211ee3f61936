"""conformance/reporting/index.py and `python -m conformance.fold`: the index across versions and the diff of two runs."""
import re
import subprocess
import sys

import pytest

from conformance import fold as fold_command
from conformance.reporting import index
from tests.conftest import ROOT, write_report


# -- the fold -------------------------------------------------------------------------------------------
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
    assert 'class="v-confirmed j-as-expected changed"' in row_a
    assert row_a.endswith('<td class="first-changed">1.4.111</td><td></td>')
    assert 'href="sync-1.4.111.html#behaviour-a"' in row_a
    row_c = header[header.index("<th title=\"c statement\">"):].split("</tr>")[0]
    assert row_c.count('class="v-confirmed j-as-expected reshaped"') == 2  # answers changed at 1.4.82, and back at 1.4.111
    assert "<svg" in page


def test_each_cell_shows_its_judgement_and_the_filters_are_addresses(tmp_path):
    """An expected departure and a regression are both 'contradicted', and look apart; a partial run is
    marked; a departure that changed is named; each view of the filters is a fragment of the address."""
    write_report(tmp_path, "1.3.106", {"a": "contradicted", "b": "contradicted", "c": "confirmed"},
                 judgements={"a": "expected departure", "b": "expected departure"}, reasons={"b": "keys ['x']"})
    write_report(tmp_path, "1.4.111", {"a": "contradicted", "b": "contradicted", "c": "confirmed", "d": "confirmed"},
                 judgements={"a": "expected departure", "b": "departs differently", "d": "flaky"},
                 reasons={"b": "keys ['y']"}, kinds={"c": "api-contract"})
    write_report(tmp_path, "1.4.120", {"a": "contradicted", "c": "inconclusive"}, partial=True,
                 judgements={"a": "regression", "c": "not judged"}, kinds={"c": "api-contract"})
    page = index.index_html(index.load_runs(tmp_path))
    rows = {re.search(r'<th title="[^"]*">([^<]+)</th>', row).group(1): row
            for row in page[page.index("<tbody>"):].split("<tr class=")[1:]}
    assert 'class="v-contradicted j-expected-departure"' in rows["a"] and "\u2248 expected departure" in rows["a"]
    assert 'class="v-contradicted j-regression partial fails"' in rows["a"] and "\u25bc REGRESSION" in rows["a"]
    assert 'class="v-contradicted j-departs-differently fails departed"' in rows["b"]  # departs another way
    assert rows["b"].startswith('"kind-documented-quirk changing failing"')
    assert rows["c"].startswith('"kind-api-contract failing"') and "? NOT JUDGED" in rows["c"]
    assert '<td class="first-changed">1.4.111</td>' in rows["b"]  # the run where the departure changed
    assert 'class="v-confirmed j-flaky"' in rows["d"] and "~ flaky" in rows["d"]  # neither outlined nor as expected
    views = {view["id"]: view for view in index.filter_views()}
    assert len(views) == 4 * 2 * 2
    css = index.filter_css(list(views.values()))
    assert "#view-api-contract_all_failing:target ~ table.behaviours tbody tr:not(.kind-api-contract){display:none}" in css
    assert "#view-api-contract_all_failing:target ~ table.behaviours tbody tr:not(.failing){display:none}" in css
    assert "#view-all_all_all:target ~ table.behaviours" not in css  # the default view hides nothing
    # each view links to the views that change one filter, keeping the others
    links = dict(views["view-api-contract_all_failing"]["links"])
    assert ("changing", "view-api-contract_changing_failing", False) in links["rows"]
    assert 'id="view-api-contract_changing_failing"' in page and 'href="#view-all_all_failing"' in page


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
    assert page.count("<tr class=\"kind-") == 400 and "<script" not in page
