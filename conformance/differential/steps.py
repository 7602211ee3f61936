"""Requests as the differential run sends them: symbolic, so one sequence means the same to two targets.

A value that depends on the target (a secret an earlier answer gave it, a directory in its own storage)
is a reference resolved by each target's side at send time (`conformance/differential/sides.py`). The
Hypothesis strategies here generate what clients really send: every method with its parameters, empty
values, unknown extra parameters, repeated and reordered parameters, other encodings, the doc prose's
spellings, and now and then no credentials or the `/api/` path.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, quote_plus

from hypothesis import strategies as st

from conformance.helpers.strategies import invalid_secrets, known_hosts, preference_value
from fixtures.api_facts import API_METHODS
from fixtures.secret_format import ALPHABET, LENGTHS


@dataclass(frozen=True)
class EarlierSecret:
    """The `index`-th secret (modulo how many) the target showed in this sequence so far."""
    index: int

    def __str__(self) -> str:
        return f"<secret #{self.index} seen>"


@dataclass(frozen=True)
class Directory:
    """`name` inside the sequence's own directory area, made `state` before its first use: an empty
    directory, one holding a file, nothing at all, or a file where a directory is expected."""
    name: str
    state: str = "empty"
    spelling: str = ""  # appended to the path as sent: "" or "/"

    def __str__(self) -> str:
        return f"<area>/{self.name}{self.spelling} ({self.state})"


Value = str | EarlierSecret | Directory
DIRECTORY_STATES = ("empty", "with-file", "missing", "file")


@dataclass(frozen=True)
class Step:
    """One request: its parameters in order (repeats allowed, `method` among them or not)."""
    params: tuple[tuple[str, Value], ...]
    path: str = "/api"
    authorised: bool = True
    encoding: str = "plain"  # plain (form encoding), percent (every byte escaped), raw (UTF-8 left as is)

    @property
    def method(self) -> str | None:
        return next((value for name, value in self.params if name == "method" and isinstance(value, str)), None)

    def describe(self) -> str:
        """The request as a reader wants it: symbolic values, and what is unusual about it."""
        query = "&".join(f"{name}={value}" for name, value in self.params)
        notes = [note for note, unusual in (("no credentials", not self.authorised),
                                            (f"{self.encoding} encoding", self.encoding != "plain")) if unusual]
        return f"{self.path}?{query}" + (f"  ({', '.join(notes)})" if notes else "")

    def to_dict(self) -> dict:
        return {"path": self.path, "authorised": self.authorised, "encoding": self.encoding,
                "params": [[name, str(value)] for name, value in self.params]}


def encode(pairs: list[tuple[str, str]], encoding: str) -> str:
    if encoding == "percent":
        return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in pairs)
    if encoding == "raw":
        return "&".join(f"{name}={value}" for name, value in pairs)
    return "&".join(f"{quote_plus(name)}={quote_plus(value)}" for name, value in pairs)


# -- generation ----------------------------------------------------------------------------------------
_FOLDER_PREFERENCES = ("search_lan", "use_dht", "use_hosts", "use_relay_server", "use_sync_trash", "use_tracker",
                       "selective_sync", "overwrite_changes")
# Preferences set_prefs may change without cutting the instance off: the safe values of the conformance
# checks, plus on/off switches both builds have.
_SWITCH_PREFERENCES = ("disk_low_priority", "lan_encrypt_data", "lan_use_tcp", "rate_limit_local_peers")
_SETTABLE_PREFERENCES = ("device_name", "download_limit", "upload_limit", "folder_rescan_interval",
                         "sync_trash_ttl", "max_file_size_for_versioning", "log_size", "recv_buf_size",
                         "folder_defaults.known_hosts", "lang") + _SWITCH_PREFERENCES
_ODD_TEXT = st.sampled_from(["", " ", "0", "1", "-1", "yes", "\u00e9t\u00e9", "a&b=c", "%41", "..", "null",
                             "\u4e2d\u6587", "x" * 70])


def _well_formed_secret() -> st.SearchStrategy[str]:
    return st.builds(lambda kind, body: kind + body[:LENGTHS[kind] - 1], st.sampled_from("ABDEF"),
                     st.text(alphabet=ALPHABET, min_size=58, max_size=58))


def secrets_sent() -> st.SearchStrategy[Value]:
    """Mostly a secret an earlier answer gave, sometimes one no folder has, an empty or an invalid one."""
    folders = st.builds(EarlierSecret, st.integers(0, 3))  # the first secrets seen are mostly the folders'
    earlier = st.builds(EarlierSecret, st.integers(0, 12))
    return st.one_of(folders, folders, folders, earlier, _well_formed_secret(), st.just(""), invalid_secrets())


def directories() -> st.SearchStrategy[Directory]:
    names = st.sampled_from(["d0", "d1", "d2", "d0/inner", "d\u00e9j\u00e0 vu", "with space", "d1/../d3"])
    return st.builds(Directory, names, st.sampled_from(DIRECTORY_STATES), st.sampled_from(["", "", "/"]))


_FILE_PATHS = st.sampled_from(["", "f0.txt", "inner", "inner/f1.txt", "missing.txt", "/"])
_ON_OFF = st.sampled_from(["0", "1"])


@cache  # built once per method: built for every step, they were most of a run's CPU (8 ms a request)
def _method_parameters(method: str) -> st.SearchStrategy[list[tuple[str, Value]]]:
    """The method's own parameters, each optional one present or not."""
    secret = st.tuples(st.just("secret"), secrets_sent())
    optional = {
        "add_folder": [st.tuples(st.just("secret"), secrets_sent()),
                       st.tuples(st.just("selective_sync"), _ON_OFF), st.tuples(st.just("force"), _ON_OFF)],
        "get_folders": [secret], "get_secrets": [secret, st.tuples(st.just("type"), st.sampled_from(
            ["encryption", "encrypted", "read_only", ""]))],
        "get_files": [st.tuples(st.just("path"), _FILE_PATHS)],
        "set_folder_prefs": [st.tuples(st.just(name), st.one_of(_ON_OFF, _ON_OFF, _ON_OFF, _ODD_TEXT))
                             for name in _FOLDER_PREFERENCES],
        "set_prefs": [st.tuples(st.just(name), preference_value(name, 0).map(str)) for name in _SETTABLE_PREFERENCES]
        + [st.tuples(st.sampled_from(["no_such_pref", "webui.listen_extra"]), _ODD_TEXT)],
    }.get(method, [])
    required = {
        "add_folder": [st.tuples(st.just("dir"), directories())],
        "remove_folder": [secret], "get_files": [secret], "get_folder_peers": [secret],
        "get_folder_prefs": [secret], "set_folder_prefs": [secret], "get_folder_hosts": [secret],
        "set_file_prefs": [secret, st.tuples(st.just("path"), _FILE_PATHS), st.tuples(st.just("download"), _ON_OFF)],
        "set_folder_hosts": [secret, st.tuples(st.sampled_from(["hosts", "hosts", "host"]),
                                               st.one_of(known_hosts().map(",".join), _ODD_TEXT))],
    }.get(method, [])

    @st.composite
    def parameters(draw):
        chosen = [draw(item) for item in required]
        if optional:  # a few of them, often none (set_prefs with none is a getter)
            picked = draw(st.lists(st.integers(0, len(optional) - 1), unique=True, max_size=min(3, len(optional))))
            chosen += [draw(optional[index]) for index in picked]
        return chosen
    return parameters()


# How often each method is drawn: those that change or show folder state more than the plain getters.
_METHOD_WEIGHTS = {"get_folders": 3, "add_folder": 3, "remove_folder": 2, "get_files": 2, "set_file_prefs": 2,
                   "get_folder_peers": 1, "get_secrets": 3, "get_folder_prefs": 2, "set_folder_prefs": 3,
                   "get_folder_hosts": 2, "set_folder_hosts": 3, "get_prefs": 2, "set_prefs": 3, "get_os": 1,
                   "get_version": 1, "get_speed": 1}


@cache
def _method_names() -> st.SearchStrategy[str | None]:
    """A real method name mostly; now and then a near miss, a NUL-cut spelling or no name at all."""
    assert set(_METHOD_WEIGHTS) == set(API_METHODS) - {"shutdown"}
    real = st.sampled_from([name for name, weight in _METHOD_WEIGHTS.items() for _ in range(weight)])
    variant = st.builds(lambda name, edit: edit(name), real, st.sampled_from(
        [str.upper, lambda name: name + "\x00x", lambda name: name + " ", lambda name: ""]))
    # shutdown ends the sequence's target (it is restarted before the next one): rare, so sequences go on
    return st.sampled_from(["real"] * 180 + ["variant"] * 14 + ["none"] * 5 + ["shutdown"]).flatmap(
        {"real": real, "variant": variant, "none": st.none(), "shutdown": st.just("shutdown")}.__getitem__)


@st.composite
def steps(draw) -> Step:
    method = draw(_method_names())
    params: list[tuple[str, Value]] = [] if method is None else [("method", method)]
    if method in API_METHODS:
        params += draw(_method_parameters(method))
    mutation = draw(st.sampled_from(["none"] * 6 + ["drop", "extra", "empty", "repeat", "repeat", "shuffle"]))
    if mutation == "drop" and len(params) > 1:
        del params[draw(st.integers(1, len(params) - 1))]
    elif mutation == "extra":  # what real clients add: their own keys, flags the method does not take
        name = draw(st.sampled_from(["self", "selective_sync", "force", "callback", "_", "Method"]))
        params.insert(draw(st.integers(0, len(params))), (name, draw(st.one_of(_ODD_TEXT, _ON_OFF))))
    elif mutation == "empty" and params:
        index = draw(st.integers(0, len(params) - 1))
        params[index] = (params[index][0], "")
    elif mutation == "repeat" and params:  # mostly one of the method's own parameters, not `method`
        name, value = params[draw(st.integers(min(1, len(params) - 1), len(params) - 1))]
        params.insert(draw(st.integers(0, len(params))), (name, draw(st.one_of(st.just(value), _ODD_TEXT))))
    elif mutation == "shuffle":
        params = draw(st.permutations(params))
    return Step(params=tuple(params), path=draw(st.sampled_from(["/api"] * 19 + ["/api/"])),
                authorised=draw(st.sampled_from([True] * 19 + [False])),
                encoding=draw(st.sampled_from(["plain"] * 6 + ["percent", "raw"])))


# The getter that shows what a step changed, sent right after it now and then (set, then read back).
_READ_BACK = {"remove_folder": "get_folders", "add_folder": "get_folders", "set_folder_prefs": "get_folder_prefs",
              "set_folder_hosts": "get_folder_hosts", "set_prefs": "get_prefs", "set_file_prefs": "get_files",
              "shutdown": "get_version"}


def _read_back(step: Step) -> Step:
    getter = _READ_BACK[step.method]
    secret = [(name, value) for name, value in step.params if name == "secret"][:1]
    return Step(params=(("method", getter), *(secret if getter != "get_folders" else ())))


@st.composite
def step_groups(draw) -> list[Step]:
    step = draw(steps())
    if step.method in _READ_BACK and draw(st.sampled_from([True, True, True, False])):
        return [step, _read_back(step)]
    return [step]


def sequences(max_steps: int) -> st.SearchStrategy[list[Step]]:
    """Sequences that mostly start by adding empty folders and listing them, so that later steps have the
    folders' secrets to use (add_folder answers none)."""
    add = st.builds(lambda name, selective: Step(params=(("method", "add_folder"), ("dir", Directory(name)),
                                                         *((("selective_sync", "1"),) if selective else ()))),
                    st.sampled_from(["h0", "h1"]), st.booleans())  # folders that will be there (other names below)
    head = st.sampled_from(["adds"] * 9 + ["none"]).flatmap(lambda start: st.just([]) if start == "none" else st.lists(
        add, min_size=1, max_size=2).map(lambda adds: adds + [Step(params=(("method", "get_folders"),))]))
    rest = st.lists(step_groups(), min_size=min(12, max_steps), max_size=max_steps).map(
        lambda groups: [step for group in groups for step in group][:max_steps])
    return st.builds(lambda start, then: start + then, head, rest)
