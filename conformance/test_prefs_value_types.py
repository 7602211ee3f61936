"""behaviour: prefs-value-types

DESCRIPTION: read get_prefs, then set one preference to the value it has and read set_prefs' answer.
EXPECTATION: every preference comes with the type the builds have always given it: numbers for switches,
limits, ports and lang; text for the intervals and sizes Sync keeps as strings ("600"), even where they
hold digits. A client that writes back what it read depends on it.
"""
import pytest

from conformance.verdicts.outcome import inconclusive

pytestmark = pytest.mark.behaviour("prefs-value-types")

# As 1.3.106 and 1.4.111 answer them (../shared/reference/transcripts)
NUMBERS = {"disk_low_priority", "download_limit", "lan_encrypt_data", "lang", "listening_port",
           "rate_limit_local_peers", "upload_limit", "use_upnp", "profiler_enabled", "folder_defaults.delete_to_trash",
           "folder_defaults.use_dht", "folder_defaults.use_lan_broadcast", "folder_defaults.use_relay",
           "folder_defaults.use_tracker"}
TEXTS = {"device_name", "external_port", "folder_rescan_interval", "max_file_size_diff_for_patching",
         "max_file_size_for_versioning", "sync_max_time_diff", "sync_trash_ttl", "log_size", "recv_buf_size",
         "send_buf_size", "config_refresh_interval", "config_save_interval", "folder_defaults.known_hosts",
         "lang_iso", "peer_expiration_days"}


def _retyped(preferences: dict) -> list[str]:
    """Every preference whose value has another type than recorded, in key order."""
    wrong = []
    for key in sorted(preferences):
        value = preferences[key]
        is_number = isinstance(value, int) and not isinstance(value, bool)
        if (key in NUMBERS and not is_number) or (key in TEXTS and not isinstance(value, str)):
            wrong.append(f"{key}={value!r} ({'a number' if key in NUMBERS else 'text'} expected)")
    return wrong


def test_preferences_keep_their_types(sync, evidence):
    read = sync.call("get_prefs").json
    if not isinstance(read, dict) or "download_limit" not in read:
        inconclusive(f"get_prefs answered {str(read)[:120]!r}, not the preferences")
    evidence.note("preferences of no recorded type", sorted(set(read) - NUMBERS - TEXTS))
    assert not _retyped(read), f"get_prefs answered with other types: {', '.join(_retyped(read))}"
    echoed = sync.call("set_prefs", download_limit=read["download_limit"]).json
    if not isinstance(echoed, dict):
        inconclusive(f"set_prefs answered {str(echoed)[:120]!r}, not the preferences")
    assert not _retyped(echoed), f"set_prefs answered with other types: {', '.join(_retyped(echoed))}"
    typed = sorted(set(read) & (NUMBERS | TEXTS))
    evidence.because(f"get_prefs and set_prefs gave {len(typed)} preferences their recorded types")
