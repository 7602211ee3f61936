"""conformance/bisect.py: over the double under six versions with one behaviour changed between two of
them, the change is named after as few runs as the search needs, each side run twice; a side that goes
both ways is reported as not confirmed, never as a change; a mistake is one line."""
import json
import subprocess
import sys

from tests.conftest import ROOT, VALID_LOOKING_KEY

BEHAVIOUR = "add-folder-missing-dir-refused"  # 1.3.106 refuses a missing directory, 1.4.111 creates it


def bisect(tmp_path, *builds, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance.bisect", BEHAVIOUR, *builds,
                           "--reports-dir", str(tmp_path / "reports"), "--", "--sync-api-key", VALID_LOOKING_KEY],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_change_between_two_of_six_versions_is_named_after_a_search(tmp_path):
    # given out of order: the search puts them in version order
    builds = ["double:1.4.111@1.4.50", "double:1.3.106@1.3.0", "double:1.3.106@1.3.50", "double:1.3.106@1.3.106",
              "double:1.4.111@1.4.0", "double:1.4.111@1.4.111"]
    done = bisect(tmp_path, *builds)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ('changed between 1.3.106 and 1.4.0: confirmed -> contradicted (add_folder on a missing directory: '
            'HTTP 200 { "error": 0 }) (each side run twice)') in done.stdout
    summary = json.loads((tmp_path / "reports" / "bisect" / f"{BEHAVIOUR}.json").read_text())
    assert summary["builds"] == ["1.3.0", "1.3.50", "1.3.106", "1.4.0", "1.4.50", "1.4.111"]
    assert [change["between"] for change in summary["changes"]] == [["1.3.106", "1.4.0"]]
    assert summary["builds_run"] < 6 and summary["runs"] == summary["builds_run"] + 2  # the two sides again


def test_no_change_between_the_ends_is_said_as_such(tmp_path):
    done = bisect(tmp_path, "double:1.4.111@1.4.0", "double:1.4.111@1.4.50", "double:1.4.111@1.4.111")
    assert done.returncode == 0 and "no change between 1.4.0 and 1.4.111" in done.stdout, done.stdout
    assert "2 runs on 2 of 3 builds" in done.stdout


def test_a_side_that_goes_both_ways_is_not_named_a_change(tmp_path):
    """A build that behaves as 1.3.106 on its first start and as 1.4.111 on its next: flaky."""
    starts = tmp_path / "starts"
    flaky = tmp_path / "flaky" / "btsync"
    flaky.parent.mkdir()
    double = f'"{sys.executable}" "{ROOT}/fixtures/double/run.py"'
    flaky.write_text(f"""#!/bin/sh
case "$*" in *--help*) exec {double} --profile 1.4.111 --version-as 1.4.50 "$@";; esac
echo x >> "{starts}"
if [ $(( $(wc -l < "{starts}") % 2 )) -eq 1 ]; then profile=1.3.106; else profile=1.4.111; fi
exec {double} --profile $profile --version-as 1.4.50 "$@"
""")
    flaky.chmod(0o755)
    done = bisect(tmp_path, "double:1.3.106@1.3.0", str(flaky), "double:1.4.111@1.4.111")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not confirmed between 1.4.50 and 1.4.111: a side went both ways" in done.stdout
    assert "changed between" not in done.stdout
    summary = json.loads((tmp_path / "reports" / "bisect" / f"{BEHAVIOUR}.json").read_text())
    assert summary["changes"] == [] and summary["unconfirmed"][0]["runs"]["1.4.50"] == [
        "confirmed", 'contradicted (add_folder on a missing directory: HTTP 200 { "error": 0 })']


def test_a_behaviour_the_catalogue_does_not_hold_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "conformance.bisect", "no-such-behaviour", "double:1.3.106",
                           "double:1.4.111"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "no behaviour no-such-behaviour" in done.stderr
