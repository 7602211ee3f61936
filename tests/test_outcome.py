"""conformance/verdicts/outcome.py: a behaviour's verdict from its checks' results."""


from conformance.verdicts.outcome import (
    KEEP_EXCHANGES,
    KEEP_INCIDENTS_OF_A_KIND,
    KEEP_UNUSUAL_EXCHANGES,
    Evidence,
    behaviour_verdict,
    kept_incidents,
)
from conformance.verdicts.verdict import describe
from fixtures.client import Exchange
from tests.conftest import made_up_result


def test_fold_never_counts_unknown_as_a_pass():
    assert behaviour_verdict([made_up_result("confirmed"), made_up_result("inconclusive", "why")]) == ("inconclusive", "why")
    assert behaviour_verdict([made_up_result("confirmed"), made_up_result("contradicted", "no")]) == ("contradicted", "no")
    assert behaviour_verdict([])[0] == "inconclusive"


def _exchange(status):
    return Exchange(base_url="http://127.0.0.1:1", path="/api", params={"method": "get_folders"}, started=1.0,
                    elapsed_ms=5.0, status=status, text="[]" if status else "", timeout_s=10.0)


def test_a_checks_evidence_keeps_the_first_exchanges_then_those_that_went_wrong_up_to_a_bound():
    evidence = Evidence()
    for status in [200] * (KEEP_EXCHANGES + 50) + [None] * (KEEP_UNUSUAL_EXCHANGES + 70):
        evidence.record(_exchange(status))
    kept = evidence.to_dict()
    assert len(kept["exchanges"]) == KEEP_EXCHANGES + KEEP_UNUSUAL_EXCHANGES
    assert [record["status"] for record in kept["exchanges"]].count(None) == KEEP_UNUSUAL_EXCHANGES
    assert kept["exchanges_total"] == KEEP_EXCHANGES + 50 + KEEP_UNUSUAL_EXCHANGES + 70


def test_incidents_past_the_first_of_a_kind_are_counted_not_kept():
    silences = [{"kind": "no answer", "instance": "peer-1", "at": 100.0 + n} for n in range(KEEP_INCIDENTS_OF_A_KIND + 3000)]
    death = {"kind": "died", "instance": "peer-1", "at": 99.0}
    kept = kept_incidents([death] + silences)
    assert kept[:KEEP_INCIDENTS_OF_A_KIND + 1] == [death] + silences[:KEEP_INCIDENTS_OF_A_KIND]
    [repeated] = kept[KEEP_INCIDENTS_OF_A_KIND + 1:]
    assert repeated == {"kind": "repeated", "instance": "peer-1", "of_kind": "no answer", "count": 3000,
                        "at": 100.0 + KEEP_INCIDENTS_OF_A_KIND, "last_at": 100.0 + KEEP_INCIDENTS_OF_A_KIND + 2999}
    assert describe(repeated) == "the peer-1: 3000 more 'no answer' incidents over 2999.0 s"
    assert kept_incidents(silences[:5]) == silences[:5]  # a few are all kept
