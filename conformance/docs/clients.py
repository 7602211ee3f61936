"""The `btsync` object a document's examples call, and the `tempfile` they make folders with.

- pybtsync's `BTSync` when pybtsync is installed (the document's own client; `pip install pybtsync`): it
  builds its requests and raises on API errors as it always does, but its HTTP goes through the suite's
  client, so every exchange is journaled, its secrets learned for redaction, and a dead target noticed.
- Otherwise `ApiAdapter`: pybtsync's method names and argument order, returning what the API answered
  (the parsed JSON, or the text when it is none), never raising for an API error.

Both raise `TargetDidNotAnswer` (a requests.ConnectionError) when the target gave no answer.
"""
from __future__ import annotations

import importlib
from typing import Any

import requests

from fixtures.client import API_PATH, Exchange, SyncClient

# pybtsync 0.0.3's methods and their parameters, in order
METHODS = {
    "get_folders": ("secret",), "add_folder": ("dir", "secret", "selective_sync"), "remove_folder": ("secret",),
    "get_files": ("secret", "path"), "set_file_prefs": ("secret", "path", "download"),
    "get_folder_peers": ("secret",), "get_secrets": ("secret", "type"), "get_folder_prefs": ("secret",),
    "set_folder_prefs": ("secret", "use_dht", "use_hosts", "search_lan", "use_relay_server", "use_tracker",
                         "use_sync_trash"),
    "get_folder_hosts": ("secret",), "set_folder_hosts": ("secret", "hosts"), "get_prefs": (), "set_prefs": (),
    "get_os": (), "get_version": (), "get_speed": (), "shutdown": (),
}


class TargetDidNotAnswer(requests.ConnectionError):
    pass


def _answered(exchange: Exchange) -> Exchange:
    if not exchange.answered:
        raise TargetDidNotAnswer(f"{exchange.method or 'the request'}: no answer ({exchange.transport_error})")
    return exchange


def _query(params: dict[str, Any]) -> dict[str, str]:
    """As requests encodes a params dict: None left out, everything else as str()."""
    return {name: str(value) for name, value in params.items() if value is not None}


class ApiAdapter:
    """`btsync.get_secrets(secret)` -> what `GET /api?method=get_secrets&secret=...` answered."""

    def __init__(self, client: SyncClient):
        self._client = client

    def _request_function(self, method: str, params: dict | None = None, key: str | None = None):
        answer = self._call(method, params or {})
        return answer[key] if key is not None and isinstance(answer, dict) else answer

    def _call(self, method: str, params: dict[str, Any]):
        exchange = _answered(self._client.request(API_PATH, {"method": method, **_query(params)}))
        return exchange.json if exchange.json_error is None else exchange.text

    def __getattr__(self, name: str):
        if name not in METHODS:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

        def method(*args, **kwargs):
            if len(args) > len(METHODS[name]):
                raise TypeError(f"{name}() takes at most {len(METHODS[name])} arguments ({len(args)} given)")
            return self._call(name, {**dict(zip(METHODS[name], args)), **kwargs})
        method.__name__ = name
        return method

    def __repr__(self) -> str:
        return "<btsync: the suite's adapter>"


class _RequestsThroughSuiteClient:
    """Stands in for the `requests` module inside pybtsync."""

    def __init__(self, client: SyncClient):
        self._client = client

    def get(self, url: str, params: dict | None = None, **_ignored) -> "_Response":
        return _Response(_answered(self._client.request(API_PATH, _query(params or {}))))


class _Response:
    def __init__(self, exchange: Exchange):
        self._exchange = exchange
        self.status_code = exchange.status
        self.text = exchange.text

    def json(self):
        if self._exchange.json_error is not None:
            raise ValueError(self._exchange.json_error)
        return self._exchange.json


def document_client(client: SyncClient, prefer_pybtsync: bool = True) -> tuple[Any, str]:
    """The `btsync` object and how it is described in the report."""
    if not prefer_pybtsync:
        return ApiAdapter(client), "the suite's adapter"
    try:
        pybtsync = importlib.import_module("pybtsync")
    except ImportError:
        pass
    else:
        pybtsync.requests = _RequestsThroughSuiteClient(client)
        host, port = client.base_url.rsplit("//", 1)[1].rsplit(":", 1)
        login, password = client.auth or ("", "")
        return pybtsync.BTSync(host, port, login, password), f"pybtsync {_installed_version('pybtsync')} (BTSync)"
    return ApiAdapter(client), "the suite's adapter (pybtsync is not installed)"


def _installed_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


class TempDirs:
    """Stands in for the `tempfile` module: `mkdtemp()` makes a directory where the target's folders go.
    `made` lists them in order, so reports can show `<tmp 1>`, `<tmp 2>` instead of the run's paths."""

    def __init__(self, target):
        self._target = target
        self.made: list[str] = []

    def mkdtemp(self, suffix: str | None = None, prefix: str | None = None, dir: str | None = None) -> str:
        path = self._target.scratch_dir(prefix or "tmp")
        self.made.append(path)
        return path

    def aliased(self, text: str) -> str:
        for number, path in sorted(enumerate(self.made, start=1), key=lambda pair: -len(pair[1])):
            text = text.replace(path, f"<tmp {number}>")
        return text
