"""conformance/harness/peer_runner.py: peer scenarios are a marker users can leave out, and a peer check is not
blamed for a target its scenario never used."""


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
