"""The three ways a target comes to be, and the launched target's lifecycle contract."""
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psutil
import pytest

from conformance import test_many_folders_cpu_load as cpu_load
from conformance.matrix import interruptible
from fixtures.build import reference_double
from fixtures.launcher import LaunchedSync, die_with
from tests.conftest import FAST, ROOT, VALID_LOOKING_KEY, child_environment, leftovers, run_conformance


@pytest.fixture
def crashing_double():
    target = LaunchedSync(reference_double("1.4.111"), None,
                          double_settings={"switches": {"invalid-secret-crash": True, "http-status-on-error": True}})
    target.start()
    yield target
    target.stop()


def test_lifecycle_crash_is_recorded_then_restart_keeps_the_client(crashing_double):
    client = crashing_double.client
    first_pid = crashing_double.pid
    assert crashing_double.alive()
    exchange = client.call("get_secrets", secret="not a secret")
    assert not exchange.answered and "connection" in exchange.transport_error
    crash = crashing_double.check_health()
    assert crash["kind"] == "died" and crash["instance"] == "target"
    assert crash["exit_status"] == -11 and crash["process"] == "killed by signal 11 (SIGSEGV)"
    assert "crashing on purpose" in crash["log_tail"]
    assert not crashing_double.alive()
    crashing_double.restart()
    assert crashing_double.client is client and crashing_double.pid != first_pid
    assert client.call("get_version").json == {"version": "1.4.111"}


def test_stop_leaves_no_process_and_no_temp_dir(crashing_double):
    pid, workdir = crashing_double.pid, crashing_double.workdir
    crashing_double.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not workdir.exists()


def test_a_paused_instance_is_stopped_by_sigterm_without_waiting_for_its_resumption(crashing_double):
    process = crashing_double.process
    os.kill(process.pid, signal.SIGSTOP)  # and nobody sends SIGCONT
    crashing_double.stop()
    assert process.returncode != -signal.SIGKILL, "it took its SIGTERM, not the SIGKILL that follows 5 s later"


def test_reset_starts_on_empty_storage(crashing_double):
    client = crashing_double.client
    client.call("add_folder", dir=crashing_double.scratch_dir("x"))
    assert len(client.call("get_folders").json) == 1
    crashing_double.reset()
    assert client.call("get_folders").json == []


def test_reset_after_a_failed_start_starts_afresh(crashing_double):
    """A start that fails stops the instance and takes its temp dir (a nemesis may strike a start): the
    next reset starts it again, on the same port, so its client stays valid."""
    port = crashing_double.port
    crashing_double.stop()
    crashing_double.reset()
    assert crashing_double.port == port and crashing_double.client.call("get_folders").json == []


def test_a_wrapper_script_is_launched_like_the_build(tmp_path, double_wrapper):
    run = run_conformance(tmp_path, "--sync-binary", str(double_wrapper), "--sync-api-key", VALID_LOOKING_KEY,
                          checks=("conformance/test_http_status_on_error.py",
                                  "conformance/test_add_folder_secret_not_encryption_capable.py"))
    info = run.document()["run_info"]
    assert info["target_kind"] == "launched" and str(double_wrapper) in info["target"]
    assert len(info["binary_sha256"]) == 64 and info["banner"] == "BitTorrent Sync 1.4.111"
    assert info["network_isolation"].startswith("private network namespace")
    assert set(run.verdicts().values()) == {"confirmed"}
    assert leftovers(run.tmp) == ([], [])


@pytest.mark.parametrize("kills, started", [(1, True), (2, False)])
def test_a_build_killed_from_outside_while_it_starts_is_started_once_more(tmp_path, kills, started):
    """SIGKILL is no behaviour of the build: named by its signal, and tried once more, which the report says."""
    count = tmp_path / "starts"
    script = tmp_path / "btsync"
    script.write_text(f"""#!/bin/sh
case "$*" in *--help*) exec "{sys.executable}" "{ROOT}/fixtures/double/run.py" "$@";; esac
echo x >> "{count}"
if [ "$(wc -l < "{count}")" -le {kills} ]; then kill -9 $$; fi
exec "{sys.executable}" "{ROOT}/fixtures/double/run.py" "$@"
""")
    script.chmod(0o755)
    run = run_conformance(tmp_path, "--sync-binary", str(script), "--sync-api-key", VALID_LOOKING_KEY,
                          checks=("conformance/test_get_folder_peers_empty.py",))
    if started:
        assert run.process.returncode == 0, run.output[-2000:]
        assert run.document()["run_info"]["start_notes"] == ["killed by signal 9 (SIGKILL) during start-up; "
                                                              "started once more"]
    else:
        assert run.process.returncode == 4 and "killed by signal 9 (SIGKILL) during start-up, and again when " \
            "started once more" in run.output, run.output[-2000:]
    assert leftovers(run.tmp) == ([], [])


def test_an_official_style_tarball_is_unpacked_and_launched(tmp_path, double_wrapper):
    archive = tmp_path / "btsync_x64.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(double_wrapper, arcname="btsync")
    run = run_conformance(tmp_path, "--sync-binary", str(archive), "--sync-api-key", VALID_LOOKING_KEY,
                          "-k", "http_status and bad_method")
    assert "(unpacked btsync)" in run.document()["run_info"]["target"], run.output[-2000:]
    assert leftovers(run.tmp) == ([], [])


def test_attached_instance_keeps_what_the_suite_did_not_add(tmp_path, crashing_double):
    client = crashing_double.client
    theirs = crashing_double.scratch_dir("theirs-")
    assert client.call("add_folder", dir=theirs).error_code() == 0
    # `=`: a generated password may begin with "-", which argparse would take for an option
    # checks that add and remove folders of their own, a destructive one and a peer scenario
    checks = ("conformance/test_http_status_on_error.py", "conformance/test_add_folder_duplicate_refused.py",
              "conformance/test_remove_folder_removes.py", "conformance/test_invalid_secret_crash.py",
              "conformance/test_peers_read_only_receives_identical.py")
    run = run_conformance(tmp_path, "--sync-url", crashing_double.base_url, f"--sync-user={crashing_double.login}",
                          f"--sync-password={crashing_double.password}", *FAST, checks=checks)
    verdicts = run.verdicts()
    assert verdicts["http-status-on-error"] == "confirmed"
    assert verdicts["invalid-secret-crash"] == "inconclusive"  # destructive: skipped without permission
    reasons = {item["behaviour"]: item["reason"] for item in run.document()["results"]}
    assert "--allow-destructive" in reasons["invalid-secret-crash"]
    assert verdicts["peers-read-only-receives-identical"] == "inconclusive"
    assert "attached instance" in reasons["peers-read-only-receives-identical"]
    assert crashing_double.alive()
    assert [entry["dir"] for entry in client.call("get_folders").json] == [theirs]
    assert crashing_double.password not in run.html() and crashing_double.password not in run.output
    assert run.document()["run_info"]["target_kind"] == "attached"
    assert os.path.isdir(theirs)


MANY = 3000  # folders: the double takes seconds to add them


def many_folder_dirs(scratch: Path) -> int:
    """How many directories the many-folders check has made so far."""
    return len(list(scratch.glob("sync-conformance-*/folders/many-*")))


def adding_folders(scratch: Path) -> bool:
    return many_folder_dirs(scratch) > 0


def all_folder_dirs_made(scratch: Path) -> bool:
    return many_folder_dirs(scratch) == MANY


@pytest.mark.parametrize("signal_name, after_s", [("SIGTERM", 0), ("SIGTERM", 2.0), ("SIGTERM", "adding folders"),
                                                  ("SIGKILL", 2.0)],
                         ids=["SIGTERM-while-starting", "SIGTERM-during-checks", "SIGTERM-while-adding-folders",
                              "SIGKILL-during-checks"])
def test_a_run_stopped_from_outside_leaves_no_build_running(tmp_path, signal_name, after_s):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # stopped while adding folders: only the check that adds them runs, so it starts at once
    checks = "conformance/test_many_folders_cpu_load.py" if after_s == "adding folders" else "conformance"
    run = subprocess.Popen([sys.executable, "-m", "pytest", checks, "-q", "--reports-dir", str(tmp_path / "r"),
                            *FAST, "--many-folders", str(MANY)], cwd=ROOT, env=child_environment(scratch),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (all_folder_dirs_made(scratch) if after_s == "adding folders" else leftovers(scratch)[1]) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        assert leftovers(scratch)[1], "the run never started its build"
        # the check adds the folders once it has sampled the idle process
        time.sleep(cpu_load.BASELINE_S + 0.5 if after_s == "adding folders" else after_s)
        run.send_signal(getattr(signal, signal_name))
        run.wait(timeout=30)
    finally:
        run.kill()  # a run that ignored the signal must not go on
    deadline = time.monotonic() + 10
    while leftovers(scratch)[1] and time.monotonic() < deadline:
        time.sleep(0.1)
    dirs, processes = leftovers(scratch)
    assert processes == []
    if signal_name == "SIGTERM":  # the run ended for it and its teardown ran; after SIGKILL only the kernel acts
        assert dirs == []
        if after_s:  # signalled after the start: the report says why the run is incomplete
            report = json.loads((tmp_path / "r" / "sync-1.4.111-double.partial.json").read_text())
            assert report["run_info"]["interrupted"].startswith("interrupted"), report["run_info"]


def test_a_build_whose_suite_died_before_it_could_ask_for_the_death_signal_does_not_run():
    """The window between fork and the parent-death request: a child that finds another parent than the
    suite that forked it (here: told the suite was some other process) exits instead of running on."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                             preexec_fn=die_with(os.getpid() + 100_000))
    try:
        assert child.wait(timeout=10) == 1
    finally:
        child.kill()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], preexec_fn=die_with(os.getpid()))
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=0.5)
    finally:
        child.kill()


def test_peer_scenarios_are_a_marker_users_can_leave_out(tmp_path):
    run = run_conformance(tmp_path, "-m", "not peers", *FAST, checks=(
        "conformance/test_peers_known_hosts_without_lan.py", "conformance/test_get_folder_peers_empty.py"))
    assert run.verdicts() == {"get-folder-peers-empty": "confirmed"}, run.output[-3000:]


def test_a_peer_check_is_not_blamed_for_the_target_its_scenario_never_used(tmp_path):
    run = run_conformance(tmp_path, "-m", "peers", "-p", "tests.kill_target_in_peer_checks", "--double-switches",
                          "all", *FAST)
    verdicts = run.verdicts()
    assert len(verdicts) == 8 and set(verdicts.values()) == {"confirmed"}, run.output[-3000:]
    assert run.document()["run_info"]["restarts"] >= 8  # each death was seen, and the target restarted


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


def test_a_disk_that_fills_up_is_an_incident(crashing_double, monkeypatch):
    from fixtures import launcher
    real = launcher.shutil.disk_usage
    monkeypatch.setattr(launcher.shutil, "disk_usage", lambda path: real(path)._replace(free=1024))
    incident = crashing_double.check_health()
    assert incident["kind"] == "storage full" and incident["process"] == "1 KB free where its storage is"


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_an_interrupted_run_says_so_and_keeps_the_complete_report(tmp_path, signal_name):
    reports = tmp_path / "r"
    reports.mkdir()
    complete = reports / "sync-1.4.111-double.json"
    complete.write_text(json.dumps({"format": "sync-conformance-report/1", "run_info": {"complete": True}, "results": []}))
    before = complete.read_text()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # a check decided, then the many-folders check under way when the signal comes
    checks = ("conformance/test_get_folder_peers_empty.py", "conformance/test_many_folders_cpu_load.py")
    run = subprocess.Popen([sys.executable, "-m", "pytest", *checks, "-q", "--reports-dir", str(reports),
                            *FAST, "--many-folders", str(MANY)], cwd=ROOT, env=child_environment(scratch),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=interruptible)
    try:
        deadline = time.monotonic() + 60
        while not adding_folders(scratch) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)  # until the many-folders check makes its directories
        assert adding_folders(scratch), "the many-folders check was never seen under way"
        run.send_signal(getattr(signal, signal_name))
        output, _ = run.communicate(timeout=60)
    finally:
        run.kill()
    assert complete.read_text() == before, "the complete report was replaced"
    partial = json.loads((reports / "sync-1.4.111-double.partial.json").read_text())
    assert partial["run_info"]["complete"] is False
    assert partial["run_info"]["interrupted"].startswith("interrupted")
    assert partial["run_info"]["checks_decided"] < partial["run_info"]["checks_selected"]
    assert "run incomplete (interrupted" in output and "all met" not in output
    assert (reports / "sync-1.4.111-double.partial.html").is_file()
    assert leftovers(scratch) == ([], [])


def test_a_stop_signal_whose_interrupt_was_lost_still_stops_the_run_before_its_next_check(tmp_path):
    checks = ("conformance/test_get_version_matches_banner.py", "conformance/test_remove_folder_removes.py")
    run = run_conformance(tmp_path, "-p", "tests.lost_stop", checks=checks)
    assert "Exception ignored" in run.output and "KeyboardInterrupt" in run.output, run.output[-2000:]
    document = run.document()
    assert document["run_info"]["interrupted"] == "interrupted (Ctrl-C or SIGTERM)", document["run_info"]
    assert len(document["results"]) == 1, "no check started after the signal"
    assert leftovers(run.tmp) == ([], [])


def test_sigterm_during_the_peer_scenarios_leaves_no_instance_and_no_temp_dir(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = subprocess.Popen([sys.executable, "-m", "pytest", "conformance", "-q", "-m", "peers", "--reports-dir",
                            str(tmp_path / "r"), "--peer-deadline", "60"], cwd=ROOT,
                           env=child_environment(scratch), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(leftovers(scratch)[1]) < 6 and time.monotonic() < deadline:  # target, 3 peers, the known-hosts pair
            time.sleep(0.1)
        assert len(leftovers(scratch)[1]) >= 6, "the peer scenarios never started their instances"
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=60)
    finally:
        run.kill()
    assert leftovers(scratch) == ([], [])


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


def test_runs_side_by_side_each_clean_up_the_dumps_dir_without_failing(tmp_path, monkeypatch):
    """Real builds make /tmp/btsync_dumps even for --help; with two runs at once (conformance.matrix)
    one removes it before the other looks (seen as an INTERNALERROR of the second run)."""
    from fixtures.build import DumpsDirGuard
    monkeypatch.setattr(DumpsDirGuard, "path", tmp_path / "btsync_dumps")
    first, second = DumpsDirGuard(), DumpsDirGuard()
    DumpsDirGuard.path.mkdir()  # made by both builds' --help
    first.clean()
    second.clean()
    assert not DumpsDirGuard.path.exists()
    DumpsDirGuard.path.mkdir()
    (DumpsDirGuard.path / "core.dmp").write_text("a crash dump")
    DumpsDirGuard().clean()  # existed before: left alone
    DumpsDirGuard.path.rename(tmp_path / "kept")
    kept = DumpsDirGuard()
    (tmp_path / "kept").rename(DumpsDirGuard.path)
    kept.clean()  # holds a dump: kept
    assert (DumpsDirGuard.path / "core.dmp").exists()
