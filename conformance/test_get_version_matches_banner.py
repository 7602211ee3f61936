"""behaviour: get-version-matches-banner

DESCRIPTION: compare get_version's answer with the version in the build's `--help` banner (its first
line, 'BitTorrent Sync 1.4.111'), read when the suite resolved the build.
EXPECTATION: get_version answers {"version": "X"} with X the banner's version: a report's version is the
version the API speaks for.
"""
import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("get-version-matches-banner")


def test_get_version_reports_the_banner_version(sync, sync_target, evidence):
    if sync_target.owned is None:
        inconclusive("an attached instance has no banner the suite read")
    answer = sync.call("get_version").json
    evidence.note("--help banner", sync_target.build.banner)
    reported = answer.get("version") if isinstance(answer, dict) else None
    assert reported == sync_target.build.version, \
        f"get_version answered {answer!r}; the banner says {sync_target.build.version!r}"
    evidence.because(f"get_version answered {reported!r}, as the banner {sync_target.build.banner!r} says")
