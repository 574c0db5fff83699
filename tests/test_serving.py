"""The development server's parts (haet/devserver.py), in this process and
without Pelican: the banner drawn from a build's findings, which build is
served, and what the server answers. test_devserver.py runs the whole server
as `invoke livereload`, with real builds and saves."""

import datetime as dt
import http.client
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitetools import free_port

from haet import devserver
from haet.findings import Finding

WARNING = Finding(
    "content/news/a.md", 3, "image <b> without alt", "add alt & size", "warning"
)
STOP = Finding(
    "content/data/schedule.yaml", 12, "unknown speaker 'x'", "did you mean y?"
)
BARE = Finding(None, None, "the build stopped")


def build(number, findings=(), stopped_by=None, folder=".", hour=9):
    return devserver.Build(
        number=number,
        finished=dt.datetime(2030, 1, 2, hour, 5, 3),
        seconds=0.5,
        folder=Path(folder),
        findings=list(findings),
        stopped_by=stopped_by,
    )


def test_the_site_switches_only_to_a_complete_build(tmp_path):
    site = devserver.Site(tmp_path / "empty")
    assert (site.folder(), site.number(), site.banner()) == (tmp_path / "empty", 0, "")
    first = build(1, folder=tmp_path / "1")
    assert site.publish(first) is None
    assert (site.folder(), site.number(), site.banner()) == (first.folder, 1, "")
    assert site.publish(build(2, [STOP], STOP, tmp_path / "2")) is None
    assert (site.folder(), site.number()) == (first.folder, 2)  # still the first
    third = build(3, folder=tmp_path / "3")
    assert site.publish(third) is first  # the build it replaced, to remove
    assert site.folder() == third.folder and site.banner() == ""


def test_the_banner_lists_every_problem_whole_with_its_place_and_fix(tmp_path):
    site = devserver.Site(tmp_path)
    site.publish(build(4, [WARNING, BARE, WARNING]))
    [aside] = BeautifulSoup(site.banner(), "html.parser").contents
    assert (aside.name, aside["role"], aside["data-build"]) == ("aside", "alert", "4")
    assert aside["data-state"] == "problems"
    head, problems, advice = aside.contents
    assert head.get_text() == "This is the build of 09:05:03, with 3 problems."
    assert [li["data-level"] for li in problems("li")] == [
        "warning",
        "error",
        "warning",
    ]
    assert problems.li.get_text() == (
        "warning content/news/a.md:3: image <b> without alt Fix: add alt & size"
    )
    assert problems.li.code.get_text() == "content/news/a.md:3"
    assert problems("li")[1].get_text() == "error the build stopped"
    assert advice.get_text() == (
        "Errors and warnings alike block publication; save a fix and this page reloads."
    )
    site.publish(build(5, [WARNING]))
    assert "with 1 problem." in site.banner()


def test_a_stopped_build_says_where_and_which_build_is_shown(tmp_path):
    site = devserver.Site(tmp_path)
    site.publish(build(1, [STOP], STOP))
    text = BeautifulSoup(site.banner(), "html.parser").p.get_text()
    assert text == (
        "The build of 09:05:03 stopped at content/data/schedule.yaml:12: unknown "
        "speaker 'x' (fix: did you mean y?); no build has completed yet."
    )
    site.publish(build(2, hour=8))
    site.publish(build(3, [STOP, WARNING], STOP))
    banner = BeautifulSoup(site.banner(), "html.parser").aside
    assert banner["data-state"] == "stopped" and len(banner("li")) == 2
    assert banner.p.get_text().endswith(
        "; showing the last complete build, of 08:05:03."
    )


def test_pages_get_the_reload_script_and_the_banner_and_the_terminal_a_summary(
    tmp_path,
):
    site = devserver.Site(tmp_path)
    site.publish(build(7, [WARNING]))
    page = devserver.inject(
        '<html><head><title>T</title></head><body class="x">Text</body>'
        "<p>after </head> in the text</p></html>",
        site,
    )
    head, body = page.split('<body class="x">')
    assert head.endswith(
        '<link rel="stylesheet" href="/__devserver/banner.css">'
        '<script src="/__devserver/reload.js" data-build="7"></script></head>'
    )
    # Last in the page: held at the window's bottom, it covers no header.
    assert (
        body
        == "Text" + site.banner() + "</body><p>after </head> in the text</p></html>"
    )
    assert devserver.inject("<title>Not found</title>", site).endswith(
        "<title>Not found</title>" + site.banner()
    )
    assert devserver.summary(build(1)) == "[09:05:03] Built in 0.50 s: no problems."
    assert devserver.summary(build(1, [WARNING, BARE])).endswith(": 2 problems.")
    assert devserver.summary(build(1, [STOP], STOP)) == (
        "[09:05:03] The build stopped (1 problem); serving the last complete one."
    )


# --- the server ---------------------------------------------------------------


@pytest.fixture
def serve(tmp_path):
    """serve(live) -> (base URL, Site) of a server of a small built folder."""
    folder = tmp_path / "built"
    (folder / "news").mkdir(parents=True)
    pages = {"index.html": "Home", "news/index.html": "News", "404.html": "Nothing"}
    for name, text in pages.items():
        (folder / name).write_text(f"<html><head></head><body>{text}</body></html>")
    (folder / "style.css").write_text("body { color: navy; }")
    started = []

    def start(live=True):
        site = devserver.Site(tmp_path / "empty")
        if live:
            site.publish(build(3, [WARNING], folder=folder))
        else:
            site = devserver.Site(folder)
        server = devserver.make_server("127.0.0.1", 0, site, live=live)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        started.append((server, site))
        return f"http://127.0.0.1:{server.server_address[1]}", site

    yield start
    for server, site in started:
        site.stopping = True
        with site.changed:
            site.changed.notify_all()
        server.shutdown()
        server.server_close()


def get(url, method="GET"):
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_get_and_head_answer_alike_with_the_page_as_built_plus_the_banner(serve):
    url, site = serve()
    status, headers, page = get(url + "/news/")
    assert status == 200 and "News" in page and 'data-build="3"' in page
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert 'role="alert"' in page and "content/news/a.md:3" in page
    assert get(url + "/news/?next=/a?b")[2] == page
    assert get(url + "/index.html")[2] == get(url + "/")[2]
    for path in ("/news/", "/style.css", "/missing/", "/__devserver/reload.js"):
        got, head = get(url + path), get(url + path, "HEAD")
        assert head[0] == got[0] and head[2] == "", path
        for name in ("Content-Type", "Content-Length", "Cache-Control"):
            assert head[1][name] == got[1][name], (path, name)
        assert int(got[1]["Content-Length"]) == len(got[2].encode()), path
    status, _, text = get(url + "/style.css")
    assert (status, text) == (200, "body { color: navy; }")
    status, _, page = get(url + "/missing/")
    assert status == 404 and "Nothing" in page and "reload.js" in page
    status, headers, script = get(url + "/__devserver/reload.js")
    assert (status, script) == (200, devserver.RELOAD_JS)
    assert headers["Content-Type"] == "text/javascript"
    assert get(url + "/__devserver/banner.css")[2] == devserver.BANNER_CSS
    connection = http.client.HTTPConnection(url.removeprefix("http://"))
    connection.request("GET", "/news")
    response = connection.getresponse()
    assert (response.status, response.headers["Location"]) == (301, "/news/")
    connection.close()


def test_serve_and_preview_answer_with_files_as_they_are(serve):
    url, site = serve(live=False)
    assert get(url + "/news/")[2] == "<html><head></head><body>News</body></html>"
    assert get(url + "/__devserver/reload.js")[0] == 404
    assert get(url + "/missing/")[0] == 404


def test_before_any_build_a_page_says_not_found(tmp_path):
    (tmp_path / "empty").mkdir()
    server = devserver.make_server("127.0.0.1", 0, devserver.Site(tmp_path / "empty"))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        status, _, page = get(f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 404
    assert BeautifulSoup(page, "html.parser").get_text(strip=True) == "Not found"


def test_the_events_stream_sends_each_new_build(serve):
    url, site = serve()
    with urllib.request.urlopen(url + "/__devserver/events", timeout=10) as events:
        assert events.headers["Content-Type"] == "text/event-stream"
        assert [events.readline(), events.readline()] == [b"data: 3\n", b"\n"]
        site.publish(build(4))
        assert [events.readline(), events.readline()] == [b"data: 4\n", b"\n"]


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
