"""Two targets' answers to one request, made comparable and compared.

Each side normalises what its target answered (`Answer`): a secret becomes its type letter, length and
the order in which this target first showed it (`<A33 #2>`), so two targets agree when they hand out
secrets of the same kinds and reuse them alike; the target's own directory area becomes `<area>`; values
that differ between two runs of one build (listed in VARYING, found by running builds against
themselves) become their type. What remains must be equal; each inequality is a `Difference` of one kind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fixtures.api_facts import API_METHODS
from fixtures.redaction import MIN_SECRET_LENGTH, SECRET_KEYS, SECRET_SHAPE

SECRET_LABEL = re.compile(r"<([A-Z])(\d+) #\d+>")
# Keys whose value differs between two runs of the same build, compared by type only.
VARYING = {
    "get_speed": {"download", "upload"},
    "get_prefs": {"listening_port"},  # a free port each start (the config asks for 0)
    "get_folders": {"files", "size"},  # counted by the indexer, on its own schedule after add_folder
    "set_prefs": {"listening_port"},
}
KINDS = ("status", "process", "content type", "error code", "message", "body", "keys", "types", "values")


@dataclass
class Answer:
    """What one target did with one request, normalised."""
    status: int | None  # None: no answer
    content_type: str | None
    body: Any  # the normalised JSON document, or the normalised text when it is not JSON
    is_json: bool
    process: str  # "running", or how the process ended ("exited with status 0")
    transport_error: str | None = None
    curl: str = ""  # the request, repeatable against this target
    padding: str | None = None  # JSONP: the document came wrapped, as `callback(...)`

    def summary(self) -> str:
        if self.status is None:
            return f"no answer ({self.transport_error}); process {self.process}"
        shown = _compact(self.body) if self.is_json else repr(self.body)
        return f"HTTP {self.status} {shown}" + ("" if self.process == "running" else f"; process {self.process}")

    def to_dict(self) -> dict:
        return {"status": self.status, "content_type": self.content_type, "body": self.body,
                "is_json": self.is_json, "process": self.process, "transport_error": self.transport_error,
                "curl": self.curl, "padding": self.padding}


@dataclass
class Difference:
    kind: str
    method: str
    location: str  # where in the answer: a JSON path with list positions folded to []
    a: str
    b: str

    @property
    def key(self) -> str:
        """What makes two differences the same one: for values, where they differ; for everything else,
        what each side did too (error 100 against 0 is another difference than 0 against 105)."""
        shown = "" if self.kind == "values" else f" {_unlabelled(self.a)} | {_unlabelled(self.b)}"
        return f"{self.kind}: {self.method} {self.location}{shown}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "method": self.method, "location": self.location, "a": self.a, "b": self.b,
                "key": self.key}


def normalise(value: Any, method: str | None, label_secret, area: str) -> Any:
    """`label_secret(secret) -> label` is the side's own numbering of the secrets its target showed."""
    varying = VARYING.get(read_as(method), set())

    def walk(item: Any, key: str | None = None) -> Any:
        if key in varying:
            return f"<{type(item).__name__}>"
        if isinstance(item, dict):
            return {name: walk(item[name], name) for name in sorted(item)}
        if isinstance(item, list):
            return [walk(element) for element in item]
        if isinstance(item, str):
            if SECRET_SHAPE.match(item) or (key in SECRET_KEYS and len(item) >= MIN_SECRET_LENGTH):
                return label_secret(item)
            return item.replace(area, "<area>") if area else item
        return item
    return walk(value)


def read_as(method: str | None) -> str:
    """The method name as Sync reads it (up to the first NUL); every name it does not know as one."""
    name = (method or "").split("\x00")[0]
    return name if name in API_METHODS else "(no method)" if not name else "(unknown method)"


def compare(a: Answer, b: Answer, method: str | None) -> list[Difference]:
    method = read_as(method)
    found: list[Difference] = []

    def differ(kind: str, location: str, left: Any, right: Any) -> None:
        found.append(Difference(kind, method, location, _compact(left), _compact(right)))

    if a.process != b.process:
        differ("process", "", a.process, b.process)
    if a.status != b.status:
        differ("status", "", a.status if a.status is not None else "no answer",
               b.status if b.status is not None else "no answer")
        return found
    if a.status is None:
        return found
    if a.content_type != b.content_type:
        differ("content type", "", a.content_type, b.content_type)
    if a.padding != b.padding:
        differ("body", "JSONP padding", a.padding or "none", b.padding or "none")
    if a.is_json != b.is_json or not a.is_json:
        if a.body != b.body or a.is_json != b.is_json:
            differ("body", "", a.body if a.is_json else f"not JSON: {a.body}",
                   b.body if b.is_json else f"not JSON: {b.body}")
        return found
    if isinstance(a.body, dict) and isinstance(b.body, dict):
        for key, kind in (("error", "error code"), ("message", "message")):
            if a.body.get(key, "absent") != b.body.get(key, "absent"):
                differ(kind, key, a.body.get(key, "absent"), b.body.get(key, "absent"))
        left = {name: value for name, value in a.body.items() if name not in ("error", "message")}
        right = {name: value for name, value in b.body.items() if name not in ("error", "message")}
        _structure(left, right, "", differ)
    else:
        _structure(a.body, b.body, "", differ)
    return found


def _structure(left: Any, right: Any, location: str, differ) -> None:
    if _type(left) != _type(right):
        differ("types", location or ".", _type(left), _type(right))
    elif isinstance(left, dict):
        if set(left) != set(right):
            differ("keys", location or ".", sorted(set(left) - set(right)), sorted(set(right) - set(left)))
        for name in sorted(set(left) & set(right)):
            _structure(left[name], right[name], f"{location}.{name}", differ)
    elif isinstance(left, list):
        if len(left) != len(right):
            differ("values", f"{location}[] (items)", len(left), len(right))
        for one, other in zip(left, right):
            _structure(one, other, f"{location}[]", differ)
    elif left != right:
        differ("values", location or ".", left, right)


def _type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number",
            type(None): "null"}.get(type(value), type(value).__name__)


def _compact(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 300 else text[:297] + "..."


def _unlabelled(text: str) -> str:
    return SECRET_LABEL.sub(r"<\1\2>", text)
