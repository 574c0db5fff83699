"""Check the external links of a built site: never during a Pelican build,
only with `pelican-sitecheck OUTPUT --external` (command.py).

HEAD first, GET after a failed HEAD; redirects followed one by one (a
permanent one is a warning naming where the chain ends; a loop is an error);
each URL requested once a run; retries with backoff for timeouts, failed
connections and 5xx; a 429 pauses its whole host for its Retry-After, up to a
cap; requests at once bounded overall and per host. A domain that
does not resolve, and a server still unreachable after the retries, are errors.

Standard library only (http.client in a thread pool): the checker must not
follow redirects on its own, and hundreds of URLs need no async machinery.
"""

import concurrent.futures
import email.utils
import fnmatch
import http.client
import itertools
import re
import socket
import ssl
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote, urldefrag, urljoin, urlsplit

from .internal import Site, blame, content_lines
from .report import issue

USER_AGENT = "Mozilla/5.0 (compatible; sitecheck link checker)"
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
DENIED = {401, 403, 999}  # often bot protection: a warning, not an error
NO_SUCH_HOST = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"
MAX_REDIRECTS = 10
WORKERS, PER_HOST = 32, 8  # requests at once, overall and to one host
BACKOFF = 1.0  # seconds before the first retry; each further one waits twice as long
RETRY_AFTER_MAX = 30.0  # the longest Retry-After (seconds) a 429 is waited for


@dataclass(frozen=True)
class Result:
    code: str | None  # a report.CHECKS code; None: the link works
    fields: dict = field(default_factory=dict)
    connected: bool = True  # False: no answer at all (timeout, DNS, refused)


OK = Result(None)


class Checker:
    """Checks URLs from several threads; each URL is requested once a run
    (redirect chains that meet share the rest of the way)."""

    def __init__(self, config):
        self.config = config
        self.sent = []  # one item a request (list.append is thread-safe)
        self._lock = threading.Lock()
        self._answers = {}  # url -> (its lock, [its answer])
        self._hosts = {}  # host -> (its slots, [the time its pause ends])
        self._ssl = ssl.create_default_context()

    def check(self, url):
        """The Result for one URL; never raises."""
        try:
            return self._follow(url)
        except Exception as error:  # noqa: BLE001 - a checker bug must not stop the run
            return Result("external-checker-failed", {"reason": repr(error)})

    def _follow(self, url):
        chain, permanent = [url], False
        for _ in range(MAX_REDIRECTS + 1):
            answer = self._answer(chain[-1])
            if isinstance(answer, Result):
                return answer
            status, location = answer
            if status not in REDIRECTS or not location:
                # A permanent redirect on the way: link to where the chain ends.
                moved_to = chain[-1] if permanent and len(chain) > 1 else None
                return _verdict(status, moved_to, self.config.external_retries)
            target = urldefrag(urljoin(chain[-1], location)).url
            if target in chain:
                loop = " -> ".join([*chain[chain.index(target) :], target])
                return Result("external-redirect-loop", {"loop": loop})
            permanent |= status in PERMANENT
            chain.append(target)
        return Result("external-redirects", {"count": MAX_REDIRECTS, "url": chain[-1]})

    def _answer(self, url):
        """The answer for one URL, requested once a run: a thread asking for a
        URL that another is requesting waits for its answer."""
        with self._lock:
            lock, answer = self._answers.setdefault(url, (threading.Lock(), []))
        with lock:
            if not answer:
                answer.append(self._request_with_retries(url))
        return answer[0]

    def _request_with_retries(self, url):
        """(status, Location) of the last answer, or a Result if there was none."""
        retries, method, attempt = self.config.external_retries, "HEAD", 0
        while True:
            wait, status, failure = BACKOFF * 2**attempt, None, None
            try:
                status, headers = self._request(method, url)
            except ValueError as error:
                return Result("external-malformed", {"reason": error})
            except socket.gaierror as error:
                if error.errno in NO_SUCH_HOST:
                    fields = {"host": urlsplit(url).hostname}
                    return Result("external-unresolved", fields, connected=False)
                failure = error  # the resolver itself failed: as no answer
            except (OSError, http.client.HTTPException) as error:
                failure = error
            if method == "HEAD" and (
                isinstance(failure, http.client.HTTPException)
                or (status and status >= 400 and status != 429)
            ):
                method = "GET"  # some servers drop HEAD; only GET says "broken"
                continue
            if status == 429:
                wait = retry_after(headers.get("Retry-After"), wait)
                if wait > RETRY_AFTER_MAX:
                    fields = {"wait": f"Retry-After {wait:.0f} s"}
                    return Result("external-rate-limited", fields)
            if attempt < retries and (failure or status == 429 or status >= 500):
                if status == 429:  # every request to this host waits
                    pause = self._host(url)[1]
                    pause[0] = max(pause[0], time.monotonic() + wait)
                else:
                    time.sleep(wait)
                attempt += 1
            elif failure:
                reason = "timed out" if isinstance(failure, TimeoutError) else failure
                fields = {"reason": reason, "retries": retries}
                return Result("external-no-answer", fields, connected=False)
            else:
                return status, headers.get("Location")

    def _request(self, method, url):
        parts = urlsplit(url)
        if parts.hostname is None:
            raise ValueError("no host")
        port, timeout = parts.port, self.config.external_timeout  # port: ValueError
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname, port, timeout=timeout, context=self._ssl
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname, port, timeout=timeout
            )
        path = quote(parts.path or "/", safe=_URL_SAFE)
        if parts.query:
            path += "?" + quote(parts.query, safe=_URL_SAFE)
        slots, pause = self._host(url)
        with slots:
            if (wait := pause[0] - time.monotonic()) > 0:
                time.sleep(wait)
            self.sent.append(url)
            try:
                headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
                connection.request(method, path, headers=headers)
                response = connection.getresponse()
                return response.status, response.headers
            finally:
                connection.close()  # no body read: a GET stops at the headers

    def _host(self, url):
        with self._lock:
            host = urlsplit(url).netloc
            return self._hosts.setdefault(host, (threading.Semaphore(PER_HOST), [0.0]))


def _verdict(status, moved_to, retries):
    if 200 <= status < 300:
        if moved_to:
            return Result("external-moved", {"url": moved_to})
        return OK
    if status in DENIED:
        return Result("external-denied", {"status": status})
    if status == 429:
        return Result("external-rate-limited", {"wait": f"{retries} retries"})
    if status >= 500:
        return Result("external-server-error", {"status": status, "retries": retries})
    return Result("external-broken", {"status": status})


def retry_after(value, default):
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def external_links(site, pages):
    """{absolute URL without fragment: [(page, element, line)]} of all pages."""
    links = defaultdict(list)
    for page_path in pages:
        page = site.parse(page_path)
        uses = [(ref.url, ref.element, ref.line) for ref in page.refs]
        for img in page.images:
            candidates = [img.src or "", *(url for url, _ in img.srcset + img.sources)]
            uses += [(url, img.element, img.line) for url in candidates]
        for url, element, line in uses:
            external = site.locate(page_path, url, page.base).external if url else None
            if external:
                external = (
                    "https:" + external if external.startswith("//") else external
                )
                links[external.split("#")[0]].append((page_path, element, line))
    return links


def check_urls(urls, config):
    """({url: Result}, requests sent)."""
    by_host = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc].append(url)
    # Host by host in turn: the workers rarely wait for a host's slot.
    todo = [
        url
        for batch in itertools.zip_longest(*by_host.values())
        for url in batch
        if url
    ]
    checker = Checker(config)
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        results = dict(zip(todo, pool.map(checker.check, todo), strict=True))
    return results, len(checker.sent)


def check_external(output_dir, config, sources=None):
    """Check every external URL of the output's pages; return (findings, stats).
    `sources` (a Sources) names the file to edit, as for the other checks."""
    site = Site(output_dir, config, sources)
    pages = sorted(
        name
        for name in site.files
        if name.endswith((".html", ".htm"))
        and not any(fnmatch.fnmatch(name, p) for p in config.ignore_pages)
    )
    links = external_links(site, pages)
    urls = [
        url
        for url in links
        if not any(re.search(pattern, url) for pattern in config.external_exclude)
    ]
    results, requests = check_urls(urls, config)
    hosts = {urlsplit(url).netloc for url in urls}
    stats = {
        "urls": len(links),
        "excluded": len(links) - len(urls),
        "requests": requests,
        # No host answered at all: this machine is offline, not every link dead.
        "offline": len(hosts) > 1
        and not any(result.connected for result in results.values()),
    }
    issues = defaultdict(list)  # page -> its issues
    for url, result in results.items():
        if result.code and not stats["offline"]:
            for page, element, line in links[url]:
                problem = issue(result.code, element, line, url, **result.fields)
                issues[page].append(problem)
    found = []
    for page, problems in sorted(issues.items()):
        source = site.sources.pages.get(page)
        found += blame(site, page, problems, source, content_lines(site, page))
    return found, stats
