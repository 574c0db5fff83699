"""The organisers' tasks (tasks.py) as an organiser types them: `invoke` in a
subprocess, in a throwaway copy of the project (a git repository) whose links
to other sites all go to a server on 127.0.0.1 that plays them (sitetools.
other_sites: /gone/... is a gone page). What is checked is what the task
prints and what a visitor would then get from the folder it wrote."""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican.contents import Article
from pelican.readers import Readers
from sitetools import GIT_ENV, ROOT, other_sites, posts, settings_of

INVOKE = str(Path(sys.executable).parent / "invoke")
# Bare Pelican on a project copy's content, run in the copy's folder.
PELICAN = (sys.executable, "-m", "pelican", "content")
URL = re.compile(r"https?://")
PROJECT_FILES = (
    "pelicanconf.py",
    "publishconf.py",
    "tasks.py",
    ".gitignore",
    "content",
    "themes",
    "haet",
)


def copy_of_project(folder, live=None):
    """A copy of the project in `folder`, a git repository with one commit;
    with `live` (a base URL), every link to another site goes there."""
    folder.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / name, folder / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, folder / name)
    if live:
        for path in [
            *folder.glob("content/**/*.md"),
            *folder.glob("content/**/*.yaml"),
        ]:
            path.write_text(URL.sub(live, path.read_text(encoding="utf-8")))
        with (folder / "pelicanconf.py").open("a", encoding="utf-8") as settings:
            settings.write("\nSITECHECK_HTTP_LINKS_ALLOWED = [r'^http://127\\.']\n")
    git(folder, "init", "-q", "-b", "main")
    commit(folder, "The site")
    return folder


def run(command, cwd, merged=False, timeout=None, **env):
    """Run as CI or an editor does: output piped, no COLUMNS, not on GitHub;
    `merged`: stderr into stdout, as a log on GitHub shows them."""
    unset = ("COLUMNS", "LINES", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
        env={**environ, **GIT_ENV, **env},
        timeout=timeout,
    )


def invoke(project, *args, **env):
    """(exit code, everything printed) of `invoke ARGS` in `project`."""
    result = run([INVOKE, *args], project, **env)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


def git(project, *args):
    result = run(["git", *args], project)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def commit(project, message="Edit"):
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", message)


def write_post(project, name, title, body="Text.", **metadata):
    """content/news/NAME, dated as the newest published post unless told."""
    metadata = {"date": posts(ROOT)[0]["date"], "summary": "One sentence.", **metadata}
    header = "".join(f"{key.title()}: {value}\n" for key, value in metadata.items())
    path = project / "content/news" / name
    path.write_text(f"Title: {title}\n{header}\n{body}\n", encoding="utf-8")
    return path


def snapshot(folder):
    """Every file a visitor can get from `folder`, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sites():
    """(the live server's base URL, the paths it was asked for, a dead base)."""
    with other_sites() as found:
        yield found


# --- invoke new ---------------------------------------------------------------


def read_post(project, path):
    settings = settings_of(site=project)
    return Readers(settings).read_file(
        base_path=str(project / "content"),
        path=str(path.relative_to(project / "content")),
        content_class=Article,
        context={},
    )


def test_new_writes_a_draft_prints_its_address_and_never_overwrites(tmp_path):
    project = copy_of_project(tmp_path / "site")
    news = project / "content/news"
    before = set(news.iterdir())
    zone = ZoneInfo(settings_of(site=project)["TIMEZONE"])
    start = dt.datetime.now(zone).replace(second=0, microsecond=0)
    code, printed = invoke(project, "new", "Call for papers: now open!")
    assert code == 0, printed
    [path] = set(news.iterdir()) - before
    assert path.name.endswith("-call-for-papers-now-open.md")
    post = read_post(project, path)
    assert post.title == "Call for papers: now open!" and post.status == "draft"
    assert start <= post.date.replace(tzinfo=zone) <= dt.datetime.now(zone)
    assert path.name.startswith(f"{post.date:%Y-%m-%d}-")
    assert post.metadata["summary"] and "Status: draft" in path.read_text()
    # Its example link is to a page that exists.
    [example] = re.findall(r"\{filename\}/([^)]+)", path.read_text())
    assert (project / "content" / example).is_file()
    assert f"Wrote {path.relative_to(project).as_posix()} (a draft)" in printed
    assert f"it is at http://127.0.0.1:8000/{post.url}\n" in printed
    assert "every draft is listed at http://127.0.0.1:8000/drafts/" in printed

    # The same title again: refused, the organiser's edits kept.
    path.write_text(path.read_text() + "An organiser's edit.\n")
    kept = path.read_text()
    code, printed = invoke(project, "new", "Call for papers: now open!")
    assert code == 1 and f"{path} already exists" in printed
    assert path.read_text() == kept

    # --help is not a title; a title without letters makes no file.
    for title in ("--help", "?!"):
        code, printed = invoke(project, "new", title)
        assert code == 1 and repr(title) in printed, printed
    assert set(news.iterdir()) == before | {path}

    # While livereload runs elsewhere, the address is the one it noted.
    (project / ".livereload-address").write_text("http://127.0.0.1:8002/\n")
    code, printed = invoke(project, "new", "Keynote announced")
    assert "it is at http://127.0.0.1:8002/drafts/" in printed
    assert "8000" not in printed


def test_clean_removes_output_wherever_it_is_run_from(tmp_path):
    project = copy_of_project(tmp_path / "site")
    (project / "output/news").mkdir(parents=True)
    (project / "output/news/index.html").write_text("old")
    # invoke finds tasks.py in the folders above.
    assert invoke(project / "content/news", "clean")[0] == 0
    assert not (project / "output").exists()
    assert (project / "content/news").is_dir()


# --- settings with a mistake --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "mistake", "error", "tasks"),
    [
        ("pelicanconf.py", "OOPS = nothing", "NameError: name 'nothing'", ["build"]),
        ("pelicanconf.py", "LIST = [1,", "SyntaxError: ", ["check"]),
        (
            "publishconf.py",
            "OOPS = nothing",
            "NameError: name 'nothing'",
            ["check", "deploy"],
        ),
    ],
)
def test_a_mistake_in_the_settings_is_one_line_naming_its_line(
    tmp_path, name, mistake, error, tasks
):
    project = copy_of_project(tmp_path / "site")
    path = project / name
    lines = path.read_text().splitlines()
    after = next(n for n, line in enumerate(lines) if line.startswith("SITEURL"))
    lines.insert(after + 1, mistake)
    path.write_text("\n".join(lines) + "\n")
    commit(project, "A mistake")  # deploy builds the commit
    for task in tasks:
        code, printed = invoke(project, task)
        assert code == 1
        # deploy first says which commit it builds; then one line, the last.
        [line] = [line for line in printed.splitlines() if "Error" in line]
        assert printed.rstrip().endswith(line), printed
        assert line.startswith(f"{name}:{after + 2}: {error}"), line
        assert line.endswith("(fix: correct this line)")


def test_without_a_commit_nothing_is_deployed(tmp_path):
    project = copy_of_project(tmp_path / "site")
    shutil.rmtree(project / ".git")
    git(project, "init", "-q")
    code, printed = invoke(project, "deploy")
    assert code == 1
    assert "Only a commit can be deployed, and git finds none: " in printed
    assert not (project / "_site").exists()


# --- check ------------------------------------------------------------------------


def test_check_builds_the_working_copy_and_checks_links_to_other_sites(tmp_path, sites):
    live, requested, _ = sites
    project = copy_of_project(tmp_path / "site", live)
    code, printed = invoke(project, "check")
    assert code == 0, printed
    assert printed.rstrip().endswith("Site checks passed.")
    assert "Links to other sites" not in printed
    assert not (project / "output").exists()  # a temporary folder, not output/

    # --external asks for every link; a gone page (not committed) stops it.
    write_post(project, "2000-01-01-gone.md", "Gone", f"[Slides]({live}gone/slides)")
    requested.clear()
    code, printed = invoke(project, "check", "--external")
    assert code == 1, printed
    assert f"{live}gone/slides" in printed
    assert printed.rstrip().endswith(
        "Links to other sites are broken (listed above): fix or remove them."
    )
    assert "/gone/slides" in requested and len(requested) > 10


# --- deploy -----------------------------------------------------------------------


def assert_only_the_published_commit(files):
    """Only what was committed; no draft or future post anywhere; the hidden
    post at its address only, not indexed."""
    for text in (
        b"Never committed",
        b"nobody committed",
        b"Secret draft",
        b"Far future",
        b"draftonly",
        b"Draft page",
    ):
        assert not [name for name, data in files.items() if text in data], text
    assert not [name for name in files if name.startswith("drafts/")]
    listed = [name for name, data in files.items() if b"Quiet note" in data]
    assert len(listed) == 1 and listed[0].endswith("/quiet/index.html")
    assert b'<meta name="robots" content="noindex">' in files[listed[0]]
    assert b"/quiet/" not in files["sitemap.xml"]


def test_deploy_publishes_the_last_commit_whole_and_reproducibly(tmp_path, sites):
    live, requested, _ = sites
    project = copy_of_project(tmp_path / "site", live)
    write_post(
        project, "2000-01-01-draft.md", "Secret draft", status="draft", tags="draftonly"
    )
    write_post(project, "2999-01-01-future.md", "Far future", date="2999-01-01")
    write_post(
        project, "2000-01-01-hidden.md", "Quiet note", status="hidden", slug="quiet"
    )
    (project / "content/pages/99-draft-page.md").write_text(
        "Title: Draft page\nStatus: draft\n\nText.\n"
    )
    commit(project, "Drafts, a future and a hidden post")
    untracked = write_post(project, "2000-01-01-untracked.md", "Never committed")
    page = next((project / "content/pages").glob("*.md"))
    page.write_text(page.read_text() + "\nAn edit nobody committed.\n")
    # A killed deployment's work folder (its process, above Linux's largest
    # pid, is gone): cleaned at the next start.
    (project / ".haet-deploy-4194305-x" / "site").mkdir(parents=True)

    requested.clear()
    code, printed = invoke(project, "deploy")
    assert code == 0, printed
    commit_id = git(project, "log", "-1", "--format=%h")
    assert f"Deploying commit {commit_id} (Drafts, a future and a hidden post)." in (
        printed
    )
    left_out = re.search(r"^Left out, because not committed: (.*)\.$", printed, re.M)
    assert set(left_out[1].split(", ")) == {
        f"{page.relative_to(project).as_posix()} (not committed)",
        f"{untracked.relative_to(project).as_posix()} (untracked)",
    }
    assert "Links to other sites: checked, none broken." in printed
    assert f"\nCommit {commit_id}: built and checked into _site/.\n" in printed
    site = project / "_site"
    files = snapshot(site)
    # Every link to another site on the pages was asked for.
    pages = b"".join(data for name, data in files.items() if name.endswith(".html"))
    linked = set(re.findall(rf'href="{re.escape(live)}([^"#]*)', pages.decode()))
    assert linked and {f"/{p}".replace("&amp;", "&") for p in linked} <= set(requested)
    assert_only_the_published_commit(files)
    # Dates no content gives are the commit's (SOURCE_DATE_EPOCH).
    epoch = int(git(project, "log", "-1", "--format=%ct"))
    stamp = f"{dt.datetime.fromtimestamp(epoch, dt.UTC):%Y%m%dT%H%M%SZ}"
    calendar = files[settings_of(site=project)["CALENDAR_PATH"]].decode()
    assert set(re.findall(r"^DTSTAMP:(\S+)", calendar, re.M)) == {stamp}
    assert not list(project.glob(".haet-deploy-*"))

    # Again, the same commit, into a new folder: byte for byte the same site.
    output = ["--output", "../new/www", "--skip-external"]
    code, printed = invoke(project, "deploy", *output)
    assert code == 0, printed
    assert "Links to other sites: not checked (--skip-external)." in printed
    assert snapshot(tmp_path / "new/www") == files
    assert not list((tmp_path / "new").glob(".haet-deploy-*"))


def test_a_deployment_that_fails_leaves_the_last_site_as_it_was(tmp_path, sites):
    live, _, _ = sites
    project = copy_of_project(tmp_path / "site", live)
    site = project / "_site"
    site.mkdir()
    (site / "index.html").write_text("the site visitors saw before")
    before = snapshot(site)
    summary = tmp_path / "summary.md"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}

    # A link to a gone page (the build is fine): stopped by the link check.
    post = write_post(project, "2000-01-01-gone.md", "Gone", f"[Slides]({live}gone/x)")
    commit(project, "A gone link")
    code, printed = invoke(project, "deploy", **github)
    assert code == 1 and f"{live}gone/x" in printed
    last = "Links to other sites are broken (listed above): fix or remove them."
    assert printed.rstrip().endswith(last)
    assert f"**Stopped:** {last}" in summary.read_text()
    assert snapshot(site) == before

    # A post that does not build: stopped by the production build.
    post.write_text(post.read_text().replace("Title:", "Tittle:"))
    commit(project, "A broken post")
    code, printed = invoke(project, "deploy", "--skip-external")
    assert code == 1
    assert f"{post.relative_to(project).as_posix()}:1: unknown metadata 'Tittle:'" in (
        printed
    )
    assert printed.rstrip().endswith(
        "The production build failed: the lines above name the file to fix."
    )
    assert snapshot(site) == before
    assert not list(project.glob(".haet-deploy-*"))
