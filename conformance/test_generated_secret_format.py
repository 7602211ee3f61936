"""behaviour: generated-secret-format

DESCRIPTION: ask get_secrets for new secrets, plain and with type=encryption, several times, and for
what derives from each read-write secret.
EXPECTATION: base32 (A-Z, 2-7); a plain pair is A + B of 33 characters; an encryption set is D and F of 33
and E of 59, the F body being the first 32 characters of E's body; and derivation is stable: the
read-write secret gives back the same read-only (and encryption) secret.
"""
import pytest

from fixtures.secret_format import ALPHABET, LENGTHS

pytestmark = pytest.mark.behaviour("generated-secret-format")

ROUNDS = 5
EXPECTED_LETTERS = {
    "plain": {"read_write": "A", "read_only": "B"},
    "encryption": {"read_write": "D", "read_only": "E", "encryption": "F"},
}


def assert_secret(secret, letter: str, what: str) -> None:
    assert isinstance(secret, str) and secret[:1] == letter, f"{what}: {secret!r:.12} does not start with {letter}"
    assert len(secret) == LENGTHS[letter], f"{what}: {len(secret)} characters, not {LENGTHS[letter]}"
    assert set(secret) <= set(ALPHABET), f"{what}: characters outside base32: {sorted(set(secret) - set(ALPHABET))}"


@pytest.mark.parametrize("kind", EXPECTED_LETTERS)
def test_generated_secrets_have_the_documented_format(sync, evidence, kind):
    params = {"type": "encryption"} if kind == "encryption" else {}
    for _ in range(ROUNDS):
        generated = sync.call("get_secrets", **params).json
        assert isinstance(generated, dict) and set(generated) == set(EXPECTED_LETTERS[kind]), (
            f"get_secrets {params}: keys {sorted(generated) if isinstance(generated, dict) else generated}")
        for key, letter in EXPECTED_LETTERS[kind].items():
            assert_secret(generated[key], letter, f"{kind} {key}")
        if kind == "encryption":
            assert generated["encryption"][1:] == generated["read_only"][1:33], "F is not a prefix of E's body"
        derived = sync.call("get_secrets", secret=generated["read_write"]).json
        assert derived == generated, "the read-write secret does not derive the same set again"
    evidence.because(f"{ROUNDS} {kind} sets: letters, lengths, base32 and derivation as documented")
