"""The suite's HTML pages from jinja2 templates (conformance/reporting/templates/): the index across versions, the
diff of two runs and a differential run's report. Values are escaped by the templates."""
from __future__ import annotations

import json
from pathlib import Path

import jinja2

_ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                                  autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True)
_ENVIRONMENT.filters["as_json"] = lambda value: json.dumps(value, ensure_ascii=False)  # escaped by the template


def render(template: str, **values) -> str:
    return _ENVIRONMENT.get_template(template).render(**values)
