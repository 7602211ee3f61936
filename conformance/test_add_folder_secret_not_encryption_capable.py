"""behaviour: add-folder-secret-not-encryption-capable

DESCRIPTION: add a folder without a secret and ask what can be derived from the secret Sync made for it;
then follow the documented workaround: secrets from `get_secrets type=encryption`, a folder added with
the read-write (D) one, and what that folder's secret derives.
EXPECTATION: the generated secret is a plain read-write (A) secret and no `encryption` secret derives
from it, with or without `type=encryption`; the workaround yields D/E/F secrets and a folder whose secret
derives all three.
"""
import pytest

from fixtures.secret_format import ENCRYPTION_CAPABLE, LENGTHS

pytestmark = pytest.mark.behaviour("add-folder-secret-not-encryption-capable")


def test_secret_generated_by_add_folder_is_not_encryption_capable(sync, evidence, added_folders):
    secret = added_folders.add_fresh()["secret"]
    plain = sync.call("get_secrets", secret=secret).json
    asked_for_encryption = sync.call("get_secrets", secret=secret, type="encryption").json
    evidence.note("generated secret type letter", secret[0])
    evidence.note("generated secret length", len(secret))
    evidence.note("get_secrets keys", sorted(plain) if isinstance(plain, dict) else plain)
    evidence.note("get_secrets type=encryption keys",
                  sorted(asked_for_encryption) if isinstance(asked_for_encryption, dict) else asked_for_encryption)
    assert secret[0] not in ENCRYPTION_CAPABLE, (
        f"add_folder generated an encryption-capable {secret[0]} secret")
    for answer, how in ((plain, "get_secrets"), (asked_for_encryption, "get_secrets type=encryption")):
        assert isinstance(answer, dict) and "read_write" in answer, (
            f"{how} on the generated secret did not answer its secrets: {answer}")
        assert "encryption" not in answer, f"{how} derived an encryption secret from the generated secret"
    evidence.because(f"add_folder generated a {secret[0]} secret; get_secrets (with and without "
                     f"type=encryption) derives only {', '.join(sorted(plain))}")


def test_encryption_secrets_come_from_get_secrets(sync, evidence, added_folders):
    generated = sync.call("get_secrets", type="encryption").json
    evidence.note("get_secrets type=encryption",
                  {key: f"{value[:1]}... ({len(value)} chars)" for key, value in generated.items()}
                  if isinstance(generated, dict) else generated)
    assert isinstance(generated, dict) and {"read_write", "read_only", "encryption"} <= set(generated), (
        f"get_secrets type=encryption did not answer read_write, read_only and encryption: {generated}")
    letters = {key: generated[key][:1] for key in ("read_write", "read_only", "encryption")}
    assert letters == {"read_write": "D", "read_only": "E", "encryption": "F"}, (
        f"get_secrets type=encryption answered type letters {letters}, not D/E/F")
    assert len(generated["read_only"]) == LENGTHS["E"], (
        f"the E secret has {len(generated['read_only'])} characters, not {LENGTHS['E']}")
    assert generated["encryption"][1:] == generated["read_only"][1:33], (
        "the F secret's body is not the first 32 characters of the E secret's body")
    entry = added_folders.add_fresh(secret=generated["read_write"])
    derived = sync.call("get_secrets", secret=entry["secret"]).json
    evidence.note("folder added with the D secret: derived keys", sorted(derived) if isinstance(derived, dict) else derived)
    assert isinstance(derived, dict) and derived.get("encryption") == generated["encryption"], (
        f"the folder added with the D secret does not derive the same encryption secret: {derived}")
    evidence.because("get_secrets type=encryption gave D/E/F secrets (E of 59 chars, F a prefix of E); "
                     "the folder added with D derives read_write, read_only and encryption")
