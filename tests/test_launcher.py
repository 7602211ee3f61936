"""fixtures/launcher.py and fixtures/build.py: a launched target's lifecycle (crash, restart, reset, stop, pause), wrappers
and tarballs, the parent-death signal, the dumps directory."""
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import psutil
import pytest

from fixtures.build import architecture_of, reference_double
from fixtures.launcher import LaunchedSync, die_with, free_port, port_is_free
from tests.conftest import ROOT, VALID_LOOKING_KEY, leftovers, run_conformance


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


def run_with_failing_starts(tmp_path, failing: int, failure: str):
    """A run of a build whose first `failing` starts end in `failure` (shell), then the double."""
    count = tmp_path / "starts"
    script = tmp_path / "btsync"
    script.write_text(f"""#!/bin/sh
case "$*" in *--help*) exec "{sys.executable}" "{ROOT}/fixtures/double/run.py" "$@";; esac
echo x >> "{count}"
if [ "$(wc -l < "{count}")" -le {failing} ]; then {failure}; fi
exec "{sys.executable}" "{ROOT}/fixtures/double/run.py" "$@"
""")
    script.chmod(0o755)
    return run_conformance(tmp_path, "--sync-binary", str(script), "--sync-api-key", VALID_LOOKING_KEY,
                           checks=("conformance/test_get_folder_peers_empty.py",))


@pytest.mark.parametrize("kills, started", [(1, True), (2, False)])
def test_a_build_killed_from_outside_while_it_starts_is_started_once_more(tmp_path, kills, started):
    """SIGKILL is no behaviour of the build: named by its signal, and tried once more, which the report says."""
    run = run_with_failing_starts(tmp_path, kills, "kill -9 $$")
    if started:
        assert run.process.returncode == 0, run.output[-2000:]
        assert run.document()["run_info"]["start_notes"] == ["killed by signal 9 (SIGKILL) during start-up; "
                                                              "started once more"]
    else:
        assert run.process.returncode == 4 and "killed by signal 9 (SIGKILL) during start-up, and again when " \
            "started once more" in run.output, run.output[-2000:]
    assert leftovers(run.tmp) == ([], [])


@pytest.mark.parametrize("taken, started", [(1, True), (3, False)])
def test_a_picked_port_taken_before_the_build_listens_is_picked_again(tmp_path, taken, started):
    """A free port the suite picked can be taken by someone else before the build binds it: no fault of the
    build's, so the first start picks another, which the report says; a port taken every time is one line."""
    run = run_with_failing_starts(tmp_path, taken, 'echo "Unable to listen for HTTP traffic on port 1.  Exiting..."; exit 1')
    if started:
        assert run.process.returncode == 0, run.output[-2000:]
        [note] = run.document()["run_info"]["start_notes"]
        assert re.fullmatch(r"port \d+, picked free, was taken before the build listened on it; picked another "
                            r"port", note)
    else:
        [line] = [line for line in run.output.splitlines() if line.startswith("ERROR")]
        assert run.process.returncode == 4 and "3 times in a row" in line and "--sync-port" in line, run.output
    assert leftovers(run.tmp) == ([], [])


def test_an_official_style_tarball_is_unpacked_and_launched(tmp_path, double_wrapper):
    archive = tmp_path / "btsync_x64.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(double_wrapper, arcname="btsync")
    run = run_conformance(tmp_path, "--sync-binary", str(archive), "--sync-api-key", VALID_LOOKING_KEY,
                          "-k", "http_status and bad_method")
    assert "(unpacked btsync)" in run.document()["run_info"]["target"], run.output[-2000:]
    assert leftovers(run.tmp) == ([], [])


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


def test_a_disk_that_fills_up_is_an_incident(crashing_double, monkeypatch):
    from fixtures import launcher
    real = launcher.shutil.disk_usage
    monkeypatch.setattr(launcher.shutil, "disk_usage", lambda path: real(path)._replace(free=1024))
    incident = crashing_double.check_health()
    assert incident["kind"] == "storage full" and incident["process"] == "1 KB free where its storage is"


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


def fake_elf(path: Path, machine: int) -> Path:
    """A file with an ELF header for `machine` (0x28: ARM): what an emulated build's executable shows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x7fELF\x01\x01\x01" + bytes(11) + machine.to_bytes(2, "little") + bytes(44))
    return path


def emulator_wrapper(tmp_path: Path, *executables: Path) -> Path:
    """A script as an emulator's users write one: it names the build it would run under the emulator
    (here the double stands in for it)."""
    script = tmp_path / "wrapper" / "btsync"
    script.parent.mkdir(parents=True)
    named = " ".join(f'"{path}"' for path in executables)
    script.write_text(f'#!/bin/sh\nif [ -n "$NEVER_SET" ]; then exec qemu-arm {named} "$@"; fi\n'
                      f'exec "{sys.executable}" "{ROOT}/fixtures/double/run.py" "$@"\n')
    script.chmod(0o755)
    return script


def test_the_architecture_is_read_from_the_executable_a_wrapper_runs(tmp_path):
    assert architecture_of(fake_elf(tmp_path / "arm" / "btsync", 0x28)) == "arm"
    assert architecture_of(fake_elf(tmp_path / "mips" / "btsync", 0x08)) == "elf-machine-8"  # said, not guessed
    assert architecture_of(emulator_wrapper(tmp_path, tmp_path / "arm" / "btsync")) == "arm"  # not the interpreter's
    other = fake_elf(tmp_path / "other" / "sync-armhf", 0x28)
    assert architecture_of(emulator_wrapper(tmp_path / "two", other, fake_elf(tmp_path / "x" / "helper", 0x3E))) is None


@pytest.mark.parametrize("case", ["arm-wrapper", "unknown-wrapper", "given"])
def test_a_wrapped_build_is_judged_on_its_own_platform_or_says_it_cannot_tell(tmp_path, case):
    arm = fake_elf(tmp_path / "arm" / "btsync", 0x28)
    executables = {"arm-wrapper": (arm,), "unknown-wrapper": (fake_elf(tmp_path / "a" / "sync-armhf", 0x28),
                                                              fake_elf(tmp_path / "b" / "helper", 0x3E))}
    wrapper = emulator_wrapper(tmp_path, *executables.get(case, (arm,)))
    given = ("--sync-platform", "linux-arm64") if case == "given" else ()
    run = run_conformance(tmp_path, "--sync-binary", str(wrapper), "--sync-api-key", VALID_LOOKING_KEY, *given,
                          checks=("conformance/test_get_folder_peers_empty.py",))
    assert run.process.returncode == 0, run.output[-2000:]
    document = run.document()
    [result] = document["results"]
    platform, note = {"arm-wrapper": ("linux-arm", "nothing recorded for linux-arm; judged against linux-x64"),
                      "unknown-wrapper": ("linux", "the build's architecture is unknown: judged against linux-x64; "
                                                   "give --sync-platform"),
                      "given": ("linux-arm64", "nothing recorded for linux-arm64; judged against linux-x64")}[case]
    assert document["run_info"]["target_platform"] == platform and note in result["expected_from"]


def test_a_platform_not_shaped_as_one_is_one_line(tmp_path):
    run = run_conformance(tmp_path, "--sync-platform", "ARM!", checks=("conformance/test_get_folder_peers_empty.py",))
    assert run.process.returncode == 4 and "--sync-platform ARM!: give an OS and an architecture" in run.output


def test_a_restart_inside_a_check_that_an_incident_already_voided_completes(crashing_double):
    """shutdown-exits under a dropped connection: its shutdown got no answer (an incident in its window),
    then it restarted the target. The start-up polling was stopped as the check's next request, which left
    the instance running but never counted as answering, so the next check's unanswered request was no
    incident and read as a contradiction (test_nemesis [drop], now and then)."""
    import time

    from conformance.harness.check_window import VOIDED_CHECK_STOP
    from conformance.verdicts.outcome import Inconclusive
    from fixtures.watch import JOURNAL
    opened = time.time()
    JOURNAL.record({"kind": "no answer", "instance": "target", "at": opened, "request": "shutdown"})
    VOIDED_CHECK_STOP.install()
    VOIDED_CHECK_STOP.arm(opened, None)
    try:
        crashing_double.restart()
    except Inconclusive as stopped:
        pytest.fail(f"the restart was stopped as the check's next request: {stopped.msg}")
    finally:
        VOIDED_CHECK_STOP.disarm()
        VOIDED_CHECK_STOP.uninstall()
    assert crashing_double.answers_expected and JOURNAL.role_answering_at(crashing_double.base_url) == "target"


def test_a_sibling_given_the_key_its_build_took_is_not_checked_again():
    """The build checks its API key right after start-up (a rejected key ends it about a second later):
    a sibling of an instance whose build took the same key need not wait for that again."""
    model = LaunchedSync(reference_double("1.4.111"), VALID_LOOKING_KEY)
    assert not model.sibling("before").key_checked()
    model.start()
    try:
        assert model.key_checked()
        assert model.sibling("same key").key_checked()
        assert not model.sibling("another key", api_key="B" * len(VALID_LOOKING_KEY)).key_checked()
    finally:
        model.stop()


def test_a_port_lingering_after_its_server_closed_is_free_only_to_a_server_that_binds_through_it():
    """The default port after the last run's instance (a server that closed its connections first, as the
    double does) is in TIME_WAIT: a plain bind is refused, one with SO_REUSEADDR is not, and a port still
    listened on is free to neither."""
    port = free_port()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen()
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    assert not port_is_free(port) and not port_is_free(port, lingering_ok=True)  # listened on
    accepted.close()  # the server's side closes first: it is the one left in TIME_WAIT
    client.recv(1)
    client.close()
    server.close()
    assert not port_is_free(port)
    assert port_is_free(port, lingering_ok=True)


def test_ports_are_drawn_apart_from_the_random_module():
    """Hypothesis seeds the random module alike in every run while one of its tests runs; ports picked
    meanwhile by two runs sharing a network namespace must not follow it."""
    drawn = []
    for _ in range(2):
        random.seed(0)
        drawn.append([free_port() for _ in range(4)])
    assert drawn[0] != drawn[1]
