"""A witness for the redaction test: a pytest plugin loaded into a conformance run
(`-p tests.witness --witness-log FILE`) that writes down, one per line, every folder secret any client
of the suite was handed (main, peers, second launches) and every instance's password and API key."""
from __future__ import annotations

from fixtures.client import SyncClient
from fixtures.redaction import SECRET_KEYS
from fixtures.watch import JOURNAL


def pytest_addoption(parser):
    parser.addoption("--witness-log", help="where to write every secret, password and key the run saw")


def secrets_in(document, supplied: str | None) -> set[str]:
    if isinstance(document, dict):
        found = {value for key, value in document.items()
                 if key in SECRET_KEYS and isinstance(value, str) and len(value) >= 20 and value != supplied}
        return found.union(*(secrets_in(value, supplied) for value in document.values()))
    if isinstance(document, list):
        return set().union(*(secrets_in(value, supplied) for value in document))
    return set()


def pytest_configure(config):
    if config.option.witness_log:
        start(config.option.witness_log)


def start(path: str) -> None:
    """From now on, write down every secret any client of this process is handed (for runs that are not
    pytest runs, such as a differential run)."""
    seen: set[str] = set()

    def witness(exchange) -> None:
        values = secrets_in(exchange.json, exchange.params.get("secret"))
        for instance in JOURNAL.instances():
            values |= {getattr(instance, "password", None) or "", getattr(instance, "api_key", None) or ""}
        new = {value for value in values if value and value not in seen}
        if new:
            seen.update(new)
            with open(path, "a") as log:
                log.writelines(value + "\n" for value in sorted(new))

    SyncClient.everyone.append(witness)
