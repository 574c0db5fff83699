"""Tasks for organisers: `invoke --list` shows them. Names follow
pelican-quickstart's tasks.py where they overlap."""

import datetime as dt
import json
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import Exit, task
from pelican.settings import DEFAULT_CONFIG, get_settings_from_file
from pelican.utils import slugify

ROOT = Path(__file__).resolve().parent
SETTINGS = {**DEFAULT_CONFIG, **get_settings_from_file(str(ROOT / "pelicanconf.py"))}
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
# Development builds go on after an error, then exit non-zero (plugins/findings).
STOP_AFTER_ERRORS = ["-e", 'FINDINGS_FATAL="errors"']


def pelican(c, *args, env=None):
    """Run Pelican in its own process, so that a failed build ends with a clear
    message and no global state carries over to the next one."""
    command = [sys.executable, "-m", "pelican", CONFIG["content"], *LOG_HANDLER, *args]
    with c.cd(str(ROOT)):
        return c.run(shlex.join(command), pty=False, warn=True, env=env or {})


def _exit_on_failure(result):
    if result.failed:
        raise Exit(code=result.exited)


def _port_or_exit(action):
    """Run action() (a server); a busy port is one clear line, not a traceback."""
    import devserver  # noqa: PLC0415 (only the serving tasks need it)

    try:
        action(devserver)
    except devserver.PortBusy as error:
        raise Exit(str(error)) from None


@task
def clean(c):
    """Remove the generated output directory, output/.

    The development server keeps its builds elsewhere and goes on serving."""
    shutil.rmtree(CONFIG["output"], ignore_errors=True)


@task
def build(c):
    """Build for development into output/; exits non-zero after an error."""
    _exit_on_failure(pelican(c, "-s", CONFIG["settings_base"], *STOP_AFTER_ERRORS))


@task
def rebuild(c):
    """Build from scratch: delete output/ first."""
    _exit_on_failure(
        pelican(c, "-d", "-s", CONFIG["settings_base"], *STOP_AFTER_ERRORS)
    )


@task
def regenerate(c):
    """Rebuild output/ on every save; a broken edit does not stop it."""
    _port_or_exit(
        lambda server: server.regenerate(
            ROOT / CONFIG["settings_base"], ROOT / CONFIG["output"]
        )
    )


@task(help={"port": "Port to serve on (default: 8000)."})
def serve(c, port=CONFIG["port"]):
    """Serve output/ as it is at http://127.0.0.1:8000 (no rebuilds)."""
    _port_or_exit(
        lambda server: server.serve_folder(
            ROOT / CONFIG["output"], CONFIG["host"], port
        )
    )


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
    import devserver  # noqa: PLC0415

    address = f"http://{CONFIG['host']}:{port}"
    server = None
    try:
        server = devserver.make_server(CONFIG["host"], port, None, live=False)
    except devserver.PortBusy as error:
        raise Exit(str(error)) from None
    with tempfile.TemporaryDirectory(prefix="haet-preview-") as output:
        result = pelican(c, "-s", CONFIG["settings_publish"], "-o", output, "-e",
                         f"SITEURL={json.dumps(address)}",
                         f"FEED_DOMAIN={json.dumps(address)}")  # fmt: skip
        if result.failed:
            server.server_close()
            raise Exit("The production build failed (see above); nothing to preview.")
        server.RequestHandlerClass.site = devserver.Site(output)
        print(f"Previewing the production build at {address}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


def build_for_production(c, output):
    """Build with publishconf.py into `output`; every warning fails the build
    (FINDINGS_FATAL) and the checker plugin is strict there."""
    _exit_on_failure(pelican(c, "-s", CONFIG["settings_publish"], "-o", str(output)))


def check_external_links(c, output):
    """Check the built site's external links (cached; never during a build)."""
    command = [sys.executable, "-m", "sitecheck.external", str(output),
               "--settings", CONFIG["settings_publish"]]  # fmt: skip
    with c.cd(str(ROOT)):
        _exit_on_failure(c.run(shlex.join(command), env={"PYTHONPATH": "plugins"},
                               warn=True))  # fmt: skip


@task(help={"external": "Also check links to other sites (needs the network)."})
def check(c, external=False):
    """Build with production settings into a temporary folder and check it."""
    with tempfile.TemporaryDirectory(prefix="haet-check-") as output:
        build_for_production(c, output)
        if external:
            check_external_links(c, output)
    print("Site checks passed.")


@task(
    help={
        "sizes": "Numbers of announcements, comma-separated (default: 1000,5000).",
        "runs": "Builds of each kind per size; medians are shown (default: 3).",
    }
)
def bench(c, sizes="1000,5000", runs=3):
    """Time our build against bare Pelican, and a livereload rebuild."""
    command = [sys.executable, "benchmarks/build.py", "--sizes",
               *sizes.replace(",", " ").split(), "--runs", str(runs)]  # fmt: skip
    with c.cd(str(ROOT)):
        _exit_on_failure(c.run(shlex.join(command), warn=True))


@task(help={"title": "The announcement's title, in quotes."})
def new(c, title):
    """Write a dated announcement skeleton: invoke new "Title"."""
    now = dt.datetime.now(ZoneInfo(SETTINGS["TIMEZONE"]))
    slug = slugify(title, regex_subs=SETTINGS["SLUG_REGEX_SUBSTITUTIONS"])
    if not slug:
        raise SystemExit(f"Cannot make a file name from the title {title!r}.")
    path = CONFIG["news"] / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise SystemExit(f"{path} already exists; choose another title or edit it.")
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
    print(f"Wrote {path}")


@task(
    help={
        "external": "Check links to other sites first (default: yes).",
        "remote": "Git remote to push the gh-pages branch to (default: origin).",
        "branch": "Branch that holds the published site (default: gh-pages).",
        "rsync": "Also copy the site to this rsync target, e.g. host:/var/www/haet.",
    }
)
def publish(c, external=True, remote="origin", branch="gh-pages", rsync=None):
    """Build and check in a temporary folder; deploy only if all passes."""
    with tempfile.TemporaryDirectory(prefix="haet-publish-") as output:
        build_for_production(c, output)
        if external:
            check_external_links(c, output)
        # Only a site that passed every check gets here: the deployment changes
        # in one commit (and one rsync), never with a half-built site.
        command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "--push",
                   "--remote", remote, "--branch", branch,
                   "--message", "Publish the site", output]  # fmt: skip
        with c.cd(str(ROOT)):
            if c.run(shlex.join(command), warn=True).failed:
                raise SystemExit(f"Publishing to {remote}/{branch} failed (see above).")
        if rsync:
            command = ["rsync", "-rlz", "--checksum", "--delete", f"{output}/", rsync]
            _exit_on_failure(c.run(shlex.join(command), warn=True))
    print(f"Published to {remote}/{branch}" + (f" and {rsync}" if rsync else "") + ".")
