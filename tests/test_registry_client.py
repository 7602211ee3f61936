"""A real client of the v1 API from the package index, used as its README says, gets the same answers
from the double as from the real build of the same version.

pybtsync (`pip install pybtsync`, the client undocumented-behaviors.rst uses) sends what such clients send:
its own `self=` parameter, an empty `secret=`, `force=1`, and raises on API errors. Runs only where a real
build is given (as tests/test_real_builds.py) and pybtsync is installed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, child_environment

BINARY = os.environ.get("SYNC_BINARY")
API_KEY = os.environ.get("SYNC_API_KEY")
pytestmark = [
    pytest.mark.skipif(not (BINARY and API_KEY), reason="no real Sync build: set SYNC_BINARY and SYNC_API_KEY"),
    pytest.mark.skipif(subprocess.run([sys.executable, "-c", "import pybtsync"], capture_output=True).returncode != 0,
                       reason="pybtsync is not installed: pip install pybtsync"),
]

# One session of the client against one target, in a child process (the target runs in its own network
# namespace, entered by the child). It prints one JSON line per call: the call and what came of it, with
# secrets numbered in the order they appeared and the target's own directory as <area>.
SESSION = r'''
import json, os, re, sys
from fixtures import sandbox
from fixtures.build import reference_double, resolve_binary
from fixtures.launcher import LaunchedSync
import pybtsync

sandbox.enter_private_network()
target = sys.argv[1]
build = reference_double(target.split(":", 1)[1]) if target.startswith("double:") else resolve_binary(target)
sync = LaunchedSync(build, os.environ.get("SYNC_API_KEY"))
sync.start()
api = pybtsync.BTSync("127.0.0.1", str(sync.port), sync.login, sync.password)
area = sync.scratch_dir("client-")
labels = {}

def normalised(value):
    if isinstance(value, dict):
        return {key: normalised(value[key]) for key in sorted(value)
                if key not in ("listening_port", "files", "size", "download", "upload")}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str):
        if re.fullmatch(r"[A-Za-z2-7]{33,}", value):
            return labels.setdefault(value, f"<{value[0]}{len(value)} #{len(labels)}>")
        return value.replace(area, "<area>")
    return value

def call(name, *args, **kwargs):
    try:
        outcome = normalised(getattr(api, name)(*args, **kwargs))
    except Exception as error:
        outcome = f"raised {type(error).__name__}: {error}"
    print(json.dumps([name, normalised(list(args)), outcome]))

os.makedirs(area + "/full")
open(area + "/full/f.txt", "w").write("x")
call("get_version"); call("get_os"); call("get_speed")
call("add_folder", area + "/new"); call("add_folder", area + "/full")
try:
    folders = api.get_folders()
except Exception:
    folders = []
secret = folders[0]["secret"] if folders else "A" + "Q" * 32
call("get_folders"); call("get_folders", secret); call("get_secrets"); call("get_secrets", secret)
call("get_folder_prefs", secret); call("get_folder_hosts", secret); call("set_folder_hosts", secret, "127.0.0.1:4000")
call("get_files", secret); call("get_folder_peers", secret); call("set_file_prefs", secret, "f.txt", 0)
call("get_prefs"); call("remove_folder", secret); call("get_folders"); call("get_secrets", "notasecret")
sync.stop()
'''


def session(target: str, tmp_path) -> list:
    env = child_environment(tmp_path, {"SYNC_API_KEY": API_KEY, "PYTHONPATH": str(ROOT)})
    done = subprocess.run([sys.executable, "-c", SESSION, target], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_pybtsync_gets_the_same_answers_from_the_double_as_from_the_build(tmp_path):
    from fixtures.build import resolve_binary
    build = resolve_binary(BINARY)
    build.discard()
    (tmp_path / "double").mkdir()
    (tmp_path / "build").mkdir()
    from_double = session(f"double:{build.version}", tmp_path / "double")
    from_build = session(BINARY, tmp_path / "build")
    assert len(from_build) == 19, "every call of the session was answered or raised"
    assert from_double == from_build
