"""What a run expects of each behaviour, and how an observed verdict is judged against it.

Expectations come from one of three places (`--expectations`):

- `catalogue` (default): each behaviour's `[[behaviour.expect]]` entries, version ranges (`since`,
  `until`, both inclusive and optional) on a platform, each with a verdict, or a list of both verdicts
  where a build was seen to go either way (then neither fails the run). An expected contradiction
  carries `departure`: the whole way the build was seen to depart, one regular expression per
  contradicting check (a list, or one string), each matching that check's reason whole (see
  `departure_matches`). A version no range covers is judged by the nearest record of its own release
  line (1.4 for 1.4.110) when only one side has one, else by its nearest recorded neighbours (see
  `from_catalogue`).
- a baseline: the verdicts and reasons of an earlier, complete run's JSON report (`--baseline FILE`), so
  CI fails only on what changed since.
- `none`: every behaviour is expected to be confirmed (documentation verification).

A behaviour has one judgement, from all its checks: its verdict, and when contradicted, its observation,
the reasons of its contradicting checks in a stable order.

Judgements, per behaviour:

- `as expected`: confirmed where confirmed was expected;
- `expected departure`: contradicted where contradicted was expected (shown as a strict xfail);
- `regression`: contradicted where confirmed was expected, or where the newest recorded version
  confirmed it (the run fails);
- `departs differently`: contradicted where a contradiction was expected, but not the whole recorded
  way (other keys missing, another error code, one contradicting check more or less): the run fails;
- `stale`: confirmed where contradicted was expected: the build no longer departs, the expectation is
  out of date (the run fails, like a strict xfail that passed);
- `fixed`: confirmed by a version newer than every record, where the newest recorded version departed
  (the run fails, like a strict xfail that passed, until the new version is recorded);
- between two recorded versions that disagree, the build is judged against each: behaving as either
  records is as expected (the explanation names which), as neither departs differently;
- `not judged`: inconclusive where the records say what it should have been: the run fails unless the
  user accepts it (`--allow-undecided`);
- `not recorded`: nothing recorded to judge by (older than every record, no version number, not in
  the baseline): the run fails unless the user accepts it. Unknown is never a pass.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from conformance.verdicts.outcome import CONFIRMED, CONTRADICTED, INCONCLUSIVE

(AS_EXPECTED, EXPECTED_DEPARTURE, REGRESSION, STALE, FIXED, NOT_JUDGED, DEPARTS_DIFFERENTLY, NOT_RECORDED,
 FLAKY) = ("as expected", "expected departure", "regression", "stale", "fixed", "not judged", "departs differently",
           "not recorded", "flaky")
UNDECIDED = (NOT_JUDGED, NOT_RECORDED)  # fail the run unless the user accepts them (--allow-undecided)
FAILING = (REGRESSION, STALE, FIXED, DEPARTS_DIFFERENTLY) + UNDECIDED
# A failing judgement that a rerun on a fresh instance may show to be a flake (--confirm-failures); nothing
# recorded stays so however often it runs
CONFIRMABLE = (REGRESSION, STALE, FIXED, DEPARTS_DIFFERENTLY, NOT_JUDGED)

# How an expectation was reached
RECORDED, CARRIED_FORWARD, UNKNOWN, UNRECORDED = "recorded", "carried forward", "unknown", "unrecorded"


def release_line(version: str | None) -> str | None:
    """'1.4' for 1.4.111: the major and minor numbers a patch release shares with its line."""
    parts = re.findall(r"\d+", version or "")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def version_key(version: str | None) -> tuple:
    """Orders versions numerically ('1.4.111' after '1.4.82'); text that is not a version sorts last."""
    parts = re.findall(r"\d+", version or "")
    return (0, tuple(int(part) for part in parts)) if parts else (1, (version or "",))


Departure = tuple[str, ...]  # one regular expression per contradicting check, each matching a reason whole


@dataclass(frozen=True)
class Expectation:
    verdicts: tuple[str, ...]  # one, or both where a build was seen to go either way
    # what it was compared with, for messages: "catalogue 1.3.106..1.4.111 linux-x64", "baseline FILE"
    source: str
    note: str | None = None
    departures: tuple[Departure, ...] = ()  # the ways an expected contradiction may go (either neighbour's)
    basis: str = RECORDED
    neighbours: tuple[Expectation, ...] = ()  # where basis is UNKNOWN: the records on either side
    seen: dict[str, int] | None = None  # a build recorded as going either way: how often each verdict was seen

    @property
    def verdict(self) -> str:
        return " or ".join(self.verdicts)


def departure_matches(departure: Departure, observation: tuple[str, ...]) -> bool:
    """Each pattern matches one reason of the observation whole, and each reason is matched: the whole
    departure, nothing more and nothing else."""
    if len(departure) != len(observation):
        return False
    unmatched = list(observation)
    for pattern in sorted(departure, key=len, reverse=True):  # the most specific first
        found = next((reason for reason in unmatched if re.fullmatch(pattern, reason)), None)
        if found is None:
            return False
        unmatched.remove(found)
    return True


def foreseen(expectation: Expectation | None, reason: str) -> bool:
    """Whether one contradicting check's reason may be a part of its behaviour's expected departure (the
    behaviour's other checks decide the rest): it matches a pattern of a departure recorded here (or on
    either side, between two records that disagree), or nothing is recorded to judge it by."""
    if expectation is None or expectation.basis == UNRECORDED:
        return True  # the behaviour's judgement says 'not recorded'
    return any(CONTRADICTED in side.verdicts and re.fullmatch(pattern, reason)
               for side in expectation.neighbours or (expectation,)
               for departure in side.departures for pattern in departure)


def _platform_matches(wanted: str | None, platform: str | None) -> bool:
    """'linux-x64' matches 'linux-x64', and 'linux' when the run's architecture is unknown."""
    if not wanted or not platform:
        return True
    return wanted == platform or wanted.split("-")[0] == platform


def _entries_for_platform(behaviour, platform: str | None) -> tuple[list[dict], str]:
    """The entries that speak of this platform; failing those, the nearest platform's (the same
    operating system first), and a note saying so."""
    entries = [entry for entry in behaviour.expect if _platform_matches(entry.get("platform"), platform)]
    if entries and platform and "-" not in platform:  # get_os alone: the architecture is unknown
        recorded = sorted({entry["platform"] for entry in entries if entry.get("platform")})
        return entries, (f" (the build's architecture is unknown: judged against {', '.join(recorded)}; give "
                         f"--sync-platform)" if recorded else "")
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
                               _departures(entry), seen=entry.get("seen"))
    below = max(((entry["until"], entry) for entry in entries if entry.get("until")
                 and version_key(entry["until"]) < key), key=lambda pair: version_key(pair[0]), default=None)
    above = min(((entry["since"], entry) for entry in entries if entry.get("since")
                 and version_key(entry["since"]) > key), key=lambda pair: version_key(pair[0]), default=None)
    neighbour = (below or above or (None, {}))[1]
    platform_named = f" {neighbour['platform']}" if neighbour.get("platform") else ""
    line = release_line(version)
    in_line = [side for side in (below, above) if side and release_line(side[0]) == line]
    if len(in_line) == 1 and (below and above):  # a patch release is judged by its own release line first
        (recorded, entry), = in_line
        if recorded == below[0]:
            return Expectation(_verdicts(entry), f"catalogue {recorded}{platform_named}, the newest record of release "
                               f"line {line}, carried forward{nearest_platform}", entry.get("note"),
                               _departures(entry), CARRIED_FORWARD, seen=entry.get("seen"))
        return Expectation(_verdicts(entry), f"catalogue {recorded}{platform_named}, the nearest record of release "
                           f"line {line}{nearest_platform}", entry.get("note"), _departures(entry),
                           seen=entry.get("seen"))
    if below and not above:
        (newest, entry) = below
        return Expectation(_verdicts(entry), f"catalogue {newest}{platform_named}, the newest record, carried "
                           f"forward{nearest_platform}", entry.get("note"), _departures(entry), CARRIED_FORWARD, seen=entry.get("seen"))
    if above and not below:
        return Expectation((CONFIRMED, CONTRADICTED), f"catalogue: older than every record (the oldest is "
                           f"{above[0]}{nearest_platform})", basis=UNRECORDED)
    (lower, lower_entry), (upper, upper_entry) = below, above
    if _verdicts(lower_entry) != _verdicts(upper_entry):
        sides = tuple(Expectation(_verdicts(entry), f"catalogue {version_named}{platform_named}", entry.get("note"),
                                  _departures(entry)) for version_named, entry in ((lower, lower_entry), (upper, upper_entry)))
        return Expectation((CONFIRMED, CONTRADICTED), f"catalogue: between {lower} "
                           f"({' or '.join(_verdicts(lower_entry))}) and {upper} ({' or '.join(_verdicts(upper_entry))})"
                           f"{platform_named}{nearest_platform}", basis=UNKNOWN, neighbours=sides)
    notes = "; ".join(dict.fromkeys(entry["note"] for entry in (lower_entry, upper_entry) if entry.get("note")))
    return Expectation(_verdicts(lower_entry), f"catalogue {lower} and {upper}{platform_named}, recorded the same "
                       f"on both sides{nearest_platform}", notes or None,
                       tuple(dict.fromkeys(_departures(lower_entry) + _departures(upper_entry))))


def _departures(entry: dict) -> tuple[Departure, ...]:
    """An entry's `departure` (one pattern, or a list of them) as the one way it records."""
    departure = entry.get("departure")
    if departure is None:
        return ()
    return ((departure,) if isinstance(departure, str) else tuple(departure),)


class BaselineError(ValueError):
    pass


def load_baseline(path: Path) -> tuple[dict[str, Expectation], str | None]:
    """An earlier complete run's JSON report as expectations, by behaviour: its verdict, and for a
    contradicted behaviour its reasons as the departure (measured figures and paths free to vary); and the
    baseline's version. BaselineError naming the problem."""
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
    info = document.get("run_info") or {}
    if not info.get("complete"):
        raise BaselineError(f"--baseline {path}: a partial run ({info.get('selection') or info.get('interrupted') or 'not complete'}), "
                            f"which cannot say what the behaviours it left out did; pass a complete run's report")
    version = info.get("version")
    source = f"baseline {Path(path).name} ({version})"
    return {item["behaviour"]: Expectation((item["verdict"],), source, departures=_baseline_departures(item))
            for item in document.get("results", []) if item.get("verdict") in (CONFIRMED, CONTRADICTED)}, version


def _baseline_departures(item: dict) -> tuple[Departure, ...]:
    if item["verdict"] != CONTRADICTED:
        return ()
    return (tuple(reason_pattern(reason) for reason in observation_of(item.get("evidence") or [])),)


def observation_of(checks: list) -> tuple[str, ...]:
    """A contradicted behaviour's observation: its contradicting checks' reasons, sorted, each once
    (checks as CheckResult or as their report records)."""
    return tuple(sorted({_field(check, "reason") for check in checks if _field(check, "verdict") == CONTRADICTED}))


def _field(check, name: str):
    return check[name] if isinstance(check, dict) else getattr(check, name)


# What varies between two runs of one build: measured figures (seconds, percentages: they carry a decimal
# point) and paths. Whole numbers (error codes, counts set by options) do not, and stay.
_VARYING = re.compile(r"(?P<number>\d+\.\d+(?:\.\d+)*)|(?P<path>/[^\s'\",\]\)]+)")


def reason_pattern(reason: str) -> str:
    """A pattern matching `reason` whole, its measured figures and paths free to vary: what a run
    observed, as a departure another run of the same build meets."""
    parts, position = [], 0
    for match in _VARYING.finditer(reason):
        parts.append(_literal(reason[position:match.start()]))
        parts.append(r"[\d.]+" if match.group("number") else r"/[^\s'\",\])]+")
        position = match.end()
    return "".join(parts) + _literal(reason[position:])


_SPECIAL = frozenset("\\.^$*+?{}[]|()")


def _literal(text: str) -> str:
    """`text` as a pattern that matches it, escaping only what a pattern gives a meaning to (re.escape
    also escapes spaces and dashes, which a reader of the catalogue would have to read through)."""
    return "".join("\\" + char if char in _SPECIAL else char for char in text)


def reason_shape(reason: str) -> str:
    """A reason with its measured figures and paths folded ('N', '<path>'): two runs' reasons that
    differ only there say the same."""
    return _VARYING.sub(lambda match: "N" if match.group("number") else "<path>", reason)


@dataclass(frozen=True)
class Expectations:
    """The run's expectations: `mode` is 'catalogue', 'baseline' or 'none'."""
    mode: str
    catalogue: dict
    version: str
    platform: str | None
    baseline: dict[str, Expectation] | None = None
    baseline_version: str | None = None
    baseline_file: str | None = None  # as the user named it
    imitates_no_build: bool = False  # a double switched by hand: 'none', whatever the user asked for

    @property
    def label(self) -> str:
        """What the run was judged against, for every output."""
        if self.mode == "baseline":
            other = "" if self.baseline_version == self.version else (
                f", a run of {self.baseline_version}, another version than this run's")
            return f"baseline {self.baseline_file}{other}"
        if self.imitates_no_build:
            return "none: the double's switches were set by hand, so it imitates no build (every behaviour must be confirmed)"
        if self.mode == "none":
            return "none (every behaviour must be confirmed)"
        return f"catalogue, for {self.version} on {self.platform or 'an unknown platform'}"

    def for_behaviour(self, behaviour_id: str) -> Expectation | None:
        if self.mode == "baseline":
            return self.baseline.get(behaviour_id)  # new since the baseline, or undecided there: not recorded
        if self.mode == "catalogue" and behaviour_id in self.catalogue:
            return from_catalogue(self.catalogue[behaviour_id], self.version, self.platform)
        return Expectation((CONFIRMED,), "no recorded departures apply to this run")

    def judge(self, behaviour_id: str, verdict: str, checks: list, allow_undecided: frozenset[str],
              reruns: list[dict] = (), unconfirmed: str | None = None) -> Judgement:
        """The one place a behaviour is judged: its verdict and its checks' reasons against its expectation
        (checks as CheckResult or as their report records); `allow_undecided` holds behaviour ids or 'all'.
        `reruns` are the behaviour's runs again on a fresh instance after a failing judgement ({verdict,
        evidence: [{verdict, reason}]}): failing every time, the judgement stands (a decided one before
        'not judged'), with how often each verdict was seen; met by some run and not by another, it is
        flaky, which neither fails the run nor counts as met (unless the record says it goes either way).
        `unconfirmed`: why a failing judgement was not run again (it fails all the same: unknown is no pass)."""
        expectation = self.for_behaviour(behaviour_id)
        kind, against = judged(verdict, expectation, observation_of(checks))
        accepted = kind in UNDECIDED and bool({"all", behaviour_id} & allow_undecided)
        if not reruns:
            return Judgement(kind, against, accepted, unconfirmed=unconfirmed if kind in FAILING else None)
        kinds = [kind] + [judged(rerun["verdict"], expectation, observation_of(rerun["evidence"]))[0] for rerun in reruns]
        verdicts = Counter([verdict] + [rerun["verdict"] for rerun in reruns])
        seen = ", ".join(f"{name} {count} of {len(kinds)}" for name, count in verdicts.most_common())
        if not any(other in FAILING for other in kinds):  # met every time (judged again after a record)
            return Judgement(kind, against, accepted, seen)
        if not all(other in FAILING for other in kinds):
            return Judgement(FLAKY, against, False, seen)
        decided = [other for other in kinds if other != NOT_JUDGED]  # a rerun that decided says more
        final = decided[0] if decided else kind
        return Judgement(final, against, accepted and final in UNDECIDED,
                         f"failing {len(kinds)} of {len(kinds)} times ({seen})")


def expectations_for(mode: str, catalogue: dict, version: str, platform: str | None, *,
                     baseline_file: str | None = None, imitates_no_build: bool = False) -> Expectations:
    """The expectations a run of `version` on `platform` is judged against: a baseline when one is given
    (BaselineError naming the problem); none for a double that imitates no build; else `mode`."""
    if baseline_file:
        baseline, baseline_version = load_baseline(Path(baseline_file))
        return Expectations("baseline", catalogue, version, platform, baseline, baseline_version, baseline_file)
    if imitates_no_build:
        return Expectations("none", catalogue, version, platform, imitates_no_build=True)
    return Expectations(mode, catalogue, version, platform)


def allowed_undecided(values: list[str], catalogue: dict) -> frozenset[str]:
    """--allow-undecided: behaviour ids (comma-separated, the option repeatable) or `all`; ValueError
    naming an id the catalogue does not hold."""
    allowed = frozenset(name.strip() for value in values for name in value.split(",") if name.strip())
    unknown = sorted(allowed - set(catalogue) - {"all"})
    if unknown:
        raise ValueError(f"--allow-undecided: no behaviour {', '.join(unknown)} in the catalogue; name "
                         f"behaviours by their id (e.g. many-folders-cpu-load), or pass all")
    return allowed


@dataclass(frozen=True)
class Judgement:
    """A behaviour's judgement (`kind`: AS_EXPECTED ... NOT_RECORDED), the expectation it was reached
    against, and whether the user accepted it undecided (--allow-undecided)."""
    kind: str
    expectation: Expectation | None
    accepted: bool = False
    seen: str | None = None  # after reruns: how often each verdict was seen ("contradicted 1 of 3, ...")
    unconfirmed: str | None = None  # a failing judgement not run again: why

    @property
    def fails(self) -> bool:
        return self.kind in FAILING and not self.accepted


def judge(verdict: str, expectation: Expectation | None, observation: tuple[str, ...] = ()) -> str:
    """The judgement of a behaviour's verdict; `observation` is a contradicted behaviour's reasons."""
    return judged(verdict, expectation, observation)[0]


def judged(verdict: str, expectation: Expectation | None,
           observation: tuple[str, ...] = ()) -> tuple[str, Expectation | None]:
    """(judgement, the expectation it was reached against: between two records that disagree, the
    side the build behaves as, or both)."""
    if expectation is None or expectation.basis == UNRECORDED:
        return NOT_RECORDED, expectation
    if verdict == INCONCLUSIVE:
        return NOT_JUDGED, expectation
    if expectation.basis == UNKNOWN:
        for side in expectation.neighbours:
            judgement = judge(verdict, side, observation)
            if judgement in (AS_EXPECTED, EXPECTED_DEPARTURE):
                return judgement, Expectation(side.verdicts, f"{expectation.source}; behaves as {side.source}",
                                              side.note, side.departures)
        return DEPARTS_DIFFERENTLY, expectation
    if verdict in expectation.verdicts:
        if verdict == CONFIRMED:
            return AS_EXPECTED, expectation
        if not any(departure_matches(departure, observation) for departure in expectation.departures):
            return DEPARTS_DIFFERENTLY, expectation
        return EXPECTED_DEPARTURE, expectation
    if verdict == CONFIRMED:
        return (FIXED if expectation.basis == CARRIED_FORWARD else STALE), expectation
    return REGRESSION, expectation


def explain(behaviour_id: str, version: str, verdict: str, expectation: Expectation | None, judgement: str,
            seen: str | None = None, unconfirmed: str | None = None) -> str:
    """One line naming the behaviour, the version, what it was compared with and what changed (for the
    terminal, CI logs, xfails); `seen`: how often each verdict was seen when it was run again;
    `unconfirmed`: why a failing judgement was not run again."""
    subject = f"{behaviour_id} on {version}"
    if unconfirmed:
        return f"{explain(behaviour_id, version, verdict, expectation, judgement)}; not confirmed: {unconfirmed}"
    if seen and judgement != FLAKY:
        return f"{explain(behaviour_id, version, verdict, expectation, judgement)}; {seen}, run again on a fresh instance"
    if judgement == STALE:
        return (f"stale expectation: {subject}: expected contradicted ({expectation.source}), "
                f"the build confirms it")
    if judgement == FIXED:
        return (f"{subject}: changed since {expectation.source}: contradicted there, confirmed now (a fix); "
                f"record {version} in the catalogue (python -m conformance.expectations record REPORT.json)")
    if judgement == REGRESSION and expectation.basis == CARRIED_FORWARD:
        return f"{subject}: changed since {expectation.source}: confirmed there, contradicted now (a regression)"
    if judgement == REGRESSION:
        return f"{subject}: expected confirmed ({expectation.source}), the build contradicts it"
    if judgement == DEPARTS_DIFFERENTLY and expectation.basis == UNKNOWN:
        return (f"{subject}: {verdict}, as neither record on either side ({expectation.source.removeprefix('catalogue: ')}) "
                f"says")
    if judgement == DEPARTS_DIFFERENTLY:
        recorded = " or ".join(repr(list(departure)) for departure in expectation.departures) or "no departure"
        return (f"{subject}: contradicted, but not the whole way {expectation.source} records "
                f"(its contradicting checks' reasons should match {recorded})")
    if judgement == FLAKY:
        return (f"{subject}: flaky: not the same when run again on a fresh instance ({seen}); neither a "
                f"regression nor met (against {expectation.source if expectation else 'nothing recorded'})")
    if judgement in (AS_EXPECTED, EXPECTED_DEPARTURE) and expectation.seen:
        counts = ", ".join(f"{name} {count}" for name, count in expectation.seen.items())
        return f"{subject}: {verdict}, flaky as recorded ({expectation.source}: seen {counts})"
    if judgement == EXPECTED_DEPARTURE:
        return f"{subject}: contradicted, as expected ({expectation.source})"
    if judgement == NOT_JUDGED:
        return (f"{subject}: inconclusive where {expectation.source} records {expectation.verdict}; not judged "
                f"(rerun, or accept it with --allow-undecided {behaviour_id})")
    if judgement == NOT_RECORDED:
        why = expectation.source.removeprefix("catalogue: ") if expectation else "the baseline holds no verdict for it"
        return (f"{subject}: {verdict}; nothing recorded to judge it by ({why}); record it, or accept it with "
                f"--allow-undecided {behaviour_id}")
    return f"{subject}: {verdict} ({expectation.source})"
