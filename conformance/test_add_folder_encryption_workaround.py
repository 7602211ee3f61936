"""behaviour: add-folder-encryption-workaround

DESCRIPTION: follow the document's workaround: secrets from `get_secrets type=encryption`, a folder added
with the read-write (D) one, and what that folder's secret derives.
EXPECTATION: D/E/F secrets (E of 59 characters, F's body the first 32 characters of E's), and the folder
added with D derives the same encryption secret.
"""
import pytest

from fixtures.secret_format import LENGTHS

pytestmark = pytest.mark.behaviour("add-folder-encryption-workaround")


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
