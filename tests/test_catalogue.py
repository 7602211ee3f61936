"""Every catalogue entry has a check and every check a catalogue entry; each check module's header and
markers agree with its entry (the lint CONTRIBUTING.md refers to)."""
import ast
import re
from pathlib import Path

import pytest

from conformance.verdicts.catalogue import KINDS, load, loads, rerun_checks
from fixtures.double.profiles import SWITCHES_BY_FILE
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


# "EXPECTATION (as users reported it):" says where a claim comes from
HEADER = re.compile(r"\Abehaviour: (?P<id>[a-z0-9-]+)\n\nDESCRIPTION: \S.*?\nEXPECTATION(?: \([^)]*\))?: \S", re.S)


def markers(module: Path) -> set[str]:
    """The pytest.mark.NAME used at module level (pytestmark)."""
    names = set()
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "pytestmark" for target in node.targets):
            names |= {sub.attr for sub in ast.walk(node.value)
                      if isinstance(sub, ast.Attribute) and getattr(sub.value, "attr", None) == "mark"}
    return names


def header_problems(module: Path) -> list[str]:
    """What is wrong with a check module's header and markers, each with its fix."""
    name = f"conformance/{module.name}"
    behaviour_id = declared_behaviour(module)
    docstring = ast.get_docstring(ast.parse(module.read_text()), clean=False) or ""
    header = HEADER.match(docstring)
    problems = []
    if header is None:
        problems.append(f"{name}: its docstring must start 'behaviour: ID', a blank line, then 'DESCRIPTION: ...' "
                        f"and 'EXPECTATION: ...' (CONTRIBUTING.md, step 1)")
    elif header["id"] != behaviour_id:
        problems.append(f"{name}: the header names {header['id']}, pytestmark {behaviour_id}; make them the same")
    entry = CATALOGUE.get(behaviour_id)
    if entry is None:
        return problems
    marked = markers(module)
    if entry.destructive != ("destructive" in marked):
        problems.append(f"{name}: the catalogue says destructive = {str(entry.destructive).lower()}, pytestmark "
                        f"{'has' if 'destructive' in marked else 'lacks'} pytest.mark.destructive; make them agree")
    if entry.id.startswith("peers-") != ("peers" in marked):
        problems.append(f"{name}: peer scenarios (ids 'peers-...') and only they carry pytest.mark.peers")
    return problems


def test_every_check_module_has_the_header_and_markers_its_entry_says():
    problems = [problem for module in CHECK_MODULES for problem in header_problems(module)]
    assert not problems, "\n".join(problems)


def test_the_header_lint_finds_each_kind_of_mistake(tmp_path):
    module = tmp_path / "test_invalid_secret_crash.py"
    good = (ROOT / "conformance" / "test_invalid_secret_crash.py").read_text()
    assert header_problems(ROOT / "conformance" / "test_invalid_secret_crash.py") == []
    for broken, words in ((good.replace("DESCRIPTION:", "Description:"), "docstring must start"),
                          (good.replace('"""behaviour: invalid-secret-crash', '"""behaviour: other-id'), "names other-id"),
                          (good.replace("pytest.mark.destructive, ", ""), "lacks pytest.mark.destructive"),
                          (good.replace("pytest.mark.destructive, ", "pytest.mark.destructive, pytest.mark.peers, "),
                           "carry pytest.mark.peers")):
        module.write_text(broken)
        assert any(words in problem for problem in header_problems(module)), (words, header_problems(module))


def test_each_switch_of_the_double_sits_in_the_group_of_the_file_that_implements_it():
    sources = {path.name: path.read_text() for path in (ROOT / "fixtures" / "double").glob("*.py")
               if path.name != "profiles.py"}
    for name, switches in SWITCHES_BY_FILE.items():
        for switch in switches:
            found = sorted(file for file, text in sources.items() if f'"{switch}"' in text)
            assert found == [name], (f"{switch}: grouped under {name} in fixtures/double/profiles.py but found in "
                                     f"{found or 'no file'}; implement it there or move it to its file's group")


def test_a_rerun_takes_the_checks_its_wait_is_derived_from_and_an_unknown_one_is_refused():
    catalogue = load()
    assert rerun_checks(catalogue, "peers-known-hosts-without-restart") == (
        "conformance/test_peers_known_hosts_without_restart.py", "conformance/test_peers_known_hosts_after_restart.py")
    assert rerun_checks(catalogue, "shutdown-exits") == catalogue["shutdown-exits"].checks
    entry = 'id = "x"\nstatement = "s"\nsource = "s"\nkind = "api-contract"\nchecks = []\nwaits_from = ["nowhere"]\n'
    with pytest.raises(ValueError, match="waits_from names no behaviour of the catalogue: nowhere"):
        loads("[[behaviour]]\n" + entry, "made-up.toml")
