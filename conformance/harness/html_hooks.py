"""pytest-html's part of a run: its page shows the run's summary and each check's evidence, rendered from
the run's JSON document (conformance/reporting/run_page.py)."""
from __future__ import annotations

from html import escape

import pytest_html.extras

from conformance.reporting import run_page


def attach_evidence(test_report, check: dict) -> None:
    """A check's evidence under its row of pytest-html's table."""
    extras = getattr(test_report, "extras", [])
    extras.append(pytest_html.extras.html(run_page.evidence_html(check)))
    test_report.extras = extras


class HtmlReportHooks:
    """pytest-html hooks that need the run (registered as a plugin object for one conformance run)."""

    def __init__(self, run):
        self.run = run

    def pytest_html_report_title(self, report):
        report.title = f"Sync {self.run.version} conformance"

    def pytest_html_results_summary(self, prefix, summary, postfix, session):
        """The document is built at the session's end, before pytest-html writes its page."""
        prefix.append(self.run.redactor.text(run_page.summary_html(self.run.document)))

    def pytest_html_results_table_header(self, cells):
        cells.insert(1, '<th class="sortable" data-column-type="behaviour">Behaviour</th>')
        cells.insert(2, '<th class="sortable" data-column-type="verdict">Verdict</th>')

    def pytest_html_results_table_row(self, report, cells):
        properties = dict(report.user_properties)
        verdict = escape(properties.get("verdict", ""), quote=True)  # ours (three words), escaped all the same
        cells.insert(1, f'<td class="col-behaviour">{escape(properties.get("behaviour", ""))}</td>')
        cells.insert(2, f'<td class="col-verdict verdict-{verdict}">{verdict}</td>')

    def pytest_html_results_table_html(self, report, data):
        data[:] = [self.run.redactor.text(item) for item in data]
