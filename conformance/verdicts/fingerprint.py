"""A check's behaviour fingerprint: what kinds of answers it got, independent of the values.

Each exchange becomes a signature: the method, the HTTP status, the API error code, and the JSON shape
(keys and value types, lists folded to the set of their element shapes). The fingerprint is the sorted
set of signatures and a short digest of it, so two runs whose verdicts agree can still show that the
answers changed ("still passes, behaviour changed").

Exchanges made inside a Hypothesis example are kept apart: what generated requests provoke differs
from seed to seed, so they are listed but left out of the digest.
"""
from __future__ import annotations

import hashlib
import re

from fixtures.api_facts import API_METHODS
from fixtures.client import Exchange


def shape(value) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"{key}:{shape(value[key])}" for key in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + "|".join(sorted({shape(item) for item in value})) + "]"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "str"
    return "null"


def signature(exchange: Exchange) -> str:
    method = exchange.method if exchange.method in API_METHODS else "(unknown method)"
    if not exchange.answered:
        return f"{method}: no answer"
    body = shape(exchange.json) if exchange.json_error is None else "not JSON"
    error = exchange.error_code()
    return f"{method}: HTTP {exchange.status}" + (f" error {error}" if error is not None else "") + f" {body}"


def digest(signatures: set[str]) -> str:
    return hashlib.sha256("\n".join(sorted(signatures)).encode()).hexdigest()[:12]


_SIGNATURE = re.compile(r"^(?P<head>.*?: (?:HTTP \S+(?: error \S+)?|no answer))(?: (?P<shape>.*))?$")


def _top_level_fields(object_shape: str) -> dict[str, str]:
    """'{a:int,b:{c:str}}' -> {'a': 'int', 'b': '{c:str}'}."""
    fields, depth, start = {}, 0, 1
    inner_end = len(object_shape) - 1
    for index in range(1, inner_end + 1):
        character = object_shape[index] if index < inner_end else ","
        if character in "{[":
            depth += 1
        elif character in "}]":
            depth -= 1
        elif character == "," and depth == 0:
            entry = object_shape[start:index]
            if entry:
                key, _, value = entry.partition(":")
                fields[key] = value
            start = index + 1
    return fields


def describe_changes(gone: set[str], new: set[str]) -> list[str]:
    """Readable lines for signatures that changed: where the same request kind now answers an object of
    another shape, the keys added, removed and retyped; otherwise the signatures themselves."""
    def by_head(signatures):
        return {match["head"]: match["shape"] or "" for match in map(_SIGNATURE.match, signatures) if match}
    old_shapes, new_shapes = by_head(gone), by_head(new)
    lines = [f"- {signature}" for signature in sorted(gone) if not _SIGNATURE.match(signature)]
    lines += [f"+ {signature}" for signature in sorted(new) if not _SIGNATURE.match(signature)]
    for head in sorted(set(old_shapes) | set(new_shapes)):
        before, after = old_shapes.get(head), new_shapes.get(head)
        if before is not None and after is not None and before.startswith("{") and after.startswith("{"):
            old_fields, new_fields = _top_level_fields(before), _top_level_fields(after)
            parts = [f"{label} {', '.join(keys)}" for label, keys in (
                ("keys added:", sorted(set(new_fields) - set(old_fields))),
                ("keys gone:", sorted(set(old_fields) - set(new_fields))),
                ("type changed:", sorted(f"{key} {old_fields[key]}->{new_fields[key]}"
                                         for key in set(old_fields) & set(new_fields)
                                         if old_fields[key] != new_fields[key]))) if keys]
            lines.append(f"~ {head}: {'; '.join(parts)}")
        else:
            if before is not None:
                lines.append(f"- {head} {before}".rstrip())
            if after is not None:
                lines.append(f"+ {head} {after}".rstrip())
    return lines
