"""`-p tests.peer_group_fails`: the peer group all peer scenarios share does not start, as it would not
where LAN discovery between instances is refused; instances of a scenario's own still start."""
from fixtures.errors import SetupError
from fixtures.peer_group import PeerGroup

_start = PeerGroup.start


def _shared_group_fails(group: PeerGroup, lan_discovery: bool = True) -> None:
    if group.instances and group.instances[0].role == "peer 1":  # the shared group (harness/peer_runner.py)
        raise SetupError("LAN discovery refused (tests.peer_group_fails)")
    _start(group, lan_discovery)


PeerGroup.start = _shared_group_fails
