"""The behaviour catalogue (catalogue.toml) as data the plugin, the reports and the tests share."""
from __future__ import annotations

import re
import re._constants as re_constants
import re._parser as re_parser
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CATALOGUE_PATH = Path(__file__).parent.parent / "catalogue.toml"
KINDS = ("documented-quirk", "api-contract", "observed-undocumented")


@dataclass(frozen=True)
class Behaviour:
    id: str
    statement: str
    source: str
    kind: str
    checks: tuple[str, ...]
    destructive: bool = False
    expect: tuple[dict, ...] = field(default_factory=tuple)
    waits_from: tuple[str, ...] = ()  # behaviours whose measured times set this one's wait (reruns run them too)


EXPECTED_VERDICTS = ("confirmed", "contradicted")
REQUIRED_KEYS = ("id", "statement", "source", "kind", "checks")


def load(path: Path = CATALOGUE_PATH) -> dict[str, Behaviour]:
    """The catalogue by behaviour id; ValueError naming the file, the entry and the problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"{path}: cannot read it ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text ({error.reason})") from None
    return loads(text, path)


def loads(text: str, path: Path | str) -> dict[str, Behaviour]:
    """The catalogue in `text` (`path` names it in errors)."""
    try:
        entries = tomllib.loads(text).get("behaviour", [])
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML ({error})") from None
    catalogue = {}
    for number, entry in enumerate(entries, 1):
        missing = [key for key in REQUIRED_KEYS if key not in entry]
        if missing:
            raise ValueError(f"{path}: behaviour entry {number} ({entry.get('id', 'no id')}) lacks {', '.join(missing)}")
        behaviour = Behaviour(id=entry["id"], statement=entry["statement"], source=entry["source"],
                              kind=entry["kind"], checks=tuple(entry["checks"]),
                              destructive=entry.get("destructive", False),
                              expect=tuple(entry.get("expect", ())), waits_from=tuple(entry.get("waits_from", ())))
        if behaviour.kind not in KINDS:
            raise ValueError(f"{path}: behaviour {behaviour.id}: kind {behaviour.kind!r} is not one of {KINDS}")
        if behaviour.id in catalogue:
            raise ValueError(f"{path}: behaviour {behaviour.id} is listed twice")
        for expectation in behaviour.expect:
            verdict = expectation.get("verdict")
            verdicts = verdict if isinstance(verdict, list) else [verdict]
            if not verdicts or any(item not in EXPECTED_VERDICTS for item in verdicts):
                raise ValueError(f"{path}: behaviour {behaviour.id}: expected verdict {verdict!r} is not one of "
                                 f"{EXPECTED_VERDICTS} or a list of them")
            problem = departure_problem(expectation) or seen_problem(expectation)
            if problem:
                raise ValueError(f"{path}: behaviour {behaviour.id}: {problem}")
        catalogue[behaviour.id] = behaviour
    for behaviour in catalogue.values():
        unknown = [other for other in behaviour.waits_from if other not in catalogue]
        if unknown:
            raise ValueError(f"{path}: behaviour {behaviour.id}: waits_from names no behaviour of the catalogue: "
                             f"{', '.join(unknown)}")
    return catalogue


def rerun_checks(catalogue: dict[str, Behaviour], behaviour_id: str) -> tuple[str, ...]:
    """The checks a rerun of the behaviour runs: its own, and those of the behaviours its wait is derived
    from (alone it would have no time to wait from, and wait out its whole deadline)."""
    behaviour = catalogue[behaviour_id]
    partners = [check for other in behaviour.waits_from for check in catalogue[other].checks]
    return tuple(dict.fromkeys([*behaviour.checks, *partners]))


def departure_problem(expectation: dict) -> str | None:
    """What is wrong with an expectation's `departure`, if anything. An expected contradiction records
    the whole departure, a pattern per contradicting check, each matched against its reason whole; so a
    pattern may not hold a `.` wildcard, which would also match another observation (use a class such as
    `[\\d.]+` for what varies: a count, a time, a path)."""
    verdict = expectation.get("verdict")
    departure = expectation.get("departure")
    if departure is None:
        expects_contradiction = "contradicted" in (verdict if isinstance(verdict, list) else [verdict])
        return "an expected contradiction needs its departure (the contradicting checks' reasons)" \
            if expects_contradiction else None
    patterns = [departure] if isinstance(departure, str) else departure
    if not isinstance(patterns, list) or not patterns or not all(isinstance(item, str) for item in patterns):
        return f"departure {departure!r} is neither a regular expression nor a list of them"
    for pattern in patterns:
        try:
            parsed = re_parser.parse(pattern)
        except re.error as error:
            return f"departure {pattern!r} is not a regular expression ({error})"
        if _holds_wildcard(parsed):
            return (f"departure {pattern!r} holds a '.' wildcard, which would also match other observations; "
                    f"write what the build answered, with a class such as [\\d.]+ where a number varies")
    return None


def seen_problem(expectation: dict) -> str | None:
    """What is wrong with an either-way record's `seen` (how often each verdict was seen), if anything."""
    seen = expectation.get("seen")
    if seen is None:
        return None
    verdicts = expectation.get("verdict")
    if not isinstance(verdicts, list) or len(verdicts) < 2:
        return "`seen` counts the verdicts of a build that goes either way: give verdict a list of both"
    if not isinstance(seen, dict) or set(seen) != set(verdicts) or not all(
            isinstance(count, int) and not isinstance(count, bool) and count > 0 for count in seen.values()):
        return f"seen {seen!r} should count each of {verdicts} at least once, e.g. {{confirmed = 7, contradicted = 3}}"
    return None


def _holds_wildcard(parsed) -> bool:
    for opcode, argument in parsed:
        if opcode == re_constants.ANY:
            return True
        nested = argument if isinstance(argument, (list, tuple)) else ()
        for part in nested:
            if isinstance(part, re_parser.SubPattern) and _holds_wildcard(part):
                return True
            if isinstance(part, (list, tuple)) and any(isinstance(item, re_parser.SubPattern) and _holds_wildcard(item)
                                                        for item in part):
                return True
    return False
