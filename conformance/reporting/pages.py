"""The suite's HTML from jinja2 templates (conformance/reporting/templates/): a run's page, the index
across versions, the diff of two runs and a differential run's report. Values are escaped by the
templates, and their control characters shown (fixtures/untrusted.printable)."""
from __future__ import annotations

import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from conformance.reporting import plots
from conformance.verdicts.verdict import describe as describe_incident
from fixtures.untrusted import printable


def _shown(value):
    """Every value a template prints: control characters (escape sequences, bidirectional overrides) shown
    as escapes, as on the terminal, instead of reaching the page invisible; markup already made is left."""
    return printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value


_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                                  autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True, finalize=_shown)
_ENVIRONMENT.filters["as_json"] = lambda value: json.dumps(value, ensure_ascii=False)  # escaped by the template
# the charts escape their own labels
_ENVIRONMENT.filters["line_chart"] = lambda series: Markup(plots.line_chart(
    series["points"], series["x"], series["y"], series.get("bands")))
_ENVIRONMENT.filters["bar_chart"] = lambda bars: Markup(plots.bar_chart(bars, "seconds", width=900))
_ENVIRONMENT.filters["describe_incident"] = describe_incident


def render(template: str, **values) -> str:
    return _ENVIRONMENT.get_template(template).render(**values)
