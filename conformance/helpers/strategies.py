"""Hypothesis strategies for the v1 API's inputs."""
from __future__ import annotations

from hypothesis import strategies as st

from fixtures.api_facts import API_METHODS
from fixtures.secret_format import ALPHABET, LENGTHS, is_well_formed


def unknown_method_names() -> st.SearchStrategy[str]:
    """Method names that are not one of the 17 (near misses of real names, and arbitrary text).

    Sync cuts the name at the first NUL byte, so a real name followed by NUL is excluded too."""
    near_misses = st.builds(lambda name, edit: edit(name), st.sampled_from(API_METHODS), st.sampled_from([
        str.upper, str.title, lambda name: name + "_", lambda name: " " + name, lambda name: name[:-1],
        lambda name: name.replace("_", "-"), lambda name: name + "\u00e9", lambda name: name * 3]))
    arbitrary = st.text(min_size=0, max_size=300)
    return st.one_of(near_misses, arbitrary).filter(lambda name: name.split("\x00")[0] not in API_METHODS)


def _base32(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=ALPHABET, min_size=min_size, max_size=max_size)


def invalid_secrets() -> st.SearchStrategy[str]:
    """Strings Sync must not accept as a secret: wrong alphabet, wrong length, or wrong type letter."""
    letters = st.sampled_from(sorted(LENGTHS))
    wrong_alphabet = st.builds(
        lambda letter, body, position, intruder: letter + body[:position] + intruder + body[position + 1:],
        letters, _base32(32, 32), st.integers(0, 31),
        st.sampled_from("abcxyz0189+/=-_ !\u00e9\u4e2d"))
    wrong_length = st.builds(lambda letter, body: letter + body, letters, _base32(0, 80))
    wrong_type = st.builds(lambda letter, body: letter + body,
                           st.sampled_from([c for c in ALPHABET if c not in LENGTHS]), _base32(32, 58))
    anything = st.text(max_size=80)
    return st.one_of(wrong_alphabet, wrong_length, wrong_type, anything).filter(
        lambda secret: not is_well_formed(secret))


def known_hosts() -> st.SearchStrategy[list[str]]:
    """Lists of `addr:port` entries: IPv4 and host names (both builds store a bare IPv6 `::1:1` as `:0`)."""
    return st.lists(st.builds("{}:{}".format, st.sampled_from(["127.0.0.1", "127.0.0.2", "localhost"]),
                              st.integers(1, 65535)), min_size=1, max_size=4, unique=True)


# Values each preference can take without cutting the instance off from the suite: ports stay below the
# ephemeral range the API port comes from, intervals and sizes stay in ranges Sync's own defaults sit in.
_PREFERENCE_VALUES = {
    "device_name": st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30),
    "listening_port": st.integers(10000, 30000), "external_port": st.integers(0, 30000),
    # two ASCII letters packed little-endian ("en" is 28261), or unset (2**32 - 1)
    "lang": st.sampled_from([28261, 25956, 29286, 2 ** 32 - 1]),
    "folder_defaults.known_hosts": known_hosts().map(",".join),
    "download_limit": st.integers(0, 100000), "upload_limit": st.integers(0, 100000),
    "folder_rescan_interval": st.integers(60, 86400), "config_refresh_interval": st.integers(60, 86400),
    "config_save_interval": st.integers(60, 86400), "sync_max_time_diff": st.integers(1, 86400),
    "sync_trash_ttl": st.integers(1, 365), "peer_expiration_days": st.integers(1, 365),
    "max_file_size_for_versioning": st.integers(1, 5000), "max_file_size_diff_for_patching": st.integers(1, 5000),
    "recv_buf_size": st.integers(1, 100), "send_buf_size": st.integers(1, 100), "log_size": st.integers(1, 1000),
}
# Read-only in effect: 1.4 derives it from `lang` (set_prefs lang_iso=de, lang=28261 reads back "en")
DERIVED_PREFERENCES = frozenset({"lang_iso"})


def preference_value(name: str, current) -> st.SearchStrategy | None:
    """Values to set preference `name` to, given the value get_prefs shows; None when no value is known to
    be safe (an unknown preference that is not a 0/1 switch)."""
    if name in DERIVED_PREFERENCES:
        return None
    if name in _PREFERENCE_VALUES:
        return _PREFERENCE_VALUES[name]
    if current in (0, 1) and not isinstance(current, bool):  # an on/off switch
        return st.integers(0, 1)
    return None
