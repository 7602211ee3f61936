"""Confirmations that once proved nothing (issue 9, defects 2 and 9). Each check is called with a stand-in
client whose answers used to let it confirm vacuously; now it must not confirm."""

import pytest

from conformance import test_api_trailing_slash_path as trailing_slash
from conformance import test_remove_folder_removes as remove_folder
from conformance import test_set_prefs_without_parameters_is_getter as set_prefs_getter
from conformance.verdicts.outcome import Evidence, Inconclusive
from tests.conftest import Answers


class OneFolder:
    def add_fresh(self):
        return {"dir": "/tmp/x", "secret": "A" * 33}


def test_trailing_slash_is_not_confirmed_when_neither_path_answers_json():
    sync = Answers({("/api", "get_version"): "<html>", ("/api/", "get_version"): "<html>"})
    with pytest.raises(Inconclusive):
        trailing_slash.test_api_with_trailing_slash_answers_like_api(sync, Evidence())


def test_set_prefs_without_parameters_is_not_confirmed_on_two_empty_answers():
    sync = Answers({("/api", "get_prefs"): "{ }", ("/api", "set_prefs"): "{ }"})
    with pytest.raises(Inconclusive):
        set_prefs_getter.test_set_prefs_without_parameters_answers_the_preferences(sync, Evidence())


def test_remove_folder_is_not_confirmed_when_get_folders_answers_no_list():
    sync = Answers({("/api", "remove_folder"): '{ "error": 0 }', ("/api", "get_folders"): '{ "dir": "/tmp/x" }'})
    with pytest.raises(Inconclusive):
        remove_folder.test_removed_folder_is_gone(sync, Evidence(), OneFolder())
