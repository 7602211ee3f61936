"""Bad input gets one clear line naming the problem and the fix: exit status 4 (pytest's usage error),
no traceback, nothing left behind.

Each way a mistake reaches the user is shown end to end, in a run of its own (an option checked before
anything starts, a target that cannot be opened, a bad path, catalogue or storage). The many mistakes
found while the target is opened all take the same way (SetupError, then the one line): those are shown
in this process, at `open_target`, with the same message and nothing left behind."""
import socket
import subprocess
import sys
import tempfile

import pytest

from fixtures import sandbox
from fixtures import target as target_module
from fixtures.build import reference_double
from fixtures.errors import RUN_OPTIONS, SetupError
from fixtures.launcher import LaunchedSync
from fixtures.target import TargetChoice, open_target
from tests.conftest import VALID_LOOKING_KEY, leftovers, run_conformance

OLD_BUILD = '''import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
if "--help" in sys.argv:
    print("BitTorrent Sync 1.1.84"); sys.exit(0)
config = json.load(open(sys.argv[sys.argv.index("--config") + 1]))
host, port = config["webui"]["listen"].split(":")
class NoApi(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(400); self.send_header("Content-Length", "5"); self.end_headers()
        self.wfile.write(b"ERROR")
HTTPServer((host, int(port)), NoApi).serve_forever()
'''

# a server that answers HTTP 200 with a page, not Sync's JSON
NOT_JSON_BUILD = OLD_BUILD.replace("1.1.84", "1.4.111").replace("send_response(400)", "send_response(200)") \
    .replace('"Content-Length", "5"', '"Content-Length", "11"').replace('b"ERROR"', 'b"<html>hello"')

# a build that gives up as soon as it starts
EXITING_BUILD = '''import sys
if "--help" in sys.argv:
    print("BitTorrent Sync 1.4.111"); sys.exit(0)
print("Storage path is not writable. Exiting", flush=True); sys.exit(3)
'''


def assert_clear_error(run, *phrases):
    assert run.process.returncode == 4, run.output[-2000:]
    assert "Traceback" not in run.output, run.output[-2000:]
    error_lines = [line for line in run.output.splitlines() if line.startswith("ERROR: ")]
    assert len(error_lines) == 1, run.output[-2000:]
    for phrase in phrases:
        assert phrase in error_lines[0], error_lines[0]
    assert leftovers(run.tmp) == ([], [])


def test_binary_not_found(tmp_path):
    """The way every refusal of open_target reaches the user (the others are shown in this process)."""
    run = run_conformance(tmp_path, "--sync-binary", str(tmp_path / "nope"))
    assert_clear_error(run, "not found", "pass the path of a btsync executable")


@pytest.fixture
def refusal(tmp_path, monkeypatch):
    """`open_target` as a run calls it, here: the message of the SetupError it raises. Its temp files go
    under tmp_path (checked for leftovers); it shares this process's network instead of making a
    namespace of its own, which would stay this test worker's."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(target_module, "_isolate", lambda required: "the test worker's")

    def message(**choice) -> str:
        with pytest.raises(SetupError) as refused:
            open_target(TargetChoice(**choice)).close()
        named = [option for option in RUN_OPTIONS.values() if option in str(refused.value)]
        assert not named, f"fixtures/ words its error with a command's option {named}: {refused.value}"
        assert leftovers(scratch) == ([], [])
        return str(refused.value)
    return message


def test_binary_not_executable(tmp_path, refusal):
    path = tmp_path / "btsync"
    path.write_text("#!/bin/sh\n")
    message = refusal(binary=str(path))
    assert "not executable" in message and "chmod +x" in message


def test_not_a_sync_build(refusal):
    message = refusal(binary="/bin/echo", api_key=VALID_LOOKING_KEY)
    assert "is not a BitTorrent Sync build" in message and "pass the btsync executable" in message


def test_tarball_without_a_build(tmp_path, refusal):
    import tarfile
    archive = tmp_path / "empty.tar.gz"
    (tmp_path / "README").write_text("nothing here")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "README", arcname="README")
    assert "holds no btsync executable" in refusal(binary=str(archive))


@pytest.mark.parametrize("program, phrases", [
    (OLD_BUILD, ("does not serve the v1 API", "HTTP 400")),
    (NOT_JSON_BUILD, ("answered get_version with HTTP 200 but not with Sync's JSON", "'<html>hello'")),
    (EXITING_BUILD, ("exited with status 3 during start-up", "Storage path is not writable. Exiting")),
], ids=["no-v1-api", "not-sync-json", "exits-at-start"])
def test_a_build_that_does_not_serve_syncs_api_is_named_as_such(tmp_path, refusal, program, phrases):
    script = tmp_path / "btsync"
    script.write_text(f"#!{sys.executable}\n" + program)
    script.chmod(0o755)
    message = refusal(binary=str(script), api_key=VALID_LOOKING_KEY)
    assert all(phrase in message for phrase in phrases), message


def test_api_key_missing(refusal, double_wrapper):
    message = refusal(binary=str(double_wrapper))
    assert all(phrase in message for phrase in ("no API key", "--sync-api-key", "SYNC_API_KEY")), message


def test_api_key_rejected(tmp_path, double_wrapper):
    run = run_conformance(tmp_path, "--sync-binary", str(double_wrapper), "--sync-api-key", "not-a-key")
    assert_clear_error(run, "rejected the API key", "Invalid API key. Terminating")
    assert "not-a-key" not in run.output


def test_port_in_use():
    # A conformance run makes its own network namespace, where no port is taken; the check that guards
    # --sync-port therefore shows where the suite shares the host's network (this test process).
    build = reference_double("1.4.111")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        target = LaunchedSync(build, None, port=busy.getsockname()[1])
        with pytest.raises(SetupError, match="is in use; free it, or let the suite pick a free port"):
            target.start()
        target.stop()


def test_unreachable_attached_instance(refusal):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    message = refusal(url=f"http://127.0.0.1:{port}")
    assert "no answer" in message and "is Sync running" in message


@pytest.mark.parametrize("choice, phrase", [
    ({"double_switches": "crash=maybe"}, "is not a switch of the double"),
    ({"double_profile": "9.9.9"}, "9.9.9: no double profile of that name; use one of 1.3.106, 1.4.111"),
    ({"double_version": "latest"}, "latest: not a version; give numbers joined by dots"),
    ({"url": "http://u:pw@127.0.0.1:99999"}, "the port is not a number from 1 to 65535"),
])
def test_bad_target_options(refusal, choice, phrase):
    assert phrase in refusal(**choice)


@pytest.mark.parametrize("args, line", [
    (["--double-profile", "9.9.9"], "--double-profile 9.9.9: no double profile of that name"),
    (["--double-version", "latest"], "--double-version latest: not a version"),
    (["--sync-binary", "/no/such/btsync"], "--sync-binary /no/such/btsync: not found"),
    (["--sync-url", "ftp://x"], "--sync-url 'ftp://x': not an http(s) URL"),
    (["--sync-url", "http://127.0.0.1:1", "--sync-binary", "/bin/true"], "choose one target"),
], ids=["profile", "version", "binary", "url", "both"])
def test_a_run_names_its_own_option(tmp_path, args, line):
    """fixtures/ says which input is wrong; `pytest conformance` names it by its own option."""
    assert_clear_error(run_conformance(tmp_path, *args), line)


def test_a_reports_dir_that_cannot_be_written(tmp_path):
    assert_clear_error(run_conformance(tmp_path, "--reports-dir", "/dev/null/reports"), "cannot write there")


# Numbers are checked together: one line names every one that is wrong
@pytest.mark.parametrize("args, phrases", [
    (["--examples", "0", "--cpu-idle", "90", "--sync-port", "-1", "--hypothesis-seed", "abc"],
     ["--examples 0: give at least 1", "need 0 <= idle < busy", "--sync-port -1: give a port from 1 to 65535",
      "--hypothesis-seed abc: give a whole number"]),
    (["--sync-port", "70000", "--ready-timeout", "0", "--request-timeout", "-2"],
     ["--sync-port 70000: give a port from 1 to 65535", "--ready-timeout 0: give a positive number of seconds",
      "--request-timeout -2: give a positive number of seconds"]),
], ids=["examples-cpu-port-seed", "port-timeouts"])
def test_bad_numbers_are_named_in_one_line(tmp_path, args, phrases):
    assert_clear_error(run_conformance(tmp_path, *args), *phrases)


def test_too_little_room_for_storage_is_refused_before_the_run(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(small)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.decode().strip()}); needs root")
    try:
        run = run_conformance(tmp_path, env={"TMPDIR": str(small)})
        assert_clear_error(run, "MB free for Sync's storage", "set TMPDIR to a roomier directory")
        assert not list(small.iterdir())
    finally:
        subprocess.run(["umount", str(small)])


def test_a_mistyped_path_stops_the_run_before_any_build_starts(tmp_path):
    run = run_conformance(tmp_path, checks=("conformance", "nosuchfile"))
    assert_clear_error(run, "nosuchfile: no such file or directory")
    assert not (tmp_path / "reports").exists() or not list((tmp_path / "reports").glob("sync-*"))


def test_an_empty_catalogue_is_refused(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert_clear_error(run_conformance(tmp_path, "--catalogue", str(empty)), "names no behaviour")


def test_a_full_reports_dir_is_found_before_the_build_starts(tmp_path, monkeypatch):
    from conformance.reporting import report_files
    monkeypatch.setattr(report_files.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 1024})())
    with pytest.raises(report_files.ReportsDirError, match="only 0 MB free"):
        report_files.check_reports_dir(tmp_path)


def test_namespace_not_permitted_names_the_fixes(monkeypatch):
    monkeypatch.setattr(sandbox, "only_loopback", lambda: False)
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0)
    with pytest.raises(SetupError) as error:
        sandbox.enter_private_network(unshare=lambda flags: 1)  # EPERM
    assert "network namespace not permitted (Operation not permitted)" in str(error.value)
    assert "--allow-host-network" in str(error.value) and "unshare -rn" in str(error.value)
