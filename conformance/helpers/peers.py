"""The peer scenario API a peer check uses: folders shared among the instances of a PeerGroup, polling
with a deadline, and views of what lies on each instance's disk.

Waiting is always polling against a deadline (`--peer-deadline`). A positive property whose deadline
passes with nothing seen is inconclusive; it is contradicted only when the link was shown alive meanwhile
(a sentinel file written later arrived, a control folder synced, the known hosts accepted connections)
and the change still did not come. A negative property ("does not spread") is watched as long as the
slowest spread measured on the run so far (a file written once the peers were connected, on its way to
another peer: any scenario's), or as long again as a later change took to arrive where it must, at least
`--peer-watch` seconds; a slower spread measured during the watch lengthens it, and the evidence says
what set its length.

A peer check module defines `scenario(scene: PeerScenario)`; the harness runs every selected scenario
in a thread of its own (conformance/harness/peer_runner.py), and the check reports its outcome with the
`scenario_outcome` fixture.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from conformance.verdicts.outcome import Evidence, inconclusive
from fixtures.client import SyncClient
from fixtures.errors import SetupError
from fixtures.peer_group import PEER_ROLES, PeerGroup
from fixtures.shared_tree import read_tree, write_tree

POLL_S = 0.5
SLOWEST_SPREAD = "the slowest spread measured on this run"  # (seconds, what), in the run's Findings


def listing(files: dict[str, bytes], head: int = 16) -> list[dict]:
    """Evidence rows: name, size, first bytes in hex."""
    return [{"name": name, "size": len(data), "head": data[:head].hex()} for name, data in sorted(files.items())]


@dataclass
class Share:
    """One folder shared by several instances: `members[i]` is (client, secret, directory)."""
    members: list[tuple[SyncClient, str, str]] = field(default_factory=list)

    def dir(self, index: int) -> str:
        return self.members[index][2]

    def peers_seen(self) -> list[int]:
        """How many peers get_folder_peers lists on each member now."""
        counts = []
        for client, secret, _ in self.members:
            answer = client.call("get_folder_peers", secret=secret).json
            counts.append(len(answer) if isinstance(answer, list) else -1)
        return counts

    def remove(self) -> None:
        for client, secret, _ in self.members:
            client.call("remove_folder", secret=secret, timeout=5.0)


class Findings:
    """What one scenario measured that another's wait derives from, by name, shared by the scenarios of
    one run (a wait is ended by evidence where there is some: helpers/known_hosts.py)."""

    def __init__(self):
        self._values: dict[str, object] = {}
        self._lock = threading.Lock()

    def publish(self, name: str, value) -> None:
        """The first value published under a name stays."""
        with self._lock:
            self._values.setdefault(name, value)

    def published(self, name: str) -> bool:
        with self._lock:
            return name in self._values

    def get(self, name: str):
        with self._lock:
            return self._values.get(name)

    def raise_to(self, name: str, value: tuple) -> None:
        """Keeps the largest value published under a name (tuples compare by their first item first)."""
        with self._lock:
            if name not in self._values or value > self._values[name]:
                self._values[name] = value


class PeerScenario:
    """A scenario's clients (one per instance, its own), shares, clock and evidence; removes its shares
    at the end. `findings` is shared with the run's other scenarios."""

    def __init__(self, group: PeerGroup, options, findings: Findings | None = None):
        self.group = group
        self.options = options
        self.findings = findings if findings is not None else Findings()
        self.evidence = Evidence()
        self.deadline_s = options.peer_deadline
        self.clients = [SyncClient(instance.base_url, (instance.login, instance.password), instance.request_timeout)
                        for instance in group.instances]
        self.talked_to: set[str] = set()  # base URLs of the instances this scenario sent requests to
        for client in self.clients:
            client.observers.append(self.evidence.record)
            client.observers.append(lambda exchange: self.talked_to.add(exchange.base_url))
        self.started = time.monotonic()
        self.shares: list[Share] = []
        self.own_groups: list[PeerGroup] = []  # instances of this scenario's own (their incidents are its)
        self.own_siblings: list = []
        self.peer_counts: list[tuple[float, float]] = []

    def own_group(self, count: int, name: str) -> PeerGroup:
        """Fresh instances of the build for this scenario alone (not started): peers that know no one yet."""
        group = self.group.another(count, name)
        self.own_groups.append(group)
        return group

    def sibling(self, role: str, **changes):
        """One more instance of the build for this scenario alone, launched as `changes` say
        (fixtures/launcher.LaunchedSync.sibling); not started."""
        instance = self.group.model.sibling(role, **changes)
        PEER_ROLES.add(instance.role)  # its incidents are no other check's
        self.own_siblings.append(instance)
        return instance

    def own_instances(self) -> list:
        """Every instance this scenario made for itself: their incidents are its own."""
        return [instance for group in self.own_groups for instance in group.instances] + self.own_siblings

    def listening_port(self, index: int) -> int | None:
        prefs = self.clients[index].call("get_prefs").json
        port = prefs.get("listening_port") if isinstance(prefs, dict) else None
        return int(port) if str(port).isdigit() else None

    def share(self, secrets_by_member: list[str | None], *, known_hosts: bool = True, search_lan: bool = True,
              before_adding: dict[int, dict[str, bytes]] | None = None) -> Share:
        """Add one folder per instance (`secrets_by_member[i]` for instance i; None: not a member), each
        listing every member's listening port as a known host unless `known_hosts` is off."""
        share = Share()
        ports = []
        for index, secret in enumerate(secrets_by_member):
            if secret is None:
                continue
            client = self.clients[index]
            directory = self.group.instances[index].scratch_dir(f"peer{index}-")
            write_tree(directory, (before_adding or {}).get(index, {}))
            answer = client.call("add_folder", dir=directory, secret=secret, force=1)
            if answer.error_code() != 0:
                inconclusive(f"instance {index} did not add the shared folder: {answer.summary()}")
            share.members.append((client, secret, directory))
            ports.append(self.listening_port(index))
        self.shares.append(share)
        for (client, secret, _), own in zip(share.members, ports):
            client.call("set_folder_prefs", secret=secret, search_lan=int(search_lan), use_hosts=int(known_hosts))
            if known_hosts:
                client.call("set_folder_hosts", secret=secret,
                            hosts=",".join(f"127.0.0.1:{port}" for port in ports if port and port != own))
        return share

    def elapsed(self) -> float:
        return round(time.monotonic() - self.started, 1)

    def wait_for(self, what: str, condition, deadline_s: float | Callable[[], float] | None = None,
                 spread: bool = False) -> float | None:
        """Poll `condition()` until true; seconds it took, or None when the deadline passed (a callable
        deadline is asked again on every poll: evidence that arrives meanwhile can end the wait). Peer
        lists are sampled on the way (the evidence's 'peers over time' plot). `spread`: what is waited
        for is a file spreading between connected peers; its time counts for every watch on the run."""
        started = time.monotonic()
        deadline = deadline_s if callable(deadline_s) else lambda: self.deadline_s if deadline_s is None else deadline_s
        while True:
            if self.shares:
                self.peer_counts.append((self.elapsed(), float(min(self.shares[-1].peers_seen()))))
            if condition():
                took = round(time.monotonic() - started, 1)
                self.evidence.note(f"seconds until {what}", took)
                if spread:
                    self.findings.raise_to(SLOWEST_SPREAD, (took, what))
                return took
            waited = time.monotonic() - started
            if waited > deadline():
                self.evidence.note(f"seconds until {what}", f"not within {waited:.0f} s")
                return None
            time.sleep(POLL_S)

    def watch_window(self, later_change_took: float) -> tuple[float, str]:
        """How long a "does not spread" watch lasts, from what is known now, and why."""
        slowest = self.findings.get(SLOWEST_SPREAD)
        candidates = [(self.options.peer_watch, f"--peer-watch {self.options.peer_watch:g} s, the shortest watch"),
                      (later_change_took, f"as long as the later file took here ({later_change_took:g} s)")]
        if slowest:
            candidates.append((slowest[0], f"{SLOWEST_SPREAD} ({slowest[0]:g} s: {slowest[1]})"))
        return max(candidates, key=lambda candidate: candidate[0])

    def watch(self, later_change_took: float, holds, since: tuple[float, str] | None = None) -> tuple[bool, float]:
        """Watches that `holds()` stays true as long as watch_window says (asked again on every poll, so
        a slower spread measured meanwhile lengthens it), from now or from `since` (a monotonic time and
        what happened then: a spread is measured from its write, so a watch for a change that must not
        spread may count from the change's write); whether it held, and how long was watched."""
        started, start_basis = since or (time.monotonic(), "the watch's start")
        while True:
            window, basis = self.watch_window(later_change_took)
            if not holds():
                held = False
                break
            if time.monotonic() - started >= window:
                held = holds()
                break
            time.sleep(POLL_S)
        self.evidence.note("what set the length of the watch", f"{window:g} s from {start_basis}: {basis}")
        return held, window

    def prove_link_alive(self, share: Share, writer: int, readers: tuple[int, ...], after: str) -> float:
        """After a watch that nothing spread: a new file written on `writer` must still reach `readers`,
        or the quiet may have been a dead link (inconclusive). Seconds it took."""
        name = f"alive-after-{len(self.evidence.facts)}.txt"
        write_tree(share.dir(writer), {name: b"the link still carries files\n"})
        took = self.wait_for(f"a file written {after} reached the peers",
                             lambda: all(name in read_tree(share.dir(index)) for index in readers), spread=True)
        if took is None:
            inconclusive(f"a file written {after} did not reach the peers either: the quiet may have been a dead link")
        return took

    def finish(self) -> None:
        if self.peer_counts:
            self.evidence.plot("peers listed by get_folder_peers (fewest among the members)", self.peer_counts,
                               "seconds into the scenario", "peers")
        for share in self.shares:
            share.remove()


@contextmanager
def isolated(scene: PeerScenario, count: int, name: str, lan_discovery: bool = True) -> Iterator[PeerScenario]:
    """A scenario on `count` fresh instances of the build of its own, started (inconclusive when they
    cannot be; LAN discovery between them unless not wanted); its evidence goes into `scene`'s, and the
    instances are stopped at its end."""
    group = scene.own_group(count, name)
    try:
        group.start(lan_discovery)
    except SetupError as error:
        inconclusive(f"the instances of its own ({name}) could not be started: {error}")
    alone = PeerScenario(group, scene.options, scene.findings)
    try:
        yield alone
    finally:
        scene.evidence.absorb(alone.evidence)
        alone.finish()
        group.stop()


def encryption_secrets(client: SyncClient) -> dict[str, str]:
    """A new share's D, E and F secrets, as the API hands them out."""
    generated = client.call("get_secrets", type="encryption").json or {}
    if "read_write" not in generated:
        inconclusive(f"get_secrets type=encryption gave no read_write secret: {generated}")
    derived = client.call("get_secrets", secret=generated["read_write"]).json or {}
    if not {"read_only", "encryption"} <= set(derived):
        inconclusive(f"get_secrets on the D secret gave no read_only and encryption secrets: {sorted(derived)}")
    return {"read_write": generated["read_write"], **derived}


def plain_secrets(client: SyncClient) -> dict[str, str]:
    generated = client.call("get_secrets").json or {}
    if not {"read_write", "read_only"} <= set(generated):
        inconclusive(f"get_secrets gave no read_write and read_only secrets: {sorted(generated)}")
    return generated
