"""`invoke deploy` end to end, in a git clone of the project whose links to other
sites all point at a server on 127.0.0.1 that plays them: a live site, a gone
page, a host that does not answer. Targets are local folders and, through a
stand-in for ssh, `host:/path` ones. What is checked is what a visitor would
then get from each target, byte for byte."""

import filecmp
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sitetools
from sitetools import GIT_ENV, copy_project

INVOKE = Path(sys.executable).parent / "invoke"
# Plays `ssh HOST COMMAND` (rsync calls it so, and so does deploy): runs COMMAND
# here, as HOST's shell would; fails any command containing $FAKE_SSH_FAIL.
FAKE_SSH = """#!/bin/sh
host=$1
shift
cd "$HOME" || exit 255
if [ -n "$FAKE_SSH_FAIL" ]; then
  case "$*" in *"$FAKE_SSH_FAIL"*) echo "ssh: lost $host" >&2; exit 255 ;; esac
fi
exec sh -c "$*"
"""
URL = re.compile(r"https?://")


@pytest.fixture(scope="module")
def other_sites():
    """(base URL of the live server, its list of requested paths, a base URL
    where nothing answers)."""
    with sitetools.other_sites() as sites:
        yield sites


def run(command, cwd, env=None):
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, **GIT_ENV, **(env or {})},
    )  # fmt: skip


def git(project, *args):
    result = run(["git", *args], project)
    assert result.returncode == 0, result.stderr
    return result.stdout


def point_links_at(project, base):
    """Make every link to another site in content/ a link to `base`."""
    for path in [*project.glob("content/**/*.md"), *project.glob("content/**/*.yaml")]:
        path.write_text(URL.sub(base, path.read_text(encoding="utf-8")))


def commit(project, message="Edit"):
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", message)


def write_post(project, name, title, body="Text.", **metadata):
    """content/news/NAME: a post dated 3 May 2021 unless `metadata` says."""
    metadata = {"date": "2021-05-03", "summary": "One sentence.", **metadata}
    header = "".join(f"{key.title()}: {value}\n" for key, value in metadata.items())
    path = project / "content" / "news" / name
    path.write_text(f"Title: {title}\n{header}\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, other_sites):
    """A git clone of the project whose external links go to `other_sites`."""
    live, _, _ = other_sites
    project = copy_project(tmp_path / "site")
    point_links_at(project, live)
    with (project / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(
            "\nSITECHECK_HTTP_LINKS_ALLOWED = [r'^http://127\\.0\\.0\\.1:']\n"
            "SITECHECK_EXTERNAL_BACKOFF = 0.05\n"
        )
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "ssh").write_text(FAKE_SSH)
    (tmp_path / "bin" / "ssh").chmod(0o755)
    git(project, "init", "-q", "-b", "main")
    commit(project, "The site")
    return project


def deploy(project, *options, env=None):
    path = f"{project.parent / 'bin'}{os.pathsep}{os.environ['PATH']}"
    return run(
        [str(INVOKE), "deploy", *options], project, {"PATH": path, **(env or {})}
    )


def deployed(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def refused(result):
    """The output of a deployment that must have stopped with one clear line."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    return output, result.stderr.strip().splitlines()[-1]


def snapshot(folder):
    """Every file a visitor can get from `folder`, with its bytes."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def old_site(folder):
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("the site visitors saw before")
    return snapshot(folder)


def test_default_deployment_checks_every_link_to_another_site(project, other_sites):
    live, requested, _ = other_sites
    target = project.parent / "www"
    requested.clear()
    output = deployed(deploy(project, "--target", str(target)))
    assert "Links to other sites: checked, none broken" in output
    # Every link to another site on the deployed pages was asked for.
    pages = b"".join(data for name, data in snapshot(target).items()
                     if name.endswith(".html")).decode()  # fmt: skip
    hrefs = re.findall(f'href="({re.escape(live)}[^"]*)"', pages)
    linked = {html.unescape(url).split("#")[0] for url in hrefs}
    assert len(linked) > 10
    assert linked <= {live + path.lstrip("/") for path in requested}
    assert (target / "schedule" / "index.html").is_file()
    before = snapshot(target)

    # A page that is gone stops the deployment: visitors keep the last site.
    write_post(project, "2021-05-03-gone.md", "Gone", f"[Slides]({live}gone/slides)")
    commit(project)
    output, last = refused(deploy(project, "--target", str(target)))
    assert f"{live}gone/slides" in output
    assert "Links to other sites are broken" in last
    assert snapshot(target) == before


def test_a_host_that_does_not_answer_is_named(project, other_sites):
    live, _, dead = other_sites
    write_post(project, "2021-05-03-dead.md", "Dead", f"[Demo]({dead}demo)")
    commit(project)
    target = project.parent / "www"
    before = old_site(target)
    result = deploy(project, "--target", str(target))
    output = result.stdout + result.stderr
    # Reported by URL, as a link that failed, not as a network that is down
    # (the other sites answer); whether it blocks is the checker's rule.
    assert f"{dead}demo" in output
    assert "network is unreachable" not in output
    if result.returncode:
        assert snapshot(target) == before


def test_with_the_network_down_nothing_is_deployed_unless_asked(project, other_sites):
    _, _, dead = other_sites
    point_links_at(project, dead)
    commit(project, "Every other site is unreachable")
    target, summary = project.parent / "www", project.parent / "summary.md"
    before = old_site(target)
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = deploy(project, "--target", str(target), env=github)
    _, last = refused(result)
    assert "network is unreachable" in last and "--skip-external" in last
    assert snapshot(target) == before
    # On GitHub: the same line as an annotation and in the job summary.
    assert f"::error title=Not deployed::{last}" in result.stdout
    assert f"**Stopped:** {last}" in summary.read_text()

    output = deployed(deploy(project, "--target", str(target), "--skip-external"))
    assert "not checked (--skip-external)" in output
    assert (target / "schedule" / "index.html").is_file()

    # `invoke check --external` follows the same rule.
    _, last = refused(run([str(INVOKE), "check", "--external"], project))
    assert "network is unreachable" in last and "leave out --external" in last


def test_only_the_last_commit_is_deployed(project):
    untracked = write_post(project, "2021-05-03-untracked.md", "Never committed")
    page = project / "content" / "pages" / "10-aims.md"
    page.write_text(page.read_text() + "\nAn edit nobody committed.\n")
    target = project.parent / "www"
    output = deployed(deploy(project, "--target", str(target)))
    assert f"{untracked.relative_to(project).as_posix()} (untracked)" in output
    assert "content/pages/10-aims.md (not committed)" in output
    site = b"".join(snapshot(target).values())
    assert b"Never committed" not in site and b"nobody committed" not in site
    assert (target / "aims" / "index.html").is_file()


def test_drafts_and_future_posts_are_never_deployed_hidden_posts_unlisted(project):
    write_post(project, "2021-05-03-draft.md", "Secret draft", status="draft",
               tags="draftonly")  # fmt: skip
    write_post(project, "2099-01-01-future.md", "Far future", date="2099-01-01")
    write_post(project, "2021-05-03-hidden.md", "Quiet note", status="hidden",
               slug="quiet")  # fmt: skip
    (project / "content" / "pages" / "99-draft-page.md").write_text(
        "Title: Draft page\nStatus: draft\n\nText.\n"
    )
    commit(project)
    target = project.parent / "www"
    output = deployed(deploy(project, "--target", str(target)))
    # Pelican read them all (so none is missing for a reason of its own)...
    assert re.search(r"\b2 drafts, 1 hidden article\b.* 1 draft page", output)
    files = snapshot(target)
    # ... and wrote none of the drafts.
    assert not any(name.startswith("drafts/") for name in files)
    for text in (b"Secret draft", b"Far future", b"draftonly", b"Draft page"):
        assert not [name for name, data in files.items() if text in data], text
    hidden = "news/2021/quiet/index.html"
    assert b'<meta name="robots" content="noindex">' in files[hidden]
    listed = [name for name, data in files.items() if b"Quiet note" in data]
    assert listed == [hidden]  # not in the news, the feeds or the sitemap
    assert b"/news/2021/quiet/" not in files["sitemap.xml"]
    assert b'content="noindex"' not in files["news/index.html"]


def test_a_failed_target_leaves_every_target_as_it_was(project, tmp_path):
    first = tmp_path / "www"
    before = old_site(first)
    missing = tmp_path / "no-such-folder" / "www"
    _, last = refused(deploy(project, "-t", str(first), "-t", str(missing)))
    assert str(missing) in last and "every target is as it was" in last
    assert snapshot(first) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "site", "www"]


def test_a_failed_swap_puts_the_previous_site_back_everywhere(project, tmp_path):
    first, second = tmp_path / "www", tmp_path / "remote" / "www"
    before = old_site(first), old_site(second)
    remote = f"server.example:{second}"
    result = deploy(project, "-t", str(first), "-t", remote,
                    env={"FAKE_SSH_FAIL": "&& mv"})  # fmt: skip
    _, last = refused(result)
    assert f"live at {remote} failed; every target is as it was" in last
    assert (snapshot(first), snapshot(second)) == before
    assert sorted(p.name for p in second.parent.iterdir()) == ["www"]


def test_two_builds_of_one_commit_are_identical(project, tmp_path):
    first, second = tmp_path / "www", tmp_path / "remote" / "www"
    second.parent.mkdir()
    deployed(deploy(project, "-t", str(first)))
    # A later build of the same commit, in another process and second, over
    # ssh to a folder named from the home folder.
    home = {"HOME": str(tmp_path)}
    output = deployed(
        deploy(project, "-t", str(first), "-t", "host:~/remote/www", env=home)
    )
    assert f"{first} already serves this build: nothing to change" in output
    assert f"Deployed {git(project, 'log', '-1', '--format=%h').strip()}" in output
    comparison = filecmp.dircmp(first, second)
    assert snapshot(first) == snapshot(second), comparison.report()
    # The dates a build would otherwise take from the clock are the commit's.
    commit_time = int(git(project, "log", "-1", "--format=%ct"))
    stamp = subprocess.run(
        ["date", "-u", "-d", f"@{commit_time}", "+%Y%m%dT%H%M%SZ"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    calendar = (first / "calendar" / "haet2021.ics").read_text()
    assert f"DTSTAMP:{stamp}" in calendar
    sitemap = (first / "sitemap.xml").read_text()
    index = re.search(r"<loc>[^<]*/news/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    assert index[1].replace("-", "").replace(":", "").startswith(stamp[:15])
    assert not any(b'"generated"' in data for data in snapshot(first).values())


def test_a_broken_post_stops_the_deployment_naming_its_line(project, tmp_path):
    target = tmp_path / "www"
    before = old_site(target)
    write_post(project, "2021-05-02-broken.md", "Broken", date="2021-02-30")
    commit(project)
    output, last = refused(deploy(project, "-t", str(target)))
    assert "news/2021-05-02-broken.md:2" in output
    assert "production build failed" in last
    assert snapshot(target) == before


def test_without_a_target_it_says_where_the_live_site_comes_from(project):
    _, last = refused(deploy(project))
    assert "--target" in last and "GitHub Pages is deployed by the workflow" in last
