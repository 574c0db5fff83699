"""`invoke publish` end to end, against a local bare repository as the remote:
a good site is published; a broken one leaves the deployment as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sitetools import copy_project

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Organiser",
    "GIT_AUTHOR_EMAIL": "organiser@example.org",
    "GIT_COMMITTER_NAME": "Organiser",
    "GIT_COMMITTER_EMAIL": "organiser@example.org",
}


def run(command, cwd, check=True):
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, **GIT_ENV, "COLUMNS": "250"},
    )  # fmt: skip
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def project(tmp_path):
    """A clone of the project with a bare repository as `origin`."""
    remote = tmp_path / "remote.git"
    run(["git", "init", "-q", "--bare", str(remote)], tmp_path)
    project = copy_project(tmp_path / "site")
    run(["git", "init", "-q", "-b", "main"], project)
    run(["git", "add", "."], project)
    run(["git", "commit", "-q", "-m", "Site"], project)
    run(["git", "remote", "add", "origin", str(remote)], project)
    return project


def deployed(project):
    """The commit and file list of the remote's gh-pages branch."""
    remote = project.parent / "remote.git"
    head = run(["git", "rev-parse", "gh-pages"], remote, check=False)
    if head.returncode:
        return None, set()
    files = run(["git", "ls-tree", "-r", "--name-only", "gh-pages"], remote)
    return head.stdout.strip(), set(files.stdout.split())


def publish(project, *options):
    invoke = Path(sys.executable).parent / "invoke"
    return run(
        [str(invoke), "publish", "--no-external", *options], project, check=False
    )


def test_publish_deploys_a_good_site_and_keeps_it_when_the_next_is_broken(project):
    assert deployed(project) == (None, set())

    good = publish(project)
    assert good.returncode == 0, good.stdout + good.stderr
    commit, files = deployed(project)
    assert {"index.html", ".nojekyll", "feeds/all.atom.xml", "sitemap.xml"} <= files
    assert "papers/index.html" in files

    (project / "content/news/2021-05-02-broken.md").write_text(
        "Title: Broken\nDate: 2021-02-30\n\nText.\n"
    )
    broken = publish(project)
    output = broken.stdout + broken.stderr
    assert broken.returncode != 0
    assert "news/2021-05-02-broken.md:2" in output and "Traceback" not in output
    assert deployed(project) == (commit, files)  # exactly as it was


def test_publish_can_also_copy_the_site_with_rsync(project, tmp_path):
    served = tmp_path / "www"
    served.mkdir()
    (served / "stale.html").write_text("from an older site")
    result = publish(project, "--rsync", f"{served}/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (served / "papers/index.html").exists()
    assert not (served / "stale.html").exists()  # the copy mirrors the build
    assert deployed(project)[0] is not None  # and gh-pages was published too
