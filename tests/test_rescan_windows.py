"""The rescan check judges from listing windows: a listing that answered late proves nothing about "at
once", files that appeared far apart prove no indexer when the writes themselves were far apart, and an
attempt that cannot tell is made again. Both ways on the double: tests/checks_decide_both_ways."""
import time

import pytest

from conformance import test_new_file_listed_after_rescan as rescan
from conformance.verdicts.outcome import Evidence
from tests.conftest import run_conformance, verdict_and_reason

RESCAN_CHECK = ("conformance/test_new_file_listed_after_rescan.py",)
NAMES = ("a", "b", "c")


def attempt(written, appeared, listed_at_once=None) -> rescan.Attempt:
    made = rescan.Attempt(NAMES, written=dict(zip(NAMES, written)), appeared=dict(zip(NAMES, appeared)))
    made.listed_at_once = listed_at_once or {}
    made.not_listed_at_once = {name: 0.1 for name in NAMES if name not in made.listed_at_once}
    return made


def judge(made: rescan.Attempt):
    return rescan.judge(made, Evidence(), 1)


def test_files_appearing_together_confirm():
    assert judge(attempt((0, 0.1, 0.2), [(1.0, 1.2)] * 3)) is True


def test_a_listing_right_after_the_write_that_shows_it_contradicts():
    with pytest.raises(AssertionError, match="right after writing"):
        judge(attempt((0, 0.1, 0.2), [(0, 0.1)] * 3, listed_at_once={"a": 0.1}))


def test_a_late_listing_that_shows_the_file_cannot_tell():
    assert judge(attempt((0, 0.7, 1.4), [(0, 0.7), (1.0, 1.4), (1.4, 2.1)], listed_at_once={"a": 0.7})) is False


def test_files_far_apart_though_written_together_contradict():
    with pytest.raises(AssertionError, match="one by one"):
        judge(attempt((0, 0.1, 0.2), [(0.5, 0.6), (2.5, 2.6), (4.5, 4.6)]))


def test_files_far_apart_because_the_writes_were_cannot_tell():
    assert judge(attempt((0, 2.0, 4.0), [(0.5, 0.6), (2.5, 2.6), (4.5, 4.6)])) is False


def test_windows_too_wide_to_bound_the_spread_cannot_tell():
    assert judge(attempt((0, 0.1, 0.2), [(0.5, 0.6), (0.5, 4.6), (0.5, 4.6)])) is False


def test_a_slow_double_is_never_taken_for_an_indexer(tmp_path):
    """Each answer 0.6 s late: every listing right after a write answers past AT_ONCE_S. With the
    behaviour, later attempts confirm it or the check gives up; without it, it gives up: never a
    contradiction from the client's slowness."""
    slow = {"SYNC_DOUBLE_SLOW_FROM_START": "1", "SYNC_DOUBLE_SLOW_ANSWER_S": "0.6"}
    run = run_conformance(tmp_path, "--double-switches", "all,new-file-listed-after-rescan=off",
                          "--request-timeout", "5", checks=RESCAN_CHECK, env=slow)
    verdict, reason = verdict_and_reason(run)
    assert verdict == "inconclusive", reason
    assert "none of 3 attempts could tell" in reason


def test_a_client_held_up_right_after_a_write_is_not_taken_for_an_indexer(monkeypatch):
    """A scan lists files at least 0.5 s old; the check's thread is held up 0.6 s after each write (a
    loaded machine). The listing right after then shows the file, but it was no listing at once."""
    write_started = {}

    def held_up_write(directory, files):
        write_started.update({name: time.monotonic() for name in files})
        time.sleep(0.6)

    def scanned_listing(sync, secret):
        return {name for name, at in write_started.items() if time.monotonic() - at >= 0.5}
    monkeypatch.setattr(rescan, "write_tree", held_up_write)
    monkeypatch.setattr(rescan, "listed", scanned_listing)
    made = rescan.write_and_watch(None, "secret", "dir", NAMES)
    assert all(seconds > rescan.AT_ONCE_S for seconds in made.listed_at_once.values()), made.listed_at_once
    assert judge(made) is False  # listed late: a scan may have come in between
