"""behaviour: missing-parameters-error-2

DESCRIPTION: call each method that has required parameters without any parameter.
EXPECTATION: error 2 with the message "Specify all the required parameters for <method>."
"""
import pytest

from fixtures.api_facts import METHODS_WITH_REQUIRED_PARAMETERS

pytestmark = pytest.mark.behaviour("missing-parameters-error-2")



@pytest.mark.parametrize("method", METHODS_WITH_REQUIRED_PARAMETERS)
def test_missing_parameters_answer_error_2_naming_the_method(sync, evidence, method):
    exchange = sync.call(method)
    assert exchange.error_code() == 2, f"{method} without parameters: {exchange.summary()}"
    expected = f"Specify all the required parameters for {method}."
    message = exchange.json.get("message")
    assert message == expected, f"{method}: message {message!r} instead of {expected!r}"
    evidence.because(f"{method}: error 2, {message!r}")
