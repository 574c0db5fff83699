"""The external link check against servers of its own on 127.0.0.x."""

import collections
import dataclasses
import email.utils
import http.server
import json
import logging
import re
import socket
import threading
import time

import pytest
from pelican.plugins.sitecheck.command import main
from pelican.plugins.sitecheck.external import check_external, retry_after
from pelican.plugins.sitecheck.internal import Sources
from sitecheck_helpers import html, serve


class Behaviours(http.server.BaseHTTPRequestHandler):
    """Each path behaves like a kind of real server; requests are counted."""

    protocol_version = "HTTP/1.1"
    hits = collections.Counter()  # (method, path) -> requests
    times = collections.defaultdict(list)  # path -> arrival times
    lock = threading.Lock()

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def answer(self):
        path = self.path
        with self.lock:
            self.hits[self.command, path] += 1
            self.times[path].append(time.monotonic())
            seen = len(self.times[path])
        if path in ("/ok", "/", "/caf%C3%A9?q=a%20b&r=1") or path.startswith("/img"):
            self.reply(200)
        elif path.startswith("/chain/"):
            step = int(path.rsplit("/", 1)[1])
            self.reply(301, Location=f"/chain/{step + 1}") if step < 3 else self.reply(
                200
            )
        elif path == "/shared":  # another chain that meets /chain/1's at /chain/2
            self.reply(302, Location="/chain/2")
        elif path == "/perm":  # moved for good, then a temporary hop
            self.reply(301, Location="/hop")
        elif path == "/hop":
            self.reply(302, Location="/ok")
        elif path == "/temp":  # only temporary redirects: the link is fine
            self.reply(307, Location="/ok")
        elif path == "/moved-once":
            self.reply(308, Location="/ok")
        elif path == "/nowhere":  # a redirect that says not where to
            self.reply(302)
        elif path == "/down":
            self.reply(500)
        elif path == "/always-busy":
            self.reply(429)
        elif path == "/too-busy":
            self.reply(429, **{"Retry-After": "120"})
        elif path == "/drop-head":  # hangs up on HEAD without an answer
            if self.command == "HEAD":
                self.close_connection = True
            else:
                self.reply(200)
        elif path.startswith("/endless/"):
            step = int(path.rsplit("/", 1)[1])
            self.reply(302, Location=f"/endless/{step + 1}")
        elif path == "/head-404":  # a server that answers HEAD wrongly
            self.reply(404 if self.command == "HEAD" else 200)
        elif path == "/loop/a":
            self.reply(302, Location="/loop/b")
        elif path == "/loop/b":
            self.reply(307, Location="/loop/a")
        elif path == "/busy":
            self.reply(429, **{"Retry-After": "1"}) if seen == 1 else self.reply(200)
        elif path == "/slow":
            time.sleep(1.0)
            self.reply(200)
        elif path == "/flaky":
            self.reply(503 if seen == 1 else 200)
        elif path == "/no-head":
            self.reply(405 if self.command == "HEAD" else 200)
        elif path == "/denied":
            self.reply(403)
        else:
            self.reply(404)

    def reply(self, status, **headers):
        try:
            self.send_response(status)
            for name, value in {**headers, "Content-Length": "0"}.items():
                self.send_header(name, value)
            self.end_headers()
        except OSError:
            pass  # the checker gave up (timeout)

    def log_message(self, *args):
        pass


PATHS = [
    "/ok",
    "/missing",
    "/chain/1",
    "/loop/a",
    "/busy",
    "/slow",
    "/flaky",
    "/no-head",
    "/denied",
    "/shared",
    "/perm",
    "/head-404",
    "/temp",
    "/moved-once",
    "/nowhere",
    "/down",
    "/always-busy",
    "/too-busy",
    "/drop-head",
]


@pytest.fixture
def fast_config(config, tmp_path):
    return dataclasses.replace(
        config,
        external_timeout=0.6,  # /slow takes 1 s; a loaded machine may take 0.3
        external_retries=1,
        external_backoff=0.05,
        external_retry_after_max=5,
        report_path=str(tmp_path / "report.json"),
    )


def test_external_checks(output, fast_config, tmp_path):
    Behaviours.hits.clear()
    Behaviours.times.clear()
    with serve(Behaviours) as base:
        links = "".join(f'<a href="{base}{path}#frag">{path}</a>\n' for path in PATHS)
        output("index.html", html(links))
        output("about/index.html", html(f'<a href="{base}/ok">same URL</a>'))
        found, stats = check_external(output.root, fast_config)
        first_hits = Behaviours.hits.copy()

        by_path = {f.element.split(base)[1].split("#")[0]: f for f in found}
        assert {path: (f.level, f.code) for path, f in by_path.items()} == {
            "/missing": ("error", "external-broken"),
            "/chain/1": ("warning", "external-moved"),
            "/loop/a": ("error", "external-redirect-loop"),
            "/slow": ("error", "external-no-answer"),
            "/denied": ("warning", "external-denied"),
            "/shared": ("warning", "external-moved"),
            "/perm": ("warning", "external-moved"),
            "/moved-once": ("warning", "external-moved"),
            "/nowhere": ("error", "external-broken"),
            "/down": ("error", "external-server-error"),
            "/always-busy": ("warning", "external-rate-limited"),
            "/too-busy": ("warning", "external-rate-limited"),
        }
        # Where the chain really ends, not the first hop.
        assert by_path["/chain/1"].fix == f"link to {base}/chain/3"
        assert by_path["/perm"].fix == f"link to {base}/ok"
        assert by_path["/moved-once"].fix == f"link to {base}/ok"
        assert by_path["/down"].message.endswith("HTTP 500: server error, 1 retries")
        assert by_path["/always-busy"].message.endswith(
            "HTTP 429: rate limited (1 retries)"
        )
        assert by_path["/too-busy"].message.endswith(
            "HTTP 429: rate limited (Retry-After 120 s)"
        )
        # A HEAD that gets no answer is asked again with GET, which works.
        assert first_hits["GET", "/drop-head"] == 1
        # Every URL once, even where two chains meet (/chain/2).
        assert {n for (m, _), n in first_hits.items() if m == "HEAD"} <= {1, 2}
        assert first_hits["HEAD", "/chain/2"] == first_hits["HEAD", "/ok"] == 1
        assert first_hits["HEAD", "/head-404"] == first_hits["GET", "/head-404"] == 1
        assert by_path["/loop/a"].message == (
            f"redirect loop: {base}/loop/a -> {base}/loop/b -> {base}/loop/a"
        )
        assert by_path["/slow"].message.endswith("no answer after 1 retries: timed out")
        assert (stats["urls"], stats["pages_checked"]) == (len(PATHS), 2)
        assert (stats["excluded"], stats["offline"]) == (0, False)
        # HEAD first, GET where HEAD fails; one retry for timeouts.
        assert first_hits["HEAD", "/no-head"] == first_hits["GET", "/no-head"] == 1
        # A 503 to HEAD: GET at once, which works.
        assert first_hits["HEAD", "/flaky"] == first_hits["GET", "/flaky"] == 1
        assert first_hits["HEAD", "/slow"] == 2
        assert len(Behaviours.times["/busy"]) == 2  # asked again after Retry-After

        # The command, with the same settings: the same external findings.
        settings = tmp_path / "settings.py"
        settings.write_text(
            "\n".join(
                f"SITECHECK_{name.upper()} = {value!r}"
                for name, value in dataclasses.asdict(fast_config).items()
                if name.startswith("external_") or name == "report_path"
            )
        )
        assert main([str(output.root), "--settings", str(settings), "--external"]) == 1
        report = json.loads((tmp_path / "report.json").read_text())
        again = {
            (f["element"].split(base)[1], f["code"])
            for f in report["findings"]
            if f["code"].startswith("external-")
        }
        assert {(f.element.split(base)[1], f.code) for f in found} == again
        assert report["output"] == str(output.root.resolve())


def test_a_chain_over_the_limit_names_no_final_address(output, fast_config):
    Behaviours.hits.clear()
    limited = dataclasses.replace(fast_config, external_max_redirects=3)
    with serve(Behaviours) as base:
        output("index.html", html(f'<a href="{base}/endless/0">x</a>'))
        (finding,) = check_external(output.root, limited)[0]
    assert finding.code == "external-redirects"
    assert finding.message.endswith(
        f"(the last one to {base}/endless/4, not requested)"
    )
    assert "link to the page it ends at" in finding.fix
    assert ("HEAD", "/endless/4") not in Behaviours.hits


def test_dead_servers_and_domains_are_errors(output, fast_config, monkeypatch):
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if host == "nodata.example":  # the name exists, without an address
            raise socket.gaierror(socket.EAI_NODATA, "No address associated")
        if host == "stuck.example":  # the resolver itself failed
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure")
        if host == "bug.example":
            raise RuntimeError("a bug")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with serve(Behaviours) as base:
        output(
            "index.html",
            html(
                f'<a href="{base}/ok">live</a><a href="http://127.0.0.2:9/">dead</a>'
                '<a href="https://gone.example/page">gone</a>'
                '<a href="https://nodata.example/">nodata</a>'
                '<a href="https://stuck.example/">stuck</a>'
                '<a href="https://bug.example/">bug</a>'
                '<a href="http://example.org:port/">port</a>'
            ),
        )
        found, stats = check_external(output.root, fast_config)
    assert not stats["offline"]
    assert sorted((f.level, f.code, f.element) for f in found) == [
        ("error", "external-malformed", '<a href="http://example.org:port/">'),
        ("error", "external-no-answer", '<a href="http://127.0.0.2:9/">'),
        ("error", "external-no-answer", '<a href="https://stuck.example/">'),
        ("error", "external-unresolved", '<a href="https://gone.example/page">'),
        ("error", "external-unresolved", '<a href="https://nodata.example/">'),
        ("warning", "external-checker-failed", '<a href="https://bug.example/">'),
    ]
    messages = {f.element.split('"')[1]: f.message for f in found}
    assert messages["https://gone.example/page"].endswith(
        "the domain gone.example does not exist (DNS)"
    )
    assert messages["https://bug.example/"].endswith(
        "checker failed: RuntimeError('a bug')"
    )
    assert (
        "malformed URL (Port could not be cast" in messages["http://example.org:port/"]
    )


def test_links_only_to_domains_that_do_not_resolve_are_as_offline(
    output, fast_config, monkeypatch
):
    """A domain that does not resolve gives no answer: when every host is
    such, this machine's DNS is what fails."""

    def resolve(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    output(
        "index.html",
        html('<a href="https://a.example/">a</a><a href="https://b.example/">b</a>'),
    )
    found, stats = check_external(output.root, fast_config)
    assert (found, stats["offline"]) == ([], True)


def test_retries_wait_longer_each_time(output, fast_config, monkeypatch):
    """SITECHECK_EXTERNAL_BACKOFF before the first retry, doubled for each next."""
    waits = []
    monkeypatch.setattr(time, "sleep", waits.append)  # no real wait
    patient = dataclasses.replace(fast_config, external_retries=2, external_backoff=0.3)
    with serve(Behaviours) as base:
        output("index.html", html(f'<a href="{base}/down">x</a>'))
        (finding,) = check_external(output.root, patient)[0]
    assert finding.message.endswith("HTTP 500: server error, 2 retries")
    assert waits == [0.3, 0.6]


def test_no_host_answering_is_one_line_and_exit_status_3(output, tmp_path, caplog):
    # Nothing listens on port 9: every host refuses, as when the network is down.
    output(
        "index.html",
        html(
            '<a href="http://127.0.0.1:9/a">a</a><a href="http://127.0.0.2:9/b">b</a>'
            '<a href="http://127.0.0.3:9/c">c</a><a href="https://github.com/x">x</a>'
        ),
    )
    settings = tmp_path / "quick.py"
    settings.write_text(
        f"SITECHECK_EXTERNAL_BACKOFF = 0\nCACHE_PATH = {str(tmp_path / 'c')!r}\n"
        "SITECHECK_EXTERNAL_EXCLUDE = ['^https://github.com/']\n"
    )
    assert main([str(output.root), "--settings", str(settings), "--external"]) == 3
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage() == (
        "sitecheck: no external host answered (3 URLs): this machine is offline;"
        " no external link was checked"
    )


def test_concurrency_is_bounded_overall_and_per_host(output, config):
    in_flight = collections.Counter()
    peaks = collections.Counter()
    lock = threading.Lock()

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            host = self.headers["Host"].split(":")[0]
            with lock:
                in_flight[host] += 1
                in_flight["all"] += 1
                peaks[host] = max(peaks[host], in_flight[host])
                peaks["all"] = max(peaks["all"], in_flight["all"])
            time.sleep(0.1)
            with lock:
                in_flight[host] -= 1
                in_flight["all"] -= 1
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    with serve(Slow, "127.0.0.1") as one, serve(Slow, "127.0.0.2") as two:
        urls = [f"{one}/{i}" for i in range(8)] + [f"{two}/{i}" for i in range(2)]
        links = "".join(f'<a href="{url}">x</a>' for url in urls)
        output("index.html", html(links))
        bounded = dataclasses.replace(
            config,
            external_concurrency=4,
            external_per_host=3,
        )
        found, stats = check_external(output.root, bounded)
    assert (found, stats["requests"]) == ([], 10)
    assert (peaks["127.0.0.1"], peaks["127.0.0.2"], peaks["all"]) == (3, 2, 4)


def test_exclude_patterns_and_retry_after_dates(output, config):
    output("index.html", html('<a href="https://github.com/x">x</a>'))
    skipping = dataclasses.replace(config, external_exclude=(r"^https://github\.com/",))
    assert check_external(output.root, skipping)[1]["requests"] == 0
    assert retry_after("120", 1.0) == 120
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1.0) == 0
    assert retry_after("soon", 1.0) == 1.0
    assert (retry_after(" 5 ", 1.0), retry_after(None, 2.0), retry_after("", 3)) == (
        5,
        2.0,
        3,
    )
    soon = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert 55 < retry_after(soon, 1.0) <= 60


def test_every_url_a_page_loads_or_links_is_checked_once(output, fast_config):
    """Links, images and their srcset and <picture> candidates; fragments
    stripped; a protocol-relative URL asked over https; paths and queries
    sent percent-encoded; pages in SITECHECK_IGNORE_PAGES left out."""
    Behaviours.hits.clear()
    with serve(Behaviours) as base:
        host = base.removeprefix("http:")
        output(
            "index.html",
            html(
                f'<a href="{base}/ok#a">a</a> <a href="{base}/ok#b">b</a>'
                f'<a href="{base}">root</a> <a href="{base}/café?q=a b&r=1">q</a>'
                f'<img src="{base}/img1" srcset="{base}/img2 2x" alt="x">'
                f'<picture><source srcset="{base}/img3 640w"><img src="{base}/img4"'
                ' alt="y"></picture>'
                f'<a href="{host}/never">tls</a>'
            ),
        )
        output("old.htm", html(f'<a href="{base}/img5">old</a>'))
        output("google123.html", html(f'<a href="{base}/missing">verify</a>'))
        ignoring = dataclasses.replace(fast_config, ignore_pages=("google*.html",))
        found, stats = check_external(output.root, ignoring)
    asked = {path for method, path in Behaviours.hits if method == "HEAD"}
    assert asked == {
        "/ok",
        "/",
        "/caf%C3%A9?q=a%20b&r=1",
        *(f"/img{n}" for n in range(1, 6)),
    }
    assert set(Behaviours.hits.values()) == {1}
    ((finding),) = found  # https to a server that speaks only http
    assert (finding.code, finding.element) == (
        "external-no-answer",
        f'<a href="{host}/never">',
    )
    assert (stats["urls"], stats["pages_checked"]) == (9, 2)


def test_one_dead_host_is_not_this_machine_offline(output, fast_config):
    output("index.html", html('<a href="http://127.0.0.2:9/">dead</a>'))
    found, stats = check_external(output.root, fast_config)
    assert not stats["offline"]
    assert [f.code for f in found] == ["external-no-answer"]


class Gone(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


def test_a_broken_link_names_the_content_file_and_its_line(output, fast_config):
    """Named as the other checks name theirs: the content file at the line of
    the URL, also on a listing page that shows it in a summary."""
    content = output.root.parent / "content"
    content.mkdir()
    with serve(Gone) as base:
        url = f"{base}/gone"
        (content / "post.md").write_text(f"Title: A post\n\nSee [this]({url}).\n")
        output("post.html", html(f'<p>Intro</p>\n<a href="{url}">this</a>'))
        output("index.html", html(f'<a href="{url}">in a summary</a>'))
        output("about.html", html(f'<a href="{url}/too">in the theme</a>'))
        sources = Sources(
            project=str(output.root.parent),
            listed={"index.html": ["content/post.md"]},
            pages={
                "post.html": "content/post.md",
                "index.html": None,
                "about.html": None,
            },
        )
        found, _ = check_external(output.root, fast_config, sources)
    where = {f.page: (f.code, f.source, f.line, f.from_theme) for f in found}
    assert where == {
        "post.html": ("external-broken", "content/post.md", 3, False),
        "index.html": ("external-broken", "content/post.md", 3, False),
        "about.html": ("external-broken", "theme", None, True),
    }


@pytest.mark.parametrize(
    ("setting", "logged"),
    [
        (
            "SITECHECK_EXTERNAL_TIMEOUT = '10s'",
            "sitecheck: SITECHECK_EXTERNAL_TIMEOUT"
            " must be a number, not '10s' (default: 10.0)",
        ),
        (
            "SITECHECK_EXTERNAL_EXCLUDE = ['(']",
            "sitecheck: SITECHECK_EXTERNAL_EXCLUDE:"
            " '(' is not a regular expression (missing ), unterminated",
        ),
        ("SITECHECK_EXTERNAL_TIMEOUT = ", "sitecheck: invalid syntax"),
    ],
)
def test_bad_settings_are_exit_status_2(output, tmp_path, caplog, setting, logged):
    settings = tmp_path / "bad.py"
    settings.write_text(setting + "\n")
    assert main([str(output.root), "--settings", str(settings), "--external"]) == 2
    said = {
        (r.levelname, r.getMessage()[: len(logged)])
        for r in caplog.records
        if r.name == main.__module__
    }
    assert said == {("ERROR", logged)}


def test_working_links_are_exit_status_0_warnings_and_all(output, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    settings = tmp_path / "fine.py"
    settings.write_text("SITECHECK_HTTP_LINKS_ALLOWED = ['^http://127']\n")
    with serve(Behaviours) as base:
        output(
            "index.html", html(f'<a href="{base}/ok">a</a><a href="{base}/perm">b</a>')
        )
        assert main([str(output.root), "--settings", str(settings), "--external"]) == 0
    said = [r for r in caplog.records if r.name == main.__module__]
    assert [r.levelname for r in said] == ["WARNING", "INFO"]  # moved; the summary
    assert re.fullmatch(
        r"sitecheck: 1 pages and 0 feeds, sitemaps and style sheets checked in"
        r" \d+\.\d s: 0 errors, 1 warnings; 2 external URLs \(0 excluded, \d+"
        r" requests\)",
        said[-1].getMessage(),
    )
