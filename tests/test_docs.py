"""Documentation verification (`python -m conformance.docs`): a document's examples run against the double,
each example's outcome decided both ways by the double's switches, nothing secret in what it writes, and
the document written per build and across versions as reStructuredText docutils accepts without a warning.
tests/data/undocumented-behaviors.rst is a stand-in of ours for the document of that name."""
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conformance.docs.document import read
from conformance.docs.matching import SecretPairs, VaryingOutputChecker, values_match
from conformance.docs.write import Build, history, render_html
from tests.conftest import FAST, ROOT, child_environment, leftovers, run_conformance

NOTES = ROOT / "tests" / "data" / "undocumented-behaviors.rst"
ADD_FOLDER, FOLDERS, GET_SECRETS, CRASH, LOOP = 24, 26, 28, 35, 43  # the examples' lines in NOTES


def docs(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "conformance.docs", *args], cwd=ROOT, capture_output=True,
                          text=True, env=child_environment(scratch), timeout=120)


def outcomes(reports: Path, name: str) -> dict[int, dict]:
    record = json.loads((reports / "docs" / f"check-undocumented-behaviors-{name}.json").read_text())
    return {example["line"]: example for example in record["examples"]}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """Checks of NOTES against the double as 1.4.111 behaves and with every behaviour on (the suite's
    adapter), and with pybtsync; complete conformance runs of both profiles (docs write takes no partial
    run); then `write`."""
    reports = tmp_path_factory.mktemp("reports")
    runs = [("check", str(NOTES), "--client", "adapter"),
            ("check", str(NOTES), "--client", "adapter", "--target", "double:1.4.111:all"),
            ("check", str(NOTES), "--target", "double:1.3.106")]
    def check(arguments):
        return docs(tmp_path_factory.mktemp("check"), *arguments, "--reports-dir", str(reports))

    def conformance(profile):
        return run_conformance(tmp_path_factory.mktemp(profile), "--double-profile", profile, *FAST,
                               "--reports-dir", str(reports))
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(check, runs)) + list(pool.map(conformance, ("1.3.106", "1.4.111")))
    for process in done[:3]:
        assert process.returncode == 0, process.stdout + process.stderr
    (reports / "terminal.txt").write_text("".join(process.stdout + process.stderr for process in done[:3]))
    written = docs(tmp_path_factory.mktemp("write"), "write", "--reports-dir", str(reports))
    assert written.returncode == 0, written.stdout + written.stderr
    return reports


def test_a_document_reads_as_items_with_their_examples():
    document = read(NOTES)
    assert document.title == "Sync API notes for the suite's tests"
    assert [item.title for item in document.items] == [
        "Errors come back with HTTP 200", "Adding a folder gives it a plain secret",
        "A malformed secret makes Sync fall over",
        "Adding folders in a loop written without its continuation prompt still runs them all."]
    assert [example.line for example in document.examples] == [14, 16, 17, ADD_FOLDER, FOLDERS, GET_SECRETS, CRASH, LOOP]
    loop = document.examples[-1]
    assert loop.repaired and loop.source == "for n in range(3):\n    btsync.add_folder(tempfile.mkdtemp())\n"
    assert document.items[3].lines[0].startswith("This sentence runs on")  # the cut title's rest opens the prose


@pytest.mark.parametrize("want, got, matches", [
    ("A2345672345672345672345672345672Q", "AXYZ2345672345672345672345672345Q", True),  # same type and length
    ("A2345672345672345672345672345672Q", "BXYZ2345672345672345672345672345Q", False),  # another type
    ("A2345672345672345672345672345672Q", "AXYZ23456723456723456723456723456723", False),  # another length
    ("\\\\?\\c:\\users\\tmp_x", "/tmp/sync-conformance-x/folders/tmp1", True),  # a path for a path
    ("\\\\?\\c:\\users\\tmp_x", "tmp1", False),
    ({"error": 0}, {"error": 0, "message": ""}, False),  # keys must be the same
    ([1, 2], [1, 2, 3], False),
    (0, False, False),  # 0 is no False
])
def test_values_that_vary_match_only_their_own_kind(want, got, matches):
    assert values_match(want, got, {}) is matches


def test_a_document_secret_meets_the_same_live_secret_every_time():
    secrets = SecretPairs()
    checker = VaryingOutputChecker(secrets)
    documented, first, second = "A" + "2" * 32, "A" + "3" * 32, "A" + "4" * 32
    assert checker.check_output(repr({"secret": documented}), repr({"secret": first}), 0)
    assert not checker.check_output(repr([documented, documented]), repr([first, second]), 0)
    assert not checker.check_output(repr({"secret": documented}), repr({"secret": second}), 0)
    assert secrets.substitute(f"btsync.get_secrets('{documented}')") == (f"btsync.get_secrets('{first}')", 1)
    assert not checker.check_output("True\n", "False\n", 0) and checker.check_output("True\n", "True\n", 0)


def test_each_example_reproduces_only_on_a_target_that_shows_what_it_shows(reports):
    observed, every = outcomes(reports, "1.4.111-double"), outcomes(reports, "1.4.111-double-all")
    assert [observed[line]["outcome"] for line in (14, 16, 17)] == ["reproduces"] * 3
    # get_secrets on the document's own secret determines the answer: the double derives another read-only
    # secret than the document shows, and that is no match, whatever its shape
    assert observed[GET_SECRETS]["outcome"] == "output differs"
    assert "secrets compared by value" in observed[GET_SECRETS]["detail"]
    # add_folder answers {"result": 0} only where add-folder-outcome-under-result is on
    assert (observed[ADD_FOLDER]["outcome"], every[ADD_FOLDER]["outcome"]) == ("output differs", "reproduces")
    assert observed[ADD_FOLDER]["got"] == "{'error': 0}\n"
    # the document shows a traceback: reproduced by a crash, not by an error answer
    assert (observed[CRASH]["outcome"], every[CRASH]["outcome"]) == ("output differs", "reproduces")
    assert "error': 3" in observed[CRASH]["got"]
    assert "SIGSEGV" in every[CRASH]["detail"] and "restarted for the next example" in every[CRASH]["detail"]
    assert "crashed it again when replayed" in every[CRASH]["detail"]
    assert every[LOOP]["got"] == "{'result': 0}\n" * 3  # the restarted target answered the next example
    assert observed[FOLDERS]["outcome"] == "raised" and "no attribute 'folders'" in observed[FOLDERS]["got"]
    assert "continuation" in observed[LOOP]["detail"]


def test_pybtsync_raises_where_the_document_shows_an_answer(reports):
    pytest.importorskip("pybtsync")
    with_pybtsync = outcomes(reports, "1.3.106-double")
    assert with_pybtsync[14]["outcome"] == "raised"
    assert with_pybtsync[14]["got"] == "Exception: Invalid API method name or format.\n"


def test_no_live_secret_reaches_a_report_or_the_terminal(reports):
    documented = set(re.findall(r"[A-Z2-7]{33,}", NOTES.read_text()))
    written = {path.name: path.read_text() for path in list(reports.glob("docs/*")) + [reports / "terminal.txt"]}
    leaks = {name: sorted(set(re.findall(r"[A-Z2-7]{33,}", text)) - documented) for name, text in written.items()}
    assert not any(leaks.values()), leaks
    assert any("<B-secret/33:" in text for text in written.values()), "no redacted secret shown at all"


def test_the_written_documents_are_rst_docutils_accepts_linked_from_the_index(reports):
    directory = reports / "docs"
    pages = sorted(path.name for path in directory.glob("*.rst"))
    assert pages == ["undocumented-behaviors-1.3.106-linux-x64-double.rst",
                     "undocumented-behaviors-1.4.111-linux-x64-double-all.rst",  # checked only, switched by hand
                     "undocumented-behaviors-1.4.111-linux-x64-double.rst", "undocumented-behaviors-across-versions.rst"]
    for name in pages:
        html, warnings = render_html((directory / name).read_text(), name)
        assert warnings == [], (name, warnings)
        assert (directory / name).with_suffix(".html").is_file()
    per_build = (directory / "undocumented-behaviors-1.4.111-linux-x64-double.rst").read_text()
    assert "``http-status-on-error`` holds on 1.4.111 (double)" in per_build
    assert ">>> btsync.add_folder(tempfile.mkdtemp())\n    {'error': 0}" in per_build  # the build's answer
    switched = (directory / "undocumented-behaviors-1.4.111-linux-x64-double-all.rst").read_text()
    assert "with switches all" in switched and ">>> btsync.add_folder(tempfile.mkdtemp())\n    {'result': 0}" in switched
    across = (directory / "undocumented-behaviors-across-versions.rst").read_text()
    assert "``webui-default-listen-loopback``" in across and "Observed by the conformance suite" in across
    assert "<B-secret/33>" in across and not re.search(r"-secret/\d+:", across)  # alike across builds
    index = (reports / "index.html").read_text()
    assert 'href="docs/undocumented-behaviors-across-versions.html"' in index


def test_a_verdict_history_says_where_a_behaviour_stopped_holding():
    old, new = Build("1.3.106", "linux-x64", False), Build("1.4.111", "linux-x64", False)
    seen = [(old, {"verdict": "confirmed"}), (new, {"verdict": "contradicted", "reason": "answers error 3"})]
    assert history(seen) == "holds on 1.3.106; no longer holds on 1.4.111 (answers error 3)"


@pytest.mark.parametrize("args, message", [
    (["check", "no/such.rst"], "no/such.rst: no such file"),
    (["check", "README.md"], "no >>> examples to run"),
    (["check", str(NOTES), "--target", "double:9.9.9"], "--target 9.9.9: no double profile of that name"),
    (["write", "README.md"], "README.md: not a JSON report"),
    (["write", "--reports-dir", "{tmp}/empty"], "no reports"),
])
def test_bad_input_is_one_line_that_names_the_fix(tmp_path, args, message):
    done = docs(tmp_path, *[arg.replace("{tmp}", str(tmp_path)) for arg in args])
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert leftovers(tmp_path / "tmp") == ([], [])


def test_an_example_sending_the_documents_own_secret_compares_secrets_by_value():
    secrets = SecretPairs()
    documented, other = "A" + "2" * 32, "A" + "3" * 32
    assert secrets.fixed_inputs(f"btsync.get_secrets('{documented}')") == [documented]
    assert values_match({"read_only": "B" + "7" * 32}, {"read_only": "B" + "6" * 32}, {})  # same shape
    assert not values_match({"read_only": "B" + "7" * 32}, {"read_only": "B" + "6" * 32}, {}, secrets_by_value=True)
    secrets.live[documented] = other  # matched earlier: the live secret is sent instead, shapes compare
    assert secrets.fixed_inputs(f"btsync.get_secrets('{documented}')") == []


class _UnhealthyOnce:
    """A target whose health check finds one incident (then none), restarted without a word."""

    def __init__(self, incident: dict):
        self.incidents = [incident]

    def check_health(self):
        return self.incidents.pop() if self.incidents else None

    def restart(self):
        pass


@pytest.mark.parametrize("incident", [
    {"kind": "slow", "instance": "target", "request": "get_secrets", "seconds": 6.0},
    {"kind": "died", "instance": "target", "process": "killed by signal 9 (SIGKILL)", "exit_status": -9}],
    ids=["slow", "killed-from-outside"])
def test_a_documented_traceback_is_not_reproduced_by_what_is_no_crash(incident):
    import doctest

    from conformance.docs.check import DIFFERS, _Recorder
    recorder = _Recorder(_UnhealthyOnce(incident), VaryingOutputChecker(SecretPairs()))
    # as the document shows it: no exception line, so doctest reports what the example raised as unexpected
    example = doctest.Example("raise ConnectionError('no answer')\n",
                              "Traceback (most recent call last):\n ...the process is gone...\n")
    test = doctest.DocTest([example], {}, "doc", "doc.rst", 1, None)
    recorder.run(test, out=lambda _text: None)
    outcome, _, detail = recorder.outcomes[id(example)]
    assert outcome == DIFFERS and "not reproduced" in detail, detail
