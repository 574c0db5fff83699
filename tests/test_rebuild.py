"""Development rebuilds (`invoke livereload`) reuse what did not change and are
never wrong: a rebuild writes what a build from scratch writes, and the checker
finds what an edit broke on pages the edit did not touch."""

import json
import re
import subprocess
import sys

import pytest
from sitetools import copy_project

# Pelican's content cache, as rebuilds used it with plugins/build_cache.
CACHED_BUILD = ["-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"]

TARGET = """Title: Travel grants
Date: 2021-03-01 10:00
Slug: travel-grants
Tags: attending
Summary: Grants for students.

## How to apply

Write to us.
"""
LINKING = """Title: Reminder
Date: 2021-03-02 10:00
Slug: reminder
Tags: attending
Summary: Apply for a grant.

See [how to apply]({filename}/news/2021-03-01-travel-grants.md#how-to-apply).
"""
# Build times, which every build writes anew.
BUILD_STAMPS = re.compile(rb"DTSTAMP:\S+|<lastmod>[^<]*</lastmod>")


def build(project, output, *extra):
    """Build as `invoke livereload` does (CACHED_BUILD: as its rebuilds)."""
    return subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py",
         "-o", str(output), "--fatal", "errors", *extra],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip


def files(output):
    """{path: bytes} of a build, without its build times."""
    return {
        path.relative_to(output).as_posix(): BUILD_STAMPS.sub(b"", path.read_bytes())
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


def findings(project):
    report = json.loads((project / "cache" / "sitecheck-report.json").read_text())
    return [(f["code"], f["page"], f["source"]) for f in report["findings"]]


@pytest.fixture
def project(tmp_path):
    project = copy_project(tmp_path / "site")
    news = project / "content" / "news"
    (news / "2021-03-01-travel-grants.md").write_text(TARGET, encoding="utf-8")
    (news / "2021-03-02-reminder.md").write_text(LINKING, encoding="utf-8")
    first = build(project, project / "output", *CACHED_BUILD)  # livereload's first
    assert first.returncode == 0, first.stdout + first.stderr
    return project


def test_a_rebuild_writes_what_a_build_from_scratch_writes(project, tmp_path):
    post = project / "content" / "news" / "2021-03-01-travel-grants.md"
    post.write_text(TARGET + "\nThe deadline is 1 April.\n", encoding="utf-8")
    rebuilt = build(project, project / "output", *CACHED_BUILD)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    report = json.loads((project / "cache" / "sitecheck-report.json").read_text())
    assert report["pages_reused"] > report["pages_checked"] / 2  # it was cached
    scratch = build(project, tmp_path / "scratch")
    assert scratch.returncode == 0, scratch.stdout + scratch.stderr
    assert files(project / "output") == files(tmp_path / "scratch")
    page = project / "output" / "news/2021/travel-grants/index.html"
    assert "1 April" in page.read_text()


def test_a_changed_setting_is_not_hidden_by_the_cache(project, tmp_path):
    settings = project / "pelicanconf.py"
    settings.write_text(  # changes what the reader returns for every post
        settings.read_text().replace('"permalink": False', '"permalink": True')
    )
    rebuilt = build(project, project / "output", *CACHED_BUILD)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    scratch = build(project, tmp_path / "scratch")
    assert scratch.returncode == 0, scratch.stdout + scratch.stderr
    assert files(project / "output") == files(tmp_path / "scratch")
    page = project / "output" / "news/2021/travel-grants/index.html"
    assert 'class="headerlink"' in page.read_text()


def test_a_changed_id_fails_the_unchanged_page_linking_to_it(project):
    linking_page = project / "output" / "news/2021/reminder/index.html"
    before = linking_page.read_bytes()
    post = project / "content" / "news" / "2021-03-01-travel-grants.md"
    post.write_text(TARGET.replace("How to apply", "Applying"), encoding="utf-8")
    rebuilt = build(project, project / "output", *CACHED_BUILD)
    assert rebuilt.returncode != 0  # an error, and livereload's --fatal errors
    assert linking_page.read_bytes() == before  # only what it links to changed
    assert findings(project) == [
        (
            "missing-fragment",
            "news/2021/reminder/index.html",
            "content/news/2021-03-02-reminder.md",
        )
    ]
    assert "pages checked" in rebuilt.stdout + rebuilt.stderr


def test_a_removed_page_fails_the_pages_linking_to_it(project):
    (project / "content" / "news" / "2021-03-01-travel-grants.md").unlink()
    rebuilt = build(project, project / "output", *CACHED_BUILD)
    assert rebuilt.returncode != 0
    assert ("broken-link", "news/2021/reminder/index.html",
            "content/news/2021-03-02-reminder.md") in findings(project)  # fmt: skip
