"""Matching a document's expected output against what a live target printed, where values must vary.

Both sides are read as Python literals and compared item by item. A string that is a secret (base32,
33 characters or more) matches a secret of the same type letter and length; the same document secret
must meet the same live one each time (`SecretPairs`, kept across the document, also lets later examples
send the live secret where the document wrote its own). But an example that sends a document secret of
its own as it is (none matched earlier stands in for it) determines what it gets back: there secrets
compare by value. A Windows or POSIX path matches any path. Dicts match with the same keys, lists with
the same length. Output that is no literal must be equal as text.
"""
from __future__ import annotations

import ast
import doctest
import re

from fixtures.redaction import SECRET_SHAPE

QUOTED_SECRET = re.compile(r"""['"]([A-Z2-7]{33,})['"]""")
PATH = re.compile(r"^(\\\\\?\\|[A-Za-z]:\\|/)")


class SecretPairs:
    """Document secret -> the live secret it was matched with."""

    def __init__(self) -> None:
        self.live: dict[str, str] = {}

    def substitute(self, source: str) -> tuple[str, int]:
        """The example's source with every paired document secret replaced by its live one; how many."""
        count = 0
        for documented, live in self.live.items():
            if documented in source:
                source, count = source.replace(documented, live), count + 1
        return source, count

    def fixed_inputs(self, source: str) -> list[str]:
        """The document's own secrets an example sends as they are: no live secret stands in for them."""
        return [secret for secret in QUOTED_SECRET.findall(source) if secret not in self.live]


_NOT_A_LITERAL = object()


def literal(text: str):
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return _NOT_A_LITERAL


def values_match(want, got, pairs: dict[str, str], secrets_by_value: bool = False) -> bool:
    """`pairs` gathers document secret -> live secret for this comparison (kept only if it all matches)."""
    if isinstance(want, dict) and isinstance(got, dict):
        return want.keys() == got.keys() and all(values_match(want[key], got[key], pairs, secrets_by_value)
                                                 for key in want)
    if isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)):
        return len(want) == len(got) and all(values_match(w, g, pairs, secrets_by_value) for w, g in zip(want, got))
    if isinstance(want, str) and isinstance(got, str):
        if want == got:
            return True
        if SECRET_SHAPE.match(want) and SECRET_SHAPE.match(got) and not secrets_by_value:
            if want[0] != got[0] or len(want) != len(got) or pairs.setdefault(want, got) != got:
                return False
            return True
        return bool(PATH.match(want) and PATH.match(got))
    return type(want) is type(got) and want == got


class VaryingOutputChecker(doctest.OutputChecker):
    def __init__(self, secrets: SecretPairs):
        self.secrets = secrets
        self.secrets_by_value = False  # set per example: it sends a document secret of its own as it is

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        if super().check_output(want, got, optionflags):
            return True
        expected, printed = literal(want), literal(got)
        if expected is _NOT_A_LITERAL or printed is _NOT_A_LITERAL:
            return False
        pairs = dict(self.secrets.live)
        if not values_match(expected, printed, pairs, self.secrets_by_value):
            return False
        self.secrets.live.update(pairs)
        return True
