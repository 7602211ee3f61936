"""Folders the checks add, and only those, removed again afterwards (never what the suite did not add);
a client whose exchanges a check keeps out of its evidence."""
from __future__ import annotations

from contextlib import contextmanager

from conformance.verdicts.outcome import Evidence, inconclusive
from fixtures.client import Exchange, SyncClient


class AddedFolders:
    def __init__(self, client: SyncClient, target):
        self.client = client
        self.target = target
        self.secrets: list[str] = []

    def new_dir(self, prefix: str = "folder-") -> str:
        return self.target.scratch_dir(prefix)

    def add(self, directory: str, **params) -> Exchange:
        exchange = self.client.call("add_folder", dir=directory, **params)
        if exchange.error_code() == 0:
            entry = self.find(directory)
            if entry is not None:
                self.secrets.append(entry["secret"])
        return exchange

    def add_fresh(self, **params) -> dict:
        """Add a new empty folder and return its get_folders entry. A refusal means the calling check
        cannot decide its behaviour here: inconclusive."""
        directory = self.new_dir()
        exchange = self.add(directory, **params)
        if exchange.error_code() != 0:
            inconclusive(f"add_folder did not succeed, so there is no folder to examine: {exchange.summary()}")
        entry = self.find(directory)
        if entry is None or not isinstance(entry.get("secret"), str):
            inconclusive(f"the added folder does not appear in get_folders with a secret: {entry}")
        return entry

    def find(self, directory: str) -> dict | None:
        listing = self.client.call("get_folders").json
        if not isinstance(listing, list):
            return None
        return next((entry for entry in listing if isinstance(entry, dict) and entry.get("dir") == directory), None)

    def remove_all(self) -> None:
        while self.secrets:
            self.client.call("remove_folder", secret=self.secrets.pop())

    def remove_dirs(self, directories: set[str]) -> None:
        """Folders a check added at these directories by other means (many at once, say): a launched
        instance starts again on fresh storage (fast, whatever their number); an attached one loses only
        these folders."""
        if self.target.owned is not None:
            self.target.owned.reset()
            return
        listing = self.client.call("get_folders").json
        for entry in listing if isinstance(listing, list) else []:
            if isinstance(entry, dict) and entry.get("dir") in directories:
                self.client.call("remove_folder", secret=entry["secret"])


@contextmanager
def unrecorded(client: SyncClient, evidence: Evidence):
    """Within it, the client's exchanges stay out of the check's evidence (a thousand add_folder calls,
    which a latency plot stands for); the harness still watches them."""
    client.observers.remove(evidence.record)
    try:
        yield
    finally:
        client.observers.append(evidence.record)
