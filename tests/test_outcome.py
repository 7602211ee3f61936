"""conformance/verdicts/outcome.py: a behaviour's verdict from its checks' results."""


from conformance.verdicts.outcome import behaviour_verdict
from tests.conftest import made_up_result


def test_fold_never_counts_unknown_as_a_pass():
    assert behaviour_verdict([made_up_result("confirmed"), made_up_result("inconclusive", "why")]) == ("inconclusive", "why")
    assert behaviour_verdict([made_up_result("confirmed"), made_up_result("contradicted", "no")]) == ("contradicted", "no")
    assert behaviour_verdict([])[0] == "inconclusive"
