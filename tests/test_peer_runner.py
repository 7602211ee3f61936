"""conformance/harness/peer_runner.py: peer scenarios are a marker users can leave out, a peer check is not
blamed for a target its scenario never used, a beside check runs without the peer group (and in its turn
on an attached instance)."""


from tests.conftest import FAST, run_conformance


def test_peer_scenarios_are_a_marker_users_can_leave_out(tmp_path):
    run = run_conformance(tmp_path, "-m", "not peers", *FAST, checks=(
        "conformance/test_peers_known_hosts_after_restart.py", "conformance/test_get_folder_peers_empty.py"))
    assert run.verdicts() == {"get-folder-peers-empty": "confirmed"}, run.output[-3000:]


def test_a_peer_check_is_not_blamed_for_the_target_its_scenario_never_used(tmp_path):
    run = run_conformance(tmp_path, "-m", "peers", "-p", "tests.kill_target_in_peer_checks", "--double-switches",
                          "all", *FAST)
    verdicts = run.verdicts()
    assert len(verdicts) == 9 and set(verdicts.values()) == {"confirmed"}, run.output[-3000:]
    assert run.document()["run_info"]["restarts"] >= 9  # each death was seen, and the target restarted


def test_a_peer_group_that_cannot_start_leaves_the_beside_checks_running(tmp_path):
    run = run_conformance(tmp_path, "-p", "tests.peer_group_fails", *FAST, checks=(
        "conformance/test_peers_read_only_receives_identical.py", "conformance/test_api_disabled_without_key.py"))
    [peer] = [item for item in run.document()["results"] if item["behaviour"].startswith("peers-")]
    assert peer["verdict"] == "inconclusive" and "the peers could not be started" in peer["reason"], peer["reason"]
    assert run.verdicts()["api-disabled-without-key"] == "confirmed", run.output[-3000:]


def test_a_beside_check_on_an_attached_instance_runs_in_its_turn(tmp_path, crashing_double):
    run = run_conformance(tmp_path, "--sync-url", crashing_double.base_url, f"--sync-user={crashing_double.login}",
                          f"--sync-password={crashing_double.password}", *FAST, checks=(
        "conformance/test_get_files_lists_contents.py", "conformance/test_api_disabled_without_key.py"))
    results = {item["behaviour"]: item for item in run.document()["results"]}
    assert results["get-files-lists-contents"]["verdict"] == "confirmed", run.output[-3000:]
    assert results["api-disabled-without-key"]["verdict"] == "inconclusive"
    assert "an attached instance has none" in results["api-disabled-without-key"]["reason"]
