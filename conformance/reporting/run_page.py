"""A run's HTML, rendered from its JSON document alone, so that any report can be rendered again: the
summary pytest-html shows above its table, each check's evidence (the behaviour table's details and
each pytest-html row), and a page of its own (`page_html`)."""
from __future__ import annotations

import jinja2
from markupsafe import Markup

from conformance.reporting import pages

HTML_EXCHANGES = 40  # a check's exchanges and incidents shown; the JSON keeps them all


def behaviour_anchor(behaviour_id: str) -> str:
    """The id of a behaviour's row in a run's HTML report (index.html links to it)."""
    return f"behaviour-{behaviour_id}"


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


def evidence_html(check: dict) -> str:
    """One check's verdict, reason and evidence, from its record in the document."""
    return pages.render("check.html.j2", result=check, exchanges_shown=HTML_EXCHANGES)


def summary_html(document: dict) -> str:
    info = document["run_info"]
    facts = [("target", info["target_description"]), ("version", info["version"]),
             ("version reported by the API", info["api_version"]), ("--help banner", info["banner"]),
             ("binary sha256", info["binary_sha256"]), ("network", info["network_isolation"]),
             ("platform", info["target_platform"]), ("expectations", info["expectations"]),
             ("hypothesis seed", info["hypothesis_seed"]), ("restarts after crashes", info["restarts"]),
             ("started again", "; ".join(info.get("start_notes") or []) or None),
             ("suite", f'{info["suite_version"]} ({info["suite_commit"] or "no git commit"})'),
             ("run", f'{info["started"]} to {info["finished"]}'), ("judged again", _rejudged(info))]
    return pages.render("run_summary.html.j2", info=info, facts=facts, results=document["results"],
                        latencies=peer_latencies(document["results"]), exchanges_shown=HTML_EXCHANGES)


def _rejudged(info: dict) -> str | None:
    rejudged = info.get("rejudged")
    if not rejudged:
        return None
    return (f'{rejudged["at"]} by python -m conformance.rejudge (catalogue: {rejudged["catalogue"]}), from '
            f'{rejudged["report"]}, which was judged against {rejudged["was_judged_against"]}')


class MalformedReport(ValueError):
    pass


def page_html(document: dict) -> str:
    """The run's page without pytest-html: the summary and every behaviour's evidence; MalformedReport
    where a part of the document is missing or of another shape."""
    try:
        return pages.render("run.html.j2", info=document["run_info"], summary=Markup(summary_html(document)))
    except (KeyError, TypeError, AttributeError, jinja2.UndefinedError) as error:
        raise MalformedReport(f"a part of the report is missing or malformed ({error})") from None
