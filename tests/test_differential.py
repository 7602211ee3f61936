"""Differential runs (conformance/differential), run as a user runs them: `python -m conformance.differential`.

A double against itself differs nowhere (a double with a behaviour switched off:
tests/test_differential_switched_off.py); bad input is one line; faults are never differences. Against a
real build (only where one is given, as in tests/test_real_builds.py) the double of its version differs
nowhere but where the double does not model the build (README).
"""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys

import pytest

from fixtures.redaction import secret_token
from fixtures.secret_format import LENGTHS, is_well_formed
from tests.conftest import ROOT, child_environment, leftovers
from tests.differential_runs import REQUESTS, SEED, DifferentialRun, run_differential


@pytest.fixture(scope="module")
def same_double(tmp_path_factory) -> DifferentialRun:
    return run_differential(tmp_path_factory.mktemp("same"), "--a", "double", "--b", "double",
                            "--requests", REQUESTS, "--seed", SEED, "--exit-code")


def test_a_double_against_itself_differs_nowhere(same_double):
    document = same_double.document()
    assert same_double.process.returncode == 0, same_double.output[-3000:]
    assert document["requests"] >= int(REQUESTS) and document["sequences"] > 5
    assert document["differences"] == [] and document["not_reproduced"] == [], document["differences"][:3]
    assert "0 differences reproduced" in same_double.output
    assert leftovers(same_double.tmp) == ([], [])


def test_the_report_is_html_beside_the_json_and_linked_from_the_index(same_double):
    html = next((same_double.reports_dir / "differential").glob("*.html")).read_text()
    assert "No difference" in html and "1.4.111-double" in html
    index = (same_double.reports_dir / "index.html").read_text()
    assert 'href="differential/1.4.111-double-vs-1.4.111-double.html"' in index


@pytest.mark.parametrize("args, message", [
    (["--a", "no/such/btsync", "--b", "double"], "--a no/such/btsync: not found"),
    (["--a", "double:9.9.9", "--b", "double"], "--a 9.9.9: no double profile of that name; use one of 1.3.106, 1.4.111"),
    (["--a", "double:1.4.111:bogus=on", "--b", "double"], "is not a switch of the double"),
    (["--a", "double", "--b", "double", "--requests", "0"], "--requests must be at least 1"),
])
def test_bad_input_is_one_line_that_names_the_fix(tmp_path, args, message):
    run = run_differential(tmp_path, *args, timeout=60)
    assert run.process.returncode == 2
    assert message in run.process.stderr and "Traceback" not in run.output, run.output[-2000:]
    assert leftovers(run.tmp) == ([], [])


BINARY = os.environ.get("SYNC_BINARY")
API_KEY = os.environ.get("SYNC_API_KEY")
# A fresh seed each time, so the test looks somewhere new; DIFFERENTIAL_REAL_BUILD_SEED repeats one
REAL_BUILD_SEED = os.environ.get("DIFFERENTIAL_REAL_BUILD_SEED") or str(random.SystemRandom().randrange(2 ** 32))
# What the README ("Differential runs") says the double does not model, as a reproducer shows it: a
# string of 42 or more characters of no secret's shape sent as a secret (the builds derive a read-only
# secret from some, by a rule not visible from outside; the double refuses them all), set_prefs with a
# preference given twice (too few observations for a rule), and the indexer's timing (get_files lists
# what the build has indexed so far; the double lists everything at once).
UNMODELLED_SECRET_LENGTH = 42
REDACTED_SECRET = re.compile(r"<(.)-secret/(\d+):[0-9a-f]{6}>")  # fixtures.redaction.secret_token


def is_unmodelled_secret(value: str) -> bool:
    """A string of 42 or more characters of no secret's shape: as sent, or as the report shows it once the
    build handed it out as a folder's secret (redacted)."""
    redacted = REDACTED_SECRET.fullmatch(value)
    if redacted:
        return int(redacted[2]) >= UNMODELLED_SECRET_LENGTH and LENGTHS.get(redacted[1]) != int(redacted[2])
    return not value.startswith("<secret #") and len(value) >= UNMODELLED_SECRET_LENGTH and not is_well_formed(value)


def is_unmodelled(difference: dict) -> bool:
    """Whether a difference's reproducer sends what the double does not model."""
    steps = [[tuple(pair) for pair in step["step"]["params"]] for step in difference["reproducer"]]
    long_secret = any(name == "secret" and is_unmodelled_secret(value) for params in steps for name, value in params)
    preference_twice = any(("method", "set_prefs") in params and len(dict(params)) < len(params) for params in steps)
    last = difference["reproducer"][-1]
    double_listed, build_listed = (last[side]["body"] for side in ("a", "b"))
    not_yet_indexed = (("method", "get_files") in steps[-1] and isinstance(double_listed, list)
                       and isinstance(build_listed, list) and len(build_listed) < len(double_listed)
                       and all(entry in double_listed for entry in build_listed))
    return long_secret or preference_twice or not_yet_indexed


@pytest.mark.skipif(not (BINARY and API_KEY), reason="no real Sync build: set SYNC_BINARY (btsync executable "
                                                     "or .tar.gz) and SYNC_API_KEY to run the double against it")
def test_the_double_of_a_real_builds_version_differs_from_it_only_where_it_does_not_model_it(tmp_path):
    from fixtures.build import resolve_binary
    build = resolve_binary(BINARY)
    build.discard()
    run = run_differential(tmp_path, "--a", f"double:{build.version}", "--b", BINARY, "--requests", "2000",
                           "--seed", REAL_BUILD_SEED, env={"SYNC_API_KEY": API_KEY}, timeout=1800)
    again = f"seed {REAL_BUILD_SEED} (DIFFERENTIAL_REAL_BUILD_SEED={REAL_BUILD_SEED} repeats it)"
    assert run.process.returncode == 0, f"{again}\n{run.output[-3000:]}"
    differences = run.document()["differences"]
    assert [difference["key"] for difference in differences if not is_unmodelled(difference)] == [], again
    assert leftovers(run.tmp) == ([], [])


def test_only_what_the_double_does_not_model_is_set_aside_against_a_real_build():
    def difference(*steps, double_listed=None, build_listed=None):
        played = [{"step": {"params": [list(pair) for pair in params]}, "a": {"body": {}}, "b": {"body": {}}}
                  for params in steps]
        played[-1].update(a={"body": double_listed}, b={"body": build_listed})
        return {"reproducer": played}
    listing = [{"name": "f0.txt", "type": "file"}, {"name": "inner", "type": "folder"}]
    get_files = [("method", "get_files"), ("secret", "<secret #0 seen>")]
    unmodelled = [
        difference([("method", "get_secrets"), ("secret", "P" + "MRAA7" * 9 + "AB")]),  # 48 characters
        difference([("method", "add_folder"), ("secret", secret_token("G" + "AB" * 24 + "C"))]),  # shown redacted
        difference([("method", "get_folders")], [("method", "set_prefs"), ("lang", "1"), ("lang", "1")]),
        difference([("method", "add_folder"), ("dir", "d1")], get_files, double_listed=listing, build_listed=[])]
    modelled = [
        difference([("method", "get_secrets"), ("secret", "P" + "M" * 40)]),  # 41 characters
        difference([("method", "get_secrets"), ("secret", "A" + "M" * 32)]),  # a secret's shape
        difference([("method", "get_secrets"), ("secret", "<secret #3 seen>")]),
        difference([("method", "add_folder"), ("secret", secret_token("E" + "AB" * 29))]),  # an E secret, redacted
        difference([("method", "add_folder"), ("force", "1"), ("force", "1")]),
        difference(get_files, double_listed=listing[:1], build_listed=listing),  # the build lists more
        difference(get_files, double_listed=listing, build_listed=[{"name": "f0.txt", "type": "folder"}])]
    assert [is_unmodelled(each) for each in unmodelled + modelled] == [True] * 4 + [False] * 7


def test_a_difference_that_needs_state_is_shrunk_to_the_steps_it_needs():
    """A folder removed from a double that keeps it: only a listing after the removal shows it, and the
    listing before it gives the secret. The rest of the sequence is shrunk away."""
    from conformance.differential.engine import Differential
    from conformance.differential.sides import Side
    from conformance.differential.steps import Directory, EarlierSecret, Step
    from fixtures.build import reference_double
    from fixtures.double.profiles import PROFILES, parse_switches
    from fixtures.launcher import LaunchedSync

    def double(switches: str, role: str) -> LaunchedSync:
        settings = {"switches": parse_switches(switches, PROFILES["1.4.111"]), "many_folders": 1000}
        instance = LaunchedSync(reference_double("1.4.111"), None, role=role, double_settings=settings)
        instance.start()
        return instance
    a, b = double("all", "a"), double("all,remove-folder-removes=off", "b")
    try:
        run = Differential(Side("a", "a", a, "a"), Side("b", "b", b, "b"))
        steps = [Step((("method", "add_folder"), ("dir", Directory("d0")))), Step((("method", "get_version"),)),
                 Step((("method", "get_folders"),)), Step((("method", "set_prefs"), ("device_name", "x"))),
                 Step((("method", "remove_folder"), ("secret", EarlierSecret(0)))), Step((("method", "get_os"),)),
                 Step((("method", "get_folders"),))]
        run.record(run.play(steps))
        assert list(run.findings) == ["values: get_folders [] (items)"]
        run.shrink_all()
        reproducer = run.findings["values: get_folders [] (items)"].reproducer
        assert [step.method for step in reproducer.steps] == ["add_folder", "get_folders", "remove_folder",
                                                               "get_folders"]
        assert reproducer.answers[-1][0].body == [] and len(reproducer.answers[-1][1].body) == 1
    finally:
        a.stop()
        b.stop()


# -- the comparison itself, without targets -----------------------------------------------------------
def _answer(body, status=200, process="running", padding=None):
    from conformance.differential.compare import Answer
    return Answer(status, "text/javascript", body, True, process, padding=padding)


def test_secrets_are_compared_by_kind_and_by_the_order_each_target_showed_them():
    from conformance.differential.compare import compare, normalise

    def labeller():  # as a side numbers the secrets its target shows
        seen = []

        def label(secret):
            if secret not in seen:
                seen.append(secret)
            return f"<{secret[0]}{len(secret)} #{seen.index(secret)}>"
        return label
    one, other = labeller(), labeller()
    a = normalise({"read_write": "A" + "X" * 32, "read_only": "B" + "Y" * 32}, "get_secrets", one, "/a")
    b = normalise({"read_write": "A" + "P" * 32, "read_only": "B" + "Q" * 32}, "get_secrets", other, "/b")
    assert compare(_answer(a), _answer(b), "get_secrets") == []
    reused = normalise([{"secret": "B" + "Y" * 32}], "get_folders", one, "/a")  # the read-only one again
    fresh = normalise([{"secret": "B" + "Z" * 32}], "get_folders", other, "/b")  # a secret never seen before
    assert [d.key for d in compare(_answer(reused), _answer(fresh), "get_folders")] == ["values: get_folders [].secret"]


def test_paths_listening_ports_and_jsonp_padding_are_normalised_or_compared():
    from conformance.differential.compare import compare, normalise
    a = normalise({"dir": "/tmp/x/d0", "listening_port": 4000}, "get_prefs", str, "/tmp/x")
    b = normalise({"dir": "/tmp/y/d0", "listening_port": 5000}, "get_prefs", str, "/tmp/y")
    assert a == b == {"dir": "<area>/d0", "listening_port": "<int>"}
    found = compare(_answer(a, padding="cb(...)"), _answer(b), "get_prefs")
    assert [d.key for d in found] == ["body: get_prefs JSONP padding cb(...) | none"]


@pytest.mark.parametrize("a, b, key", [
    ({"error": 100, "message": "m"}, {"error": 0}, "error code: add_folder error 100 | 0"),
    ({"x": 1}, {"x": "1"}, "types: add_folder .x integer | string"),
    ({"x": 1, "y": 2}, {"x": 1}, "keys: add_folder . ['y'] | []"),
    ([1, 2], [1], "values: add_folder [] (items)"),
])
def test_each_kind_of_difference_is_named_where_it_is(a, b, key):
    from conformance.differential.compare import compare
    assert key in [d.key for d in compare(_answer(a), _answer(b), "add_folder")]


def test_a_target_that_ended_differs_in_process_and_status():
    from conformance.differential.compare import Answer, compare
    dead = Answer(None, None, None, False, "killed by signal 11 (SIGSEGV)", "connection failed")
    kinds = [d.kind for d in compare(_answer({"error": 0}), dead, "add_folder")]
    assert kinds == ["process", "status"]


def test_faults_during_a_run_are_never_reported_as_differences(tmp_path):
    """Both sides the same double; a nemesis kills (SIGKILL) or pauses (SIGSTOP for a second) one of them,
    0.1-0.4 s after the last fault. Whatever that makes the two answer differently is not reproduced on
    replay, or falls in a disturbed sequence: the run reports no difference, exits 0, and leaves nothing behind."""
    import random
    import signal
    import time

    import psutil
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.differential", "--a", "double", "--b", "double", "--requests", "300",
         "--seed", "3", "--exit-code", "--reports-dir", str(tmp_path / "reports")],
        cwd=ROOT, env=child_environment(scratch), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    chooser, faults = random.Random(5), []
    before = []
    for line in process.stdout:  # both sides up first: a fault at their first start is a failed setup
        before.append(line)
        if "comparing" in line:
            break
    while process.poll() is None and len(faults) < 12:
        doubles = [candidate for candidate in psutil.process_iter(["pid", "cmdline"])
                   if any("double/run.py" in part for part in candidate.info["cmdline"] or [])
                   and any(str(scratch) in part for part in candidate.info["cmdline"] or [])]
        if doubles:
            victim, fault = chooser.choice(doubles), chooser.choice(["kill", "pause"])
            try:
                if fault == "kill":
                    victim.send_signal(signal.SIGKILL)
                else:
                    victim.send_signal(signal.SIGSTOP)
                    time.sleep(1.0)
                    victim.send_signal(signal.SIGCONT)
                faults.append(fault)
            except psutil.NoSuchProcess:
                pass
        time.sleep(chooser.uniform(0.1, 0.4))
    output = "".join(before) + process.communicate(timeout=600)[0]
    assert process.returncode == 0, output[-3000:]
    document = json.loads(next((tmp_path / "reports" / "differential").glob("*.json")).read_text())
    assert len(faults) >= 4, f"the nemesis hit too rarely to prove anything: {faults}"
    assert document["differences"] == [], [difference["key"] for difference in document["differences"]]
    assert document["not_reproduced"] or document["disturbed_sequences"], "no fault showed at all"
    assert leftovers(scratch) == ([], [])


def test_a_directory_below_a_file_is_sent_as_it_is(tmp_path):
    """d0 made a file first, then d0/inner asked for: nothing can be made there, the request still goes."""
    from conformance.differential.sides import Side
    from conformance.differential.steps import Directory

    class Instance:  # just what directory preparation needs of a target
        role = "a"

        def scratch_dir(self, prefix):
            return str(tmp_path)
    side = Side("a", "a", Instance(), "a")
    side.area = str(tmp_path)
    assert side.resolve(Directory("d0", "file")) == f"{tmp_path}/d0"
    assert side.resolve(Directory("d0/inner", "file")) == f"{tmp_path}/d0/inner"
    assert (tmp_path / "d0").is_file()


def test_a_run_whose_sequences_were_all_disturbed_compared_nothing(tmp_path):
    """Both sides answer every request late (past half the request timeout): every sequence is disturbed
    and played once more, nothing is compared, and the run says 'not compared' (exit 2), never '0
    differences'; the index says the same."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    environment = {**child_environment(scratch), "SYNC_DOUBLE_SLOW_FROM_START": "1", "SYNC_DOUBLE_SLOW_ANSWER_S": "0.3"}
    done = subprocess.run(
        [sys.executable, "-m", "conformance.differential", "--a", "double", "--b", "double", "--requests", "4",
         "--max-steps", "2", "--request-timeout", "0.5", "--exit-code", "--reports-dir", str(tmp_path / "reports")],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "NOT COMPARED: only 0 of the 4 requests asked for were compared" in done.stdout
    [report] = (tmp_path / "reports" / "differential").glob("*.json")
    record = json.loads(report.read_text())
    assert (record["outcome"], record["compared"]) == ("not compared", 0) and record["disturbed_sequences"]
    assert "<td>not compared</td>" in (tmp_path / "reports" / "index.html").read_text()
