"""fixtures/double/: the reference double states the API's facts apart from the checks and answers as the builds do."""

import pytest


def test_the_double_states_the_api_facts_apart_from_the_checks_and_agrees():
    """Written twice on purpose (fixtures/double/api.py, fixtures/*_facts): a wrong fact is a disagreement."""
    from fixtures.api_facts import DOCUMENTED_PREFS
    from fixtures.double import api
    from fixtures.secret_format import LENGTHS, is_well_formed, random_secret
    assert set(api.PREFS_OF_1_2) == DOCUMENTED_PREFS
    for kind in LENGTHS:
        made_by_the_checks, made_by_the_double = random_secret(kind), api._new_secret(kind)
        assert api._is_secret(made_by_the_checks) and is_well_formed(made_by_the_double), kind
    for wrong in ("", "A" * 32, "E" * 33, "a" + "B" * 32, "G" + "B" * 32, "C" + "B" * 32, "A" + "9" * 32, "A" + "=" * 32):
        assert not api._is_secret(wrong) and not is_well_formed(wrong), wrong


def test_the_double_translates_add_folder_refusals_as_1_4_111_does():
    """Observed on 1.4.111 after set_prefs lang=25956 (curl, the bytes: `ge\\303\\266ffnet`): German, in UTF-8."""
    import tempfile

    from fixtures.double.api import SyncState
    from fixtures.double.profiles import PROFILES
    for profile, expected in (("1.4.111", "Zielordner kann nicht geöffnet werden."),
                              ("1.3.106", "Can't open the destination folder.")):
        state = SyncState(PROFILES[profile], dict(PROFILES[profile].observed), "x", 1000)
        state.call({"method": "set_prefs", "lang": "25956"})
        with tempfile.NamedTemporaryFile() as not_a_directory:
            answer = state.call({"method": "add_folder", "dir": not_a_directory.name})
        assert answer.document == {"error": 100, "message": expected}, profile
        assert state.call({"method": "nosuch"}).document["message"] == "Invalid API method name or format."


@pytest.mark.parametrize("length, error", [(1, 201), (15, 201), (16, 100), (20, 201), (32, 100)])
def test_the_double_refuses_an_invalid_secret_before_or_after_the_directory_as_both_builds_do(length, error):
    """Probed on 1.3.106 and 1.4.111 with an empty dir (what a dir given twice reads as): a secret of 16 or 32
    characters is checked after the directory (100), others first (201)."""
    from fixtures.double.api import SyncState
    from fixtures.double.profiles import PROFILES
    for profile in PROFILES.values():
        state = SyncState(profile, dict(profile.observed), "x", 1000)
        answer = state.call({"method": "add_folder", "dir": "", "secret": "Z" * length})
        assert answer.document["error"] == error, (profile.version, length)


def test_the_double_refuses_a_directory_added_again_through_dot_dot_as_each_build_does(tmp_path):
    """Probed on both builds: `d1/../d3` once d3 is added is error 200 on 1.4.111, 104 on 1.3.106."""
    from fixtures.double.api import SyncState
    from fixtures.double.profiles import PROFILES
    (tmp_path / "d3").mkdir()
    for profile, expected in (("1.4.111", 200), ("1.3.106", 104)):
        state = SyncState(PROFILES[profile], dict(PROFILES[profile].observed), "x", 1000)
        assert state.call({"method": "add_folder", "dir": str(tmp_path / "d3")}).document == {"error": 0}
        again = state.call({"method": "add_folder", "dir": str(tmp_path / "d1" / ".." / "d3")}).document
        plainly_again = state.call({"method": "add_folder", "dir": str(tmp_path / "d3")}).document
        assert (again["error"], plainly_again["error"]) == (expected, 200), profile


def test_the_double_keeps_its_folders_and_their_known_hosts_across_a_restart(tmp_path):
    """As Sync keeps them in its storage: a state started on the same storage has them, known hosts as the
    ones it started with; empty storage (a reset) has none."""
    from fixtures.double.api import SyncState
    from fixtures.double.profiles import PROFILES
    profile = PROFILES["1.4.111"]
    storage, folder = tmp_path / "storage", tmp_path / "shared"
    storage.mkdir()
    first = SyncState(profile, dict(profile.observed), "x", 1000, str(storage))
    first.call({"method": "add_folder", "dir": str(folder)})
    secret = first.folders[0].secret
    first.call({"method": "set_folder_prefs", "secret": secret, "search_lan": "0"})
    first.call({"method": "set_folder_hosts", "secret": secret, "hosts": "127.0.0.1:20001"})
    assert first.folders[0].hosts_at_start is None
    again = SyncState(profile, dict(profile.observed), "x", 1000, str(storage))
    assert [(kept.dir, kept.secret, kept.prefs["search_lan"], kept.hosts_at_start) for kept in again.folders] == \
        [(str(folder), secret, 0, ["127.0.0.1:20001"])]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert SyncState(profile, dict(profile.observed), "x", 1000, str(empty)).folders == []
