"""One target of a differential run: sends symbolic steps to it and normalises what comes back.

Before each sequence the side brings its target back to a clean slate (no folders, the preferences it
started with, a fresh directory area), restarting it when it died and starting it on fresh storage when
the API alone cannot undo what a sequence did.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from conformance.differential.compare import VARYING, Answer, normalise
from conformance.differential.steps import Directory, EarlierSecret, Step, Value, encode
from fixtures.attach import AttachedSync
from fixtures.errors import SetupError
from fixtures.launcher import LaunchedSync, describe_exit

CLEAN_SLATE_ATTEMPTS = 3
SETTLE_S = 3.0  # how long a side waits for its process to exit after a shutdown or an unanswered request


class Side:
    def __init__(self, name: str, label: str, instance: LaunchedSync | AttachedSync, slug: str):
        self.name = name  # "a" or "b"
        self.label = label
        self.slug = slug  # its part of the report's file name
        self.instance = instance
        self.area = ""
        self.seen: list[str] = []  # secrets in the order this target first showed them in the sequence
        self._prepared: set[str] = set()
        self._baseline_prefs: dict | None = None
        self.restarts = 0

    @property
    def owned(self) -> bool:
        """The suite started it: it can restart it and see its process."""
        return self.instance.owned is not None

    # -- state between sequences ---------------------------------------------------------------------
    def clean_slate(self) -> None:
        """No folders and the first preferences; a target of the run's own is restarted, or started
        afresh, until it gets there (a fault may strike a start too), a few times at most."""
        problem = None
        for _ in range(CLEAN_SLATE_ATTEMPTS if self.owned else 1):
            try:
                if self._back_to_start():
                    break
                problem = "cannot bring it back to no folders and its first preferences between sequences"
            except SetupError as error:  # a start that failed
                problem = str(error)
        else:
            raise SetupError(f"{self.label}: {problem}; a differential run needs a target of its own that "
                             f"stays up")
        self.area = str(Path(self.instance.scratch_dir("area-")))
        self.seen = []
        self._prepared = set()

    def _back_to_start(self) -> bool:
        if self.owned and not self.instance.owned.running():
            self.instance.owned.restart()
            self.restarts += 1
        client = self.instance.client
        if self._baseline_prefs is None:
            prefs = client.call("get_prefs").json
            if not isinstance(prefs, dict):  # no answer (a pause, a kill): no baseline yet; afresh, try again
                if self.owned:
                    self.instance.owned.reset()
                    self.restarts += 1
                return False
            self._baseline_prefs = prefs
        if not self._tidy(client) and self.owned:
            self.instance.owned.reset()
            self.restarts += 1
        return self._tidy(client)

    def _tidy(self, client) -> bool:
        """Remove every folder and restore changed preferences; True when that worked."""
        folders = client.call("get_folders").json
        if not isinstance(folders, list):
            return False
        for folder in folders:
            client.call("remove_folder", secret=folder.get("secret", ""))
        prefs = client.call("get_prefs").json
        if not isinstance(prefs, dict):
            return False
        changed = {name: value for name, value in self._baseline_prefs.items()
                   if prefs.get(name) != value and name not in VARYING["get_prefs"]}
        if changed:
            client.call("set_prefs", **changed)
        prefs = client.call("get_prefs").json
        return client.call("get_folders").json == [] and isinstance(prefs, dict) and all(
            prefs.get(name) == value for name, value in self._baseline_prefs.items() if name not in VARYING["get_prefs"])

    # -- one request ---------------------------------------------------------------------------------
    def send(self, step: Step) -> Answer:
        pairs = [(name, self.resolve(value)) for name, value in step.params]
        client = self.instance.client
        exchange = client.request(step.path, dict(pairs), query=encode(pairs, step.encoding),
                                  auth=client.auth if step.authorised else None)
        if not exchange.answered or (step.method == "shutdown" and exchange.status == 200
                                     and exchange.error_code() in (0, None)):
            self._settle()  # a process that is ending: wait until it has, so both sides are seen alike
        label = self._label_secret
        curl = self._curl(step)
        if not exchange.answered:
            return Answer(None, None, None, False, self.process_state(), exchange.transport_error, curl)
        content_type = exchange.headers.get("Content-Type")
        document, padding = exchange.json, None
        if exchange.json_error is not None:
            document, padding = _unpadded(exchange.text)
        if document is not None or exchange.json_error is None:
            body, is_json = normalise(document, step.method, label, self.area), True
        else:
            body, is_json = normalise(exchange.text, step.method, label, self.area), False
        return Answer(exchange.status, content_type, body, is_json, self.process_state(), curl=curl, padding=padding)

    def _curl(self, step: Step) -> str:
        """The request as a curl line for this target, with $SECRET_n for the n-th secret (from 0) it showed
        in the sequence and $AREA for the directory the sequence's folders live in."""
        def symbolic(value: Value) -> str:
            if isinstance(value, EarlierSecret):
                return f"QQSECRET{value.index % len(self.seen)}QQ" if self.seen else ""
            if isinstance(value, Directory):
                return f"QQAREAQQ/{value.name}{value.spelling}"
            return value
        query = encode([(name, symbolic(value)) for name, value in step.params], step.encoding)
        url = self.instance.client.base_url + step.path + "?" + query
        for special in ("\\", '"', "`", "$"):
            url = url.replace(special, "\\" + special)
        url = re.sub(r"QQSECRET(\d+)QQ", r"${SECRET_\1}", url).replace("QQAREAQQ", "${AREA}")
        credentials = '-u "$SYNC_USER:$SYNC_PASSWORD" ' if step.authorised else ""
        return f'curl -sS {credentials}"{url}"'

    def process_state(self) -> str:
        status = self.instance.owned.exit_status() if self.owned else None
        return "running" if status is None else describe_exit(status)

    def _settle(self) -> None:
        deadline = time.monotonic() + SETTLE_S
        while self.owned and self.process_state() == "running" and time.monotonic() < deadline:
            time.sleep(0.05)

    def _label_secret(self, secret: str) -> str:
        if secret not in self.seen:
            self.seen.append(secret)
        return f"<{secret[0]}{len(secret)} #{self.seen.index(secret)}>"

    def resolve(self, value: Value) -> str:
        if isinstance(value, EarlierSecret):
            return self.seen[value.index % len(self.seen)] if self.seen else ""
        if isinstance(value, Directory):
            return self._directory(value)
        return value

    def _directory(self, directory: Directory) -> str:
        path = os.path.normpath(os.path.join(self.area, directory.name))
        if directory.name not in self._prepared:
            self._prepared.add(directory.name)
            try:
                _prepare(path, directory.state)
            except OSError:  # a file already stands where a parent should be: both sides fail alike
                pass
        return os.path.join(self.area, directory.name) + directory.spelling


def _prepare(path: str, state: str) -> None:
    """Make `path` what the step asks for, unless something is there already."""
    if os.path.lexists(path) or state == "missing":
        return
    if state == "file":
        os.makedirs(os.path.dirname(path), exist_ok=True)
        Path(path).write_text("a file where a directory is expected\n")
        return
    os.makedirs(path)
    if state == "with-file":
        Path(path, "f0.txt").write_text("differential\n")
        os.makedirs(os.path.join(path, "inner"))
        Path(path, "inner", "f1.txt").write_text("inner file\n")


_JSONP = re.compile(r"^(?P<callback>[^(]*)\((?P<document>.*)\)\s*$", re.DOTALL)


def _unpadded(text: str) -> tuple[object, str | None]:
    """`cb({ ... })` (Sync's JSONP, asked for with `callback=cb`) -> the document and "cb(...)"."""
    match = _JSONP.match(text)
    if match:
        try:
            return json.loads(match["document"]), match["callback"] + "(...)"
        except ValueError:
            pass
    return None, None
