"""behaviour: add-folder-duplicate-refused

DESCRIPTION: add a directory twice; add an encryption-capable share by its D secret, then try its E and
F secrets on other directories of the same instance.
EXPECTATION: error 200 "Selected folder is already added to BitTorrent Sync." each time: a directory,
and a share (whatever secret of it is used), is added once per instance.
"""
import pytest

pytestmark = pytest.mark.behaviour("add-folder-duplicate-refused")


def assert_refused_as_duplicate(exchange, what: str) -> None:
    assert exchange.error_code() == 200, f"{what}: {exchange.summary()} instead of error 200"


def test_same_directory_twice_is_refused(sync, evidence, added_folders):
    entry = added_folders.add_fresh()
    again = added_folders.add(entry["dir"])
    assert_refused_as_duplicate(again, "the same directory again")
    evidence.because(f"the same directory again: error 200 ({again.json.get('message')!r})")


@pytest.mark.parametrize("other", ["read_only", "encryption"])
def test_other_secret_of_an_added_share_is_refused(sync, evidence, added_folders, other):
    family = sync.call("get_secrets", type="encryption").json
    added_folders.add_fresh(secret=family["read_write"])
    exchange = added_folders.add(added_folders.new_dir(), secret=family[other])
    assert_refused_as_duplicate(exchange, f"the share's {other} secret on another directory")
    evidence.because(f"the share's {other} secret on another directory: error 200")
