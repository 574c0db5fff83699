"""The development server's parts (devserver.py), in this process: builds into
fresh folders that are switched to only when complete, the banner of problems,
what the server answers (pages with the reload script, the events stream,
files as they are), and rebuilding on a save. test_devserver.py runs the same
server end to end as `invoke livereload`, with a real browser."""

import _thread
import contextlib
import datetime as dt
import http.client
import io
import logging
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pelican
import pytest
from bs4 import BeautifulSoup
from pelican import log as pelican_log
from sitetools import free_port

import devserver

PROJECT = Path(devserver.__file__).resolve().parent
SIMPLE_THEME = Path(pelican.__file__).parent / "themes" / "simple"
SETTINGS = f"""\
SITENAME = "Tiny workshop"
PATH = "content"
TIMEZONE = "Europe/Paris"
THEME = "theme"
PLUGIN_PATHS = [{str(PROJECT / "plugins")!r}, "extra"]
PLUGINS = ["findings"]
CACHE_PATH = "cache"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
"""
# A plugin that stops the build with SystemExit, after logging why if asked
# (its receiver stays connected in this process: it acts only when asked).
STOPPER = """\
import logging
from pelican import signals

def stop(pelican):
    if not pelican.settings.get("STOPPER_ON"):
        return
    if pelican.settings.get("STOPPER_REASON"):
        logging.getLogger("stopper").error(pelican.settings["STOPPER_REASON"])
    raise SystemExit(1)

def register():
    signals.initialized.connect(stop)
"""


def tiny_project(folder):
    """A project of its own: settings, one post, Pelican's simple theme."""
    (folder / "content" / "news").mkdir(parents=True)
    (folder / "extra").mkdir()
    (folder / "extra" / "stopper.py").write_text(STOPPER)
    shutil.copytree(SIMPLE_THEME, folder / "theme")
    (folder / "pelicanconf.py").write_text(SETTINGS)
    write_post(folder, "Hello")
    return folder


def write_post(project, title, date="2021-05-03"):
    """content/news/<unique name>.md (Pelican logs a warning once per process,
    so each test's problem is its own)."""
    path = project / "content" / "news" / f"{uuid.uuid4().hex}.md"
    path.write_text(f"Title: {title}\nDate: {date}\n\nText of {title}.\n")
    return path


@pytest.fixture
def project(tmp_path):
    return tiny_project(tmp_path / "site")


def pages(folder):
    return "".join(p.read_text() for p in Path(folder).rglob("*.html"))


# --- builds -------------------------------------------------------------------


def test_each_build_goes_into_a_fresh_folder(project, tmp_path):
    builder = devserver.Builder(project / "pelicanconf.py", tmp_path / "builds")
    first = builder.build()
    write_post(project, "Second post")
    second = builder.build()
    assert (first.number, second.number) == (1, 2)
    assert first.folder != second.folder
    assert {first.folder.parent, second.folder.parent} == {tmp_path / "builds"}
    assert "Second post" not in pages(first.folder)
    assert "Second post" in pages(second.folder)
    assert first.findings == [] and first.stopped_by is None
    assert 0 < first.seconds < 60
    assert abs(first.finished - dt.datetime.now()) < dt.timedelta(minutes=1)
    assert first.time == f"{first.finished:%H:%M:%S}"
    # Pelican's settings are read once: an edit is seen after reload_settings().
    with (project / "pelicanconf.py").open("a") as settings:
        settings.write("SITENAME = 'Renamed workshop'\n")
    assert "Renamed workshop" not in pages(builder.build().folder)
    builder.reload_settings()
    assert "Renamed workshop" in pages(builder.build().folder)


def test_regenerate_builds_into_output(project, tmp_path):
    output = tmp_path / "output"
    builder = devserver.Builder(project / "pelicanconf.py", tmp_path, output=output)
    assert builder.build().folder == output
    assert "Hello" in pages(output)


def test_the_projects_plugins_are_importable_before_its_settings_are_read(
    project, tmp_path, monkeypatch
):
    plugins = str(project.resolve() / "plugins")
    monkeypatch.setattr(sys, "path", [path for path in sys.path if path != plugins])
    devserver.Builder(project / "pelicanconf.py", tmp_path / "b")
    assert sys.path[0] == plugins
    devserver.Builder(project / "pelicanconf.py", tmp_path / "c")
    assert sys.path.count(plugins) == 1


def test_templates_are_compiled_once_and_an_edited_one_again(project, tmp_path):
    builder = devserver.Builder(project / "pelicanconf.py", tmp_path / "builds")
    builder.build()
    compiled = dict(builder.templates.compiled)
    assert compiled and all(isinstance(code, bytes) for code in compiled.values())
    builder.build()  # Jinja loads each one: none is compiled and stored again
    assert all(builder.templates.compiled[key] is compiled[key] for key in compiled)
    base = project / "theme" / "templates" / "base.html"
    marker = uuid.uuid4().hex
    base.write_text(base.read_text().replace("<body>", f"<body>{marker}"))
    assert marker in pages(builder.build().folder)


def test_a_build_with_problems_lists_them_and_completes(project, tmp_path):
    bad = write_post(project, "Bad date", date="2021-02-30")
    build = devserver.Builder(project / "pelicanconf.py", tmp_path / "b").build()
    assert build.stopped_by is None
    assert [f["level"] for f in build.findings] == ["error"]
    assert bad.name in build.findings[0]["source"]
    assert "Hello" in pages(build.folder)


def test_a_build_that_stops_says_why(project, tmp_path):
    template = project / "theme" / "templates" / "index.html"
    template.write_text("{% extends 'base.html' %}{% block content %}{{ 1 + }}")
    build = devserver.Builder(project / "pelicanconf.py", tmp_path / "b").build()
    stop = build.stopped_by
    assert stop["source"] == "theme/templates/index.html"
    assert stop["line"] == 1 and stop["level"] == "error"
    assert stop in build.findings  # also listed with the others, once
    assert build.findings.count(stop) == 1


def test_an_error_while_rendering_points_at_the_template_line(
    project, tmp_path, caplog
):
    template = project / "theme" / "templates" / "index.html"
    template.write_text("{% extends 'base.html' %}{% block content %}\n\n"
                        "{{ (1 / 0) }}{% endblock %}\n")  # fmt: skip
    with caplog.at_level(logging.ERROR, logger="devserver"):
        build = devserver.Builder(project / "pelicanconf.py", tmp_path / "b").build()
    stop = build.stopped_by
    assert (stop["source"], stop["line"]) == ("theme/templates/index.html", 3)
    assert "ZeroDivisionError" in stop["message"]
    # The terminal gets the same one line as the banner.
    [logged] = [r for r in caplog.records if r.name == "devserver"]
    assert logged.getMessage() == (
        f"theme/templates/index.html:3: {stop['message']} (fix: {stop['fix']})"
    )


def test_broken_settings_stop_the_build_without_stopping_the_server(project, tmp_path):
    (project / "pelicanconf.py").write_text("SITENAME = (\n")
    build = devserver.Builder(project / "pelicanconf.py", tmp_path / "b").build()
    assert "SyntaxError" in build.stopped_by["message"]
    assert build.findings == [build.stopped_by]


def test_a_plugin_that_exits_is_a_stopped_build(project, tmp_path):
    reason = f"the data is wrong {uuid.uuid4().hex}"
    quiet = {"PLUGINS": ["stopper", "findings"], "STOPPER_ON": True}
    overrides = {**quiet, "STOPPER_REASON": reason}
    settings = project / "pelicanconf.py"
    build = devserver.Builder(settings, tmp_path / "b", overrides).build()
    assert build.stopped_by["message"] == reason
    build = devserver.Builder(settings, tmp_path / "c", quiet).build()
    assert build.stopped_by == devserver.STOPPED


# --- what the server shows ----------------------------------------------------


def build(number, findings=(), stopped_by=None, folder="."):
    return devserver.Build(
        number=number, finished=dt.datetime(2021, 5, 7, 9, 5, 3), seconds=0.5,
        folder=Path(folder), findings=list(findings), stopped_by=stopped_by,
    )  # fmt: skip


WARNING = {
    "level": "warning",
    "source": "content/news/a.md",
    "line": 3,
    "message": "image <b> without alt",
    "fix": "add alt text & size",
}
ERROR = {"level": "error", "source": None, "line": None,
         "message": "the build stopped", "fix": None}  # fmt: skip


def test_the_site_switches_only_to_a_complete_build(tmp_path):
    site = devserver.Site(tmp_path / "empty")
    assert (site.folder(), site.number(), site.banner()) == (tmp_path / "empty", 0, "")
    first = build(1, folder=tmp_path / "1")
    assert site.publish(first) is None
    assert (site.folder(), site.number()) == (first.folder, 1)
    stopped = build(2, [ERROR], ERROR, folder=tmp_path / "2")
    assert site.publish(stopped) is None  # nothing replaced
    assert (site.folder(), site.number()) == (first.folder, 2)
    third = build(3, folder=tmp_path / "3")
    assert site.publish(third) is first  # the build it replaced
    assert site.folder() == third.folder
    assert site.banner() == ""


def test_the_banner_lists_every_problem_whole(tmp_path):
    site = devserver.Site(tmp_path)
    site.publish(build(4, [WARNING, ERROR]))
    banner = site.banner()
    assert "This is the build of 09:05:03, with 2 problems." in banner
    assert 'data-state="problems"' in banner and 'data-build="4"' in banner
    assert (
        '<li data-level="warning"><strong>warning</strong> '
        "<code>content/news/a.md:3</code>: image &lt;b&gt; without alt "
        "<em>Fix: add alt text &amp; size</em></li>"
    ) in banner
    assert '<li data-level="error"><strong>error</strong> the build stopped</li>' in (
        banner
    )
    assert "Errors and warnings alike block publication" in banner
    site.publish(build(5, [WARNING]))
    assert "with 1 problem." in site.banner()


def test_the_banner_is_one_aside_with_one_list_item_per_problem(tmp_path):
    site = devserver.Site(tmp_path)
    site.publish(build(4, [WARNING, ERROR, WARNING]))
    [aside] = BeautifulSoup(site.banner(), "html.parser").contents
    assert aside.name == "aside" and aside["role"] == "alert"
    [heading, problems, advice] = aside.contents
    assert [child.name for child in problems.contents] == ["li", "li", "li"]
    assert advice.get_text() == (
        "Errors and warnings alike block publication; save a fix and this page reloads."
    )
    assert heading.get_text() == "This is the build of 09:05:03, with 3 problems."


def test_a_stopped_build_says_which_build_is_shown(tmp_path):
    stop = {**WARNING, "level": "error", "message": "bad <date>"}
    first = build(1, [stop], stop)
    banner = devserver.render_banner(first, None)
    assert (
        "The build of 09:05:03 stopped at content/news/a.md:3: bad &lt;date&gt; "
        "(fix: add alt text &amp; size); no build has completed yet."
    ) in banner
    assert 'data-state="stopped"' in banner
    complete = dt.datetime(2021, 5, 7, 8, 0, 0)
    older = devserver.Build(1, complete, 0.1, Path("."), [])
    banner = devserver.render_banner(build(2, [stop], stop), older)
    assert "; showing the last complete build, of 08:00:00." in banner
    site = devserver.Site(tmp_path)
    site.publish(build(3, [], ERROR))
    assert "stopped at the build stopped; no build has completed yet" in site.banner()
    site.publish(build(4))
    site.publish(build(5, [], ERROR))
    assert "; showing the last complete build, of 09:05:03." in site.banner()


def test_pages_get_the_reload_script_and_the_banner(tmp_path):
    site = devserver.Site(tmp_path)
    site.publish(build(7, [WARNING]))
    page = devserver.inject(
        '<html><head><title>T</title></head><body class="news">Text</body>'
        "<p>after </head> in the text</p></html>",
        site,
    )
    head, body = page.split('<body class="news">')
    assert head.endswith(
        '<link rel="stylesheet" href="/__devserver/banner.css">'
        '<script src="/__devserver/reload.js" data-build="7"></script>'
        "</head>"
    )
    assert body.startswith(site.banner() + "Text</body>")
    assert body.endswith("<p>after </head> in the text</p></html>")
    bare = devserver.inject("<title>Not found</title>", site)
    assert bare.startswith('<link rel="stylesheet"')
    assert bare.endswith(site.banner() + "<title>Not found</title>")


def test_the_terminal_summary_of_a_build():
    assert devserver.summary(build(1)) == "[09:05:03] Built in 0.50 s: no problems."
    assert devserver.summary(build(1, [WARNING])).endswith(": 1 problem.")
    assert devserver.summary(build(1, [WARNING, ERROR])).endswith(": 2 problems.")
    assert devserver.summary(build(1, [ERROR], ERROR)) == (
        "[09:05:03] The build stopped (1 problem); serving the last complete one."
    )


# --- the server ---------------------------------------------------------------


def site_folder(folder):
    (folder / "news").mkdir(parents=True)
    (folder / "index.html").write_text("<head></head><body>Home</body>")
    (folder / "news" / "index.html").write_text("<head></head><body>News</body>")
    (folder / "404.html").write_text("<head></head><body>Nothing here</body>")
    (folder / "style.css").write_text("body { color: navy; }")
    return folder


@pytest.fixture
def serve():
    """serve(site, live) -> the base URL of a server of `site` on a free port."""
    servers = []

    def start(site, live=True):
        server = devserver.make_server("127.0.0.1", 0, site, live=live)
        servers.append((server, site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server, site in servers:
        site.stopping = True
        with site.changed:
            site.changed.notify_all()
        server.shutdown()
        server.server_close()


def answers(url):
    try:
        return get(url)[0] == 200
    except OSError:
        return False


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_the_server_answers_with_the_last_complete_build(tmp_path, serve):
    site = devserver.Site(tmp_path / "empty")
    url = serve(site)
    site.publish(build(3, [WARNING], folder=site_folder(tmp_path / "b3")))
    status, headers, page = get(url + "/news/")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert 'data-build="3"' in page and "News" in page
    assert 'class="devserver-banner"' in page
    assert get(url + "/news/?utm=1")[2] == page
    assert get(url + "/news/?next=/a?b")[2] == page
    status, _, page = get(url + "/index.html")
    assert status == 200 and "Home" in page and "reload.js" in page
    status, headers, text = get(url + "/style.css")
    assert (status, text) == (200, "body { color: navy; }")
    assert headers["Cache-Control"] == "no-store"
    status, _, page = get(url + "/no/such/page/")
    assert status == 404 and "Nothing here" in page and "reload.js" in page
    status, headers, script = get(url + "/__devserver/reload.js")
    assert status == 200 and headers["Content-Type"] == "text/javascript"
    assert script == devserver.RELOAD_JS
    status, headers, css = get(url + "/__devserver/banner.css")
    assert status == 200
    assert (headers["Content-Type"], css) == ("text/css", devserver.BANNER_CSS)
    assert headers["Content-Length"] == str(len(css.encode()))


def test_a_folder_without_its_slash_is_redirected(tmp_path, serve):
    site = devserver.Site(tmp_path / "empty")
    url = serve(site)
    site.publish(build(1, folder=site_folder(tmp_path / "b1")))
    connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]))
    connection.request("GET", "/news")
    response = connection.getresponse()
    assert response.status == 301 and response.headers["Location"] == "/news/"
    connection.close()


def test_before_any_build_a_missing_page_says_not_found(tmp_path, serve):
    (tmp_path / "empty").mkdir()
    url = serve(devserver.Site(tmp_path / "empty"))
    status, _, page = get(url + "/")
    assert status == 404
    text = BeautifulSoup(page, "html.parser")
    assert text.title.string == "Not found"
    assert text.get_text(strip=True) == "Not found"


def test_serve_and_preview_show_files_as_they_are(tmp_path, serve):
    folder = site_folder(tmp_path / "site")
    url = serve(devserver.Site(folder), live=False)
    status, _, page = get(url + "/news/")
    assert (status, page) == (200, "<head></head><body>News</body>")
    assert get(url + "/__devserver/reload.js")[0] == 404
    assert get(url + "/missing/")[0] == 404


def test_the_events_stream_sends_each_new_build(tmp_path, serve):
    site = devserver.Site(tmp_path)
    url = serve(site)
    site.publish(build(1))
    with urllib.request.urlopen(url + "/__devserver/events", timeout=10) as events:
        assert events.status == 200
        assert events.headers["Content-Type"] == "text/event-stream"
        assert events.readline() == b"data: 1\n"
        assert events.readline() == b"\n"
        site.publish(build(2))
        assert events.readline() == b"data: 2\n"
        assert events.readline() == b"\n"


def test_an_idle_events_stream_sends_comments_then_the_next_build(
    tmp_path, serve, monkeypatch
):
    monkeypatch.setattr(devserver, "KEEPALIVE_S", 0.05)
    site = devserver.Site(tmp_path)
    url = serve(site)
    site.publish(build(1))
    with urllib.request.urlopen(url + "/__devserver/events", timeout=10) as events:
        lines = [events.readline() for _ in range(6)]
        site.publish(build(2))
        for _ in range(100):  # the next build comes within a few comments
            if (line := events.readline()) in (b"data: 2\n", b""):
                break
            lines.append(line)
    assert line == b"data: 2\n"
    # What a browser's EventSource reads: events (`data:`), comments (`:`),
    # each ended by a blank line; comments dispatch nothing.
    assert lines[:2] == [b"data: 1\n", b"\n"]
    comments = lines[2:]
    assert comments and all(line.startswith(b":") for line in comments[::2])
    assert set(comments[1::2]) == {b"\n"}


def test_a_busy_port_is_one_line_naming_port():
    port = free_port()
    server = devserver.make_server("127.0.0.1", port, None)
    try:
        with pytest.raises(devserver.PortBusy) as busy:
            devserver.make_server("127.0.0.1", str(port), None)
    finally:
        server.server_close()
    assert str(busy.value) == (
        f"Port {port} on 127.0.0.1 is in use (another server running?): "
        f"choose another with --port, e.g. --port {port + 1}"
    )
    assert server.daemon_threads


def test_a_restarted_server_gets_its_port_back_at_once(tmp_path):
    # The server closes each connection first, leaving the port in TIME_WAIT.
    site = devserver.Site(site_folder(tmp_path / "site"))
    server = devserver.make_server("127.0.0.1", 0, site, live=False)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    assert get(f"http://127.0.0.1:{port}/news/")[0] == 200
    server.shutdown()
    server.server_close()
    again = devserver.make_server("127.0.0.1", port, site)  # no PortBusy
    again.server_close()


def test_a_port_that_cannot_be_had_otherwise_is_an_error():
    with pytest.raises(OSError, match="address"):
        devserver.make_server("203.0.113.1", 0, None)  # not this machine's


# --- rebuild on save, and the serving tasks -----------------------------------


def test_watched_paths_are_the_content_theme_and_plugins(tmp_path):
    (tmp_path / "content").mkdir()
    settings = {"PATH": str(tmp_path / "content"), "THEME": str(tmp_path / "gone")}
    assert devserver.watched_paths(tmp_path, settings) == [str(tmp_path / "content")]
    (tmp_path / "plugins").mkdir()
    (tmp_path / "gone").mkdir()
    assert devserver.watched_paths(tmp_path, settings) == [
        str(tmp_path / "content"), str(tmp_path / "gone"), str(tmp_path / "plugins")
    ]  # fmt: skip


def wait_for(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.05)
    return None


def test_a_save_rebuilds_and_a_settings_edit_is_read_again(project, tmp_path):
    builder = devserver.Builder(project / "pelicanconf.py", tmp_path / "builds")
    builds, stop = [], threading.Event()
    watcher = threading.Thread(
        target=devserver.watch, args=(builder, builds.append, project, stop)
    )
    watcher.start()
    try:
        assert wait_for(lambda: builds), "no first build"
        time.sleep(0.3)  # the watcher is watching
        write_post(project, "Saved post")
        assert wait_for(lambda: len(builds) >= 2), "a save did not rebuild"
        assert "Saved post" in pages(builds[-1].folder)
        count = len(builds)
        with (project / "pelicanconf.py").open("a") as settings:
            settings.write("SITENAME = 'Edited settings'\n")
        assert wait_for(lambda: len(builds) > count), "no rebuild on settings"
        assert "Edited settings" in pages(builds[-1].folder)
    finally:
        stop.set()
        watcher.join(10)
    assert not watcher.is_alive()


@contextlib.contextmanager
def ctrl_c_when(predicate):
    """Ctrl-C in the main thread once predicate() is true (10 s at most),
    unless the block has ended by then; what predicate() raised is raised
    after the block."""
    ended, failures = threading.Event(), []

    def wait_then_interrupt():
        try:
            wait_for(lambda: ended.is_set() or predicate())
        except Exception as error:  # noqa: BLE001 (raised in the test instead)
            failures.append(error)
        time.sleep(0.3)  # the server is past its start, waiting for saves
        if not ended.is_set():
            _thread.interrupt_main()

    # A shell's background job (`cmd &`) starts with SIGINT ignored, and then
    # interrupt_main() does nothing: Ctrl-C is Python's KeyboardInterrupt here.
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=wait_then_interrupt, daemon=True).start()
    try:
        yield
    finally:
        ended.set()
        signal.signal(signal.SIGINT, handler)
    if failures:
        raise failures[0]


@pytest.fixture
def restore_logging_and_signals():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    term = signal.getsignal(signal.SIGTERM)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    signal.signal(signal.SIGTERM, term)


class Pipe:
    """sys.stdout as a pipe (`invoke livereload | tee`, an editor): a line
    reaches the reader only once it is flushed."""

    def __init__(self):
        self.raw = io.BytesIO()
        self.stream = io.TextIOWrapper(self.raw, encoding="utf-8")

    def text(self):
        return self.raw.getvalue().decode("utf-8")


def pipe_stdout(monkeypatch):
    """Make sys.stdout a Pipe (in the test itself: pytest sets sys.stdout
    again after the fixtures)."""
    pipe = Pipe()
    monkeypatch.setattr(sys, "stdout", pipe.stream)
    return pipe


def test_livereload_answers_with_a_build_and_notes_its_address(
    project, restore_logging_and_signals, monkeypatch
):
    piped = pipe_stdout(monkeypatch)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    noted = project / devserver.ADDRESS_FILE
    seen = {}

    def served():
        # As soon as it says where it serves, it answers with a built page.
        if f"Serving at {url} (Ctrl-C stops)\n" not in piped.text():
            return False
        seen["page"], seen["noted"] = get(url)[2], noted.read_text()
        return "Built in" in piped.text()

    name = f"Workshop {uuid.uuid4().hex}"
    overrides = {"SITENAME": name}
    with ctrl_c_when(served):
        devserver.livereload(project / "pelicanconf.py", "127.0.0.1", port, overrides)
    assert name in seen["page"] and "/__devserver/reload.js" in seen["page"]
    assert seen["noted"] == url + "\n"
    assert not noted.exists()  # it no longer serves
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)
    # A kill stops it as Ctrl-C does.
    assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler


def test_livereload_keeps_only_the_builds_it_may_serve(
    project, tmp_path, monkeypatch, restore_logging_and_signals
):
    piped = pipe_stdout(monkeypatch)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where it keeps builds
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    seen = {}

    def builds():
        return sorted(p.name.split("-")[0] for p in temp.glob("*/builds/*"))

    def summaries(count):
        """The builds kept once the server has said it built `count` times."""

        def said():
            lines = piped.text().splitlines()
            return sum(line.startswith("[") for line in lines) >= count

        assert wait_for(said), f"no build {count}"
        return builds()

    def organiser():
        assert summaries(1) == ["1"]
        seen["events"] = urllib.request.urlopen(url + "__devserver/events", timeout=5)
        time.sleep(0.3)  # the watcher is watching
        write_post(project, "Second")
        assert summaries(2) == ["1", "2"]  # the first may still be being read
        write_post(project, "Third")
        assert summaries(3) == ["2", "3"]
        template = project / "theme" / "templates" / "index.html"
        template.write_text("{% extends 'base.html' %}{{ 1 + }}")
        assert summaries(4) == ["2", "3"]  # a stopped build's folder goes
        seen["page"] = get(url)[2]
        return True

    with ctrl_c_when(organiser):
        devserver.livereload(project / "pelicanconf.py", "127.0.0.1", port)
    assert "Third" in seen["page"]  # the last complete build
    assert "The build stopped" in piped.text()
    assert list(temp.iterdir()) == []  # every build removed
    # A browser still listening is let go.
    assert seen["events"].read().endswith(b"\n\n")
    seen["events"].close()


def test_serve_folder_serves_it_as_it_is_until_ctrl_c(tmp_path, monkeypatch):
    piped = pipe_stdout(monkeypatch)
    folder = site_folder(tmp_path / "site")
    port = free_port()
    url = f"http://127.0.0.1:{port}/news/"
    seen = {}

    def served():
        if f"Serving {folder} at http://127.0.0.1:{port}/ (Ctrl-C stops)\n" in (
            piped.text()
        ):
            seen["page"] = get(url)[2]
        return seen

    with ctrl_c_when(served):
        devserver.serve_folder(folder, "127.0.0.1", port)
    assert seen["page"] == (folder / "news" / "index.html").read_text()
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_regenerate_rebuilds_output_on_every_save(
    project, tmp_path, restore_logging_and_signals, monkeypatch
):
    piped = pipe_stdout(monkeypatch)
    output = tmp_path / "output"
    (output / "old").mkdir(parents=True)
    saved = []

    def rebuilt():
        if piped.text().count("Built in") == 1 and not saved:
            time.sleep(0.3)  # the watcher is watching
            saved.append(write_post(project, "Saved while regenerating"))
        return piped.text().count("Built in") == 2

    with ctrl_c_when(rebuilt):
        devserver.regenerate(project / "pelicanconf.py", output)
    assert "Saved while regenerating" in pages(output)
    assert not (output / "old").exists()  # from scratch, like invoke rebuild


def test_logging_is_pelicans_and_every_rebuild_reports_every_warning(
    project, tmp_path, monkeypatch, restore_logging_and_signals
):
    root = logging.getLogger()

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stdout, handlers in ((Terminal(), [pelican_log.DEFAULT_LOG_HANDLER]),
                             (io.StringIO(), [])):  # fmt: skip
        monkeypatch.setattr(sys, "stdout", stdout)
        root.handlers[:] = []
        root.setLevel(logging.NOTSET)
        devserver.init_logging()
        assert root.handlers == handlers
        assert root.level == logging.WARNING
    # Pelican drops a warning it already logged in this process: not here.
    monkeypatch.setattr(
        pelican_log.LimitFilter, "LOGS_DEDUP_MIN_LEVEL", logging.WARNING
    )
    monkeypatch.setattr(pelican_log.LimitFilter, "_raised_messages", set())
    devserver.init_logging()
    missing = f"{uuid.uuid4().hex}.md"
    post = project / "content" / "news" / "link.md"
    post.write_text(f"Title: Link\nDate: 2021-05-03\n\n[x]({{filename}}/{missing})\n")
    builder = devserver.Builder(project / "pelicanconf.py", tmp_path / "builds")
    for _ in range(2):
        findings = builder.build().findings
        assert [f["level"] for f in findings] == ["warning"]
        assert missing in findings[0]["message"]


def test_a_plugin_edit_restarts_the_server(project, tmp_path, monkeypatch):
    # A running process cannot reload a plugin's code: it starts itself again.
    (project / "plugins").mkdir()
    plugin = project / "plugins" / "local.py"
    plugin.write_text("X = 1\n")
    restarts = []
    piped = pipe_stdout(monkeypatch)

    def execv(program, argv):
        # What the terminal shows before this process is replaced.
        restarts.append((program, argv, piped.text()))
        raise KeyboardInterrupt  # as the new process, the watcher stops here

    monkeypatch.setattr(devserver.os, "execv", execv)
    builder = devserver.Builder(project / "pelicanconf.py", tmp_path / "builds")
    builds = []
    watcher = threading.Thread(
        target=lambda: pytest.raises(
            KeyboardInterrupt, devserver.watch, builder, builds.append, project
        )
    )
    watcher.start()
    assert wait_for(lambda: builds), "no first build"
    time.sleep(0.3)
    write_post(project, "Not code")
    assert wait_for(lambda: len(builds) == 2), "no rebuild"
    (project / "plugins" / "notes.txt").write_text("not code either")
    assert wait_for(lambda: len(builds) == 3), "no rebuild"
    assert restarts == []
    plugin.write_text("X = 2\n")
    watcher.join(10)
    assert not watcher.is_alive()
    [(program, argv, shown)] = restarts
    assert (program, argv) == (sys.executable, [sys.executable, *sys.argv])
    assert shown.endswith("A plugin changed: restarting.\n")
