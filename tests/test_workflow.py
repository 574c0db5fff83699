"""The GitHub Actions workflow runs the README's test command and deploys only
a production build of main with the official Pages actions."""

import re

import yaml
from sitetools import ROOT


def workflow():
    return yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text())


def commands(job):
    return [step.get("run", "") for step in job["steps"]]


def test_tests_run_on_every_push_and_pull_request_with_the_readme_command():
    flow = workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request"} <= set(triggers)
    readme = (ROOT / "README.md").read_text()
    test_command = re.search(r"^(bash scripts/test\.sh)", readme, re.M)[1]
    assert test_command in commands(flow["jobs"]["test"])
    assert (ROOT / ".ci/run").read_text().strip().endswith("exec bash scripts/test.sh")


def test_deploy_needs_green_tests_and_uses_the_official_pages_actions():
    deploy = workflow()["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert "refs/heads/main" in deploy["if"]
    uses = [step.get("uses", "").split("@")[0] for step in deploy["steps"]]
    assert uses[-3:] == [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    assert ".venv/bin/invoke preview" in commands(deploy)
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
