"""What the official v1 API page documents, as data the checks share (facts from
../shared/reference/sync-api-v1-facts.md, section 1)."""

API_METHODS = (
    "get_folders", "add_folder", "remove_folder", "get_files", "set_file_prefs", "get_folder_peers",
    "get_secrets", "get_folder_prefs", "set_folder_prefs", "get_folder_hosts", "set_folder_hosts",
    "get_prefs", "set_prefs", "get_os", "get_version", "get_speed", "shutdown",
)
METHODS_WITH_REQUIRED_PARAMETERS = (
    "add_folder", "remove_folder", "get_files", "set_file_prefs", "get_folder_peers", "get_folder_prefs",
    "set_folder_prefs", "get_folder_hosts", "set_folder_hosts",
)
FOLDER_KEYS = {"dir", "error", "files", "indexing", "secret", "size", "type"}
DOCUMENTED_FOLDER_PREFS = {"search_lan", "use_dht", "use_hosts", "use_relay_server", "use_sync_trash", "use_tracker"}
