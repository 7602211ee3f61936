"""behaviour: invalid-secret-crash

DESCRIPTION: call get_secrets with the invalid secret from the document, then with invalid secrets a
Hypothesis search generates (wrong alphabet, length or type letter), within --examples inputs.
EXPECTATION: one of them crashes Sync: the process dies of a crash signal or exits non-zero, and the same
request crashes the restarted process again. A crash is confirmed with its shrunk reproducer; no crash
within the budget contradicts the claim, with what Sync answered instead. A death of another kind (killed
from outside, exit 0), a hang or a crash that does not come again leaves the check inconclusive.
"""
from collections import Counter
from random import Random

import pytest
from hypothesis import HealthCheck, find, settings
from hypothesis.errors import NoSuchExample

from conformance.helpers.crashes import provoke_crash
from conformance.helpers.strategies import invalid_secrets
from fixtures.client import API_PATH, Exchange

pytestmark = [pytest.mark.behaviour("invalid-secret-crash"), pytest.mark.destructive, pytest.mark.subject("crash")]

DOCUMENT_SECRET = "DJj98eY2XqsVf83RpiDU0SuAzVZcPatsjJ2KsxkTDl5em2hMsxPqx"


class CrashProbe:
    """Sends one get_secrets; tells whether it crashed the target, reproducibly (provoke_crash)."""

    def __init__(self, client, target, evidence):
        self.client, self.target, self.evidence = client, target, evidence
        self.answers: Counter[str] = Counter()
        self.tried = 0
        self.crashing: list[tuple[str, dict]] = []

    def __call__(self, secret: str) -> bool:
        self.tried += 1
        before = self.evidence.exchanges_total
        crash = provoke_crash(self.client, self.target, self.evidence, API_PATH,
                              {"method": "get_secrets", "secret": secret}, secret=secret)
        if crash is None or not crash["reproduced"]:
            if self.evidence.exchanges_total == before + 1:
                self.answers[self.evidence.exchanges[-1]["text"][:160].strip() or "(empty)"] += 1
            return False
        self.crashing.append((secret, crash))
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
    crash = next(crash for secret, crash in reversed(probe.crashing) if secret == found)
    request = Exchange.from_dict(crash["request"])
    evidence.reproducers.append(sync.curl(request))
    evidence.reproducers.append(sync.script(request))
    evidence.because(f"get_secrets with secret {found!r} ({len(found)} chars) crashed Sync: "
                     f"{crash['process']}, and again after a restart (after {probe.tried} inputs, seed {seed})")
