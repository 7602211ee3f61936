"""behaviour: unknown-secret-answers-empty

DESCRIPTION: call the folder methods with a well-formed secret that belongs to no folder.
EXPECTATION: not an error but an empty answer: `{}` from get_folder_prefs, set_folder_prefs and
get_folder_hosts; `[]` from get_files, set_file_prefs and get_folders.
"""
import pytest

pytestmark = pytest.mark.behaviour("unknown-secret-answers-empty")

NO_FOLDER_SECRET = "A" * 33  # well-formed; no test adds a folder with it
CALLS = {
    "get_folder_prefs": ({}, {}), "set_folder_prefs": ({"use_dht": "1"}, {}), "get_folder_hosts": ({}, {}),
    "get_files": ({}, []), "set_file_prefs": ({"path": "a.txt", "download": "1"}, []), "get_folders": ({}, []),
}


@pytest.mark.parametrize("method", CALLS)
def test_unknown_secret_gives_an_empty_answer(sync, evidence, method):
    extra, empty = CALLS[method]
    exchange = sync.call(method, secret=NO_FOLDER_SECRET, **extra)
    assert exchange.status == 200 and exchange.json == empty, (
        f"{method} with a secret of no folder: {exchange.summary()} instead of {empty!r}")
    evidence.because(f"{method}: {exchange.text.strip()}")
