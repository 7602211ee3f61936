"""conformance/helpers/peers.py: a "does not spread" watch lasts as long as the evidence says, and says why."""
import threading
import time
from types import SimpleNamespace

from conformance.helpers.peers import SLOWEST_SPREAD, Findings, PeerScenario


def _scene(findings: Findings, peer_watch: float = 0.2) -> PeerScenario:
    options = SimpleNamespace(peer_deadline=5.0, peer_watch=peer_watch)
    return PeerScenario(SimpleNamespace(instances=[]), options, findings)


def test_a_watch_lasts_as_long_as_the_slowest_spread_measured_on_the_run():
    findings = Findings()
    scene = _scene(findings)
    assert scene.watch_window(0.1) == (0.2, "--peer-watch 0.2 s, the shortest watch")
    assert scene.watch_window(0.4)[0] == 0.4  # as long as the later file took here
    findings.raise_to(SLOWEST_SPREAD, (0.6, "a sentinel elsewhere"))
    findings.raise_to(SLOWEST_SPREAD, (0.3, "a faster one"))  # the slowest stays
    assert scene.watch_window(0.4) == (0.6, f"{SLOWEST_SPREAD} (0.6 s: a sentinel elsewhere)")


def test_a_slower_spread_measured_during_a_watch_lengthens_it_and_a_change_ends_it():
    findings = Findings()
    scene = _scene(findings)
    threading.Timer(0.1, findings.raise_to, args=(SLOWEST_SPREAD, (1.2, "another scenario's change"))).start()
    started = time.monotonic()
    held, window = scene.watch(0.0, lambda: True)
    assert held and window == 1.2 and time.monotonic() - started >= 1.2
    assert scene.evidence.facts["what set the length of the watch"].startswith(
        "1.2 s from the watch's start: " + SLOWEST_SPREAD)
    spread_at = time.monotonic() + 0.3
    held, _ = scene.watch(0.0, lambda: time.monotonic() < spread_at)  # the change spread: the watch ends at once
    assert not held and time.monotonic() - started < 2.4


def test_a_watch_counted_from_a_change_ends_that_long_after_the_change():
    """A spread is measured from its write: a watch for a change, begun once a later file has arrived,
    lasts only what is left of the window since the change."""
    scene = _scene(Findings())
    changed_at = time.monotonic() - 0.8  # the later file took 0.8 s to arrive
    held, window = scene.watch(1.0, lambda: True, since=(changed_at, "the change"))
    assert held and window == 1.0
    assert 0.9 <= time.monotonic() - changed_at < 1.5
    assert scene.evidence.facts["what set the length of the watch"].startswith("1 s from the change: ")


def test_a_spread_counts_for_every_watch_and_a_first_arrival_does_not():
    findings = Findings()
    scene = _scene(findings)
    scene.wait_for("the first copy", lambda: True)
    assert findings.get(SLOWEST_SPREAD) is None  # an arrival that waited for discovery says nothing of a spread
    scene.wait_for("a later file", lambda: True, spread=True)
    assert findings.get(SLOWEST_SPREAD) == (0.0, "a later file")
