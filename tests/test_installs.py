"""Installs are locked and reproducible: every package the site or the tests
use is pinned with its hashes, installed with hash checking, and what the code
imports is a direct, pinned dependency."""

import ast
import re
import subprocess
import sys
from importlib.metadata import packages_distributions

import pytest
from sitetools import ROOT

LOCKS = {
    "requirements.txt": "requirements.in",
    "requirements-dev.txt": "requirements-dev.in",
}
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock):
    """{package: (version, number of hashes)} of a pip-compile lock."""
    found, current = {}, None
    for line in (ROOT / lock).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = normal(match[1])
            found[current] = [match[2], 0]
        elif "--hash=sha256:" in line and current:
            found[current][1] += 1
    return found


def direct(source):
    pins = {}
    for line in (ROOT / source).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[normal(match[1])] = match[2]
    return pins


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_is_pinned_with_hashes(lock):
    packages = locked(lock)
    assert len(packages) > 20
    text = (ROOT / lock).read_text()
    requirement_lines = [
        line for line in text.splitlines() if line and line[0].isalnum()
    ]
    assert len(requirement_lines) == len(packages), "a line without == pin"
    assert [name for name, (_, hashes) in packages.items() if hashes == 0] == []


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_holds_what_its_source_pins(lock):
    packages = locked(lock)
    for name, version in direct(LOCKS[lock]).items():
        assert packages.get(name, [None])[0] == version, name


def test_the_readme_commands_install_with_hash_checking():
    setup = (ROOT / "scripts/setup.sh").read_text()
    assert "--require-hashes" in setup
    for script, lock in (
        ("serve.sh", "requirements.txt"),
        ("test.sh", "requirements-dev.txt"),
    ):
        assert f"setup.sh {lock}" in (ROOT / "scripts" / script).read_text()


def third_party_imports():
    """Top-level modules imported by the site's code, tasks and settings."""
    files = [*ROOT.glob("haet/**/*.py"), ROOT / "tasks.py", ROOT / "pelicanconf.py"]
    local = {"haet", "tasks", "pelicanconf"}
    found = set()
    for path in files:
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found - local - set(sys.stdlib_module_names)


def test_what_the_code_imports_is_pinned_directly():
    distributions = packages_distributions()
    pins = direct("requirements.in")
    for module in sorted(third_party_imports()):
        names = {normal(name) for name in distributions.get(module, [module])}
        assert names & set(pins), (
            f"{module} is imported but not pinned in requirements.in"
        )


def test_the_linters_pre_commit_runs_pass():
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    assert "ruff format" in config and "ruff check" in config
    # As the hooks run them, but checking only: a test changes no file.
    for command in (["format", "--check"], ["check", "--no-fix"]):
        result = subprocess.run(
            [str(ROOT / ".venv/bin/ruff"), *command, "."],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
