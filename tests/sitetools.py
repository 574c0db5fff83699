"""What tests share besides fixtures: building the site, copying the project,
reading built pages and content, and a changed copy of the project."""

import contextlib
import datetime as dt
import functools
import http.server
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import types
from pathlib import Path
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
# The site the tests check: this project, or a changed copy of it (a new post, a
# moved event) whose own content the same tests then follow.
SITE = Path(os.environ.get("HAET_SITE_ROOT", ROOT)).resolve()
# In the names and titles of the posts tests add: whatever the organisers have
# posted, none of them takes an address the tests' posts would use.
TOKEN = secrets.token_hex(3)
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
    output,
    settings=SITE / "pelicanconf.py",
    content=SITE / "content",
    *extra,
    fatal="warnings",
    env=None,
    prefix=(),
):
    """Build with Pelican in a subprocess (Pelican keeps global state between
    in-process builds) and return the finished process. Warnings are fatal
    unless `fatal` says otherwise (None: as the settings say); `env` adds to
    the environment (e.g. SITE_TODAY); `prefix` runs Pelican under a command
    (e.g. faketime)."""
    command = [*prefix, sys.executable, "-m", "pelican", str(content)]
    command += ["-s", str(settings), "-o", str(output)]
    command += [*(["--fatal", fatal] if fatal else []), *extra]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, env=environment
    )


def copy_project(destination, source=None):
    """A throwaway copy of the project (of SITE unless `source` says), for
    tests that change its content."""
    source = Path(source or SITE)
    destination.mkdir(parents=True, exist_ok=True)
    names = ("pelicanconf.py", "publishconf.py", "tasks.py", "content", "themes")
    for name in (*names, "haet"):
        if (source / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source / name, destination / name, ignore=ignore)
        else:
            shutil.copy2(source / name, destination / name)
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
    """The announcements of content/news/ as a build now makes them, newest
    first: each file read by Pelican's own reader with the site's settings
    (so its address, slug, date and status are Pelican's: a post dated in the
    future is a draft), as dicts of its metadata as typed plus `url`, `status`,
    `slug`, `year`, `tags` (list), `tag_urls` ({tag: its page}), `date`
    (YYYY-MM-DD), `datetime` and `source`; only posts of `statuses`."""
    news = Path(site or SITE) / "content/news"
    # Read again when a file changed, or a minute passed (a post may fall due).
    files = tuple((p, p.stat().st_mtime_ns) for p in sorted(news.rglob("*.md")))
    found = [
        post
        for post in _read_posts(Path(site or SITE), files, int(time.time() // 60))
        if post["status"] in statuses
    ]
    return sorted(found, key=lambda post: post["datetime"], reverse=True)


def read(site, paths, kind="Article"):
    """Content files as Pelican reads them with the site's settings:
    {path: Article or Page}."""
    from pelican import contents
    from pelican.readers import Readers

    settings = settings_of(site=site)
    readers, context = Readers(settings), {"generated_content": {}}
    return {
        path: readers.read_file(
            settings["PATH"],
            str(path.relative_to(settings["PATH"])),
            getattr(contents, kind),
            context=context,
        )
        for path in paths
    }


@functools.cache
def _read_posts(site, files, minute):
    found = []
    for path, article in read(site, [path for path, _ in files]).items():
        tags = getattr(article, "tags", [])
        found.append(
            {
                **metadata(path),
                "source": path,
                "status": article.status,
                "slug": article.slug,
                "url": article.url,
                "date": f"{article.date:%Y-%m-%d}",
                "datetime": article.date.isoformat(),
                "year": f"{article.date:%Y}",
                "tags": [str(tag) for tag in tags],
                "tag_urls": {str(tag): tag.url for tag in tags},
            }
        )
    return found


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


# --- What the project says: its data, as the site's own code reads it ---------


def workshop(site=None, today=None):
    """The project's content/data/ read by haet.data (phase as of `today`)."""
    from haet.data import load_workshop

    return load_workshop(Path(site or SITE) / "content/data", today)


def data(name, site=None):
    """One data file as plain YAML: what an organiser typed."""
    import yaml

    path = Path(site or SITE) / "content/data" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def text(node):
    """A node's text as a reader sees it, compared with `plain`."""
    return plain(node.get_text(" "))


def plain(typed):
    """Text with its spaces collapsed and its quotes straight."""
    for curly, straight in zip("‘’“”", "''\"\"", strict=True):
        typed = typed.replace(curly, straight)
    return " ".join(typed.split())


# --- A changed copy of the project: fixtures the tests write themselves ---------

# A keynote speaker who replaces the first one in the changed copy.
NEW_SPEAKER = {
    "id": "example",
    "name": "Ada Example",
    "affiliation": "Example University",
    "talk": "Training on a Budget",
    "summary": "A talk given only in the tests' copy of the site.",
}
# The event moves a year and a week on (another weekday and day of the month),
# and its times by SHIFT.
MOVE, DAYS = dt.timedelta(days=372), ("date", "proceedings_date")
SHIFT = dt.timedelta(hours=-3, minutes=-15)
HOSTILE = '<script>alert(1)</script><b onmouseover="x()">Bold</b> & "quoted"'
ORGANISER = "Eve O'Brien </script><!-- Example"
POST = (
    "Title: {title}\nDate: {date:%Y-%m-%d %H:%M}\n{more}Summary: {title}.\n\n{body}\n"
)


def edit_yaml(path, change):
    import yaml

    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(change(entries), allow_unicode=True), "utf-8")


def other(name, value):
    """Another value for a field of submission.yaml or challenge.yaml."""
    if name == "review":
        return next(kind for kind in ("open", "double-blind") if kind != value)
    if isinstance(value, int):
        return value + 3
    if name.endswith("url"):
        return f"https://example.org/{name}"
    return f"Example {name.replace('_', ' ')}"


def shifted(clock, by=SHIFT):
    moment = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(clock))
    assert (moment + by).date() == moment.date(), f"{clock} leaves the day"
    return f"{moment + by:%H:%M}"


def move_event(project):
    """The changed copy's data: the event a year on at other times, its first
    speaker replaced and its last dropped, a paper that no ranking names
    withdrawn, the papers' format and the challenge changed in every field."""
    folder = project / "content/data"
    ranked = {entry["paper"] for entry in data("ranking", project)}
    speakers = data("speakers", project)
    first, last = speakers[0]["id"], speakers[-1]["id"]

    def event(entry):
        entry["start"], entry["end"] = shifted(entry["start"]), shifted(entry["end"])
        entry["date"], entry["proceedings_date"] = (entry[d] + MOVE for d in DAYS)
        return entry

    def schedule(slots):
        for slot in slots:
            slot["start"], slot["end"] = shifted(slot["start"]), shifted(slot["end"])
            if slot.get("speaker") == first:
                slot["speaker"] = NEW_SPEAKER["id"]
        return [slot for slot in slots if slot.get("speaker") != last]

    def papers(entries):
        withdrawn = next(p for p in entries if p["id"] not in ranked)
        return [p for p in entries if p is not withdrawn]

    edit_yaml(folder / "event.yaml", event)
    edit_yaml(folder / "schedule.yaml", schedule)
    edit_yaml(folder / "speakers.yaml", lambda entries: [NEW_SPEAKER, *entries[1:-1]])
    edit_yaml(folder / "papers.yaml", papers)
    for name in ("submission", "challenge"):
        edit_yaml(
            folder / f"{name}.yaml",
            lambda entry: {k: other(k, v) for k, v in entry.items()},
        )
    # An organiser whose name holds markup: shown as text, in JSON-LD too.
    edit_yaml(
        folder / "organisers.yaml",
        lambda people: [
            *people,
            {"name": ORGANISER, "affiliation": "Example <b>Lab</b>"},
        ],
    )


def write_fixtures(project):
    """Copy the project to `project`, change its data (move_event), write news
    (a draft, a hidden post, a post dated in the future, each with a tag of its
    own; a post with a hostile title; a modified post in a file named without a
    date, with a decorative image), run `invoke new` twice; build it with an
    image lacking alt text (the development and production logs), then without.
    Returns what it made, the logs and both good builds."""
    copy_project(project)
    move_event(project)
    now = dt.datetime.now(ZoneInfo(settings_of(site=project)["TIMEZONE"]))
    now, day = now.replace(second=0, microsecond=0), dt.timedelta(days=1)

    def write(name, title, date, more="", body="Ready soon."):
        path = project / "content/news" / name.format(date)
        path.write_text(POST.format(title=title, date=date, more=more, body=body))
        return path

    for name, days in {"draft": -1, "hidden": -1, "future": 30}.items():
        status = "published" if name == "future" else name
        more = f"Status: {status}\nTags: brand-new-{name}, challenge\n"
        title = f"Early {name} {TOKEN}"
        write(f"{{:%Y-%m-%d}}-early-{name}-{TOKEN}.md", title, now + days * day, more)
    write(
        f"{{:%Y-%m-%d}}-hostile-{TOKEN}.md",
        HOSTILE,
        now - 2 * day,
        f"Slug: hostile-{TOKEN}\n",
    )
    decorative = '<img src="{static}/images/social-card.png" alt=""'
    decorative += ' width="600" height="315">'
    modified = f"Modified: {now - 2 * day:%Y-%m-%d %H:%M}\n"
    write(
        f"our-banner-{TOKEN}.md",
        f"Our banner {TOKEN}",
        now - 3 * day,
        modified,
        decorative,
    )
    invoke = [
        Path(sys.executable).parent / "invoke",
        "new",
        f"Volunteers wanted {TOKEN}",
    ]
    invoked = [
        subprocess.run(invoke, cwd=project, capture_output=True, text=True, check=False)
        for _ in range(2)
    ]
    image = "Our banner:\n\n![]({static}/images/social-card.png)"
    omitted = write(
        f"{{:%Y-%m-%d}}-omitted-{TOKEN}.md",
        f"Omitted {TOKEN}",
        now - 4 * day,
        body=image,
    )
    logs = {}
    for when in ("omitted", "final"):
        for settings in ("pelicanconf.py", "publishconf.py"):
            logs[when, settings] = build_site(
                project.parent / f"{when}-{settings}",
                project / settings,
                project / "content",
                *("--log-handler", "plain"),
                fatal=None if when == "omitted" else "warnings",
            )
            assert when == "omitted" or logs[when, settings].returncode == 0, (
                logs[when, settings].stdout + logs[when, settings].stderr
            )
        omitted.unlink(missing_ok=True)
    return types.SimpleNamespace(
        project=project,
        dev=project.parent / "final-pelicanconf.py",
        prod=project.parent / "final-publishconf.py",
        old=workshop(),
        new=workshop(project),
        omitted=omitted,
        invoked=invoked,
        logs=logs,
    )
