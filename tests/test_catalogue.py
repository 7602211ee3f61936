"""Every catalogue entry has a check and every check a catalogue entry."""
import ast
from pathlib import Path

from conformance.catalogue import KINDS, load
from tests.conftest import ROOT

CATALOGUE = load()
CHECK_MODULES = sorted((ROOT / "conformance").glob("test_*.py"))


def declared_behaviour(module: Path) -> str | None:
    """The id in the module's `pytestmark = ... behaviour("ID") ...` line."""
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "behaviour":
            return node.args[0].value
    return None


def test_every_catalogue_entry_names_existing_checks_that_declare_it():
    for behaviour in CATALOGUE.values():
        assert behaviour.checks, behaviour.id
        for check in behaviour.checks:
            assert (ROOT / check).is_file(), f"{behaviour.id}: {check} does not exist"
            assert declared_behaviour(ROOT / check) == behaviour.id, check


def test_every_check_module_belongs_to_a_catalogue_entry():
    listed = {check for behaviour in CATALOGUE.values() for check in behaviour.checks}
    for module in CHECK_MODULES:
        assert declared_behaviour(module) in CATALOGUE, module.name
        assert f"conformance/{module.name}" in listed, module.name


def test_entries_are_complete():
    for behaviour in CATALOGUE.values():
        assert behaviour.statement and behaviour.source and behaviour.kind in KINDS
        for expectation in behaviour.expect:
            verdicts = expectation["verdict"] if isinstance(expectation["verdict"], list) else [expectation["verdict"]]
            assert verdicts and set(verdicts) <= {"confirmed", "contradicted"}


def test_the_four_documented_behaviours_are_there():
    assert {"http-status-on-error", "add-folder-secret-not-encryption-capable", "invalid-secret-crash",
            "many-folders-cpu-load"} <= set(CATALOGUE)
