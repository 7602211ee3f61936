"""What a run expects of each behaviour, and how an observed verdict is judged against it.

Expectations come from one of three places (`--expectations`):

- `catalogue` (default): each behaviour's `[[behaviour.expect]]` entries, version ranges (`since`,
  `until`, both inclusive and optional) on a platform, each with a verdict, or a list of both verdicts
  where a build was seen to go either way (then neither fails the run). An expected contradiction
  carries `departure`, a regular expression its reason must match: the way the build was seen to depart. Outside every range a behaviour is expected to be
  confirmed: the catalogue states how Sync should behave, the ranges record where builds depart.
- a baseline: the verdicts of an earlier run's JSON report (`--baseline FILE`), so CI fails only on
  what changed since.
- `none`: every behaviour is expected to be confirmed (documentation verification).

Judgements, per behaviour:

- `as expected`: confirmed where confirmed was expected;
- `expected departure`: contradicted where contradicted was expected (shown as a strict xfail);
- `regression`: contradicted where confirmed was expected (the run fails);
- `departs differently`: contradicted where a contradiction was expected, but for another reason than
  the recorded one (other keys missing, another error code): the run fails;
- `stale`: confirmed where contradicted was expected: the build no longer departs, the expectation is
  out of date (the run fails, like a strict xfail that passed);
- `undecided`: inconclusive; nothing to judge (never a failure, never a pass).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from conformance.outcome import CONFIRMED, CONTRADICTED, INCONCLUSIVE

AS_EXPECTED, EXPECTED_DEPARTURE, REGRESSION, STALE, UNDECIDED, DEPARTS_DIFFERENTLY = (
    "as expected", "expected departure", "regression", "stale", "undecided", "departs differently")
FAILING = (REGRESSION, STALE, DEPARTS_DIFFERENTLY)


def version_key(version: str | None) -> tuple:
    """Orders versions numerically ('1.4.111' after '1.4.82'); text that is not a version sorts last."""
    parts = re.findall(r"\d+", version or "")
    return (0, tuple(int(part) for part in parts)) if parts else (1, (version or "",))


@dataclass(frozen=True)
class Expectation:
    verdicts: tuple[str, ...]  # one, or both where a build was seen to go either way
    source: str  # where it comes from, for messages: "catalogue 1.3.106..1.4.111 linux-x64", "baseline FILE"
    note: str | None = None
    departure: str | None = None  # a regular expression an expected contradiction's reason matches

    @property
    def verdict(self) -> str:
        return " or ".join(self.verdicts)


def _platform_matches(wanted: str | None, platform: str | None) -> bool:
    """'linux-x64' matches 'linux-x64', and 'linux' when the run's architecture is unknown."""
    if not wanted or not platform:
        return True
    return wanted == platform or wanted.split("-")[0] == platform


def from_catalogue(behaviour, version: str, platform: str | None) -> Expectation:
    for entry in behaviour.expect:
        since, until = entry.get("since"), entry.get("until")
        if since and version_key(version) < version_key(since):
            continue
        if until and version_key(version) > version_key(until):
            continue
        if not _platform_matches(entry.get("platform"), platform):
            continue
        where = f"{since or '...'}..{until or '...'}" + (f" {entry['platform']}" if entry.get("platform") else "")
        verdicts = entry["verdict"] if isinstance(entry["verdict"], list) else [entry["verdict"]]
        return Expectation(tuple(verdicts), f"catalogue {where}", entry.get("note"), entry.get("departure"))
    return Expectation((CONFIRMED,), "catalogue statement (no recorded departure for this version)")


class BaselineError(ValueError):
    pass


def load_baseline(path: Path) -> dict[str, Expectation]:
    """Verdicts of an earlier run's JSON report, by behaviour; BaselineError naming the problem."""
    try:
        document = json.loads(Path(path).read_text())
    except OSError as error:
        raise BaselineError(f"--baseline {path}: cannot read it ({error.strerror}); pass a report JSON "
                            f"written by an earlier run (reports/sync-<version>.json)") from None
    except ValueError as error:
        raise BaselineError(f"--baseline {path}: not JSON ({error}); pass a report JSON written by an "
                            f"earlier run") from None
    if not isinstance(document, dict) or not str(document.get("format", "")).startswith("sync-conformance-report/"):
        raise BaselineError(f"--baseline {path}: not a conformance report (no 'format: sync-conformance-report/N'); "
                            f"pass reports/sync-<version>.json from an earlier run")
    version = document.get("run_info", {}).get("version")
    return {item["behaviour"]: Expectation((item["verdict"],), f"baseline {Path(path).name} ({version})")
            for item in document.get("results", []) if item.get("verdict") in (CONFIRMED, CONTRADICTED)}


@dataclass(frozen=True)
class Expectations:
    """The run's expectations: `mode` is 'catalogue', 'baseline' or 'none'."""
    mode: str
    catalogue: dict
    version: str
    platform: str | None
    baseline: dict[str, Expectation] | None = None

    def for_behaviour(self, behaviour_id: str) -> Expectation | None:
        if self.mode == "baseline":
            return self.baseline.get(behaviour_id)  # a behaviour new since the baseline: no expectation
        if self.mode == "catalogue" and behaviour_id in self.catalogue:
            return from_catalogue(self.catalogue[behaviour_id], self.version, self.platform)
        return Expectation((CONFIRMED,), "no recorded departures apply to this run")


def judge(verdict: str, expectation: Expectation | None, reason: str = "") -> str:
    if verdict == INCONCLUSIVE or expectation is None:
        return UNDECIDED
    if verdict in expectation.verdicts:
        if verdict == CONFIRMED:
            return AS_EXPECTED
        if expectation.departure and not re.search(expectation.departure, reason):
            return DEPARTS_DIFFERENTLY
        return EXPECTED_DEPARTURE
    return STALE if verdict == CONFIRMED else REGRESSION


def explain(behaviour_id: str, version: str, verdict: str, expectation: Expectation, judgement: str) -> str:
    """One line naming the behaviour, the version and what changed (for the terminal, CI logs, xfails)."""
    if judgement == STALE:
        return (f"stale expectation: {behaviour_id} on {version}: expected contradicted ({expectation.source}), "
                f"the build now confirms it")
    if judgement == REGRESSION:
        return f"{behaviour_id} on {version}: expected confirmed ({expectation.source}), the build contradicts it"
    if judgement == DEPARTS_DIFFERENTLY:
        return (f"{behaviour_id} on {version}: contradicted, but not the way {expectation.source} records "
                f"(its reason should match {expectation.departure!r})")
    if judgement == EXPECTED_DEPARTURE:
        return f"{behaviour_id} on {version}: contradicted, as expected ({expectation.source})"
    return f"{behaviour_id} on {version}: {verdict}"
