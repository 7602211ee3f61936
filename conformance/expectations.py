"""What a run expects of each behaviour, and how an observed verdict is judged against it.

Expectations come from one of three places (`--expectations`):

- `catalogue` (default): each behaviour's `[[behaviour.expect]]` entries, version ranges (`since`,
  `until`, both inclusive and optional) on a platform, each with a verdict, or a list of both verdicts
  where a build was seen to go either way (then neither fails the run). An expected contradiction
  carries `departure`, a regular expression its reason must match: the way the build was seen to depart.
  A version no range covers is judged by its nearest recorded neighbours (see `from_catalogue`).
- a baseline: the verdicts of an earlier run's JSON report (`--baseline FILE`), so CI fails only on
  what changed since.
- `none`: every behaviour is expected to be confirmed (documentation verification).

Judgements, per behaviour:

- `as expected`: confirmed where confirmed was expected;
- `expected departure`: contradicted where contradicted was expected (shown as a strict xfail);
- `regression`: contradicted where confirmed was expected, or where the newest recorded version
  confirmed it (the run fails);
- `departs differently`: contradicted where a contradiction was expected, but for another reason than
  the recorded one (other keys missing, another error code): the run fails;
- `stale`: confirmed where contradicted was expected: the build no longer departs, the expectation is
  out of date (the run fails, like a strict xfail that passed);
- `fixed`: confirmed by a version newer than every record, where the newest recorded version departed
  (the run fails, like a strict xfail that passed, until the new version is recorded);
- `unknown between`: the recorded versions on either side disagree; reported, never a failure;
- `not recorded`: nothing recorded at or below this version (or its version is unknown); reported,
  never a failure;
- `undecided`: inconclusive; nothing to judge (never a failure, never a pass).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from conformance.outcome import CONFIRMED, CONTRADICTED, INCONCLUSIVE

(AS_EXPECTED, EXPECTED_DEPARTURE, REGRESSION, STALE, FIXED, UNDECIDED, DEPARTS_DIFFERENTLY, UNKNOWN_BETWEEN,
 NOT_RECORDED) = ("as expected", "expected departure", "regression", "stale", "fixed", "undecided",
                  "departs differently", "unknown between", "not recorded")
FAILING = (REGRESSION, STALE, FIXED, DEPARTS_DIFFERENTLY)
REPORTED_ONLY = (UNKNOWN_BETWEEN, NOT_RECORDED)  # what the build did is reported, and judged neither way

# How an expectation was reached
RECORDED, CARRIED_FORWARD, UNKNOWN, UNRECORDED = "recorded", "carried forward", "unknown", "unrecorded"


def version_key(version: str | None) -> tuple:
    """Orders versions numerically ('1.4.111' after '1.4.82'); text that is not a version sorts last."""
    parts = re.findall(r"\d+", version or "")
    return (0, tuple(int(part) for part in parts)) if parts else (1, (version or "",))


@dataclass(frozen=True)
class Expectation:
    verdicts: tuple[str, ...]  # one, or both where a build was seen to go either way
    # what it was compared with, for messages: "catalogue 1.3.106..1.4.111 linux-x64", "baseline FILE"
    source: str
    note: str | None = None
    departure: str | None = None  # a regular expression an expected contradiction's reason matches
    basis: str = RECORDED

    @property
    def verdict(self) -> str:
        return " or ".join(self.verdicts)


def _platform_matches(wanted: str | None, platform: str | None) -> bool:
    """'linux-x64' matches 'linux-x64', and 'linux' when the run's architecture is unknown."""
    if not wanted or not platform:
        return True
    return wanted == platform or wanted.split("-")[0] == platform


def _entries_for_platform(behaviour, platform: str | None) -> tuple[list[dict], str]:
    """The entries that speak of this platform; failing those, the nearest platform's (the same
    operating system first), and a note saying so."""
    entries = [entry for entry in behaviour.expect if _platform_matches(entry.get("platform"), platform)]
    if entries or not behaviour.expect:
        return entries, ""
    system = (platform or "").split("-")[0]
    recorded = sorted({entry["platform"] for entry in behaviour.expect},
                      key=lambda name: (name.split("-")[0] != system, name))
    nearest = recorded[0]
    return ([entry for entry in behaviour.expect if entry["platform"] == nearest],
            f" (nothing recorded for {platform}; judged against {nearest})")


def _verdicts(entry: dict) -> tuple[str, ...]:
    return tuple(entry["verdict"] if isinstance(entry["verdict"], list) else [entry["verdict"]])


def _where(entry: dict) -> str:
    return f"{entry.get('since') or '...'}..{entry.get('until') or '...'}" + (
        f" {entry['platform']}" if entry.get("platform") else "")


def from_catalogue(behaviour, version: str, platform: str | None) -> Expectation:
    """The expectation for `version` on `platform`: the range that covers it; else its nearest recorded
    neighbours: the same on both sides is expected as recorded, different is unknown; above the newest
    record, the newest is carried forward; below the oldest (or with no version), nothing is expected."""
    entries, nearest_platform = _entries_for_platform(behaviour, platform)
    key = version_key(version)
    if not entries or key[0] == 1:
        why = "nothing recorded for this behaviour" if not entries else f"version {version!r} is not a number"
        return Expectation((CONFIRMED, CONTRADICTED), f"catalogue: {why}{nearest_platform}", basis=UNRECORDED)
    for entry in entries:
        since, until = entry.get("since"), entry.get("until")
        if (not since or key >= version_key(since)) and (not until or key <= version_key(until)):
            return Expectation(_verdicts(entry), f"catalogue {_where(entry)}{nearest_platform}", entry.get("note"),
                               entry.get("departure"))
    below = max(((entry["until"], entry) for entry in entries if entry.get("until")
                 and version_key(entry["until"]) < key), key=lambda pair: version_key(pair[0]), default=None)
    above = min(((entry["since"], entry) for entry in entries if entry.get("since")
                 and version_key(entry["since"]) > key), key=lambda pair: version_key(pair[0]), default=None)
    platform_named = f" {below[1]['platform']}" if below and below[1].get("platform") else ""
    if below and not above:
        (newest, entry) = below
        return Expectation(_verdicts(entry), f"catalogue {newest}{platform_named}, the newest record, carried "
                           f"forward{nearest_platform}", entry.get("note"), entry.get("departure"), CARRIED_FORWARD)
    if above and not below:
        return Expectation((CONFIRMED, CONTRADICTED), f"catalogue: older than every record (the oldest is "
                           f"{above[0]}{nearest_platform})", basis=UNRECORDED)
    (lower, lower_entry), (upper, upper_entry) = below, above
    if _verdicts(lower_entry) != _verdicts(upper_entry):
        return Expectation((CONFIRMED, CONTRADICTED), f"catalogue: unknown between {lower} "
                           f"({' or '.join(_verdicts(lower_entry))}) and {upper} ({' or '.join(_verdicts(upper_entry))})"
                           f"{platform_named}{nearest_platform}", basis=UNKNOWN)
    departures = [entry.get("departure") for entry in (lower_entry, upper_entry) if entry.get("departure")]
    departure = "|".join(f"(?:{pattern})" for pattern in dict.fromkeys(departures)) or None
    notes = "; ".join(dict.fromkeys(entry["note"] for entry in (lower_entry, upper_entry) if entry.get("note")))
    return Expectation(_verdicts(lower_entry), f"catalogue {lower} and {upper}{platform_named}, recorded the same "
                       f"on both sides{nearest_platform}", notes or None, departure)


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
    if expectation.basis == UNKNOWN:
        return UNKNOWN_BETWEEN
    if expectation.basis == UNRECORDED:
        return NOT_RECORDED
    if verdict in expectation.verdicts:
        if verdict == CONFIRMED:
            return AS_EXPECTED
        if expectation.departure and not re.search(expectation.departure, reason):
            return DEPARTS_DIFFERENTLY
        return EXPECTED_DEPARTURE
    if verdict == CONFIRMED:
        return FIXED if expectation.basis == CARRIED_FORWARD else STALE
    return REGRESSION


def explain(behaviour_id: str, version: str, verdict: str, expectation: Expectation, judgement: str) -> str:
    """One line naming the behaviour, the version, what it was compared with and what changed (for the
    terminal, CI logs, xfails)."""
    subject = f"{behaviour_id} on {version}"
    if judgement == STALE:
        return (f"stale expectation: {subject}: expected contradicted ({expectation.source}), "
                f"the build now confirms it")
    if judgement == FIXED:
        return (f"{subject}: changed since {expectation.source}: contradicted there, confirmed now (a fix); "
                f"record {version} in the catalogue")
    if judgement == REGRESSION and expectation.basis == CARRIED_FORWARD:
        return f"{subject}: changed since {expectation.source}: confirmed there, contradicted now (a regression)"
    if judgement == REGRESSION:
        return f"{subject}: expected confirmed ({expectation.source}), the build contradicts it"
    if judgement == DEPARTS_DIFFERENTLY:
        return (f"{subject}: contradicted, but not the way {expectation.source} records "
                f"(its reason should match {expectation.departure!r})")
    if judgement == EXPECTED_DEPARTURE:
        return f"{subject}: contradicted, as expected ({expectation.source})"
    if judgement in REPORTED_ONLY:
        return f"{subject}: {verdict}; not judged ({expectation.source.removeprefix('catalogue: ')})"
    return f"{subject}: {verdict}"
