"""The outcome model: what a check proves, and the evidence it carries.

A check is a pytest test. Its outcome becomes a verdict:

- it returns normally: `confirmed` (the reason is what the check recorded with `evidence.because`);
- it fails an assertion: `contradicted` (the reason is the assertion message);
- it calls `inconclusive(reason)` or is skipped: `inconclusive`;
- anything else (a bug in a probe, a target that cannot be restarted) is a harness error: reported
  as such, shown as `inconclusive`, and it makes the pytest run fail. Unknown is never a pass.

Whatever the check ended with, the harness decides its verdict only after teardown, from that and from
every incident of the instances during the check (conformance/verdicts/verdict.py): a target that died, hung
or fell silent makes the check inconclusive.

A behaviour's verdict folds its checks: any contradicted -> contradicted; else any inconclusive ->
inconclusive; else confirmed.
"""
from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from _pytest.outcomes import Skipped

from conformance.verdicts import fingerprint
from fixtures.client import Exchange

CONFIRMED, CONTRADICTED, INCONCLUSIVE = "confirmed", "contradicted", "inconclusive"
# What a check's evidence keeps: the first exchanges, then those that went wrong (an error status, no
# answer, a slow answer), up to a bound; `exchanges_total` counts them all. Of its incidents, the first of
# each kind per instance, and a count of the rest: a dead peer polled until a deadline leaves thousands.
KEEP_EXCHANGES = 150
KEEP_UNUSUAL_EXCHANGES = 150
KEEP_INCIDENTS_OF_A_KIND = 20


class Inconclusive(Skipped):
    """Raised by a check that cannot decide; shown by pytest as a skip."""


def inconclusive(reason: str) -> None:
    raise Inconclusive(reason)


def _in_generated_example() -> bool:
    """Inside a Hypothesis example. Only the checks that generate examples import hypothesis: a run
    without them (and a run refused for a bad option) does not pay for importing it."""
    hypothesis = sys.modules.get("hypothesis")
    return hypothesis is not None and hypothesis.currently_in_test_context()


@dataclass
class Evidence:
    """What one check saw. Filled by the check and by the harness (exchanges, crashes)."""

    reason: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    exchanges: list[dict] = field(default_factory=list)
    exchanges_total: int = 0
    crashes: list[dict] = field(default_factory=list)  # deaths and hangs the harness blamed, with log tails
    incidents: list[dict] = field(default_factory=list)  # everything else that happened to an instance
    reproducers: list[str] = field(default_factory=list)
    series: dict[str, dict] = field(default_factory=dict)
    signatures: set[str] = field(default_factory=set)
    generated_signatures: set[str] = field(default_factory=set)  # from Hypothesis examples: not in the digest

    def record(self, exchange: Exchange) -> None:
        self.exchanges_total += 1
        kept = self.generated_signatures if _in_generated_example() else self.signatures
        kept.add(fingerprint.signature(exchange))
        unusual = exchange.status != 200 or exchange.slow
        if len(self.exchanges) < KEEP_EXCHANGES + (KEEP_UNUSUAL_EXCHANGES if unusual else 0):
            self.exchanges.append(exchange.to_dict())

    def absorb(self, other: Evidence) -> None:
        """Take over what another Evidence collected (a scenario that ran in a thread of its own)."""
        self.reason = other.reason or self.reason
        self.facts.update(other.facts)
        self.exchanges += other.exchanges
        self.exchanges_total += other.exchanges_total
        self.crashes += other.crashes
        self.incidents += other.incidents
        self.reproducers += other.reproducers
        self.series.update(other.series)
        self.signatures |= other.signatures
        self.generated_signatures |= other.generated_signatures

    def because(self, reason: str) -> None:
        """The readable reason for a confirmation (Autobahn style: say what was seen)."""
        self.reason = reason

    def note(self, name: str, value: Any) -> None:
        self.facts[name] = value

    def plot(self, name: str, points: list[tuple[float, float]], x_label: str, y_label: str,
             bands: list[tuple[float, float, str]] | None = None) -> None:
        """A series to draw in the report; `bands` shade x ranges (start, end, label)."""
        self.series[name] = {"points": points, "x": x_label, "y": y_label, "bands": bands or []}

    def reproduce_last_request(self, client) -> None:
        """Unless the check attached reproducers of its own: the curl and Python lines of the last request it
        sent to `client`'s instance (that a contradicted check always carries one is conformance/harness/check_results.py's doing)."""
        if self.reproducers:
            return
        sent = [record for record in self.exchanges
                if record["base_url"] == client.base_url and not record.get("health_probe")]
        if sent:
            exchange = Exchange.from_dict(sent[-1])
            self.reproducers += [client.curl(exchange), client.script(exchange)]

    def to_dict(self) -> dict:
        return {"facts": self.facts, "exchanges": self.exchanges, "exchanges_total": self.exchanges_total,
                "crashes": self.crashes, "incidents": kept_incidents(self.incidents), "reproducers": self.reproducers,
                "series": self.series,
                "fingerprint": {"digest": fingerprint.digest(self.signatures), "signatures": sorted(self.signatures),
                                "generated_signatures": sorted(self.generated_signatures)}}


def kept_incidents(incidents: list[dict]) -> list[dict]:
    """The first KEEP_INCIDENTS_OF_A_KIND incidents of each kind per instance, then one 'repeated'
    record per kind and instance counting the rest, with when the first and last of them happened."""
    kept, seen, rest = [], Counter(), {}
    for incident in incidents:
        key = (incident.get("instance"), incident["kind"])
        seen[key] += 1
        if seen[key] <= KEEP_INCIDENTS_OF_A_KIND:
            kept.append(incident)
        else:
            rest.setdefault(key, []).append(incident.get("at", 0.0))
    return kept + [{"kind": "repeated", "instance": instance, "of_kind": kind, "count": len(times),
                    "at": min(times), "last_at": max(times)} for (instance, kind), times in rest.items()]


@dataclass
class CheckResult:
    check: str
    behaviour: str
    verdict: str
    reason: str
    duration_s: float
    evidence: dict
    harness_error: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def behaviour_verdict(results: list[CheckResult]) -> tuple[str, str]:
    """A behaviour's verdict and reason from its checks' results."""
    if not results:
        return INCONCLUSIVE, "not run: no check of this behaviour was selected"
    for verdict in (CONTRADICTED, INCONCLUSIVE):
        matching = [result for result in results if result.verdict == verdict]
        if matching:
            return verdict, matching[0].reason
    reasons = list(dict.fromkeys(result.reason for result in results))
    if len(reasons) <= 3:
        return CONFIRMED, "; ".join(reasons)
    return CONFIRMED, f"all {len(results)} checks confirmed, e.g. {reasons[0]}"
