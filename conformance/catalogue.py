"""The behaviour catalogue (catalogue.toml) as data the plugin, the reports and the tests share."""
from __future__ import annotations

import re

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")
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


EXPECTED_VERDICTS = ("confirmed", "contradicted")
REQUIRED_KEYS = ("id", "statement", "source", "kind", "checks")


def load(path: Path = CATALOGUE_PATH) -> dict[str, Behaviour]:
    """The catalogue by behaviour id; ValueError naming the file, the entry and the problem."""
    try:
        with open(path, "rb") as handle:
            entries = tomllib.load(handle).get("behaviour", [])
    except OSError as error:
        raise ValueError(f"{path}: cannot read it ({error.strerror})") from None
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
                              expect=tuple(entry.get("expect", ())))
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
            departure = expectation.get("departure")
            if departure is not None:
                try:
                    re.compile(departure)
                except re.error as error:
                    raise ValueError(f"{path}: behaviour {behaviour.id}: departure {departure!r} is not a regular "
                                     f"expression ({error})") from None
        catalogue[behaviour.id] = behaviour
    return catalogue
