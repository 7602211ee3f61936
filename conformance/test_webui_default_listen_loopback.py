"""behaviour: webui-default-listen-loopback

DESCRIPTION: start a second instance of the same build whose config has no webui.listen, then call
get_version on its default port 8888 at 127.0.0.1 and at 127.0.0.2 (another loopback address, which
reaches only a socket bound to all interfaces). Needs the suite's private network namespace: on a shared
network a build listening on all interfaces would expose its API. A start is a wait: this runs beside the
other checks.
EXPECTATION: since 1.4.82 (changelog) a Linux build's WebUI and API listen on 127.0.0.1 only by default:
reachable at 127.0.0.1:8888, not at 127.0.0.2:8888.
"""
import psutil
import pytest

from conformance.verdicts.outcome import inconclusive
from fixtures.client import SyncClient
from fixtures.cpu_token import machine_lock
from fixtures.launcher import DEFAULT_WEBUI_PORT, port_is_free
from fixtures.sandbox import only_loopback

pytestmark = [pytest.mark.behaviour("webui-default-listen-loopback"), pytest.mark.beside]


def listening_addresses(pid: int) -> list[str]:
    """The TCP addresses the process (or a child of it: a wrapper) listens on."""
    root = psutil.Process(pid)
    addresses = []
    for process in [root, *root.children(recursive=True)]:
        addresses += [f"{conn.laddr.ip}:{conn.laddr.port}" for conn in process.net_connections("tcp")
                      if conn.status == psutil.CONN_LISTEN]
    return sorted(addresses)


def scenario(scene):
    if not only_loopback():
        inconclusive("the suite runs on the host's network: a build listening on all interfaces by default "
                     "would expose its API, so this check runs only in the suite's private network namespace")
    # other runs on this machine (a matrix's share a namespace) want the port too: one at a time
    with machine_lock(f"port-{DEFAULT_WEBUI_PORT}") as had:
        if not had:
            inconclusive(f"port {DEFAULT_WEBUI_PORT}, the builds' default, stayed another run's")
        observe(scene)


def observe(scene):
    evidence = scene.evidence
    if not port_is_free(DEFAULT_WEBUI_PORT, lingering_ok=True):  # the last run's connections may linger
        inconclusive(f"port {DEFAULT_WEBUI_PORT}, the builds' default, is in use")
    defaulted = scene.sibling("second instance (no webui.listen)", default_listen=True)
    try:
        defaulted.start()
        evidence.note("listening on", listening_addresses(defaulted.pid))
        credentials = (defaulted.login, defaulted.password)
        at = {host: SyncClient(f"http://{host}:{DEFAULT_WEBUI_PORT}", credentials, timeout=defaulted.request_timeout)
              .call("get_version")
              for host in ("127.0.0.1", "127.0.0.2")}
    finally:
        defaulted.stop()
    evidence.exchanges += [exchange.to_dict() for exchange in at.values()]
    if not at["127.0.0.1"].answered:
        inconclusive(f"the instance did not answer at 127.0.0.1:{DEFAULT_WEBUI_PORT}: {at['127.0.0.1'].summary()}")
    assert not at["127.0.0.2"].answered, \
        f"the API also answered at 127.0.0.2:{DEFAULT_WEBUI_PORT}: it listens on every interface by default"
    if at["127.0.0.2"].timed_out:
        inconclusive(f"127.0.0.2:{DEFAULT_WEBUI_PORT} took the connection but did not answer "
                     f"({at['127.0.0.2'].transport_error}): something listens there, refused it was not")
    evidence.because(f"with no webui.listen the API answered at 127.0.0.1:{DEFAULT_WEBUI_PORT} and refused "
                     f"127.0.0.2 ({at['127.0.0.2'].transport_error})")


def test_without_listen_the_api_is_on_loopback_only(scenario_outcome):
    scenario_outcome(scenario)
