"""conformance/verdicts/fingerprint.py: a check's answers by shape, without values or generated examples."""

from hypothesis import given
from hypothesis import strategies as st

from conformance.verdicts.fingerprint import describe_changes, shape
from conformance.verdicts.outcome import Evidence
from fixtures.client import Exchange


# -- fingerprints ---------------------------------------------------------------------------------------
def test_shape_keeps_keys_and_types_and_drops_values():
    assert shape({"b": [1, 2], "a": "x", "c": {"d": None}}) == "{a:str,b:[int],c:{d:null}}"
    assert shape([{"x": 1}, {"x": 2}, {"y": True}]) == "[{x:int}|{y:bool}]"


def test_answers_to_generated_examples_stay_out_of_the_digest():
    evidence = Evidence()
    answer = Exchange("http://127.0.0.1:1", "/api", {"method": "get_version"}, started=0.0, elapsed_ms=1.0, status=200,
                      text='{"version": "1"}', json={"version": "1"})
    evidence.record(answer)
    digest = evidence.to_dict()["fingerprint"]["digest"]

    @given(st.just(0))
    def generated(_):
        evidence.record(Exchange("http://127.0.0.1:1", "/api", {"method": "get_os"}, started=0.0, elapsed_ms=1.0, status=200, text="{}",
                                 json={}))

    generated()
    fingerprint = evidence.to_dict()["fingerprint"]
    assert fingerprint["digest"] == digest and fingerprint["generated_signatures"] == ["get_os: HTTP 200 {}"]


def test_a_changed_object_shape_is_told_as_keys_added_gone_and_retyped():
    gone = {"get_prefs: HTTP 200 {a:int,b:str,c:{d:int}}", "get_os: HTTP 200 {os:str}"}
    new = {"get_prefs: HTTP 200 {a:str,c:{d:int},e:int}", "get_os: HTTP 200 error 1 {error:int}"}
    assert describe_changes(gone, new) == [
        "- get_os: HTTP 200 {os:str}", "+ get_os: HTTP 200 error 1 {error:int}",
        "~ get_prefs: HTTP 200: keys added: e; keys gone: b; type changed: a int->str"]
