"""The site tests follow the content: on a copy where organisers have done what
organisers do (posted with `invoke new` under a new tag, hidden one post,
withdrawn another, moved the event to another day and time with another
speaker), the same site tests pass, because the copy's site is right."""

import os
import re
import subprocess
import sys
from pathlib import Path

from sitetools import ROOT, copy_project

SITE_TESTS = ["tests/test_site.py", "tests/test_news.py"]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def organisers_at_work(project):
    invoke = str(Path(sys.executable).parent / "invoke")
    made = subprocess.run(
        [invoke, "new", "Call for reviewers"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    [post] = (project / "content/news").glob("*-call-for-reviewers.md")
    edit(post, "Status: draft\n", "")
    edit(post, "Tags: \n", "Tags: reviewing\n")
    edit(post, "One sentence for the news list and the feeds.", "Reviewers wanted.")
    news = sorted((project / "content/news").glob("20*.md"))
    edit(news[1], "\nSummary:", "\nStatus: hidden\nSummary:")
    news[2].unlink()
    data = project / "content/data"
    event = (data / "event.yaml").read_text(encoding="utf-8")
    old_date = re.search(r"^date: (\S+)$", event, re.M)[1]
    edit(data / "event.yaml", f"date: {old_date}", "date: 2022-05-06")
    speakers = (data / "speakers.yaml").read_text(encoding="utf-8")
    old_name = re.search(r"^  name: (.+)$", speakers, re.M)[1]
    edit(data / "speakers.yaml", f"name: {old_name}", "name: Ada Example")


def test_site_tests_pass_on_a_site_its_organisers_changed(tmp_path):
    project = copy_project(tmp_path / "site")
    organisers_at_work(project)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            *SITE_TESTS,
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "HAET_SITE_ROOT": str(project)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", result.stdout)[1])
    assert passed >= 40, result.stdout[-500:]
