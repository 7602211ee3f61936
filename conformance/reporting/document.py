"""The run's reports: the JSON document (the source of truth, format FORMAT) and the HTML pieces
pytest-html shows (behaviour table first, evidence in every row). Everything is redacted before it
arrives here: check evidence by the plugin, free text by `run.redactor`.
"""
from __future__ import annotations

import json
import platform
import subprocess
import time
from html import escape

import pytest_html.extras

import conformance
from conformance.reporting import plots
from conformance.verdicts import expectations as expectations_module
from conformance.verdicts.verdict import describe as describe_incident
from fixtures.build import PROJECT_ROOT

FORMAT = "sync-conformance-report/1"
HTML_EXCHANGES = 40


def _suite_commit() -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=5)
    except OSError:
        return None
    return done.stdout.strip() or None


def run_info(run) -> dict:
    build, kind = run.opened.build, run.opened.kind
    target = {"attached": run.target.base_url, "reference-double": "reference double"}.get(kind) or build.description
    return {
        "version": run.version, "api_version": run.api_version,
        "version_mismatch": bool(build and run.api_version and run.api_version != build.version),
        "banner": build.banner if build else None, "target": target, "target_kind": kind,
        "target_description": run.opened.label,
        "binary_sha256": build.sha256 if build else None, "network_isolation": run.opened.isolation,
        "target_platform": run.platform, "expectations": expectations_label(run),
        "platform": platform.platform(), "machine": platform.machine(), "python": platform.python_version(),
        "suite_version": conformance.__version__, "suite_commit": _suite_commit(),
        "hypothesis_seed": run.seed, "restarts": run.target.restarts,
        "start_notes": list(getattr(run.target, "start_notes", [])),
        "complete": run.complete, "interrupted": run.interrupted, "selection": run.selection,
        "checks_selected": len(run.selected), "checks_decided": len({result.check for result in run.results}),
        "behaviours_not_run": sorted({behaviour for behaviour, check in run.last_check_of.items()
                                      if not any(result.behaviour == behaviour for result in run.results)}),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(run.started)),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "options": run.options,
    }


def behaviour_results(run) -> list[dict]:
    results = []
    for behaviour in run.catalogue.values():
        outcome = run.behaviour_outcome(behaviour.id)
        if outcome is None:
            continue
        verdict, reason, checks = outcome.verdict, outcome.reason, outcome.checks
        expectation, judgement = outcome.expectation, outcome.judgement
        results.append({
            "behaviour": behaviour.id, "statement": behaviour.statement, "source": behaviour.source,
            "kind": behaviour.kind, "verdict": verdict, "reason": reason,
            "expected": expectation.verdict if expectation and judgement != expectations_module.NOT_RECORDED
            else None,
            "expected_from": expectation.source if expectation else None, "judgement": judgement,
            "fails": outcome.fails, "accepted_undecided": outcome.accepted,
            "expected_note": expectation.note if expectation else None,
            "explanation": expectations_module.explain(behaviour.id, run.version, verdict, expectation, judgement),
            "duration_s": round(sum(check.duration_s for check in checks), 3),
            "evidence": [check.to_dict() for check in checks],
        })
    return results


def run_document(run) -> dict:
    return {"format": FORMAT, "run_info": run.redactor.value(run_info(run)),
            "results": behaviour_results(run)}


def expectations_label(run) -> str:
    expectations = run.expectations
    if expectations.mode == "baseline":
        other = "" if expectations.baseline_version == run.version else (
            f", a run of {expectations.baseline_version}, another version than this run's")
        return f"baseline {run.options['baseline']}{other}"
    if expectations.mode == "none" and run.options["expectations"] != "none":
        return "none: the double's switches were set by hand, so it imitates no build (every behaviour must be confirmed)"
    if expectations.mode == "none":
        return "none (every behaviour must be confirmed)"
    return f"catalogue, for {run.version} on {run.platform or 'an unknown platform'}"


# -- HTML -----------------------------------------------------------------------------------------------
STYLE = """<style>
.verdict-confirmed{color:#137333;font-weight:bold}.verdict-contradicted{color:#c5221f;font-weight:bold}
.verdict-inconclusive{color:#b06000;font-weight:bold}
table.behaviours{border-collapse:collapse;margin:8px 0;width:100%}
table.behaviours td,table.behaviours th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
table.evidence{border-collapse:collapse;font-size:12px}table.evidence td,table.evidence th{border:1px solid #ddd;padding:2px 4px;vertical-align:top}
.judgement-regression,.judgement-stale,.judgement-fixed,.judgement-departs-differently,.judgement-not-judged,
.judgement-not-recorded{background:#fce8e6;font-weight:bold}.judgement-accepted{background:#fef7e0}
.double-banner{background:#fef7e0;border:2px solid #f9ab00;padding:8px;margin:8px 0;font-weight:bold}
pre.evidence{white-space:pre-wrap;max-height:240px;overflow:auto;background:#f8f8f8;padding:4px}
</style>"""


def _cell(value, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return escape(text if len(text) <= limit else text[:limit - 3] + "...")


def _fact_html(value) -> str:
    """A list of records (directory listings, say) as a table; anything else as text."""
    if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        columns = list(dict.fromkeys(key for row in value for key in row))
        head = "".join(f"<th>{escape(str(column))}</th>" for column in columns)
        body = "".join("<tr>" + "".join(f"<td>{_cell(row.get(column, ''), 120)}</td>" for column in columns) + "</tr>"
                       for row in value[:200])
        return f'<table class="evidence"><tr>{head}</tr>{body}</table>'
    return _cell(value, 600)


def peer_latencies(results: list[dict]) -> list[tuple[str, float]]:
    """(scenario: what, seconds) for every 'seconds until ...' the peer scenarios measured."""
    bars = []
    for item in results:
        for check in item["evidence"]:
            for name, value in check["evidence"]["facts"].items():
                if name.startswith("seconds until") and isinstance(value, (int, float)):
                    bars.append((f"{item['behaviour'].removeprefix('peers-')}: {name.removeprefix('seconds until ')}"[:90],
                                 float(value)))
    return bars


def evidence_html(result: dict) -> str:
    """One check's verdict, reason and evidence as HTML (used in the behaviour table and the test rows)."""
    evidence = result["evidence"]
    parts = [f'<p><span class="verdict-{result["verdict"]}">{result["verdict"]}</span> '
             f'{escape(result["check"])} ({result["duration_s"]:.2f} s): {escape(result["reason"])}</p>']
    if result.get("harness_error"):
        parts.append(f'<p><b>harness error:</b> {escape(result["harness_error"])}</p>')
    if evidence["facts"]:
        rows = "".join(f"<tr><th>{escape(name)}</th><td>{_fact_html(value)}</td></tr>"
                       for name, value in evidence["facts"].items())
        parts.append(f'<table class="evidence">{rows}</table>')
    for reproducer in evidence["reproducers"]:
        parts.append(f'<p>reproducer:</p><pre class="evidence">{escape(reproducer)}</pre>')
    for crash in evidence["crashes"]:
        parts.append(f'<p><b>crash:</b> {escape(str(crash.get("process")))} '
                     f'(blamed on {escape(str(crash.get("blamed_on", "this check")))})</p>'
                     f'<pre class="evidence">{escape(crash.get("log_tail") or "")}</pre>')
    incidents = evidence.get("incidents") or []
    if incidents:
        rows = "".join(f"<tr><td>{escape(incident['kind'])}</td><td>{escape(str(incident.get('instance')))}</td>"
                       f"<td>{escape(describe_incident(incident))}</td></tr>" for incident in incidents[:HTML_EXCHANGES])
        parts.append('<p><b>what happened to the instances meanwhile:</b></p><table class="evidence"><tr><th>incident'
                     f'</th><th>instance</th><th>what</th></tr>{rows}</table>')
    for name, series in evidence["series"].items():
        parts.append(f"<p>{escape(name)}</p>" + plots.line_chart(
            series["points"], series["x"], series["y"], series.get("bands")))
    exchanges = evidence["exchanges"]
    if exchanges:
        rows = "".join(
            f"<tr><td>{_cell(exchange['params'], 160)}</td><td>{exchange['status'] or ''}</td>"
            f"<td>{exchange['elapsed_ms']:.1f}</td>"
            f"<td>{_cell(exchange['transport_error'] or exchange['text'], 240)}</td></tr>"
            for exchange in exchanges[:HTML_EXCHANGES])
        more = evidence["exchanges_total"] - min(len(exchanges), HTML_EXCHANGES)
        parts.append('<table class="evidence"><tr><th>query</th><th>HTTP</th><th>ms</th><th>answer</th></tr>'
                     f"{rows}</table>" + (f"<p>{more} more exchanges in the JSON report.</p>" if more else ""))
    return "".join(parts)


def summary_html(run) -> list[str]:
    info = run_info(run)
    parts = [STYLE]
    if not info["complete"]:
        why = info["interrupted"] or info["selection"] or "not every selected check ran"
        not_run = ", ".join(info["behaviours_not_run"]) or "none"
        parts.append(f'<div class="double-banner">This run is INCOMPLETE ({escape(why)}): {info["checks_decided"]} '
                     f'of {info["checks_selected"]} checks decided; behaviours not run: {escape(not_run)}.</div>')
    if info["target_kind"] == "reference-double":
        parts.append(f'<div class="double-banner">Target: the reference double ({escape(info["target_description"])}'
                     f'). This is the suite\'s own stand-in, NOT a BitTorrent Sync build: these verdicts '
                     f'describe the double.</div>')
    facts = {"target": info["target_description"], "version": info["version"],
             "version reported by the API": info["api_version"], "--help banner": info["banner"],
             "binary sha256": info["binary_sha256"], "network": info["network_isolation"],
             "platform": info["target_platform"], "expectations": info["expectations"],
             "hypothesis seed": info["hypothesis_seed"], "restarts after crashes": info["restarts"],
             "started again": "; ".join(info["start_notes"]) or None,
             "suite": f'{info["suite_version"]} ({info["suite_commit"] or "no git commit"})',
             "run": f'{info["started"]} to {info["finished"]}'}
    parts.append('<table class="evidence">' + "".join(
        f"<tr><th>{escape(name)}</th><td>{_cell(value)}</td></tr>" for name, value in facts.items()
        if value is not None) + "</table>")
    rows = []
    for item in behaviour_results(run):
        details = "".join(evidence_html(check) for check in item["evidence"])
        expected = escape(item["judgement"]) + (" (accepted: --allow-undecided)" if item["accepted_undecided"] else "")
        if item["expected_from"]:
            wanted = f'expected {escape(item["expected"])} ' if item["expected"] else ""
            expected += f'<br><small>{wanted}({escape(item["expected_from"])})</small>'
        if item["expected_note"]:
            expected += f'<br><small class="note">recorded: {escape(item["expected_note"])}</small>'
        rows.append(f'<tr id="{behaviour_anchor(item["behaviour"])}"><td><b>{escape(item["behaviour"])}</b><br>'
                    f'<small>{escape(item["statement"])}<br>source: {escape(item["source"])}</small></td>'
                    f'<td class="verdict-{item["verdict"]}">{item["verdict"]}</td>'
                    f'<td class="judgement-{"accepted" if item["accepted_undecided"] else item["judgement"].replace(" ", "-")}">'
                    f'{expected}</td>'
                    f'<td>{escape(item["reason"])}<details><summary>evidence ({len(item["evidence"])} '
                    f'checks)</summary>{details}</details></td></tr>')
    parts.append('<h2>Behaviours</h2><table class="behaviours"><tr><th>behaviour</th><th>verdict</th>'
                 '<th>against expectations</th><th>reason and evidence</th></tr>' + "".join(rows) + "</table>")
    latencies = peer_latencies(behaviour_results(run))
    if latencies:
        parts.append("<h2>Peer scenarios: how long each step took</h2>" +
                     plots.bar_chart(latencies, "seconds", width=900))
    return [run.redactor.text(part) for part in parts]


def behaviour_anchor(behaviour_id: str) -> str:
    """The id of a behaviour's row in a run's HTML report (index.html links to it)."""
    return f"behaviour-{behaviour_id}"


def attach_html_extras(test_report, result) -> None:
    extras = getattr(test_report, "extras", [])
    extras.append(pytest_html.extras.html(evidence_html(result.to_dict())))
    test_report.extras = extras


class HtmlReportHooks:
    """pytest-html hooks that need the run (registered as a plugin object for one conformance run)."""

    def __init__(self, run):
        self.run = run

    def pytest_html_report_title(self, report):
        report.title = f"Sync {self.run.version} conformance"

    def pytest_html_results_summary(self, prefix, summary, postfix, session):
        prefix.extend(summary_html(self.run))

    def pytest_html_results_table_header(self, cells):
        cells.insert(1, '<th class="sortable" data-column-type="behaviour">Behaviour</th>')
        cells.insert(2, '<th class="sortable" data-column-type="verdict">Verdict</th>')

    def pytest_html_results_table_row(self, report, cells):
        properties = dict(report.user_properties)
        verdict = properties.get("verdict", "")
        cells.insert(1, f'<td class="col-behaviour">{escape(properties.get("behaviour", ""))}</td>')
        cells.insert(2, f'<td class="col-verdict verdict-{verdict}">{verdict}</td>')

    def pytest_html_results_table_html(self, report, data):
        data[:] = [self.run.redactor.text(item) for item in data]
