"""Folders the checks add, and only those, removed again afterwards (never what the suite did not add)."""
from __future__ import annotations

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

    def find(self, directory: str) -> dict | None:
        listing = self.client.call("get_folders").json
        if not isinstance(listing, list):
            return None
        return next((entry for entry in listing if isinstance(entry, dict) and entry.get("dir") == directory), None)

    def remove_all(self) -> None:
        while self.secrets:
            self.client.call("remove_folder", secret=self.secrets.pop())
