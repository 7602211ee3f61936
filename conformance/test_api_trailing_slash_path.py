"""behaviour: api-trailing-slash-path

DESCRIPTION: call get_version on `/api/` as well as on `/api` (some clients use the former).
EXPECTATION: both answer HTTP 200 with the same version.
"""
import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("api-trailing-slash-path")


def test_api_with_trailing_slash_answers_like_api(sync, evidence):
    plain = sync.request("/api", {"method": "get_version"})
    if not isinstance(plain.json, dict) or "version" not in plain.json:
        inconclusive(f"/api itself did not answer get_version with a version ({plain.summary()}): nothing to compare")
    slashed = sync.request("/api/", {"method": "get_version"})
    assert slashed.status == 200, f"/api/: {slashed.summary()}"
    assert slashed.json == plain.json, f"/api/ answered {slashed.text!r}, /api answered {plain.text!r}"
    evidence.because(f"/api/ and /api both answer {plain.text.strip()}")
