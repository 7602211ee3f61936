"""A run's JSON document (format FORMAT), built once when the run ends: the source of truth that the HTML
(conformance/reporting/run_page.py) and the terminal summary are rendered from. Check evidence arrives
redacted (conformance/harness/check_results.py); run_info is redacted here by `run.redactor`.
"""
from __future__ import annotations

import platform
import subprocess
import time

import conformance
from conformance.verdicts import expectations as expectations_module
from fixtures.build import PROJECT_ROOT

FORMAT = "sync-conformance-report/1"


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
        "target_platform": run.platform, "expectations": run.expectations.label,
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
        "cpu_token_waits": run.cpu_token_waits(),
    }


def behaviour_results(run) -> list[dict]:
    results = []
    for behaviour in run.catalogue.values():
        outcome = run.behaviour_outcome(behaviour.id)
        if outcome is None:
            continue
        results.append({
            "behaviour": behaviour.id, "statement": behaviour.statement, "source": behaviour.source,
            "kind": behaviour.kind, "verdict": outcome.verdict, "reason": outcome.reason,
            **judgement_fields(behaviour.id, run.version, outcome.verdict, outcome.judgement),
            "duration_s": round(sum(check.duration_s for check in outcome.checks), 3),
            "evidence": [check.to_dict() for check in outcome.checks],
            "reruns": run.reruns.get(behaviour.id, []),
        })
    return results


def judgement_fields(behaviour_id: str, version: str, verdict: str, judgement: expectations_module.Judgement) -> dict:
    """What a behaviour's record says of its judgement (written by a run, and again by conformance.rejudge)."""
    expectation = judgement.expectation
    return {
        "expected": expectation.verdict if expectation and judgement.kind != expectations_module.NOT_RECORDED
        else None,
        "expected_from": expectation.source if expectation else None, "judgement": judgement.kind,
        "fails": judgement.fails, "accepted_undecided": judgement.accepted,
        "expected_note": expectation.note if expectation else None,
        "seen": judgement.seen, "unconfirmed": judgement.unconfirmed,
        "explanation": expectations_module.explain(behaviour_id, version, verdict, expectation, judgement.kind,
                                                   judgement.seen, judgement.unconfirmed),
    }


def run_document(run) -> dict:
    return {"format": FORMAT, "run_info": run.redactor.value(run_info(run)),
            "results": behaviour_results(run)}
