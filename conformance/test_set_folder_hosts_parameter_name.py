"""behaviour: set-folder-hosts-parameter-name

DESCRIPTION: the official page's prose names set_folder_hosts' parameter `host`, its URL template
`hosts`; call set_folder_hosts on a folder of its own with `host=` only.
EXPECTATION: `host` is not understood: error 2 (a required parameter is missing) and the folder's hosts
stay as they were; the same list sent as `hosts=` is taken.
"""
import pytest

pytestmark = pytest.mark.behaviour("set-folder-hosts-parameter-name")

HOSTS = "127.0.0.1:4000"


def test_only_the_hosts_spelling_is_understood(sync, evidence, added_folders):
    secret = added_folders.add_fresh()["secret"]
    singular = sync.call("set_folder_hosts", secret=secret, host=HOSTS)
    after_singular = sync.call("get_folder_hosts", secret=secret).json
    plural = sync.call("set_folder_hosts", secret=secret, hosts=HOSTS)
    assert singular.error_code() == 2, f"set_folder_hosts with host=: {singular.summary()} instead of error 2"
    assert after_singular == {"hosts": []}, f"host= changed the hosts: {after_singular}"
    assert plural.json == {"hosts": [HOSTS]}, f"set_folder_hosts with hosts=: {plural.summary()}"
    evidence.because("host= answered error 2 and changed nothing; hosts= set the list")
