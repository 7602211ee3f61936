"""behaviour: invalid-secret-crash

DESCRIPTION: call get_secrets with the invalid secret from the document, then with invalid secrets a
Hypothesis search generates (wrong alphabet, length or type letter), within --examples inputs.
EXPECTATION: one of them crashes Sync (the process exits, or stops answering). A crash is confirmed with
its shrunk reproducer; no crash within the budget contradicts the claim, with what Sync answered instead.
"""
from collections import Counter
from random import Random

import pytest
from hypothesis import HealthCheck, find, settings
from hypothesis.errors import NoSuchExample

from conformance.outcome import blame_crash
from conformance.strategies import invalid_secrets

pytestmark = [pytest.mark.behaviour("invalid-secret-crash"), pytest.mark.destructive]

DOCUMENT_SECRET = "DJj98eY2XqsVf83RpiDU0SuAzVZcPatsjJ2KsxkTDl5em2hMsxPqx"
PROBE_TIMEOUT_S = 5.0


class CrashProbe:
    """Sends one get_secrets; tells whether it killed (or hung) the target, and restarts it if so."""

    def __init__(self, client, target, evidence):
        self.client, self.target, self.evidence = client, target, evidence
        self.answers: Counter[str] = Counter()
        self.tried = 0
        self.crashing: list[tuple[str, object, dict]] = []

    def __call__(self, secret: str) -> bool:
        self.tried += 1
        exchange = self.client.call("get_secrets", secret=secret, timeout=PROBE_TIMEOUT_S)
        if exchange.answered:
            self.answers[exchange.summary()] += 1
            return False
        crash = blame_crash(self.target, self.evidence, secret=secret, request=exchange.to_dict())
        if crash is None:
            self.answers[f"no answer ({exchange.transport_error}) but still alive"] += 1
            return False
        self.crashing.append((secret, exchange, crash))
        return True


def test_get_secrets_on_invalid_secret_crashes_sync(sync, sync_target, evidence, options):
    probe = CrashProbe(sync, sync_target, evidence)
    seed = int(options.hypothesis_seed)
    evidence.note("hypothesis seed", seed)
    evidence.note("budget (examples)", options.examples)
    if probe(DOCUMENT_SECRET):
        found = DOCUMENT_SECRET
    else:
        try:
            found = find(invalid_secrets(), probe, random=Random(seed), database_key=b"invalid-secret-crash",
                         settings=settings(max_examples=options.examples, deadline=None,
                                           suppress_health_check=list(HealthCheck)))
        except NoSuchExample:
            found = None
    evidence.note("invalid secrets tried", probe.tried)
    evidence.note("answers (answer: count)", dict(probe.answers.most_common(10)))
    assert found is not None, (
        f"no crash: {probe.tried} secrets outside the standard format (the document's and {probe.tried - 1} "
        f"generated) were all answered; most common answer: "
        f"{probe.answers.most_common(1)[0][0] if probe.answers else 'none'}")
    exchange, crash = next((exchange, crash) for secret, exchange, crash in reversed(probe.crashing)
                           if secret == found)
    evidence.reproducers.append(sync.curl(exchange))
    evidence.reproducers.append(sync.script(exchange))
    evidence.because(f"get_secrets with secret {found!r} ({len(found)} chars) crashed Sync: "
                     f"{crash['process']} (after {probe.tried} inputs, seed {seed})")
