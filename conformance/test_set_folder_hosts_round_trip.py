"""behaviour: set-folder-hosts-round-trip

DESCRIPTION: on a folder of its own, set generated lists of known hosts (`addr:port`, comma-separated)
and read them back.
EXPECTATION: set_folder_hosts answers {"hosts": [...]} with the list in order, and get_folder_hosts
afterwards answers the same.
"""
import pytest
from hypothesis import HealthCheck, given, settings

from conformance.helpers.strategies import known_hosts

pytestmark = pytest.mark.behaviour("set-folder-hosts-round-trip")


def test_hosts_set_are_the_hosts_read(sync, evidence, added_folders, options):
    secret = added_folders.add_fresh()["secret"]
    tried = []

    @settings(max_examples=max(5, options.examples // 5), suppress_health_check=list(HealthCheck))
    @given(chosen=known_hosts())
    def round_trip(chosen):
        echoed = sync.call("set_folder_hosts", secret=secret, hosts=",".join(chosen)).json
        read = sync.call("get_folder_hosts", secret=secret).json
        tried.append(chosen)
        assert echoed == {"hosts": chosen}, f"set_folder_hosts {chosen} answered {echoed}"
        assert read == {"hosts": chosen}, f"after set_folder_hosts {chosen}, get_folder_hosts answered {read}"

    round_trip()
    evidence.note("host lists tried", len(tried))
    evidence.because(f"{len(tried)} generated host lists were echoed and read back in order")
