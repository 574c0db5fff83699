"""Tasks for organisers: `invoke --list` shows them. Names follow
pelican-quickstart's tasks.py where they overlap."""

import datetime as dt
import html
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from invoke import task
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
# Development rebuilds reuse what did not change: Pelican's content cache, kept
# correct by plugins/build_cache, and sitecheck's pages that passed.
CACHED_BUILD = ["-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"]


def pelican(c, *args, env=None):
    """Run Pelican in its own process, so that a failed build ends with a clear
    message and no global state carries over to the next one."""
    command = [sys.executable, "-m", "pelican", CONFIG["content"], *args]
    with c.cd(str(ROOT)):
        return c.run(shlex.join(command), pty=False, warn=True, env=env or {})


def _exit_on_failure(result):
    if result.failed:
        raise SystemExit(result.exited)


@task
def clean(c):
    """Remove the generated output directory."""
    shutil.rmtree(CONFIG["output"], ignore_errors=True)


@task
def build(c):
    """Build the site for development into output/."""
    _exit_on_failure(pelican(c, "-s", CONFIG["settings_base"]))


@task
def rebuild(c):
    """Build from scratch: delete output/ first."""
    _exit_on_failure(pelican(c, "-d", "-s", CONFIG["settings_base"]))


@task
def regenerate(c):
    """Rebuild automatically whenever content or the theme change."""
    pelican(c, "-r", "-s", CONFIG["settings_base"])


@task
def serve(c):
    """Serve output/ at http://127.0.0.1:8000 (no rebuilds)."""
    pelican(
        c,
        "-l",
        "-s",
        CONFIG["settings_base"],
        "-b",
        CONFIG["host"],
        "-p",
        str(CONFIG["port"]),
    )


PROBLEM_LINE = re.compile(r"\b(WARNING|ERROR|CRITICAL) +(.+?)(?: {2,}\S+\.py:\d+)?$")
ERROR_BANNER = (
    '<div class="build-error" role="alert"><p><strong>The last build failed.</strong>'
    " You are looking at the previous build; fix this and save again:</p>"
    "<pre>{problems}</pre></div>"
)


def problems_in(log):
    """The problems a Pelican log reports, one per line, without decoration."""
    return [f"{m[1]}: {m[2].strip()}" for m in map(PROBLEM_LINE.search,
            log.splitlines()) if m]  # fmt: skip


def show_build_error(output, problems):
    """Put a banner with the problems at the top of every page of the last good
    build, so the organiser sees them in the browser (development only)."""
    banner = ERROR_BANNER.format(problems=html.escape("\n".join(problems)))
    for page in Path(output).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        text = re.sub(r'<div class="build-error".*?</div>', "", text, flags=re.S)
        text = re.sub(r"<body[^>]*>", lambda body: body[0] + banner, text, count=1)
        page.write_text(text, encoding="utf-8")


@task(help={"port": "Port to serve on (default: 8000)."})
def livereload(c, port=CONFIG["port"]):
    """Serve at http://127.0.0.1:8000, rebuilding and reloading on every change."""
    from livereload import Server

    def rebuild_site():
        # A broken edit must not stop the server: keep serving the last good
        # build, with the problems shown at the top of every page.
        result = pelican(c, "-s", CONFIG["settings_base"], "--fatal", "errors",
                         *CACHED_BUILD, env={"COLUMNS": "200"})  # fmt: skip
        if result.failed:
            show_build_error(ROOT / CONFIG["output"],
                             problems_in(result.stdout + result.stderr))  # fmt: skip
            print("\nBuild failed: the message above names the file to fix. "
                  "Still serving the last good build.\n", file=sys.stderr)  # fmt: skip

    rebuild_site()
    server = Server()
    for pattern in (
        "pelicanconf.py",
        f"{CONFIG['content']}/**/*",
        f"{SETTINGS['THEME']}/**/*",
        "plugins/**/*.py",
    ):
        server.watch(str(ROOT / pattern), rebuild_site)
    server.serve(host=CONFIG["host"], port=int(port), root=str(ROOT / CONFIG["output"]))


@task
def preview(c):
    """Build with production settings (publishconf.py) into output/."""
    _exit_on_failure(
        pelican(c, "-s", CONFIG["settings_publish"], "--fatal", "warnings")
    )


def build_for_production(c, output):
    """Build with publishconf.py into `output`; every warning fails the build
    (FRIENDLY_ERRORS_FATAL) and the checker plugin is strict there."""
    _exit_on_failure(pelican(c, "-s", CONFIG["settings_publish"], "-o", str(output)))


def check_external_links(c, output):
    """Check the built site's external links (cached; never during a build)."""
    command = [sys.executable, "-m", "pelican.plugins.sitecheck.external",
               str(output), "--settings", CONFIG["settings_publish"]]  # fmt: skip
    with c.cd(str(ROOT)):
        _exit_on_failure(c.run(shlex.join(command), warn=True))


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
