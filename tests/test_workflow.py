"""The GitHub workflow a user copies: valid for GitHub's workflow schema, and calling what the suite has."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "conformance.yml"


def schema_check(path: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with the workflow schema it ships (SchemaStore's), so no network is needed."""
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(path)], capture_output=True, text=True)


def test_the_workflow_is_valid_for_the_workflow_schema():
    checked = schema_check(WORKFLOW)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("old, new", [
    ("runs-on: ubuntu-latest", "run-on: ubuntu-latest"),  # a misspelt key
    ("timeout-minutes: 30", "timeout-minutes: half an hour"),  # a value of the wrong type
    ("    - cron:", "    - crontab:"),  # a schedule the schema does not know
    ("      - uses: actions/checkout@v4\n", "      - checkout: actions/checkout@v4\n"),  # a step that is no step
])
def test_the_schema_check_refuses_a_broken_workflow(tmp_path, old, new):
    text = WORKFLOW.read_text()
    assert old in text
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace(old, new, 1))
    assert schema_check(broken).returncode != 0


def test_the_workflow_calls_modules_and_options_the_suite_has():
    text = WORKFLOW.read_text()
    modules = set(re.findall(r"python[)\"]* -m ([\w.]+)", text))
    assert {"pytest", "conformance.fold"} <= modules
    assert all(importlib.util.find_spec(module) for module in modules), modules
    options = set(re.findall(r"(?<=\s)--[a-z][\w-]+", text)) - {"--preserve-env", "--retry"}
    assert options == {"--sync-binary", "--reports-dir", "--output"}
    helps = subprocess.run([sys.executable, "-m", "conformance.fold", "--help"], cwd=ROOT, capture_output=True,
                           text=True).stdout + (ROOT / "conftest.py").read_text()
    assert all(option in helps for option in options)
    assert (ROOT / "requirements.txt").name in text
