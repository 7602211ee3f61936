"""fixtures/attach.py: an attached instance keeps what the suite did not add, and no password of it is shown."""
import os

from tests.conftest import FAST, run_conformance


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
                          f"--sync-password={crashing_double.password}", *FAST, checks=checks, confirm_failures=2)
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
    # not judged, but no rerun: an attached instance cannot be started fresh, and is held back the same way
    assert all(item["reruns"] == [] for item in run.document()["results"])
    assert os.path.isdir(theirs)
