"""behaviour: add-folder-secret-not-encryption-capable

DESCRIPTION: add a folder without a secret and ask what can be derived from the secret Sync made for it
(the workaround is add-folder-encryption-workaround's).
EXPECTATION: the generated secret is a plain read-write (A) secret and no `encryption` secret derives
from it, with or without `type=encryption`.
"""
import pytest

from fixtures.secret_format import ENCRYPTION_CAPABLE

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
