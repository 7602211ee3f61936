"""Benchmark: a full default conformance run per target, one after the other, against its floor (figures,
not assertions).

    python -m tests.bench_run [TARGET ...]     TARGET as conformance/harness/target_specs.py writes it; default:
                                               double. Real builds need SYNC_API_KEY.

The floor is what no scheduling of the checks can beat: start-up (from launch to the first request of
the first check) plus the longest any one behaviour takes by itself (a peer scenario from its start to
its end, any other behaviour its checks one after the other). The ratio is wall time over floor.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conformance.harness.target_specs import choice_for, conformance_command

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FACT = "seconds the scenario ran"  # conformance/helpers/peers.py
# what ended a wait, where a wait says (conformance/helpers/peers.py, test_peers_known_hosts_without_restart.py)
ENDED_FACTS = ("what ended the wait", "what set the length of the watch")


def behaviour_seconds(result: dict) -> float:
    """How long a behaviour takes by itself: its peer scenario's own time, or its checks' time."""
    scenario = [check["evidence"]["facts"].get(SCENARIO_FACT) for check in result["evidence"]]
    scenario = [seconds for seconds in scenario if isinstance(seconds, (int, float))]
    return max(scenario) if scenario else sum(check["duration_s"] for check in result["evidence"])


def what_ended(result: dict) -> str:
    said = [f"{fact}: {check['evidence']['facts'][fact]}" for check in result["evidence"] for fact in ENDED_FACTS
            if fact in check["evidence"]["facts"]]
    return "; ".join(said) or "its checks' own time"


def measure(spec: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-run-") as reports:
        launched = time.time()
        done = subprocess.run(conformance_command(choice_for(spec), reports), cwd=ROOT, capture_output=True, text=True)
        wall = time.time() - launched
        found = sorted(Path(reports).glob("sync-*.json"))
        if not found:
            return {"target": spec, "error": f"no report (exit {done.returncode}): {done.stdout[-300:]}"}
        document = json.loads(found[0].read_text())
    checks = [check for result in document["results"] for check in result["evidence"]]
    first_request = min(exchange["started"] for check in checks for exchange in check["evidence"]["exchanges"])
    longest = max(document["results"], key=behaviour_seconds)
    floor = (first_request - launched) + behaviour_seconds(longest)
    requests = sum(check["evidence"].get("exchanges_total", len(check["evidence"]["exchanges"])) for check in checks)
    verdicts = [result["verdict"] for result in document["results"]]
    return {"target": spec, "version": document["run_info"]["version"], "wall_s": wall,
            "startup_s": first_request - launched, "longest": longest["behaviour"],
            "longest_s": behaviour_seconds(longest), "longest_ended": what_ended(longest), "floor_s": floor,
            "ratio": wall / floor,
            # the checks other than the peers' run one after another: their sum is a floor of its own
            "in_series_s": sum(behaviour_seconds(result) for result in document["results"]
                               if not any(SCENARIO_FACT in check["evidence"]["facts"] for check in result["evidence"])),
            "requests": requests, "requests_per_s": requests / wall, "exit": done.returncode,
            "verdicts": "/".join(str(verdicts.count(verdict)) for verdict in
                                 ("confirmed", "contradicted", "inconclusive")),
            # the reports are gone with the temp dir: why a figure may not be a clean run's
            "inconclusive": [f"{result['behaviour']}: {result['reason'][:160]}" for result in document["results"]
                             if result["verdict"] == "inconclusive"]}


def table(rows: list[dict]) -> str:
    lines = ["| target | version | wall s | start-up s | longest behaviour (s) | what ended its wait | floor s | "
             "wall/floor | other checks in series s | requests | requests/s | confirmed/contradicted/inconclusive | "
             "exit |", "|" + "---|" * 13]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['target']} | {row['error']} |" + " |" * 11)
            continue
        lines.append(f"| {row['target']} | {row['version']} | {row['wall_s']:.0f} | {row['startup_s']:.1f} | "
                     f"{row['longest']} ({row['longest_s']:.0f}) | {row['longest_ended']} | {row['floor_s']:.0f} | "
                     f"{row['ratio']:.2f} | {row['in_series_s']:.0f} | {row['requests']} | {row['requests_per_s']:.0f} | {row['verdicts']} | {row['exit']} |")
    return "\n".join(lines)


def main(targets: list[str]) -> None:
    rows = []
    for spec in targets or ["double"]:
        print(f"running {spec} ...", file=sys.stderr, flush=True)
        rows.append(measure(spec))
    print(table(rows))
    for row in rows:
        for line in row.get("inconclusive", []):
            print(f"{row['target']}: inconclusive {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
