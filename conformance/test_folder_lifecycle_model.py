"""behaviour: folder-lifecycle-matches-model

DESCRIPTION: a Hypothesis state machine adds folders (with and without a secret), removes them, and sets
their preferences and known hosts in generated orders, and after every step compares what the API lists
with a model of the folders it added. Each example starts from none of its folders and removes what it
added at the end.
EXPECTATION: get_folders lists exactly the modelled folders with their secrets, and each folder's
preferences and hosts read back as the model says.
"""
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from fixtures.api_facts import DOCUMENTED_FOLDER_PREFS

pytestmark = pytest.mark.behaviour("folder-lifecycle-matches-model")

pref_changes = st.dictionaries(st.sampled_from(sorted(DOCUMENTED_FOLDER_PREFS)), st.integers(0, 1), min_size=1)
host_lists = st.lists(st.builds("127.0.0.1:{}".format, st.integers(1, 65535)), min_size=1, max_size=3, unique=True)


def folder_lifecycle_machine(sync, target, steps: list, counts: dict):
    """The machine class, bound to one live target. `steps` holds the current example's steps;
    `counts` the number of examples and steps run."""
    class FolderLifecycle(RuleBasedStateMachine):
        folders = Bundle("folders")

        def __init__(self):
            super().__init__()
            self.model: dict[str, dict] = {}  # dir -> {"secret", "prefs", "hosts"}
            self.created: set[str] = set()  # every directory this example added, removed ones too
            steps.clear()  # what is left after a failure is the shrunk example's steps
            counts["examples"] += 1

        def teardown(self):
            for folder in self.model.values():
                sync.call("remove_folder", secret=folder["secret"])

        # Every example starts with two folders, one of each kind, so that sequences acting on one folder
        # among several (where mix-ups show) are the common case, not a rare draw.
        @initialize(target=folders)
        def add_first(self):
            return self.add_folder(with_secret=False)

        @initialize(target=folders)
        def add_second(self):
            return self.add_folder(with_secret=True)

        @rule(target=folders, with_secret=st.booleans())
        def add(self, with_secret):
            return self.add_folder(with_secret)

        def add_folder(self, with_secret):
            directory = target.scratch_dir("model-")
            self.created.add(directory)
            params = {"secret": sync.call("get_secrets").json["read_write"]} if with_secret else {}
            exchange = sync.call("add_folder", dir=directory, **params)
            steps.append(f"add_folder {'with' if with_secret else 'without'} secret")
            assert exchange.error_code() == 0, f"add_folder: {exchange.summary()}"
            listed = [entry for entry in sync.call("get_folders").json if entry["dir"] == directory]
            assert len(listed) == 1, f"the added folder is listed {len(listed)} times"
            secret = listed[0]["secret"]
            if with_secret:
                assert secret == params["secret"], "the folder is listed with another secret than it was added with"
            prefs = sync.call("get_folder_prefs", secret=secret).json
            self.model[directory] = {"secret": secret, "prefs": prefs, "hosts": []}
            return directory

        @rule(directory=consumes(folders))
        def remove(self, directory):
            steps.append("remove_folder")
            folder = self.model.pop(directory)
            exchange = sync.call("remove_folder", secret=folder["secret"])
            assert exchange.error_code() == 0, f"remove_folder: {exchange.summary()}"

        @rule(directory=folders, change=pref_changes)
        def set_prefs(self, directory, change):
            steps.append(f"set_folder_prefs {change}")
            folder = self.model[directory]
            sync.call("set_folder_prefs", secret=folder["secret"], **change)
            folder["prefs"] = {**folder["prefs"], **change}
            read = sync.call("get_folder_prefs", secret=folder["secret"]).json
            assert read == folder["prefs"], f"get_folder_prefs {read} differs from the model {folder['prefs']}"

        @rule(directory=folders, hosts=host_lists)
        def set_hosts(self, directory, hosts):
            steps.append(f"set_folder_hosts {hosts}")
            folder = self.model[directory]
            sync.call("set_folder_hosts", secret=folder["secret"], hosts=",".join(hosts))
            folder["hosts"] = hosts
            read = sync.call("get_folder_hosts", secret=folder["secret"]).json
            assert read == {"hosts": hosts}, f"get_folder_hosts {read} differs from the model {hosts}"

        @invariant()
        def listing_matches_model(self):
            counts["steps"] += 1
            listed = sync.call("get_folders").json
            ours = {entry["dir"]: entry["secret"] for entry in listed if entry["dir"] in self.created}
            expected = {directory: folder["secret"] for directory, folder in self.model.items()}
            assert ours == expected, f"get_folders lists {sorted(ours)} where the model has {sorted(expected)}"

    return FolderLifecycle


def test_folder_lifecycle_matches_the_model(sync, sync_target, evidence, options):
    steps: list[str] = []
    counts = {"examples": 0, "steps": 0}
    machine = folder_lifecycle_machine(sync, sync_target, steps, counts)
    # No shrinking: a failing sequence of at most ten steps reads well as it is, while shrinking one costs
    # thousands of requests (minutes on a real build).
    budget = settings(max_examples=max(6, options.examples // 20), stateful_step_count=10, deadline=None,
                      suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.reuse, Phase.generate))
    evidence.note("hypothesis seed", options.hypothesis_seed)
    try:
        run_state_machine_as_test(machine, settings=budget)
    finally:
        evidence.note("examples / checks of the listing", f"{counts['examples']} / {counts['steps']}")
        evidence.note("steps of the last example", list(steps))
    evidence.because(f"{counts['examples']} generated sequences: after each step get_folders, and the prefs "
                     f"and hosts of the folder touched, matched the model")
