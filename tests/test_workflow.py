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


# -- the job graph: which jobs run when a build fails its judgement ------------------------------------------
STATUS_FUNCTIONS = re.compile(r"\b(?:success|failure|always|cancelled)\(\)")


def jobs_that_run(workflow: dict, results: dict[str, str], on_default_branch: bool = True) -> set[str]:
    """The jobs GitHub runs after `results` (job -> success/failure) of the jobs before them, by its
    rule: an `if` without a status function gets an implicit success(), which is false when any job it
    needs, directly or not, did not succeed."""
    jobs = workflow["jobs"]

    def ancestors(name: str) -> set[str]:
        needs = jobs[name].get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        return set(needs).union(*(ancestors(need) for need in needs)) if needs else set()

    ran = set()
    for name in jobs:
        if name in results:
            continue
        condition = str(jobs[name].get("if", "")).removeprefix("${{").removesuffix("}}").strip()
        if not STATUS_FUNCTIONS.search(condition):
            condition = f"success() && ({condition or 'true'})"
        everything_succeeded = all(results.get(ancestor, "success") == "success" for ancestor in ancestors(name))
        expression = (condition.replace("&&", " and ").replace("||", " or ").replace("!cancelled()", "True")
                      .replace("always()", "True").replace("success()", str(everything_succeeded))
                      .replace("failure()", str(not everything_succeeded)))
        expression = re.sub(r"needs\.(\w+)\.result == '(\w+)'", lambda match: str(
            results.get(match.group(1), "success" if match.group(1) in ran else "skipped") == match.group(2)),
            expression)
        expression = re.sub(r"github\.ref == format\([^)]*\)", str(on_default_branch), expression)
        if eval(expression, {}):  # noqa: S307 (our own workflow's conditions, rewritten above)
            ran.add(name)
            results = {**results, name: "success"}
    return ran


def workflow() -> dict:
    from ruamel.yaml import YAML
    return YAML(typ="safe").load(WORKFLOW.read_text())


def test_the_page_is_folded_and_published_after_a_build_failed_its_judgement():
    assert jobs_that_run(workflow(), {"conformance": "failure"}) == {"fold", "publish"}
    assert jobs_that_run(workflow(), {"conformance": "success"}) == {"fold", "publish"}
    assert jobs_that_run(workflow(), {"conformance": "failure"}, on_default_branch=False) == {"fold"}


def test_the_job_graph_rule_skips_a_job_whose_condition_has_no_status_function():
    """What the workflow had: publish with only the branch condition is skipped when a build failed."""
    broken = workflow()
    broken["jobs"]["publish"]["if"] = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    assert jobs_that_run(broken, {"conformance": "failure"}) == {"fold"}
