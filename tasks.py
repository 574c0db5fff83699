"""Tasks for organisers: `invoke --list` shows them. Names follow
pelican-quickstart's tasks.py where they overlap."""

import datetime as dt
import shlex
import shutil
import sys
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


def pelican(c, *args):
    """Run Pelican in its own process, so that a failed build ends with a clear
    message and no global state carries over to the next one."""
    command = [sys.executable, "-m", "pelican", CONFIG["content"], *args]
    with c.cd(str(ROOT)):
        return c.run(shlex.join(command), pty=False, warn=True)


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


@task
def livereload(c):
    """Serve at http://127.0.0.1:8000, rebuilding and reloading on every change."""
    from livereload import Server

    def rebuild_site():
        # A broken edit must not stop the server: report it and keep serving
        # the last good build until the organiser fixes the file.
        result = pelican(c, "-s", CONFIG["settings_base"], "--fatal", "errors")
        if result.failed:
            print(
                "\nBuild failed: the message above names the file to fix. "
                "Still serving the last good build.\n",
                file=sys.stderr,
            )

    rebuild_site()
    server = Server()
    for pattern in (
        "pelicanconf.py",
        f"{CONFIG['content']}/**/*",
        f"{SETTINGS['THEME']}/**/*",
        "plugins/**/*.py",
    ):
        server.watch(pattern, rebuild_site)
    server.serve(host=CONFIG["host"], port=CONFIG["port"], root=CONFIG["output"])


@task
def preview(c):
    """Build with production settings (publishconf.py) into output/."""
    _exit_on_failure(
        pelican(c, "-s", CONFIG["settings_publish"], "--fatal", "warnings")
    )


@task
def check(c):
    """Build with production settings into a temporary folder and check it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="haet-check-") as output:
        _exit_on_failure(
            pelican(
                c, "-s", CONFIG["settings_publish"], "-o", output, "--fatal", "warnings"
            )
        )
    print("Site checks passed.")


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


@task
def publish(c):
    """Build with production settings, check, and deploy to gh-pages."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="haet-publish-") as output:
        _exit_on_failure(
            pelican(
                c, "-s", CONFIG["settings_publish"], "-o", output, "--fatal", "warnings"
            )
        )
        _exit_on_failure(
            c.run(
                shlex.join(["ghp-import", "-n", "-m", "Publish the site", output]),
                warn=True,
            )
        )
    print("Published to the gh-pages branch; push it to deploy.")
