"""What tests share besides fixtures: building the site, copying the project,
and reading built pages. Imported by name (`from sitetools import ...`), since
several folders of this project have a conftest.py."""

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
# The site the tests check: this project, or a changed copy of it (a new post, a
# moved event) whose own content the same tests then follow.
SITE = Path(os.environ.get("HAET_SITE_ROOT", ROOT)).resolve()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Who commits in the tests' throwaway repositories.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Organiser",
    "GIT_AUTHOR_EMAIL": "organiser@example.org",
    "GIT_COMMITTER_NAME": "Organiser",
    "GIT_COMMITTER_EMAIL": "organiser@example.org",
}


def build_site(
    output, settings=SITE / "pelicanconf.py", content=SITE / "content", *extra,
    fatal="warnings",
):  # fmt: skip
    """Build with Pelican in a subprocess (Pelican keeps global state between
    in-process builds) and return the finished process. Warnings are fatal
    unless `fatal` says otherwise (None: as the settings say)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-s",
            str(settings),
            "-o",
            str(output),
            *(["--fatal", fatal] if fatal else []),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_project(destination):
    """A throwaway copy of the project, for tests that break its content."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in (
        "pelicanconf.py",
        "publishconf.py",
        "tasks.py",
        "content",
        "themes",
        "haet",
    ):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / name)
    return destination


@functools.cache
def _parse(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


def soup(site, page=""):
    """Parse the page a visitor gets at URL path `page` (clean URLs)."""
    path = site / page
    if path.is_dir() or page.endswith("/") or page == "":
        path = path / "index.html"
    return _parse(path)


def html_pages(site):
    return sorted(site.rglob("*.html"))


def page_url(site, page, base=""):
    """The clean URL under `base` of the built file `page` (a path in `site`):
    news/index.html -> {base}/news/, 404.html -> {base}/404.html."""
    path = page.relative_to(site).as_posix()
    return f"{base}/{path.removesuffix('index.html')}"


def settings_of(name="pelicanconf.py", site=None):
    """The settings the site is built with, as Pelican reads them."""
    from pelican.settings import read_settings

    return read_settings(str((site or SITE) / name))


def metadata(path):
    """A Markdown file's metadata, keys lower-cased, read independently of
    Pelican's reader: `Key: value` lines up to the first blank line."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        found[key.strip().lower()] = value.strip()
    return found


def posts(site=None, statuses=("published",)):
    """The announcements of content/news/ that a build now publishes, newest
    first: dicts of their metadata plus `url`, `year`, `tags` (list), `date`
    (YYYY-MM-DD) and `source`; drafts, future posts and (unless `statuses`
    says so) hidden posts left out. "Now" is in the site's TIMEZONE, as
    Pelican compares a post's date."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    site = site or SITE
    zone = ZoneInfo(settings_of(site=site)["TIMEZONE"])
    now = dt.datetime.now(zone)
    found = []
    for path in sorted((site / "content/news").glob("*.md")):
        meta = metadata(path)
        status = meta.get("status", "published").lower()
        when = dt.datetime.fromisoformat(meta["date"])
        if status not in statuses or when.replace(tzinfo=when.tzinfo or zone) > now:
            continue
        date = meta["date"][:10]
        slug = meta.get("slug") or path.stem[len("YYYY-MM-DD-") :]
        found.append({
            **meta,
            "source": path,
            "date": date,
            "datetime": meta["date"],
            "year": date[:4],
            "tags": [t.strip() for t in meta.get("tags", "").split(",") if t.strip()],
            "url": f"news/{date[:4]}/{slug}/",
        })  # fmt: skip
    return sorted(found, key=lambda post: post["datetime"], reverse=True)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _OtherSites(http.server.BaseHTTPRequestHandler):
    """Every site the pages link to: /gone/... is gone (404), the rest is live."""

    requested = None  # set per server: the paths asked for

    def do_HEAD(self):  # noqa: N802 (http.server's name)
        self.requested.append(self.path)
        self.send_response(404 if self.path.startswith("/gone/") else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def other_sites():
    """Serve the other sites on 127.0.0.1; yield (the live server's base URL,
    the paths it was asked for, a base URL where nothing answers)."""
    requested = []
    handler = type("Handler", (_OtherSites,), {"requested": requested})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield (
            f"http://127.0.0.1:{server.server_address[1]}/",
            requested,
            f"http://127.0.0.1:{free_port()}/",
        )
    finally:
        server.shutdown()
        server.server_close()
