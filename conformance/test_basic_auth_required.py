"""behaviour: basic-auth-required

DESCRIPTION: call get_version without credentials and with a wrong password.
EXPECTATION: HTTP 401 both times, and no API answer in the body.
"""
import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("basic-auth-required")


@pytest.mark.parametrize("credentials", ["none", "wrong-password"])
def test_requests_without_the_right_credentials_get_401(sync, evidence, credentials):
    if sync.auth is None:
        inconclusive("the instance was given no webui login, so there are no credentials to withhold")
    auth = None if credentials == "none" else (sync.auth[0], sync.auth[1] + "-wrong")
    exchange = sync.request("/api", {"method": "get_version"}, auth=auth)
    assert exchange.status == 401, f"{credentials}: {exchange.summary()} instead of HTTP 401"
    assert "version" not in exchange.text, f"{credentials}: the 401 answer carries API data: {exchange.text[:80]!r}"
    evidence.because(f"{credentials}: HTTP 401, body {exchange.text[:40]!r}")
