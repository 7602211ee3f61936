"""The end of a run's terminal output: each behaviour's verdict and judgement, and the reports."""
from __future__ import annotations

import pytest

from conformance.harness.suite_run import SuiteRun
from conformance.reporting import document as report
from conformance.verdicts import expectations as expectations_module
from fixtures.untrusted import printable


def write_summary(terminalreporter, run: SuiteRun, config: pytest.Config) -> None:
    """Each behaviour's verdict, what the expectations made of them, and where the reports went."""
    def write_line(text: str, **markup) -> None:  # reasons quote answers: no escape sequence gets through
        terminalreporter.write_line(printable(text), **markup)

    terminalreporter.section("behaviour verdicts")
    results = report.behaviour_results(run)
    for item in results:
        marker = "" if item["judgement"] == expectations_module.AS_EXPECTED else (
            " (expected)" if item["judgement"] == expectations_module.EXPECTED_DEPARTURE else
            f" ({item['judgement']}, accepted)" if item["accepted_undecided"] else f" ({item['judgement'].upper()})")
        write_line(f"{item['verdict']:>13}  {item['behaviour']}{marker}: {item['reason']}"[:300])
    failing = [item for item in results if item["fails"]]
    harness_errors = [result for result in run.results if result.harness_error]
    problems = [f"{len(failing)} behaviour{'s' * (len(failing) != 1)} failing them"] * bool(failing)
    problems += [f"{len(harness_errors)} harness error{'s' * (len(harness_errors) != 1)}"] * bool(harness_errors)
    if not run.complete:
        problems.append(f"run incomplete ({run.interrupted or run.selection or 'not every selected check ran'}): "
                        f"{len({result.check for result in run.results})} of {len(run.selected)} checks decided")
    if not results:
        problems.append("no behaviour decided")
    accepted = sum(item["accepted_undecided"] for item in results)
    met = "all met" + (f" ({accepted} undecided, accepted by --allow-undecided)" if accepted else "")
    write_line(f"expectations: {report.expectations_label(run)}; " + ("; ".join(problems) if problems else met),
               red=bool(problems))
    for item in failing:
        write_line(f"  {item['judgement'].upper()}: {item['explanation']}"[:400], red=True)
    if run.write_error:
        write_line(f"ERROR: {run.write_error}; the verdicts above are all this run keeps", red=True)
        return
    kept = "" if run.complete else " (incomplete, so named .partial: no complete report is replaced)"
    write_line(f"reports: {run.json_path}, {config.option.htmlpath} and {config.option.xmlpath}{kept}")

