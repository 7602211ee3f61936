"""behaviour: get-prefs-documented-keys

DESCRIPTION: compare the keys get_prefs answers with the 17 keys known for 1.2.x (the changelogs say
1.4.82 removed "redundant prefs" and later builds added others).
EXPECTATION: exactly the documented keys. The evidence lists what is missing and what is extra, so the
report shows how the key set moved between versions.
"""
import pytest

from fixtures.api_facts import DOCUMENTED_PREFS

pytestmark = pytest.mark.behaviour("get-prefs-documented-keys")


def test_get_prefs_answers_the_documented_keys(sync, evidence):
    prefs = sync.call("get_prefs").json
    assert isinstance(prefs, dict), f"get_prefs answered {prefs!r}"
    missing, extra = sorted(DOCUMENTED_PREFS - set(prefs)), sorted(set(prefs) - DOCUMENTED_PREFS)
    evidence.note("keys", sorted(prefs))
    evidence.note("value types", {key: type(value).__name__ for key, value in sorted(prefs.items())})
    assert not missing and not extra, f"get_prefs keys differ from 1.2.x: missing {missing}, extra {extra}"
    evidence.because(f"get_prefs answered exactly the {len(DOCUMENTED_PREFS)} documented keys")
