"""The organisers' tasks (tasks.py), called in this process with a real
`invoke.Context` on small projects of their own: what `invoke new` writes and
prints, what `clean`, `build` and `check` do, and how `invoke deploy` refuses a
failing build and keeps every target as it was when a copy fails. (The same
tasks run end to end as an organiser types them in test_publish.py and
test_devserver.py; here each promise is checked in seconds.)"""

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pelican
import pytest
from invoke import Config, Context, Exit
from pelican.contents import Article
from pelican.readers import Readers
from pelican.settings import read_settings
from sitetools import GIT_ENV, other_sites

import tasks

PROJECT = Path(tasks.__file__).resolve().parent
PLUGINS = PROJECT / "plugins"
SIMPLE_THEME = Path(pelican.__file__).parent / "themes" / "simple"
TINY_SETTINGS = f"""\
SITENAME = "Tiny workshop"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "en"
PLUGIN_PATHS = [{str(PLUGINS)!r}]
PLUGINS = ["findings"]
THEME = "theme"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""
# The production settings name the build's date from SOURCE_DATE_EPOCH, so a
# test can see which epoch a build was given.
TINY_PUBLISH = """\
import os
import sys
sys.path.append(os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *
SITENAME = "Tiny workshop " + os.environ.get("SOURCE_DATE_EPOCH", "undated")
FINDINGS_FATAL = "warnings"
"""
# Plays `ssh HOST COMMAND` (as rsync and deploy call it): runs COMMAND in $HOME;
# a host named in $HOME/down answers nothing; on host $FAKE_SSH_FAIL, a command
# that moves a folder fails, and the host in $FAKE_SSH_THEN_DOWN goes down.
FAKE_SSH = """#!/bin/sh
host=$1
shift
cd "$HOME" || exit 255
if grep -qx "$host" down 2>/dev/null; then echo "ssh: $host is down" >&2; exit 255; fi
if [ "$host" = "$FAKE_SSH_FAIL" ]; then
  case "$*" in *"mv "*)
    [ -z "$FAKE_SSH_THEN_DOWN" ] || echo "$FAKE_SSH_THEN_DOWN" >> down
    echo "ssh: lost $host" >&2; exit 255 ;;
  esac
fi
exec sh -c "$*"
"""


def post(title, date="2021-05-03", body="Text."):
    return f"Title: {title}\nDate: {date}\nSummary: One sentence.\n\n{body}\n"


def tiny_project(folder, posts=None):
    """A Pelican project of its own: settings, a post, the findings plugin, and
    Pelican's simple theme without its links to other sites."""
    (folder / "content" / "news").mkdir(parents=True)
    shutil.copytree(SIMPLE_THEME, folder / "theme")
    base = folder / "theme" / "templates" / "base.html"
    lines = base.read_text(encoding="utf-8").splitlines(keepends=True)
    base.write_text("".join(line for line in lines if "://" not in line))
    (folder / "pelicanconf.py").write_text(TINY_SETTINGS)
    (folder / "publishconf.py").write_text(TINY_PUBLISH)
    for name, text in (posts or {"2021-05-03-hello.md": post("Hello")}).items():
        (folder / "content" / "news" / name).write_text(text)
    return folder


def run(command, cwd):
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False,
        env={**os.environ, **GIT_ENV},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(project, message="Edit"):
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-q", "-m", message], project)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The tasks' project root is a tiny project (a git repository)."""
    root = tiny_project(tmp_path / "site")
    run(["git", "init", "-q", "-b", "main"], root)
    (root / ".gitignore").write_text("output/\ncache/\n__pycache__/\n")
    commit(root, "The site")
    monkeypatch.setattr(tasks, "ROOT", root)
    monkeypatch.setitem(tasks.CONFIG, "news", root / "content" / "news")
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def c():
    """A real invoke context; commands do not read the tests' stdin."""
    return Context(Config(overrides={"run": {"in_stream": False}}))


def snapshot(folder):
    """Every file a visitor can get from `folder`, with its bytes."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def built_site(folder):
    """A finished build: pages with a unique text (so each test's is its own)."""
    marker = uuid.uuid4().hex
    (folder / "news").mkdir(parents=True)
    (folder / "index.html").write_text(f"<title>Home</title>{marker}")
    (folder / "news" / "index.html").write_text(f"<title>News</title>{marker}")
    (folder / "news" / "index.html").chmod(0o600)
    return folder


def old_site(folder):
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("the site visitors saw before")
    (folder / "stale.html").write_text("a page the new build no longer has")
    return snapshot(folder)


def stopped(call, *args):
    """The one line that `call(*args)` stopped with (exit code 1)."""
    with pytest.raises(Exit) as stop:
        call(*args)
    assert stop.value.code == 1
    assert "\n" not in stop.value.message
    return stop.value.message


# --- invoke new ---------------------------------------------------------------


def read_post(project, path):
    """The post as Pelican reads it with the site's settings."""
    settings = read_settings(str(PROJECT / "pelicanconf.py"))
    content = project / "content"
    return Readers(settings).read_file(
        base_path=str(content), path=str(path.relative_to(content)),
        content_class=Article, context={},
    )  # fmt: skip


def test_new_writes_a_draft_dated_today_and_prints_its_address(project, c, capsys):
    zone = ZoneInfo(tasks.SETTINGS["TIMEZONE"])
    before = dt.datetime.now(zone)
    tasks.new(c, "Call for papers: now open!")
    after = dt.datetime.now(zone)
    [path] = (project / "content" / "news").glob("*-call-for-papers-now-open.md")
    assert path.name[:10] in {f"{before:%Y-%m-%d}", f"{after:%Y-%m-%d}"}
    article = read_post(project, path)
    assert article.title == "Call for papers: now open!"
    assert article.status == "draft"
    assert article.slug == "call-for-papers-now-open"
    # Dated now in the site's time zone, to the minute.
    written = article.date.replace(tzinfo=zone)
    assert before.replace(second=0, microsecond=0) <= written <= after
    assert article.summary and "{filename}/pages/" in path.read_text()
    printed = capsys.readouterr().out
    relative = path.relative_to(project).as_posix()
    assert f"Wrote {relative} (a draft)" in printed
    assert f"http://127.0.0.1:8000/{article.url}\n" in printed
    assert "listed at http://127.0.0.1:8000/drafts/" in printed


def test_the_skeleton_has_the_fields_and_the_advice_the_readme_names(project):
    path, _ = tasks.write_announcement("Zürich meet-up — ÉTÉ")
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    # The README: a one-sentence `Summary:`, `Tags:`, and a `Status: draft`
    # line to delete when the post is ready.
    keys = [line.split(":", 1)[0] for line in header.splitlines()]
    assert keys == ["Title", "Date", "Slug", "Tags", "Summary", "Status"]
    assert "Status: draft" in header.splitlines()
    assert header.startswith("Title: Zürich meet-up — ÉTÉ\n")
    summary = read_post(project, path).metadata["summary"]
    assert summary[0].isupper() and summary.endswith(".")
    paragraphs = body.strip().split("\n\n")
    assert paragraphs[-1] == "Delete the Status line above when it is ready to publish."
    # Its example link is to a page that exists.
    [example] = re.findall(r"\{filename\}/([^)]+)", paragraphs[0])
    assert (PROJECT / "content" / example).is_file()


def test_new_prints_the_address_that_livereload_serves(project, c, capsys):
    # livereload notes where it serves while it runs (devserver.ADDRESS_FILE).
    import devserver

    (project / devserver.ADDRESS_FILE).write_text("http://127.0.0.1:8002/\n")
    tasks.new(c, "Keynote announced")
    printed = capsys.readouterr().out
    assert "8000" not in printed
    assert "it is at http://127.0.0.1:8002/drafts/" in printed
    assert "listed at http://127.0.0.1:8002/drafts/\n" in printed


def test_new_uses_the_given_moment_and_never_overwrites(project):
    moment = dt.datetime(2021, 5, 7, 9, 5, tzinfo=ZoneInfo("Europe/Paris"))
    path, url = tasks.write_announcement("Stream link", moment)
    assert path == project / "content/news/2021-05-07-stream-link.md"
    assert read_post(project, path).date == moment
    assert url == read_post(project, path).url
    path.write_text(path.read_text() + "An organiser's edit.\n")
    kept = path.read_text()
    with pytest.raises(Exit) as refused:
        tasks.write_announcement("Stream link", moment)
    assert str(path) in refused.value.message
    assert "already exists" in refused.value.message
    assert path.read_text() == kept


def test_new_refuses_a_title_that_makes_no_file_name(project, c):
    with pytest.raises(Exit) as refused:
        tasks.new(c, "?!")
    assert "'?!'" in refused.value.message
    assert not list((project / "content" / "news").glob("*-.md"))
    assert len(list((project / "content" / "news").iterdir())) == 1


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_new_takes_an_option_for_help_not_for_a_title(project, c, option):
    with pytest.raises(Exit) as refused:
        tasks.new(c, option)
    assert "invoke --help new" in refused.value.message
    assert len(list((project / "content" / "news").iterdir())) == 1


def test_new_makes_the_news_folder_if_there_is_none(project, c, monkeypatch):
    news = project / "content" / "elsewhere" / "news"
    monkeypatch.setitem(tasks.CONFIG, "news", news)
    tasks.new(c, "First post")
    assert [p.name[11:] for p in news.iterdir()] == ["first-post.md"]


# --- clean, build, check ------------------------------------------------------


def test_clean_removes_output_wherever_it_is_run_from(project, c, monkeypatch):
    (project / "output" / "news").mkdir(parents=True)
    (project / "output" / "news" / "index.html").write_text("old")
    monkeypatch.chdir(project / "content")  # invoke finds tasks.py upwards
    tasks.clean(c)
    assert not (project / "output").exists()
    assert (project / "content" / "news").is_dir()
    tasks.clean(c)  # nothing to remove: no error


def test_build_writes_output_and_exits_non_zero_after_an_error(project, c):
    tasks.build(c)
    assert "Tiny workshop" in (project / "output" / "index.html").read_text()
    broken = project / "content" / "news" / "2021-05-04-broken.md"
    broken.write_text(post("Broken", date="2021-02-30"))
    (project / "content" / "news" / "2021-05-05-fine.md").write_text(post("Fine"))
    with pytest.raises(Exit) as failed:
        tasks.build(c)
    assert failed.value.code == 1
    # It reported the problem and built the rest.
    assert (project / "output" / "news" / "fine.html").exists() or any(
        "Fine" in p.read_text() for p in (project / "output").rglob("*.html")
    )


def test_build_prints_each_problem_whole_on_one_line(project, c, capfd):
    # Not a terminal here (CI, `| tee`, an editor): no wrapping at 80 columns.
    name = "2021-05-04-" + "a-long-file-name-" * 6 + "past-eighty-columns.md"
    (project / "content" / "news" / name).write_text(post("Long", "2021-02-30"))
    with pytest.raises(Exit):
        tasks.build(c)
    printed = capfd.readouterr()
    lines = (printed.out + printed.err).splitlines()
    assert [line for line in lines if name in line and "ERROR" in line]


def test_rebuild_starts_from_an_empty_output(project, c):
    (project / "output").mkdir()
    (project / "output" / "left-over.html").write_text("from an older build")
    tasks.rebuild(c)
    assert (project / "output" / "index.html").is_file()
    assert not (project / "output" / "left-over.html").exists()


def test_check_passes_a_clean_site_and_exits_1_on_a_warning(project, c, capsys):
    tasks.check(c)
    assert capsys.readouterr().out.rstrip().endswith("Site checks passed.")
    assert not (project / "output").exists()  # a temporary folder, not output/
    (project / "content" / "news" / "2021-05-04-bad.md").write_text(
        post("Bad", date="2021-02-30")
    )
    message = stopped(tasks.check, c)
    assert "production build failed" in message
    assert "Site checks passed" not in capsys.readouterr().out


# --- stop, summaries, GitHub --------------------------------------------------


def test_stop_is_one_line_an_annotation_and_a_summary_on_github(
    project, monkeypatch, tmp_path, capsys
):
    summary = tmp_path / "summary.md"
    assert stopped(tasks.stop, "Not today.") == "Not today."
    assert "::error" not in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    tasks.summarise("Built.")
    assert stopped(tasks.stop, "Links are broken.") == "Links are broken."
    out = capsys.readouterr().out
    assert out == "Built.\n::error title=Not deployed::Links are broken.\n"
    assert summary.read_text() == "Built.\n\n**Stopped:** Links are broken.\n\n"


def test_a_busy_port_is_one_line_naming_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        def serve(server):
            server.make_server("127.0.0.1", port, None)

        with pytest.raises(Exit) as refused:
            tasks._port_or_exit(serve)
    message = refused.value.message
    assert f"Port {port}" in message and f"--port {port + 1}" in message
    assert "\n" not in message


# --- deploy: targets ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "host", "path"),
    [
        ("server.example:/var/www/haet/", "server.example", "/var/www/haet"),
        ("me@server.example:~/www", "me@server.example", "www"),
        ("server:www", "server", "www"),
        ("/srv/www/", None, "/srv/www"),
        ("_site", None, "_site"),
        ("./a:b", None, "./a:b"),  # rsync's rule: a ':' after a '/' is local
    ],
)
def test_a_target_is_a_host_and_folder_or_a_local_folder(name, host, path):
    target = tasks.Target.parse(name)
    assert (target.name, target.host, target.path) == (name, host, path)


@pytest.mark.parametrize("name", ["server:", "server:~", "server:~/", ".", "/", "h:."])
def test_a_target_must_name_a_folder(name):
    message = stopped(tasks.Target.parse, name)
    assert message.startswith(f"{name}: name the folder")


@pytest.fixture
def ssh(tmp_path, monkeypatch):
    """A stand-in for ssh, first on PATH; its hosts' home is tmp_path/home."""
    bin_folder, home = tmp_path / "bin", tmp_path / "home"
    bin_folder.mkdir()
    home.mkdir()
    (bin_folder / "ssh").write_text(FAKE_SSH)
    (bin_folder / "ssh").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("HOME", str(home))
    return home


def leftovers(*folders):
    """What a deployment left beside the targets' folders besides themselves."""
    return {
        p.name
        for folder in folders
        for p in folder.parent.iterdir()
        if p.name not in {f.name for f in folders}
    }


def test_every_target_gets_the_build_readable_by_the_web_server(tmp_path, c, ssh):
    output = built_site(tmp_path / "output")
    local, remote = tmp_path / "www", ssh / "sites" / "www"
    old_site(local)
    remote.parent.mkdir()
    targets = [tasks.Target.parse(str(local)), tasks.Target.parse("host:sites/www")]
    assert tasks.update_targets(c, output, targets) == targets
    assert snapshot(local) == snapshot(remote) == snapshot(output)
    assert (local / "news" / "index.html").stat().st_mode & 0o777 == 0o644
    assert (local / "news").stat().st_mode & 0o777 == 0o755
    assert leftovers(local) == {"output", "bin", "home"}
    assert leftovers(remote) == set()


def test_a_target_that_serves_this_build_is_left_alone(tmp_path, c, capsys):
    output = built_site(tmp_path / "output")
    same, other = tmp_path / "same", tmp_path / "other"
    target = tasks.Target.parse(str(same))
    tasks.update_targets(c, output, [target])
    inode = same.stat().st_ino
    capsys.readouterr()
    targets = [target, tasks.Target.parse(str(other))]
    assert tasks.update_targets(c, output, targets) == targets[1:]
    assert f"{same} already serves this build: nothing to change." in (
        capsys.readouterr().out
    )
    assert same.stat().st_ino == inode
    assert snapshot(other) == snapshot(output)


def test_a_failed_copy_leaves_every_target_as_it_was(tmp_path, c):
    output = built_site(tmp_path / "output")
    first = tmp_path / "www"
    before = old_site(first)
    missing = tmp_path / "no-such-folder" / "www"
    targets = [tasks.Target.parse(str(first)), tasks.Target.parse(str(missing))]
    message = stopped(tasks.update_targets, c, output, targets)
    assert (
        message
        == f"Copying to {missing} failed (see above); every target is as it was."
    )
    assert snapshot(first) == before
    assert leftovers(first) == {"output"}


def test_a_failed_swap_puts_the_previous_site_back(tmp_path, c, ssh, monkeypatch):
    output = built_site(tmp_path / "output")
    first, second = tmp_path / "www", ssh / "www"
    before = old_site(first), old_site(second)
    monkeypatch.setenv("FAKE_SSH_FAIL", "host")
    targets = [tasks.Target.parse(str(first)), tasks.Target.parse("host:www")]
    message = stopped(tasks.update_targets, c, output, targets)
    assert (
        message
        == "Putting the site live at host:www failed; every target is as it was."
    )
    assert (snapshot(first), snapshot(second)) == before
    assert leftovers(first) == {"output", "bin", "home"}
    assert leftovers(second) == set()


def test_a_first_deployment_that_fails_leaves_no_site(tmp_path, c, ssh, monkeypatch):
    output = built_site(tmp_path / "output")
    first = tmp_path / "www"
    monkeypatch.setenv("FAKE_SSH_FAIL", "host")
    targets = [tasks.Target.parse(str(first)), tasks.Target.parse("host:www")]
    stopped(tasks.update_targets, c, output, targets)
    assert not first.exists()
    assert not (ssh / "www").exists()


def test_a_site_that_cannot_be_put_back_is_named(tmp_path, c, ssh, monkeypatch):
    output = built_site(tmp_path / "output")
    for name in ("a", "b", "c"):
        old_site(ssh / name)
    # b fails to swap, and then a's host is gone too: a keeps the new site.
    monkeypatch.setenv("FAKE_SSH_FAIL", "hb")
    monkeypatch.setenv("FAKE_SSH_THEN_DOWN", "ha")
    targets = [tasks.Target.parse(n) for n in ("ha:a", "hc:c", "hb:b")]
    message = stopped(tasks.update_targets, c, output, targets)
    assert message == (
        "Putting the site live at hb:b failed; "
        "could not put the previous site back at ha:a"
    )
    assert snapshot(ssh / "c")["index.html"] == b"the site visitors saw before"
    assert snapshot(ssh / "a") == snapshot(output)


# --- deploy: the last commit, built and checked -------------------------------


def test_only_the_last_commit_is_exported(project, c, tmp_path, capsys):
    (project / "content/news/2021-05-04-second.md").write_text(post("Second"))
    commit(project, "A second post")
    committed = (project / "content/news/2021-05-03-hello.md").read_text()
    (project / "content/news/2021-05-03-hello.md").write_text(post("Edited"))
    (project / "content/news/2021-05-09-new.md").write_text(post("Untracked"))
    commit_time = int(run(["git", "log", "-1", "--format=%ct"], project))
    short = run(["git", "log", "-1", "--format=%h"], project).strip()
    destination = tmp_path / "export"
    assert tasks.export_head(c, destination) == (short, commit_time)
    assert (destination / "content/news/2021-05-03-hello.md").read_text() == committed
    assert not (destination / "content/news/2021-05-09-new.md").exists()
    assert (destination / "content/news/2021-05-04-second.md").exists()
    # In its own words, not git's output.
    assert capsys.readouterr().out == (
        f"Deploying commit {short} (A second post).\n"
        "Left out, because not committed: content/news/2021-05-03-hello.md "
        "(not committed), content/news/2021-05-09-new.md (untracked).\n"
    )


def test_a_clean_working_copy_leaves_nothing_out(project, c, tmp_path, capsys):
    tasks.export_head(c, tmp_path / "export")
    assert "Left out" not in capsys.readouterr().out


def test_without_a_commit_nothing_is_deployed(tmp_path, c, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    run(["git", "init", "-q"], empty)
    monkeypatch.setattr(tasks, "ROOT", empty)
    message = stopped(tasks.export_head, c, tmp_path / "export")
    assert message.startswith("Only a commit can be deployed, and git finds none: ")
    assert "does not have any commits" in message or "HEAD" in message


def test_the_production_build_is_dated_by_the_commit(project, c, tmp_path):
    tasks.production_build(c, project, tmp_path / "out", epoch=1620370800)
    assert "Tiny workshop 1620370800" in (tmp_path / "out" / "index.html").read_text()
    tasks.production_build(c, project, tmp_path / "undated")
    assert "Tiny workshop undated" in (tmp_path / "undated" / "index.html").read_text()


def test_deploy_refuses_a_failing_build_and_keeps_the_site(project, c, tmp_path):
    target = tmp_path / "www"
    before = old_site(target)
    (project / "content/news/2021-05-04-bad.md").write_text(post("Bad", "2021-02-30"))
    commit(project, "A broken post")
    message = stopped(tasks.deploy, c, [str(target)])
    assert (
        message == "The production build failed: the lines above name the file to fix."
    )
    assert snapshot(target) == before
    assert leftovers(target) == {"site"}


def test_deploy_builds_the_last_commit_once_for_every_target(
    project, c, tmp_path, capsys
):
    first, second = tmp_path / "www", tmp_path / "mirror"
    tasks.deploy(c, [str(first), str(second)], skip_external=True)
    short = run(["git", "log", "-1", "--format=%h"], project).strip()
    epoch = run(["git", "log", "-1", "--format=%ct"], project).strip()
    assert f"Tiny workshop {epoch}" in (first / "index.html").read_text()
    assert snapshot(first) == snapshot(second)
    out = capsys.readouterr().out
    assert "Links to other sites: not checked (--skip-external)." in out
    assert f"Deployed {short} to {first}, {second}." in out
    # Again: both already serve this build, so nothing is deployed.
    tasks.deploy(c, [str(first), str(second)], skip_external=True)
    assert "Deployed" not in capsys.readouterr().out


def test_deploy_checks_links_to_other_sites_unless_told(
    project, c, tmp_path, capsys, other_site
):
    target = tmp_path / "www"
    tasks.deploy(c, [str(target)])
    out = capsys.readouterr().out
    assert "Production build: every internal check passed.\n" in out
    assert "Links to other sites: checked, none broken (0 sites).\n" in out
    # Only what the build wrote, none of the project's own files.
    assert "index.html" in snapshot(target)
    assert not [name for name in snapshot(target) if name.endswith((".py", ".md"))]
    _, dead = other_site
    (project / "content/news/2021-05-06-demo.md").write_text(
        post("Demo", body=f"[Demo]({dead}demo)")
    )
    commit(project, "A link to a site that does not answer")
    message = stopped(tasks.deploy, c, [str(target)])
    assert message.endswith(
        "their links are not checked. To deploy without checking them, "
        "add --skip-external."
    )


def test_deploy_needs_a_target(project, c):
    message = stopped(tasks.deploy, c, [])
    assert message == (
        "Name where to deploy with --target host:/path (or a folder). "
        "The live site on GitHub Pages is deployed by the workflow only."
    )


# --- links to other sites -----------------------------------------------------


@pytest.fixture(scope="module")
def other_site():
    """(the base URL of a live server, a base URL where nothing answers)."""
    with other_sites() as (live, _, dead):
        yield live, dead


def page(folder, name, body, canonical="https://haet2021.github.io/"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    head = f'<link rel="canonical" href="{canonical}{name}">\n' if canonical else ""
    path.write_text(f"{head}<body>{body}</body>")


def test_the_other_sites_are_those_the_pages_link_to(tmp_path):
    page(tmp_path, "index.html",
         '<a href="https://haet2021.github.io/news/">news</a>'
         ' <img src="http://images.example/a.png" alt="">'
         ' <a href="https://docs.example:8443/x?a=1&amp;b=2">docs</a>'
         ' <a href="https://bad.example:port/">bad</a>'
         ' <a href="mailto:chairs@example.org">mail</a>'
         ' <a href="https://iclr.cc/">ICLR</a>')  # fmt: skip
    page(tmp_path, "news/index.html", '<a href="https://iclr.cc/virtual">ICLR</a>')
    (tmp_path / "feed.xml").write_text('<link href="https://feeds.example/"/>')
    assert tasks.external_addresses(tmp_path) == {
        ("images.example", 80),
        ("docs.example", 8443),
        ("iclr.cc", 443),
    }
    assert tasks.external_addresses(tmp_path / "news") == {("iclr.cc", 443)}


def test_the_network_is_reachable_if_any_site_answers(other_site):
    live, dead = other_site
    live_port, dead_port = (int(url.rsplit(":", 1)[1].strip("/")) for url in other_site)
    assert tasks.network_reachable({("127.0.0.1", live_port)})
    assert not tasks.network_reachable({("127.0.0.1", dead_port)}, timeout=1)
    both = {("127.0.0.1", dead_port), ("127.0.0.1", live_port)}
    assert tasks.network_reachable(both, timeout=1)


def checked_project(folder, links):
    """A built site whose one page links to `links`, beside its settings."""
    tiny_project(folder)
    output = folder / "output"
    links = " ".join(f'<a href="{url}">x</a>' for url in links)
    page(output, "index.html", links, canonical=None)
    return output


def test_links_to_other_sites_are_checked(tmp_path, c, other_site, capsys):
    live, _ = other_site
    output = checked_project(tmp_path / "fine", [f"{live}page", f"{live}other"])
    tasks.check_external_links(c, output.parent, output, "Hint.")
    assert "Links to other sites: checked, none broken (1 sites)." in (
        capsys.readouterr().out
    )
    output = checked_project(tmp_path / "gone", [f"{live}page", f"{live}gone/x"])
    message = stopped(tasks.check_external_links, c, output.parent, output, "Hint.")
    assert (
        message == "Links to other sites are broken (listed above): fix or remove them."
    )


def test_no_site_answering_means_the_network_is_down(tmp_path, c, other_site):
    _, dead = other_site
    output = checked_project(tmp_path / "down", [f"{dead}a", f"{dead}b"])
    message = stopped(
        tasks.check_external_links, c, output.parent, output, "Do this later."
    )
    assert message == (
        "The network is unreachable: none of the 1 sites that the pages link to "
        "answers, so their links are not checked. Do this later."
    )


def test_a_checker_that_cannot_run_stops_the_check(tmp_path, c):
    project = tiny_project(tmp_path / "unbuilt")  # no output folder
    message = stopped(tasks.check_external_links, c, project, project / "output", "")
    assert message == "The link checker could not run (see above)."


def test_check_external_on_the_working_copy(project, c, other_site, capsys):
    live, _ = other_site
    tasks.check(c, external=True)
    assert "none broken (0 sites)" in capsys.readouterr().out
    (project / "content/news/2021-05-06-link.md").write_text(
        post("Link", body=f"[Gone]({live}gone/slides)")
    )
    (project / "publishconf.py").write_text(
        TINY_PUBLISH + "SITECHECK_HTTP_LINKS_ALLOWED = [r'^http://127']\n"
    )
    message = stopped(tasks.check, c, True)
    assert message.startswith("Links to other sites are broken")
