"""behaviour: get-secrets-type-encrypted-ignored

DESCRIPTION: the official page spells the parameter `type=encrypted` in one place and `type=encryption`
in another; call get_secrets with the former.
EXPECTATION: `encrypted` is not understood: the answer is a plain A/B pair without an encryption secret.
"""
import pytest

pytestmark = pytest.mark.behaviour("get-secrets-type-encrypted-ignored")


def test_type_encrypted_gives_a_plain_pair(sync, evidence):
    answer = sync.call("get_secrets", type="encrypted").json
    assert isinstance(answer, dict) and "read_write" in answer, f"get_secrets type=encrypted answered {answer!r}"
    assert "encryption" not in answer and answer["read_write"][:1] == "A", (
        f"type=encrypted gave an encryption-capable set ({answer['read_write'][:1]} secret)")
    evidence.because("type=encrypted answered a plain A/B pair: only type=encryption makes D/E/F secrets")
