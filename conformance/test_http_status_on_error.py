"""behaviour: http-status-on-error

DESCRIPTION: send requests the API must refuse (unknown or malformed method names, methods without
their required parameters) and look at the HTTP status and the body.
EXPECTATION: HTTP 200 with a JSON object whose `error` is non-zero; never a 4xx status.

Sync reads the method name as a C string: `get_version<NUL>anything` is get_version (seen on 1.4.111),
so such names are not wrong requests and are not sent here.
"""
import pytest
from hypothesis import HealthCheck, given, settings

from conformance.helpers.strategies import unknown_method_names
from fixtures.api_facts import METHODS_WITH_REQUIRED_PARAMETERS
from fixtures.client import Exchange

pytestmark = pytest.mark.behaviour("http-status-on-error")

BAD_METHOD_NAMES = {
    "missing": None, "empty": "", "unknown": "wrong", "upper-case": "GET_VERSION", "title-case": "Get_Version",
    "leading-space": " get_version", "trailing-space": "get_version ", "hyphenated": "get-version",
    "unicode": "get_versi\u00f3n", "cjk": "\u83b7\u53d6\u7248\u672c", "very-long": "get_version" * 400,
    "path-like": "../get_version", "nul-byte-first": "\x00get_version", "numeric": "1",
    "gui-api-action": "getsyncfolders", "query-injection": "get_version&method=get_os",
}


def assert_error_reported_in_body(exchange: Exchange) -> str:
    """The check itself: HTTP 200 and a non-zero `error`. Returns what was seen, for the reason."""
    assert exchange.answered, f"{exchange.method!r}: no HTTP answer ({exchange.transport_error})"
    assert exchange.status == 200, (
        f"method {exchange.method!r}: HTTP {exchange.status} instead of 200 (body {exchange.text[:120]!r})")
    assert isinstance(exchange.json, dict), (
        f"method {exchange.method!r}: HTTP 200 but the body is not a JSON object: {exchange.text[:120]!r}")
    code = exchange.error_code()
    assert code not in (None, 0), (
        f"method {exchange.method!r}: HTTP 200 without a non-zero error key: {exchange.text[:120]!r}")
    return f"HTTP 200 with error={code} ({exchange.json.get('message', 'no message')!r})"


@pytest.mark.parametrize("method", BAD_METHOD_NAMES.values(), ids=BAD_METHOD_NAMES.keys())
def test_bad_method_name_answers_200_with_error(sync, evidence, method):
    seen = assert_error_reported_in_body(sync.call(method))
    evidence.because(f"bad method name {str(method)[:40]!r}: {seen}")


@pytest.mark.parametrize("method", METHODS_WITH_REQUIRED_PARAMETERS)
def test_missing_required_parameters_answer_200_with_error(sync, evidence, method):
    exchange = sync.call(method)
    seen = assert_error_reported_in_body(exchange)
    evidence.note("message", exchange.json.get("message"))
    evidence.because(f"{method} without parameters: {seen}")


def test_generated_method_names_answer_200_with_error(sync, evidence, options):
    """Property: every name that is not one of the 17 methods is refused in the body, not by status."""
    answers: dict[str, int] = {}
    failing: list[Exchange] = []

    @settings(max_examples=options.examples, suppress_health_check=list(HealthCheck))
    @given(name=unknown_method_names())
    def property_holds(name):
        exchange = sync.call(name)
        code = str(exchange.error_code()) if exchange.answered else "no answer"
        answers[code] = answers.get(code, 0) + 1
        try:
            assert_error_reported_in_body(exchange)
        except AssertionError:
            failing.append(exchange)
            raise

    evidence.note("hypothesis seed", options.hypothesis_seed)
    try:
        property_holds()
    finally:
        evidence.note("error codes seen (code: count)", answers)
        if failing:  # Hypothesis replays the shrunk example last
            evidence.reproducers.append(sync.curl(failing[-1]))
    evidence.because(f"{sum(answers.values())} generated method names all answered HTTP 200 with an error key")
