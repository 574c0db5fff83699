"""Tasks for organisers: `invoke --list` shows them. Names follow
pelican-quickstart's tasks.py where they overlap."""

import contextlib
import datetime as dt
import json
import os
import shlex
import shutil
import sys
import traceback
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit, task
from pelican.settings import DEFAULT_CONFIG, get_settings_from_file
from pelican.utils import slugify

ROOT = Path(__file__).resolve().parent


def read_settings(name, root=ROOT):
    """A settings file's values; a mistake in it is one line naming its line."""
    path = Path(root) / name
    try:
        return {**DEFAULT_CONFIG, **get_settings_from_file(str(path))}
    except Exception as error:  # noqa: BLE001 (any mistake in the file)
        line = (
            getattr(error, "lineno", None) if isinstance(error, SyntaxError) else None
        )
        for frame in traceback.extract_tb(error.__traceback__):
            if Path(frame.filename).resolve() == path:
                line = frame.lineno
        where = f"{name}:{line}" if line else name
        sys.exit(f"{where}: {type(error).__name__}: {error} (fix: correct this line)")


SETTINGS = read_settings("pelicanconf.py")
CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "content": SETTINGS["PATH"],
    "output": SETTINGS["OUTPUT_PATH"],
    "news": ROOT / SETTINGS["PATH"] / SETTINGS["ARTICLE_PATHS"][0],
    "host": "127.0.0.1",
    "port": 8000,
}
# When the output is not a terminal (CI, `| tee`, an editor), one line per record.
LOG_HANDLER = [] if sys.stdout.isatty() else ["--log-handler", "plain"]
# Pelican's log (stderr) and its annotations (stdout) through one pipe, in order:
# invoke copies two pipes by chunks, which could split a line between them.
ONE_STREAM = " 2>&1"
# Development builds go on after an error, then exit non-zero (haet/findings.py).
STOP_AFTER_ERRORS = ["-e", 'FINDINGS_FATAL="errors"']


def pelican(c, *args, folder=ROOT, env=None):
    """Run Pelican on the project in `folder` in its own process, so that a
    failed build ends with a clear message and no global state carries over."""
    command = [sys.executable, "-m", "pelican", CONFIG["content"], *LOG_HANDLER, *args]
    return run_in(c, folder, command, env)


def _exit_on_failure(result):
    if result.failed:
        raise Exit(code=result.exited)


def _port_or_exit(action):
    """Run action() (a server); a busy port is one clear line, not a traceback."""
    from haet import devserver  # noqa: PLC0415 (only the serving tasks need it)

    try:
        action(devserver)
    except devserver.PortBusy as error:
        raise Exit(str(error)) from None


@task
def clean(c):
    """Remove the generated output directory, output/.

    The development server keeps its builds elsewhere and goes on serving."""
    shutil.rmtree(ROOT / CONFIG["output"], ignore_errors=True)


@task
def build(c):
    """Build for development into output/; exits non-zero after an error."""
    _exit_on_failure(pelican(c, "-s", CONFIG["settings_base"], *STOP_AFTER_ERRORS))


@task(help={"port": "Port to serve on (default: 8000)."})
def livereload(c, port=CONFIG["port"]):
    """Serve at http://127.0.0.1:8000, rebuilding and reloading on every save.

    Every problem the build finds is shown at the top of every page."""
    _port_or_exit(
        lambda server: server.livereload(
            ROOT / CONFIG["settings_base"], CONFIG["host"], port
        )
    )


@task(help={"port": "Port to serve on (default: 8001, beside livereload's)."})
def preview(c, port=CONFIG["port"] + 1):
    """Build with production settings and serve it at http://127.0.0.1:8001.

    The build goes into a folder of its own, with the local address as
    SITEURL, so the site looks as it will when published."""
    from haet import devserver  # noqa: PLC0415

    read_settings(CONFIG["settings_publish"])  # a mistake in it: one line
    address = f"http://{CONFIG['host']}:{port}"
    server = None
    try:
        server = devserver.make_server(CONFIG["host"], port, None, live=False)
    except devserver.PortBusy as error:
        raise Exit(str(error)) from None
    with devserver.workspace("preview") as output:
        result = pelican(
            c,
            "-s",
            CONFIG["settings_publish"],
            "-o",
            str(output),
            "-e",
            f"SITEURL={json.dumps(address)}",
            f"FEED_DOMAIN={json.dumps(address)}",
        )
        if result.failed:
            server.server_close()
            raise Exit("The production build failed (see above); nothing to preview.")
        server.RequestHandlerClass.site = devserver.Site(output)
        devserver.serve_until_stopped(
            server, f"Previewing the production build at {address}/"
        )


# --- Checks and deployment (README, "Publishing") ---------------------------------
# The live site is GitHub Pages: .github/workflows/site.yml runs
# `invoke deploy` and hands its folder, _site/, to the Pages actions.

SKIP_EXTERNAL = "--skip-external"


def stop(message):
    """End the task with one line and no traceback; on GitHub, also in the job
    summary (the findings themselves are annotations already)."""
    add_to_job_summary(f"**Stopped:** {message}")
    raise Exit(message, code=1)


def summarise(line):
    """Print a step's outcome; on GitHub, add it to the job summary."""
    print(line, flush=True)
    add_to_job_summary(line)


def add_to_job_summary(markdown):
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as file:
            file.write(markdown + "\n\n")


def run_in(c, folder, command, env=None):
    """Run `command` (a list) in `folder`, its output shown as it comes."""
    with c.cd(str(folder)):
        return c.run(
            shlex.join(command) + ONE_STREAM, warn=True, pty=False, env=env or {}
        )


def production_build(c, source, output, epoch=None):
    """Build `source` (a project folder) with publishconf.py into `output`; every
    warning fails it (FINDINGS_FATAL). `epoch` (SOURCE_DATE_EPOCH) dates what
    the content does not."""
    for name in (CONFIG["settings_base"], CONFIG["settings_publish"]):
        read_settings(name, source)  # the files built (a commit's): one line
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch else {}
    settings = ["-s", CONFIG["settings_publish"], "-o", str(output)]
    if pelican(c, *settings, folder=source, env=env).failed:
        stop("The production build failed: the lines above name the file to fix.")


def check_external_links(c, source, output):
    """Check the links to other sites (pelican-sitecheck); stop if one is
    broken, or if no other site answers (then the network is down)."""
    command = [
        sys.executable,
        "-m",
        "pelican.plugins.sitecheck",
        str(output),
        "--settings",
        CONFIG["settings_publish"],
        "--external",
    ]
    result = run_in(c, source, command)
    if result.exited == 1:
        stop("Links to other sites are broken (listed above): fix or remove them.")
    if result.exited == 3:
        stop(f"No other site answers: the network is down. Later, or {SKIP_EXTERNAL}.")
    if result.failed:
        stop("The link checker could not run (see above).")
    summarise("Links to other sites: checked, none broken.")


@task(help={"external": "Also check links to other sites (needs the network)."})
def check(c, external=False):
    """Build the working copy with production settings into a temporary folder
    and run every check (`invoke deploy` builds the last commit instead); stop
    (exit code 1) at the first that fails."""
    from haet.devserver import workspace  # noqa: PLC0415

    with workspace("check") as output:
        production_build(c, ROOT, output)
        if external:
            check_external_links(c, ROOT, output)
    print("Site checks passed.")


@task(help={"title": "The announcement's title, in quotes."})
def new(c, title):
    """Write a dated announcement skeleton: invoke new "Title"."""
    if title.startswith("-"):  # invoke reads `invoke new --help` as a title
        raise Exit(f"No announcement is titled {title!r}; for help: invoke --help new")
    path, draft_url = write_announcement(title)
    base = livereload_address()
    print(
        f"Wrote {path.relative_to(ROOT)} (a draft).\n"
        f"While `invoke livereload` runs, it is at {base}{draft_url}\n"
        f"and every draft is listed at {base}drafts/"
    )


def write_announcement(title, now=None):
    """Write content/news/YYYY-MM-DD-slug.md, a draft dated `now` (default:
    the site's time now); return its path and its address in the site."""
    now = now or dt.datetime.now(ZoneInfo(SETTINGS["TIMEZONE"]))
    slug = slugify(title, regex_subs=SETTINGS["SLUG_REGEX_SUBSTITUTIONS"])
    if not slug:
        raise Exit(f"Cannot make a file name from the title {title!r}.")
    path = CONFIG["news"] / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise Exit(f"{path} already exists; choose another title or edit it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Title: {title}\n"
        f"Date: {now:%Y-%m-%d %H:%M}\n"
        f"Slug: {slug}\n"
        "Tags: \n"
        "Summary: One sentence for the news list and the feeds.\n"
        "Status: draft\n"
        "\n"
        "Write the announcement here, in Markdown. Link to pages with\n"
        "[the schedule]({filename}/pages/50-schedule.md).\n"
        "\n"
        "Delete the Status line above when it is ready to publish.\n",
        encoding="utf-8",
    )
    return path, SETTINGS["DRAFT_URL"].format(slug=slug, date=now)


def livereload_address():
    """Where `invoke livereload` serves (it notes its address while it runs),
    else where it serves by default."""
    from haet import devserver  # noqa: PLC0415

    noted = ROOT / devserver.ADDRESS_FILE
    with contextlib.suppress(OSError):
        return noted.read_text(encoding="utf-8").strip()
    return f"http://{CONFIG['host']}:{CONFIG['port']}/"


def git(c, *args):
    return c.run(shlex.join(["git", "-C", str(ROOT), *args]), hide=True, warn=True)


def export_head(c, destination):
    """Write the files of the last commit (HEAD) into `destination`, say what
    the working copy has that it does not, and return (commit, its time)."""
    head = git(c, "log", "-1", "--format=%H%n%h%n%ct%n%s")
    if head.failed:
        stop(
            f"Only a commit can be deployed, and git finds none: {head.stderr.strip()}"
        )
    full, commit, epoch, subject = head.stdout.split("\n", 3)
    summarise(f"Deploying commit {commit} ({subject.strip()}).")
    status = git(c, "status", "--porcelain", "--untracked-files=all")
    if status.failed:
        stop(f"git status failed: {status.stderr.strip()}")
    left_out = [
        f"{line[3:]} ({'untracked' if line.startswith('??') else 'not committed'})"
        for line in status.stdout.splitlines()
    ]
    if left_out:
        summarise("Left out, because not committed: " + ", ".join(left_out) + ".")
    Path(destination).mkdir(parents=True)
    archive = shlex.join(["git", "-C", str(ROOT), "archive", "--format=tar", full])
    unpack = shlex.join(["tar", "-x", "-C", str(destination)])
    if c.run(f"set -o pipefail; {archive} | {unpack}", warn=True).failed:
        stop("Could not export the last commit (see above).")
    return commit, int(epoch)


@task(
    help={
        "output": "The folder to write the checked site to (default: _site).",
        "skip-external": "Do not check links to other sites (when the network is "
        "down).",
    },
)
def deploy(c, output="_site", skip_external=False):
    """Build the last commit with production settings and every check into
    OUTPUT, which GitHub Pages publishes (README: another host is one rsync)."""
    from haet.devserver import workspace  # noqa: PLC0415

    destination = (ROOT / output).resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Beside the destination, so the finished site is renamed into place.
    with workspace("deploy", destination.parent) as work:
        source, built = work / "source", work / "site"
        commit, epoch = export_head(c, source)
        production_build(c, source, built, epoch)
        summarise("Production build: every internal check passed.")
        if skip_external:
            summarise(f"Links to other sites: not checked ({SKIP_EXTERNAL}).")
        else:
            check_external_links(c, source, built)
        shutil.rmtree(destination, ignore_errors=True)
        built.rename(destination)  # whole or not at all
    summarise(f"Commit {commit}: built and checked into {output}/.")
