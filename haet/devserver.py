"""The development server of `invoke livereload`: build, serve, rebuild on save.

- One process: Pelican runs in it (as `pelican --autoreload` does), a new
  instance per build from settings read once (again when the settings file
  changes), so a rebuild costs only Pelican's own work.
- Every build goes into a fresh folder; the server switches to it only when
  the build completed, so it keeps answering while a build runs, never serves
  a page that the build did not write, and `invoke clean` cannot break it.
- Pages are served with a reload script and, when the build found problems, a
  banner drawn from the build's findings (haet/findings.py), both injected at
  serve time as same-origin files that the site's Content-Security-Policy
  (`'self'`) allows.
"""

import contextlib
import dataclasses
import datetime as dt
import errno
import html
import http.server
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import jinja2
import watchfiles
from pelican import Pelican
from pelican import log as pelican_log
from pelican.settings import read_settings

from . import findings
from .findings import describe, location

logger = logging.getLogger("devserver")
PREFIX = "/__devserver/"
# watchfiles yields a change once no other came for STEP ms (an editor's save
# is several events), and at the latest after DEBOUNCE ms.
STEP_MS, DEBOUNCE_MS = 10, 200
# Where livereload notes its address while it runs (in the project), so that
# `invoke new` prints the draft's address on the port actually served.
ADDRESS_FILE = ".livereload-address"
# Seconds without a new build after which an events stream sends a comment:
# nothing between browser and server drops it as idle, and a stream whose
# browser left is noticed (writing fails) and its thread freed.
KEEPALIVE_S = 5
# Open pages (event streams) served at once; more get 503 and retry.
MAX_STREAMS = 64

RELOAD_JS = """\
// Reloads the page when the development server has a newer build.
const build = document.currentScript.dataset.build;
new EventSource("/__devserver/events").onmessage = (event) => {
  if (event.data !== build) location.reload();
};
"""
BANNER_CSS = """\
.devserver-banner { position: sticky; bottom: 0; z-index: 2147483647;
  box-sizing: border-box; max-height: 40vh; overflow: auto; margin: 0;
  padding: 0.75rem 1rem;
  font: 1rem/1.4 system-ui, sans-serif; color: #3b2300; background: #fff4e5;
  border-top: 3px solid #b45309; }
.devserver-banner[data-state="stopped"] { color: #450a0a; background: #fde8e8;
  border-color: #b91c1c; }
.devserver-banner p, .devserver-banner ol { margin: 0.25rem 0; }
.devserver-banner ol { padding-left: 1.5rem; }
.devserver-banner code { font-family: ui-monospace, monospace;
  overflow-wrap: anywhere; }
"""


class PortBusy(Exception):
    pass


class Restart(Exception):  # noqa: N818 (not an error)
    """The site's code changed: the server starts again, in a new process."""


@dataclasses.dataclass
class Build:
    number: int
    finished: dt.datetime
    seconds: float
    folder: Path
    findings: list
    stopped_by: dict | None = None

    @property
    def time(self):
        return f"{self.finished:%H:%M:%S}"


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates, kept in memory from one build to the next; Jinja
    compares each template's source checksum, so an edited one is compiled
    again."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class Builder:
    """Builds the site in this process, each time into a fresh folder under
    `workdir`."""

    def __init__(self, settings_file, workdir, overrides=None):
        self.settings_file = str(settings_file)
        self.root = Path(settings_file).resolve().parent
        self.workdir = Path(workdir)
        self.overrides = overrides or {}
        self.settings = None
        self.count = 0
        self.templates = TemplateCache()

    def reload_settings(self):
        self.settings = None

    def read_settings(self):
        """The settings, and Jinja's bytecode cache (a public Jinja API, through
        Pelican's JINJA_ENVIRONMENT): templates are compiled once, not at every
        build, and again when they change."""
        settings = read_settings(self.settings_file, self.overrides)
        settings["JINJA_ENVIRONMENT"] = {
            **settings["JINJA_ENVIRONMENT"],
            "bytecode_cache": self.templates,
        }
        return settings

    def build(self):
        """Build once; return the Build."""
        self.count += 1
        started = time.perf_counter()
        self.workdir.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{self.count}-", dir=self.workdir))
        findings.start_build()  # also when the settings fail to load
        # Pelican logs a warning once per process: forget the last build's, so
        # each rebuild reports every problem (and LOG_FILTER still applies;
        # README, "Reach").
        pelican_log.LimitFilter._raised_messages.clear()  # noqa: SLF001
        pelican_log.LimitFilter._group_count.clear()  # noqa: SLF001
        stopped_by = None
        try:
            if self.settings is None:
                self.settings = self.read_settings()
            Pelican({**self.settings, "OUTPUT_PATH": str(folder)}).run()
        except Exception as error:  # noqa: BLE001 (a bad edit must not stop us)
            settings = self.settings or {
                "PATH": str(self.root / "content"),
                "THEME": ".",
            }
            stopped_by = findings.from_exception(error, settings)
            findings.report(stopped_by)
        return Build(
            number=self.count,
            finished=dt.datetime.now(),
            seconds=time.perf_counter() - started,
            folder=folder,
            findings=findings.current(),
            stopped_by=stopped_by,
        )


class Site:
    """What the server shows: the last complete build and the latest one;
    `folder` until a build completes (a finished site, for serve/preview)."""

    def __init__(self, folder):
        self.complete = None
        self.latest = None
        self.empty = Path(folder)
        self.changed = threading.Condition()
        self.stopping = False
        self.streams = 0

    def publish(self, build):
        with self.changed:
            old = self.complete
            if not build.stopped_by:
                self.complete = build
            self.latest = build
            self.changed.notify_all()
        return old if old is not self.complete else None

    def folder(self):
        complete = self.complete
        return complete.folder if complete else self.empty

    def number(self):
        return self.latest.number if self.latest else 0

    def banner(self):
        latest = self.latest
        if latest is None or (not latest.findings and not latest.stopped_by):
            return ""
        return render_banner(latest, self.complete)


def render_banner(latest, complete):
    """The banner's HTML: every finding of the latest build, whole, with its
    file and line, and which build the page comes from."""
    count = len(latest.findings)
    problems = f"{count} problem{'s' if count != 1 else ''}"
    if latest.stopped_by:
        shown = (
            f"showing the last complete build, of {complete.time}"
            if complete
            else "no build has completed yet"
        )
        head = (
            f"The build of {latest.time} stopped at "
            f"{html.escape(describe(latest.stopped_by))}; {shown}."
        )
        state = "stopped"
    else:
        head = f"This is the build of {latest.time}, with {problems}."
        state = "problems"
    items = "".join(
        f'<li data-level="{f.level}"><strong>{f.level}</strong> '
        + (f"<code>{html.escape(location(f))}</code>: " if f.source else "")
        + html.escape(f.message)
        + (f" <em>Fix: {html.escape(f.fix)}</em>" if f.fix else "")
        + "</li>"
        for f in latest.findings
    )
    return (
        f'<aside class="devserver-banner" role="alert" data-state="{state}" '
        f'data-build="{latest.number}"><p><strong>{head}</strong></p>'
        f"<ol>{items}</ol><p>Errors and warnings alike block publication; "
        "save a fix and this page reloads.</p></aside>"
    )


def inject(page, site):
    """`page` (HTML text) with the reload script and the banner."""
    head = (
        f'<link rel="stylesheet" href="{PREFIX}banner.css">'
        f'<script src="{PREFIX}reload.js" data-build="{site.number()}"></script>'
    )
    page = page.replace("</head>", head + "</head>", 1)
    # Last in the page, held at the bottom of the window: it never covers the
    # header, and the page does not move when it comes or goes.
    if "</body>" not in page:
        return head + page + site.banner()
    return page.replace("</body>", site.banner() + "</body>", 1)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the last complete build as it is on disk, HTML with additions."""

    site = None  # set by make_server
    live = True  # False: serve the folder as it is (invoke preview)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.site.folder()), **kwargs)

    def log_message(self, *args):
        pass  # the terminal is for build problems

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        if self.live and path == PREFIX + "events":
            return self.events()
        if self.live and path in (PREFIX + "reload.js", PREFIX + "banner.css"):
            kind = "text/javascript" if path.endswith(".js") else "text/css"
            return self.send_text(
                RELOAD_JS if kind == "text/javascript" else BANNER_CSS, kind
            )
        file = Path(self.translate_path(path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if not self.live or (file.is_dir() and not path.endswith("/")):
            return self.as_is()  # files as they are; redirect dir -> dir/
        if file.is_file() and file.suffix != ".html":
            return self.as_is()
        status = 200 if file.is_file() else 404
        if status == 404:
            file = Path(self.directory) / "404.html"
        page = file.read_text("utf-8") if file.is_file() else "<title>Not found</title>"
        body = inject(page, self.site).encode("utf-8")
        return self.send_text(body, "text/html; charset=utf-8", status)

    def do_HEAD(self):  # noqa: N802 (http.server's name)
        self.do_GET()  # the same status and headers as GET, without the body

    def as_is(self):
        return super().do_HEAD() if self.command == "HEAD" else super().do_GET()

    def send_text(self, body, kind, status=200):
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def events(self):
        """Server-sent events: the number of the latest build, on each build."""
        site, sent = self.site, None
        if site.streams >= MAX_STREAMS:
            self.send_response(503)
            self.send_header("Retry-After", "5")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if self.command == "HEAD":
            return None
        with site.changed:
            site.streams += 1

        def news():
            return site.number() != sent or site.stopping

        try:
            while not site.stopping:
                with site.changed:
                    site.changed.wait_for(news, timeout=KEEPALIVE_S)
                if site.number() != sent:
                    sent = site.number()
                    self.wfile.write(f"data: {sent}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except OSError:
            pass  # the browser went away
        finally:
            with site.changed:
                site.streams -= 1
        return None


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024  # many tabs and reloads at once: none refused

    def handle_error(self, request, client_address):
        """A browser that leaves mid-answer is no problem to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(host, port, site, live=True):
    """A threading HTTP server for `site`, bound now (so a busy port is
    reported before anything is built)."""
    handler = type("SiteHandler", (Handler,), {"site": site, "live": live})
    try:
        server = Server((host, int(port)), handler)
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortBusy(
                f"Port {port} on {host} is in use (another server running?): "
                f"choose another with --port, e.g. --port {int(port) + 1}"
            ) from None
        raise
    return server


def serve_until_stopped(server, message):
    print(f"{message} (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def init_logging():
    """Pelican's logging as its command line sets it up."""
    handler = pelican_log.DEFAULT_LOG_HANDLER if sys.stdout.isatty() else None
    pelican_log.init(logging.WARNING, handler=handler)


def watched_paths(root, settings):
    paths = [settings["PATH"], settings["THEME"], root / "haet"]
    return [str(p) for p in paths if Path(p).exists()]


def summary(build):
    problems = len(build.findings)
    text = (
        f"{problems} problem{'s' if problems != 1 else ''}"
        if problems
        else "no problems"
    )
    if build.stopped_by:
        return (
            f"[{build.time}] The build stopped ({text}); serving the last complete one."
        )
    return f"[{build.time}] Built in {build.seconds:.2f} s: {text}."


def watch(builder, on_build, root, stop_event=None, first=None):
    """Rebuild on every change under the content, theme, plugins and settings
    file; call on_build(build) after each build. A plugin's code cannot be
    reloaded in a running process: a change there restarts it."""
    settings_file = Path(builder.settings_file).resolve()
    build = first or builder.build()
    on_build(build)
    paths = [*watched_paths(root, builder.settings), str(settings_file)]
    changes_seen = watchfiles.watch(
        *paths, step=STEP_MS, debounce=DEBOUNCE_MS, stop_event=stop_event
    )
    for changes in changes_seen:
        changed = {Path(path).resolve() for _, path in changes}
        if any(p.suffix == ".py" and (root / "haet") in p.parents for p in changed):
            raise Restart
        if settings_file in changed:
            builder.reload_settings()
        on_build(builder.build())


@contextlib.contextmanager
def workspace(kind, parent=None):
    """A new folder, .haet-KIND-PID-..., removed when done. What a killed run
    (of any kind) left is removed first: its process is gone."""
    parent = Path(parent or tempfile.gettempdir())
    for folder in parent.glob(".haet-*-*-*"):
        pid = folder.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f".haet-{kind}-{os.getpid()}-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def livereload(settings_file, host, port, overrides=None):
    """`invoke livereload`: serve at http://host:port/, rebuild on every save."""
    # `kill` stops the server as Ctrl-C does, removing its builds.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = make_server(host, port, None)  # fails now if the port is busy
    restart = False
    try:  # from here, Ctrl-C (also during the first build) removes the builds
        with workspace("dev") as workdir:
            serve_and_rebuild(settings_file, server, workdir, overrides)
    except KeyboardInterrupt:
        pass
    except Restart:
        restart = True
    if restart:  # after the cleanup: the new process makes its own folders
        print("The site's code changed: restarting.", flush=True)
        os.execv(sys.executable, [sys.executable, *sys.argv])


def serve_and_rebuild(settings_file, server, workdir, overrides):
    root = Path(settings_file).resolve().parent
    address = root / ADDRESS_FILE
    site = Site(workdir / "empty")
    serving = None
    try:
        site.empty.mkdir()
        server.RequestHandlerClass.site = site
        init_logging()
        builder = Builder(settings_file, workdir / "builds", overrides)
        first = builder.build()
        site.publish(first)  # so the first answer is a built page, not "Not found"
        address.write_text(f"http://{host_of(server)}/\n", encoding="utf-8")
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        print(f"Serving at http://{host_of(server)}/ (Ctrl-C stops)", flush=True)

        def on_build(build):
            old = site.publish(build)
            if build.stopped_by:
                shutil.rmtree(build.folder, ignore_errors=True)  # half-written
            elif old is not None:
                # The build before the one just replaced: no request can still
                # be reading it (the one just replaced may still be served).
                for folder in builder.workdir.iterdir():
                    if folder not in (site.folder(), old.folder):
                        shutil.rmtree(folder, ignore_errors=True)
            print(summary(build), flush=True)

        watch(builder, on_build, root, first=first)
    finally:
        site.stopping = True
        with site.changed:
            site.changed.notify_all()
        if serving and serving.is_alive():  # else shutdown() would wait forever
            server.shutdown()
        server.server_close()
        address.unlink(missing_ok=True)


def host_of(server):
    host, port = server.server_address[:2]
    return f"{host}:{port}"
