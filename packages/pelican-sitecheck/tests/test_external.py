"""External links, against servers on 127.0.0.1: no network, DNS or waiting."""

import collections
import email.utils
import http.server
import re
import socket
import threading
import time

import pytest
from pelican.plugins.sitecheck import external
from pelican.plugins.sitecheck.external import check_external
from pelican.plugins.sitecheck.settings import Config
from sitecheck_helpers import (
    COMMAND,
    build,
    check_command,
    html,
    logged_lines,
    run,
    run_command,
    serve,
    table,
    write_foreign_site,
)

FAST = {"SITECHECK_EXTERNAL_RETRIES": 1, "SITECHECK_EXTERNAL_TIMEOUT": 2.0}


def http_date(seconds):
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


# path: [(status, headers)] of its first answers, the last one repeated; a
# method's own answers as {method: ...}.
ROUTES = {
    "/ok": [(200, {})],
    "/missing": [(404, {})],
    "/chain/1": [(301, {"Location": "/chain/2"})],
    "/chain/2": [(301, {"Location": "/chain/3"})],
    "/chain/3": [(200, {})],
    "/shared": [(302, {"Location": "/chain/2"})],  # meets /chain/1's chain
    "/perm": [(301, {"Location": "/hop"})],  # moved for good, then temporarily
    "/hop": [(302, {"Location": "/ok"})],
    "/temp": [(307, {"Location": "/ok"})],  # only temporary: the link is fine
    "/moved-once": [(308, {"Location": "/ok"})],
    "/nowhere": [(302, {})],  # a redirect that says not where to
    "/loop/a": [(302, {"Location": "/loop/b"})],
    "/loop/b": [(307, {"Location": "/loop/a"})],
    "/down": [(500, {})],
    "/flaky": [(503, {}), (200, {})],
    "/denied": [(403, {})],
    "/unauthorized": [(401, {})],
    "/always-busy": [(429, {})],
    "/too-busy": [(429, {"Retry-After": "120"})],
    "/busy": [(429, {"Retry-After": "1"}), (200, {})],
    "/busy-until": [(429, {"Retry-After": lambda: http_date(20)}), (200, {})],
    "/busy-long": [(429, {"Retry-After": lambda: http_date(600)})],
    "/no-head": {"HEAD": [(405, {})], "GET": [(200, {})]},
    "/head-404": {"HEAD": [(404, {})], "GET": [(200, {})]},
    "/drop-head": {"HEAD": [], "GET": [(200, {})]},  # hangs up on HEAD
    "/hang": {"HEAD": None, "GET": None},  # never answers
}


def handler():
    """A handler class of its own: ROUTES and /endless/N, requests counted."""
    hits = collections.Counter()
    lock = threading.Lock()
    released = threading.Event()

    class Routes(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self):
            with lock:
                hits[self.command, self.path] += 1
                seen = hits["HEAD", self.path] + hits["GET", self.path]
            answers = ROUTES.get(
                self.path, [(404 if "missing" in self.path else 200, {})]
            )
            if self.path.startswith("/endless/"):
                step = int(self.path.rsplit("/", 1)[1])
                answers = [(302, {"Location": f"/endless/{step + 1}"})]
            if isinstance(answers, dict):
                answers = answers[self.command]
            if answers is None:
                released.wait(10)
            elif not answers:
                self.close_connection = True
            else:
                status, headers = answers[min(seen, len(answers)) - 1]
                self.send_response(status)
                for name, value in {**headers, "Content-Length": "0"}.items():
                    self.send_header(name, value() if callable(value) else value)
                self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args):
            pass

    Routes.hits, Routes.released = hits, released
    return Routes


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """Every route linked from two pages, checked once."""
    output = tmp_path_factory.mktemp("external") / "output"
    output.mkdir()
    routes = handler()
    waits = []
    with pytest.MonkeyPatch.context() as patch, serve(routes) as base:
        patch.setattr(external.time, "sleep", waits.append)
        links = "".join(f'<a href="{base}{path}#frag">x</a>\n' for path in ROUTES)
        links += f'<a href="{base}/endless/0">x</a>'
        (output / "index.html").write_text(html(links))
        (output / "about.html").write_text(html(f'<a href="{base}/ok">again</a>'))
        found, stats = check_external(output, Config.from_settings(FAST))
        routes.released.set()
    by_path = {re.search(r"\d(/[^#\"]*)", f.element)[1]: f for f in found}
    return by_path, stats, routes.hits, base, waits


# path | level | code | the end of the message | fix ({base}: the server)
ANSWERS = """
/missing | error | external-broken | HTTP 404: broken link | fix or remove the link
/nowhere | error | external-broken | HTTP 302: broken link | fix or remove the link
# Where the chain really ends, not the first hop.
/chain/1 | warning | external-moved | permanently redirected to {base}/chain/3 | \
link to {base}/chain/3
/shared | warning | external-moved | permanently redirected to {base}/chain/3 | \
link to {base}/chain/3
/perm | warning | external-moved | permanently redirected to {base}/ok | \
link to {base}/ok
/moved-once | warning | external-moved | permanently redirected to {base}/ok | \
link to {base}/ok
/loop/a | error | external-redirect-loop | \
redirect loop: {base}/loop/a -> {base}/loop/b -> {base}/loop/a | fix or remove the link
/endless/0 | error | external-redirects | more than 10 redirects (the last one to \
{base}/endless/11, not requested) | \
open it in a browser and link to the page it ends at
/down | error | external-server-error | HTTP 500: server error, 1 retries | \
open it in a browser; fix or remove it
/denied | warning | external-denied | HTTP 403: access denied (bot protection?) | \
open it in a browser; if it works, add it to SITECHECK_EXTERNAL_EXCLUDE
/unauthorized | warning | external-denied | HTTP 401: access denied \
(bot protection?) | \
open it in a browser; if it works, add it to SITECHECK_EXTERNAL_EXCLUDE
/always-busy | warning | external-rate-limited | HTTP 429: rate limited (1 retries) \
| check it again later
/too-busy | warning | external-rate-limited | rate limited (Retry-After 120 s) | \
check it again later
/busy-long | warning | external-rate-limited | rate limited (Retry-After 6 | \
check it again later
/hang | error | external-no-answer | no answer after 1 retries: timed out | \
open it in a browser; fix or remove it if it is gone
"""


@pytest.mark.parametrize("row", table(ANSWERS), ids=lambda row: row[0])
def test_what_each_answer_is(answers, row):
    by_path, _, _, base, _ = answers
    path, level, code, message, fix = row
    finding = by_path[path]
    fix, message = fix.format(base=base), message.format(base=base)
    assert (finding.level, finding.code, finding.fix) == (level, code, fix)
    if message.endswith("(Retry-After 6"):  # 600 s from an HTTP date, to the second
        assert re.search(r"\(Retry-After (599|600) s\)$", finding.message)
    else:
        assert finding.message.endswith(message)


# Requests a server had: "method path count" apart by " | ".
HITS = """
# HEAD refused, hung up on or wrong, then GET; a 5xx, then an answer at once.
HEAD /no-head 1 | GET /no-head 1 | HEAD /head-404 1 | GET /head-404 1
HEAD /drop-head 1 | GET /drop-head 1 | HEAD /flaky 1 | GET /flaky 1
# Every URL once (on two pages, or where two chains meet: /chain/2); none
# past 10 redirects; a retry after Retry-After, and after a timeout.
HEAD /ok 1 | HEAD /chain/2 1 | HEAD /endless/11 0
HEAD /busy 2 | HEAD /busy-until 2 | HEAD /hang 2
"""


def test_what_works_passes_and_each_url_is_requested_once(answers):
    by_path, stats, hits, _, waits = answers
    # Temporary redirects, and the answers in HITS: no finding.
    passing = ["/ok", "/temp", "/hop", "/no-head", "/head-404", "/drop-head", "/flaky"]
    assert not set(by_path) & {*passing, "/busy", "/busy-until"}
    others = set(by_path) - {path for path, *_ in table(ANSWERS)}
    assert others == {"/chain/2", "/loop/b"}  # linked too
    counts = [cell.split() for row in table(HITS) for cell in row]
    assert {(m, p): hits[m, p] for m, p, _ in counts} == {
        (m, p): int(n) for m, p, n in counts
    }
    assert 1 in waits and [w for w in waits if 1 < w <= 20]  # the Retry-After waits
    urls = len(ROUTES) + 1
    assert (stats["urls"], stats["excluded"], stats["offline"]) == (urls, 0, False)
    assert stats["requests"] >= sum(hits.values())


def test_every_url_a_page_loads_or_links_is_checked_once(site):
    """Links, srcset and <picture> candidates; no fragment; //host over https;
    percent-encoded paths and queries; ignored pages and excluded URLs left out."""
    routes = handler()
    with serve(routes) as base:
        host = base.removeprefix("http:")
        links = (
            f'<a href="{base}/ok#a">a</a><a href="{base}/ok#b">b</a><a href="{base}">/'
            f'</a><a href="{base}/café?q=a b&r=1">q</a><a href="{host}/never">tls</a>'
            f'<img src="{base}/img1" srcset="{base}/img2 2x" alt="x"><picture><source'
            f' srcset="{base}/img3 640w"><img src="{base}/img4" alt="y"></picture>'
        )
        site("index.html", html(links + f'<a href="{base}/excluded/">x</a>'))
        site("old.htm", html(f'<a href="{base}/img5">old</a>'))
        site("google123.html", html(f'<a href="{base}/missing">verify</a>'))
        ignore = {"SITECHECK_IGNORE_PAGES": ["google*.html"]}
        exclude = {"SITECHECK_EXTERNAL_EXCLUDE": [r"/excluded/$"]}
        config = Config.from_settings({**FAST, **ignore, **exclude})
        found, stats = check_external(site.root, config)
    images = {f"/img{n}" for n in range(1, 6)}
    asked = {"/ok", "/", "/caf%C3%A9?q=a%20b&r=1", *images}
    assert ({path for _, path in routes.hits}, set(routes.hits.values())) == (
        asked,
        {1},
    )
    # https to a server that speaks only http.
    assert [(f.code, f.element) for f in found] == [
        ("external-no-answer", f'<a href="{host}/never">')
    ]
    assert (stats["urls"], stats["excluded"]) == (10, 1)


REAL_GETADDRINFO = socket.getaddrinfo


def resolve(host, *args, **kwargs):
    """getaddrinfo that knows the .example domains; no real DNS."""
    if host == "nodata.example":
        raise socket.gaierror(socket.EAI_NODATA, "No address associated")
    if host == "stuck.example":
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure")
    if host == "bug.example":
        raise RuntimeError("a bug")
    if host.endswith(".example"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return REAL_GETADDRINFO(host, *args, **kwargs)


@pytest.fixture
def offline_dns(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(external.time, "sleep", lambda seconds: None)


DEAD = """
http://example.org:port/ | error | external-malformed | malformed URL (Port could \
| fix the URL
http://127.0.0.2:9/ | error | external-no-answer | no answer after 1 retries: \
| open it in a browser; fix or remove it if it is gone
https://stuck.example/ | error | external-no-answer | no answer after 1 retries: \
| open it in a browser; fix or remove it if it is gone
https://gone.example/page | error | external-unresolved | the domain gone.example \
does not exist (DNS) | fix the address, or remove the link: the site is gone
https://nodata.example/ | error | external-unresolved | the domain nodata.example \
does not exist (DNS) | fix the address, or remove the link: the site is gone
https://bug.example/ | warning | external-checker-failed | checker failed: \
RuntimeError('a bug') | check it by hand
"""


def test_dead_servers_and_domains(site, offline_dns):
    with serve(handler()) as base:
        links = [f"{base}/ok", *(url for url, *_ in table(DEAD))]
        site("index.html", html("".join(f'<a href="{url}">x</a>' for url in links)))
        found, stats = check_external(site.root, Config.from_settings(FAST))
    assert not stats["offline"]
    by_url = {finding.element.split('"')[1]: finding for finding in found}
    for url, level, code, message, fix in table(DEAD):
        finding = by_url.pop(url)
        assert (finding.level, finding.code, finding.fix) == (level, code, fix)
        assert finding.message.startswith(message)
    assert by_url == {}


@pytest.mark.parametrize(
    ("links", "offline"),
    [
        # A domain that does not resolve gives no answer: when every host is
        # such, this machine's DNS is what fails.
        (["https://a.example/", "https://b.example/"], True),
        # Nothing listens on port 9: every host refuses, as when offline.
        (["http://127.0.0.1:9/a", "http://127.0.0.2:9/b", "http://127.0.0.3:9/"], True),
        (["http://127.0.0.2:9/"], False),  # one dead host is not this machine
    ],
)
def test_no_host_answering_is_offline_exit_status_3(site, offline_dns, links, offline):
    site("index.html", html("".join(f'<a href="{url}">x</a>' for url in links)))
    found, stats = check_external(site.root, Config.from_settings(FAST))
    codes = [] if offline else ["external-no-answer"]
    assert (stats["offline"], [f.code for f in found]) == (offline, codes)
    site("about.html", html('<a href="https://github.com/x">excluded</a>'))
    exclude = {"SITECHECK_EXTERNAL_EXCLUDE": ["^https://github.com/"]}
    status, records = check_command(site.root, "--external", **exclude)
    errors = [r.getMessage() for r in records if r.levelname == "ERROR"]
    said = (
        f"sitecheck: no external host answered ({len(links)} URLs): this"
        " machine is offline; no external link was checked"
    )
    assert (status, errors) == ((3, [said]) if offline else (1, errors[:1]))


BAD = """
SITECHECK_EXTERNAL_TIMEOUT = '10s' | sitecheck: SITECHECK_EXTERNAL_TIMEOUT must be \
a number, not '10s' (default: 10.0)
SITECHECK_EXTERNAL_EXCLUDE = ['('] | sitecheck: SITECHECK_EXTERNAL_EXCLUDE: '(' is \
not a regular expression (missing ), unterminated
SITECHECK_EXTERNAL_TIMEOUT = | sitecheck: invalid syntax
"""


@pytest.mark.parametrize(("setting", "logged"), table(BAD))
def test_bad_settings_are_exit_status_2(site, setting, logged):
    settings = site.root.parent / "bad.py"
    settings.write_text(setting + "\n")
    status, records = run_command(site.root, "--settings", settings, "--external")
    said = [(r.levelname, r.getMessage()[: len(logged)]) for r in records]
    assert (status, said) == (2, [("ERROR", logged)])


def test_working_links_are_exit_status_0_warnings_and_all(site):
    with serve(handler()) as base:
        site(
            "index.html", html(f'<a href="{base}/ok">a</a><a href="{base}/perm">b</a>')
        )
        allowed = {"SITECHECK_HTTP_LINKS_ALLOWED": ["^http://127"]}
        status, records = check_command(site.root, "--external", **allowed)
    assert status == 0
    assert [r.levelname for r in records] == ["WARNING", "INFO"]  # moved; the summary
    assert re.fullmatch(
        r"sitecheck: 1 pages and 0 feeds, sitemaps and style sheets checked in"
        r" \d+\.\d s: 0 errors, 1 warnings; 2 external URLs \(0 excluded, \d+"
        r" requests\)",
        records[-1].getMessage(),
    )


def test_a_broken_link_names_the_content_file_and_its_line(tmp_path):
    """As the other checks name theirs: the content file at the line of the
    URL, also on a listing page that shows it in a summary; the theme's own."""
    with serve(handler()) as base:
        post = f"Title: Post\nDate: 2022-01-01\n\nSee [this]({base}/missing).\n"
        write_foreign_site(tmp_path, **{"post.md": post})
        with open(tmp_path / "pelicanconf.py", "a") as settings:
            settings.write(
                f"LINKS = (('Gone', '{base}/missing/too'),)\n"
                "SITECHECK_EXTERNAL_RETRIES = 0\n"
                "SITECHECK_HTTP_LINKS_ALLOWED = ['^http://127']\n"
                "SITECHECK_EXTERNAL_EXCLUDE = ['^https?://(?!127.0.0.1)']\n"
            )
        assert build(tmp_path).returncode == 0
        checked = run(tmp_path, *COMMAND, "--external")
    found = [f for f in logged_lines(checked.stderr) if f[3].startswith("HTTP 404")]
    assert {(source, line) for source, line, *_ in found} >= {
        ("content/post.md", 4),
        ("theme notmyidea", None),
    }
    (post,) = [line for line in checked.stderr.splitlines() if "post.md:4" in line]
    assert "on 4 pages (" in post and "index.html" in post  # the post and listings


def test_a_429_pauses_every_request_to_its_host(monkeypatch):
    """Another URL of a host that asked to wait is requested after the wait."""
    waits = []
    monkeypatch.setattr(external.time, "sleep", waits.append)
    checker = external.Checker(Config.from_settings(FAST))
    with serve(handler()) as base:
        assert checker.check(f"{base}/busy-until").code is None  # waited, then 200
        waits.clear()
        assert checker.check(f"{base}/ok").code is None
    assert len(waits) == 1 and 15 < waits[0] <= 20  # the rest of Retry-After
