"""Make every link and image URL inside feed items absolute.

Pelican rewrites `{filename}`/`{static}` links for feeds, but a plain Markdown
link such as `[x](/schedule/)` stays relative, and feed readers cannot resolve
it: Pelican writes no xml:base (getpelican/pelican#812, #1640).
"""

import hashlib
import pickle
import re
from html import escape
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
from feedgenerator import get_tag_uri
from lxml import etree
from pelican import signals

CACHE_FILE = "feed-links-cache.pickle"

# The attributes whose URLs lxml resolves (xlink:href as href), and what makes it
# look further: attributes holding several URLs, CSS url() and @import, meta
# refresh, and srcset (resolved below).
_URL_ATTRIBUTES = frozenset(name.split(":")[-1] for name in lxml.html.defs.link_attrs)
_ALWAYS_PARSE = ("srcset", "archive", "valuetype", "url(", "@import", "refresh")
_VALUE_WITHOUT_SCHEME = re.compile(r"=\s*+[\"']?+(?![a-z][a-z0-9+.-]*:)")
_NAME_BEFORE = re.compile(r"([\w-]*)\s*$")


def may_have_relative_urls(html):
    """False only if make_links_absolute would leave `html` as it is. Most
    items of a production feed have only absolute URLs (Pelican made their
    {filename} links absolute): this cheap test spares them the parse."""
    lowered = html.lower()
    if any(marker in lowered for marker in _ALWAYS_PARSE):
        return True
    for value in _VALUE_WITHOUT_SCHEME.finditer(lowered):
        start = value.start()
        name = _NAME_BEFORE.search(lowered, max(0, start - 20), start)[1]
        if not name or name in _URL_ATTRIBUTES:  # no name: play safe
            return True
    return False


def absolute_srcset(srcset, base):
    candidates = []
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        candidates.append(f"{urljoin(base, url)} {descriptor}".strip())
    return ", ".join(candidates)


def make_links_absolute(html, base):
    """Return html with relative href/src/srcset URLs resolved against base."""
    if not html or not may_have_relative_urls(html):
        return html
    return RESOLVED.get(html, base)


class ResolvedItems:
    """Item HTML with absolute URLs, by (HTML, base). The Atom and the RSS feed
    share their items; with Pelican's content cache on (development rebuilds)
    the last build's results are kept in CACHE_PATH, keyed on this plugin's
    code and lxml."""

    KEY = hashlib.blake2b(
        Path(__file__).read_bytes() + repr(etree.LXML_VERSION).encode()
    ).hexdigest()

    def __init__(self):
        self.previous, self.used = {}, {}
        self.started = False

    def get(self, html, base):
        key = hashlib.blake2b(f"{base} {html}".encode(), digest_size=16).digest()
        result = self.used.get(key) or self.previous.get(key)
        if result is None:
            result = _resolve_links(html, base)
        self.used[key] = result
        return result

    def start(self, settings):
        """Before the build's first feed: load the last build's results."""
        self.started = True
        if settings.get("LOAD_CONTENT_CACHE"):
            try:
                with open(_cache_file(settings), "rb") as file:
                    key, results = pickle.load(file)
                self.previous = results if key == self.KEY else {}
            except (OSError, EOFError, ValueError, TypeError, AttributeError,
                    pickle.UnpicklingError):  # fmt: skip
                self.previous = {}

    def finish(self, settings):
        """When the build ends: keep what it used, if caching."""
        if self.started and settings.get("CACHE_CONTENT"):
            path = _cache_file(settings)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as file:
                pickle.dump((self.KEY, self.used), file, pickle.HIGHEST_PROTOCOL)
        self.previous, self.used = {}, {}
        self.started = False


def _cache_file(settings):
    return Path(settings.get("CACHE_PATH") or "cache") / CACHE_FILE


RESOLVED = ResolvedItems()


def _resolve_links(html, base):
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    wrapper.make_links_absolute(base, resolve_base_href=False)
    for element in wrapper.iter():
        if element.get("srcset"):
            element.set("srcset", absolute_srcset(element.get("srcset"), base))
    return escape(wrapper.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in wrapper
    )


def absolutise_feed(context, feed):
    """feed_generated receiver. In development SITEURL is empty, so item links
    are root-relative too: resolve them against FEED_DOMAIN (the dev server)."""
    if not RESOLVED.started:
        RESOLVED.start(context)
    domain = (context.get("SITEURL") or context.get("FEED_DOMAIN") or "") + "/"
    feed.feed["link"] = urljoin(domain, feed.feed["link"])
    for item in feed.items:
        if not item["link"].startswith(("http://", "https://")):
            item["link"] = urljoin(domain, item["link"])
            item["unique_id"] = get_tag_uri(item["link"], item["pubdate"])
        for key in ("description", "content"):
            if item.get(key):
                item[key] = make_links_absolute(item[key], item["link"])


def finish(pelican):
    RESOLVED.finish(pelican.settings)


def register():
    signals.feed_generated.connect(absolutise_feed)
    signals.finalized.connect(finish)
