"""behaviour: add-folder-invalid-secret-refused

DESCRIPTION: call add_folder on an empty directory with secrets that are not secrets.
EXPECTATION: error 201 ("This secret is invalid. ...") and no folder added.
"""
import pytest

pytestmark = pytest.mark.behaviour("add-folder-invalid-secret-refused")


@pytest.mark.parametrize("secret", ["NOTASECRET", "AB", "A" * 20])
def test_malformed_secret_is_refused_with_201(sync, evidence, added_folders, secret):
    directory = added_folders.new_dir()
    exchange = added_folders.add(directory, secret=secret)
    assert exchange.error_code() == 201, f"add_folder with secret {secret!r}: {exchange.summary()}"
    assert added_folders.find(directory) is None, "the folder was added all the same"
    evidence.because(f"secret {secret!r}: error 201 ({exchange.json.get('message', '')[:40]!r}...)")
