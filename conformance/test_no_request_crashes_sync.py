"""behaviour: no-request-crashes-sync

DESCRIPTION: first a sweep: each method but shutdown with its own parameters, one request per parameter
given twice (`force=1&force=1`; a repeated `secret` to get_secrets aside, which reads as an invalid
secret). Then a Hypothesis search over requests to every method but shutdown (shutdown-exits decides
what it does), and but get_secrets on an invalid secret (invalid-secret-crash decides that one), with
generated parameter names (the API's, and every preference get_prefs lists) and values (secrets right
and wrong, paths with unicode, spaces, great length, numbers out of range, arbitrary text), within
--examples requests. Folders may only be added below the suite's scratch directory or by a relative path
(below the launched instance's working directory, its temp dir). The instance is started afresh
afterwards, so preferences set by the hunt do not outlive it (launched targets only).
EXPECTATION: no request crashes Sync. A request after which the process dies of a crash signal or exits
non-zero, and does so again when the request is sent to the restarted process, contradicts, with the
request (shrunk, for the search) as curl and Python lines. A request left unanswered otherwise (a hang, a
death that does not come again) leaves the check inconclusive.
"""
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.helpers.crashes import provoke_crash
from conformance.helpers.strategies import invalid_secrets
from conformance.verdicts.outcome import inconclusive
from fixtures.api_facts import API_METHODS
from fixtures.client import Exchange
from fixtures.secret_format import ALPHABET, is_well_formed

pytestmark = [pytest.mark.behaviour("no-request-crashes-sync"), pytest.mark.destructive,
              pytest.mark.subject("crash")]
METHODS = [method for method in API_METHODS if method != "shutdown"]
PARAMETER_NAMES = ("secret", "path", "type", "hosts", "force", "selective_sync", "download", "use_dht",
                   "search_lan", "use_relay_server", "overwrite_changes", "name", "")


def requests_to(scratch_dir: str, preference_names=()) -> st.SearchStrategy[dict]:
    values = st.one_of(
        st.text(max_size=200), st.integers(-2 ** 63, 2 ** 64).map(str), st.sampled_from(["0", "1", "", "encryption"]),
        st.text(alphabet=ALPHABET, min_size=33, max_size=33).map(lambda body: "A" + body[1:]), invalid_secrets())
    # add_folder may create what it is given: every directory is below the scratch dir, or relative (to a
    # launched instance's working directory, its own temp dir)
    directories = st.text(min_size=1, max_size=120).filter(lambda name: "/" not in name and name not in (".", ".."))

    def parameters_of(method: str) -> st.SearchStrategy[dict]:
        names = tuple(preference_names) if method == "set_prefs" and preference_names else PARAMETER_NAMES
        return st.dictionaries(st.sampled_from(names), values, max_size=4).map(lambda params: {"method": method,
                                                                                               **params})
    return st.builds(
        lambda request, directory: {**request, **({"dir": directory} if directory else {})},
        st.sampled_from(METHODS).flatmap(parameters_of),
        st.one_of(st.none(), directories.map(f"{scratch_dir}/{{}}".format), directories)).filter(lambda request: not is_invalid_secret_request(request))


# Each method's own parameters with a value of the kind it takes, for the sweep of repeated parameters.
OWN_PARAMETERS = {
    "get_folders": ("secret",), "add_folder": ("dir", "secret", "force", "selective_sync"),
    "remove_folder": ("secret",), "get_files": ("secret", "path"), "set_file_prefs": ("secret", "path", "download"),
    "get_folder_peers": ("secret",), "get_secrets": ("type",), "get_folder_prefs": ("secret",),
    "set_folder_prefs": ("secret", "use_dht"), "get_folder_hosts": ("secret",), "set_folder_hosts": ("secret", "hosts"),
    "set_prefs": ("device_name",), "get_prefs": (), "get_os": (), "get_version": (), "get_speed": (),
}


def repeated_parameter_requests(scratch_dir: str) -> list[list[tuple[str, str]]]:
    """One request per method and own parameter, that parameter given twice, in the order sent."""
    values = {"dir": f"{scratch_dir}/sweep", "secret": "A" + "Q" * 32, "force": "1", "selective_sync": "1",
              "path": "file.txt", "download": "1", "type": "encryption", "use_dht": "1",
              "hosts": "127.0.0.1:4000", "device_name": "sweep"}
    sweep = []
    for method, names in OWN_PARAMETERS.items():
        for repeated in names:
            pairs = [("method", method)] + [(name, values[name]) for name in names]
            sweep.append(pairs + [(repeated, values[repeated])])
    return sweep


def is_invalid_secret_request(request: dict) -> bool:
    """get_secrets on an invalid secret is invalid-secret-crash's subject, decided there."""
    return request["method"] == "get_secrets" and "secret" in request and not is_well_formed(request["secret"])


def test_no_generated_request_crashes_sync(sync, sync_target, evidence, options):
    if sync_target.owned is None:
        inconclusive("the hunt may crash the instance or change its preferences; it is not the suite's to restart")
    crashing = []
    sent = []

    preferences = sync.call("get_prefs").json
    for pairs in repeated_parameter_requests(sync_target.scratch_dir("sweep-")):
        sent.append(pairs[0][1])
        crash = provoke_crash(sync, sync_target, evidence, "/api", dict(pairs), query=urlencode(pairs))
        if crash is not None and crash["reproduced"]:
            crashing.append(crash["request"])
    if crashing:
        sync_target.reset()
        for request in crashing:
            evidence.reproducers += [sync.curl(Exchange.from_dict(request)), sync.script(Exchange.from_dict(request))]
        repeated = ", ".join(sorted(f"{request['method']} {_twice(request['query'])}" for request in crashing))
        assert False, f"crashed by a parameter given twice, and again after a restart: {repeated}"

    @settings(max_examples=options.examples, suppress_health_check=list(HealthCheck), deadline=None)
    @given(request=requests_to(sync_target.scratch_dir("hunt-"), sorted(preferences or {})))
    def no_request_crashes(request):
        sent.append(request["method"])
        crash = provoke_crash(sync, sync_target, evidence, "/api", request)
        if crash is not None and crash["reproduced"]:
            crashing.append(crash["request"])
            assert False, f"{request['method']}: {crash['process']}, and again after a restart"

    evidence.note("hypothesis seed", options.hypothesis_seed)
    try:
        no_request_crashes()
    finally:
        if crashing:  # Hypothesis replays the shrunk request last
            shrunk = Exchange.from_dict(crashing[-1])
            evidence.reproducers += [sync.curl(shrunk), sync.script(shrunk)]
        sync_target.reset()  # generated requests may have changed preferences or added folders
    evidence.note("requests per method", {method: sent.count(method) for method in sorted(set(sent))})
    evidence.because(f"{len(sent)} generated requests to {len(set(sent))} methods were all answered")


def _twice(query: str) -> str:
    """The parameter a sweep request gives twice, as `force=1&force=1`."""
    pairs = query.split("&")
    return "&".join([pairs[-1]] * 2)
