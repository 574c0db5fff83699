"""A foreign Pelican site built with the plugin: what it must find, what it
must pass, and how the build ends. Pelican runs in a subprocess: its logging
and signals are process-global."""

import json
import os
import subprocess
import sys

import pytest
from pelican.plugins.sitecheck.report import CHECKS
from sitecheck_helpers import (
    FOREIGN_DEFECTS,
    FOREIGN_FIXES,
    IMPORT_ROOT,
    write_foreign_site,
)


def build(project, *options, python=sys.executable, env=None):
    """Run Pelican on `project` with the code under test (a mutant, under mutmut;
    mutmut's coverage pass records hits in its own process only, so it stays out)."""
    if env is None:
        paths = [str(IMPORT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        if env.get("MUTANT_UNDER_TEST") == "stats":
            del env["MUTANT_UNDER_TEST"]
    return subprocess.run(
        [
            python,
            "-m",
            "pelican",
            "-s",
            "pelicanconf.py",
            "-o",
            "output",
            "--log-handler",
            "plain",
            *options,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
    )


def found(project):
    """{(code, source, target)} of the build's report, and {target: fix}."""
    report = json.loads((project / "report.json").read_text())
    problems = {(f["code"], f["source"], f["target"]) for f in report["findings"]}
    return problems, {f["target"]: f["fix"] for f in report["findings"]}


def assert_foreign_site_checked(project, result):
    assert result.returncode == 0, result.stderr
    problems, fixes = found(project)
    # Every seeded defect, nothing else: the theme and the correct cases pass.
    assert problems == FOREIGN_DEFECTS
    for target, fix in FOREIGN_FIXES.items():
        assert fixes[target] == fix
    log = [line for line in result.stderr.splitlines() if " (fix: " in line]
    assert 'content/first.rst:8: <a href="../pages/ABOUT.html">' in "\n".join(log)
    assert 'content/first.rst:10: <a href="./drafts/work-in-progress.html">' in (
        "\n".join(log)
    )
    assert "content/extra/site.css:3: url(../images/nope.png)" in "\n".join(log)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("foreign")
    write_foreign_site(root)
    return root


def test_a_foreign_site_is_checked(project):
    assert_foreign_site_checked(project, build(project))


def test_strict_mode_fails_the_build_after_every_finding(project):
    result = build(project, "-e", "SITECHECK_STRICT=true")
    assert result.returncode == 1
    errors = sum(CHECKS[code][0] == "error" for code, *_ in FOREIGN_DEFECTS)
    assert (
        f"SiteCheckError: sitecheck: {errors} errors in the built site"
        " (SITECHECK_STRICT): fix the findings above"
    ) in result.stderr
    problems, _ = found(project)
    assert problems == FOREIGN_DEFECTS


def test_filling_sizes_changes_the_pages_not_the_findings(project):
    result = build(project, "-e", "SITECHECK_FILL_IMAGE_SIZES=true")
    assert_foreign_site_checked(project, result)
    page = (project / "output" / "second-post.html").read_text()
    assert 'width="400" height="300"' in page


def test_pelican_fatal_stops_after_logging_every_finding(project):
    whole = build(project)
    fatal = build(project, "--fatal", "errors")
    assert fatal.returncode == 1

    def findings(log):
        return [line for line in log.splitlines() if line.startswith("content/")]

    assert len(findings(fatal.stderr)) == len(findings(whole.stderr)) > 10
