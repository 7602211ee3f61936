"""Bad input gets one clear line naming the problem and the fix: exit status 4 (pytest's usage error),
no traceback, nothing left behind."""
import socket
import subprocess
import sys

import pytest

from fixtures import sandbox
from fixtures.build import reference_double
from fixtures.launcher import LaunchedSync
from fixtures.errors import SetupError
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
    run = run_conformance(tmp_path, "--sync-binary", str(tmp_path / "nope"))
    assert_clear_error(run, "not found", "pass the path of a btsync executable")


def test_binary_not_executable(tmp_path):
    path = tmp_path / "btsync"
    path.write_text("#!/bin/sh\n")
    run = run_conformance(tmp_path, "--sync-binary", str(path))
    assert_clear_error(run, "not executable", "chmod +x")


def test_not_a_sync_build(tmp_path):
    run = run_conformance(tmp_path, "--sync-binary", "/bin/echo", "--sync-api-key", VALID_LOOKING_KEY)
    assert_clear_error(run, "is not a BitTorrent Sync build", "pass the btsync executable")


def test_tarball_without_a_build(tmp_path):
    import tarfile
    archive = tmp_path / "empty.tar.gz"
    (tmp_path / "README").write_text("nothing here")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "README", arcname="README")
    run = run_conformance(tmp_path, "--sync-binary", str(archive))
    assert_clear_error(run, "holds no btsync executable")


@pytest.mark.parametrize("program, phrases", [
    (OLD_BUILD, ("does not serve the v1 API", "HTTP 400")),
    (NOT_JSON_BUILD, ("answered get_version with HTTP 200 but not with Sync's JSON", "'<html>hello'")),
    (EXITING_BUILD, ("exited with status 3 during start-up", "Storage path is not writable. Exiting")),
], ids=["no-v1-api", "not-sync-json", "exits-at-start"])
def test_a_build_that_does_not_serve_syncs_api_is_named_as_such(tmp_path, program, phrases):
    script = tmp_path / "btsync"
    script.write_text(f"#!{sys.executable}\n" + program)
    script.chmod(0o755)
    run = run_conformance(tmp_path, "--sync-binary", str(script), "--sync-api-key", VALID_LOOKING_KEY)
    assert_clear_error(run, *phrases)


def test_api_key_missing(tmp_path, double_wrapper):
    run = run_conformance(tmp_path, "--sync-binary", str(double_wrapper))
    assert_clear_error(run, "no API key", "--sync-api-key", "SYNC_API_KEY")


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
        with pytest.raises(SetupError, match="is in use; free it or leave out --sync-port"):
            target.start()
        target.stop()


def test_unreachable_attached_instance(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    run = run_conformance(tmp_path, "--sync-url", f"http://127.0.0.1:{port}")
    assert_clear_error(run, "no answer", "is Sync running")


@pytest.mark.parametrize("args, phrase", [
    (["--double-switches", "crash=maybe"], "is not a switch of the double"),
    (["--double-profile", "9.9.9"], "unknown; use one of 1.3.106, 1.4.111"),
    (["--double-version", "latest"], "--double-version latest: not a version; give numbers joined by dots"),
    (["--sync-url", "ftp://x", "--sync-binary", "/bin/true"], "choose one target"),
    (["--reports-dir", "/dev/null/reports"], "cannot write there"),
    (["--sync-url", "http://u:pw@127.0.0.1:99999"], "the port is not a number from 1 to 65535"),
])
def test_bad_options(tmp_path, args, phrase):
    assert_clear_error(run_conformance(tmp_path, *args), phrase)


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
    from conformance import report_files
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
