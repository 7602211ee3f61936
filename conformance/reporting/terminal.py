"""The end of a run's terminal output, from its JSON document: each behaviour's verdict and judgement,
and where the reports went."""
from __future__ import annotations

from pathlib import Path

from conformance.verdicts import expectations as expectations_module
from fixtures.untrusted import printable


def summary_lines(document: dict, written: list[Path | str | None], write_error: str | None) -> list[tuple[str, bool]]:
    """(line, whether it reports a problem): each behaviour's verdict, what the expectations made of them,
    and where the reports went (`written`: the JSON, HTML and XML paths, those not written None), or why
    they were not written."""
    info, results = document["run_info"], document["results"]
    lines = []
    for item in results:
        marker = "" if item["judgement"] == expectations_module.AS_EXPECTED else (
            " (expected)" if item["judgement"] == expectations_module.EXPECTED_DEPARTURE else
            f" ({item['judgement']}, accepted)" if item["accepted_undecided"] else f" ({item['judgement'].upper()})")
        lines.append((f"{item['verdict']:>13}  {item['behaviour']}{marker}: {item['reason']}"[:300], False))
    failing = [item for item in results if item["fails"]]
    harness_errors = _harness_errors(document)
    problems = [f"{len(failing)} behaviour{'s' * (len(failing) != 1)} failing them"] * bool(failing)
    problems += [f"{len(harness_errors)} harness error{'s' * (len(harness_errors) != 1)}"] * bool(harness_errors)
    if not info["complete"]:
        problems.append(f"run incomplete ({info['interrupted'] or info['selection'] or 'not every selected check ran'}): "
                        f"{info['checks_decided']} of {info['checks_selected']} checks decided")
    if not results:
        problems.append("no behaviour decided")
    accepted = sum(item["accepted_undecided"] for item in results)
    flaky = [item for item in results if item["judgement"] == expectations_module.FLAKY]
    met = "all met" + (f" ({accepted} undecided, accepted by --allow-undecided)" if accepted else "")
    if flaky:  # neither failing nor met: the run passes, and says why it is not "all met"
        met = (f"none failing, but not all met: {len(flaky)} flaky (not the same when run again: "
               f"{', '.join(item['behaviour'] for item in flaky)})")
    if flaky and problems:
        problems.append(f"{len(flaky)} flaky")
    lines.append((f"expectations: {info['expectations']}; " + ("; ".join(problems) if problems else met),
                  bool(problems)))
    if waited := token_wait_text(info.get("cpu_token_waits")):
        lines.append((f"machine's CPU token: {waited}", False))
    lines += [(f"  {item['judgement'].upper()}: {item['explanation']}"[:400], True) for item in failing]
    lines += [(f"  FLAKY: {item['explanation']}"[:400], False) for item in flaky]
    if write_error:
        lines.append((f"ERROR: {write_error}; the verdicts above are all this run keeps", True))
        return lines
    kept = "" if info["complete"] else " (incomplete, so named .partial: no complete report is replaced)"
    *others, last = [str(path) for path in written if path]
    lines.append((f"reports: {', '.join(others)} and {last}{kept}" if others else f"report: {last}{kept}", False))
    return lines


def token_wait_text(waits: dict | None) -> str:
    """What a run waited for the machine's CPU token (fixtures/cpu_token.py), "" when it did not wait."""
    if not waits or not (waits["place_waits"] or waits["machine_waits"] or waits["places_gone_without"]
                         or waits["machines_not_had"]):
        return ""
    parts = [f"waited {waits['place_s']:g} s for a place ({waits['place_waits']} waits)",
             f"{waits['machine_s']:g} s for the whole machine ({waits['machine_waits']} CPU windows)"]
    parts += [f"{waits['places_gone_without']} phases went without a place"] * bool(waits["places_gone_without"])
    parts += [f"{waits['machines_not_had']} CPU windows did not get the machine"] * bool(waits["machines_not_had"])
    return ", ".join(parts)


def _harness_errors(document: dict) -> list[dict]:
    return [check for item in document["results"] for check in item["evidence"] if check.get("harness_error")]


def exit_status(document: dict) -> int:
    """The exit status pytest gives the run: 2 where it was interrupted, 1 where a behaviour fails its
    judgement or a check met a harness error, else 0."""
    if (document["run_info"]["interrupted"] or "").startswith("interrupted"):  # Ctrl-C or SIGTERM
        return 2
    return 1 if any(item["fails"] for item in document["results"]) or _harness_errors(document) else 0


def write_summary(terminalreporter, document: dict, written: list, write_error: str | None) -> None:
    terminalreporter.section("behaviour verdicts")
    for line, problem in summary_lines(document, written, write_error):
        # reasons quote answers: no escape sequence gets through
        terminalreporter.write_line(printable(line), red=problem)
