"""Feeds that readers can use: a title of their own, absolute links.

Pelican titles the all-posts Atom and RSS feeds both SITENAME; a reader
subscribed to several cannot tell them apart: each gets e.g. "HAET 2021:
announcements (Atom)". The `feed_generated` signal hands plugins the feed
object, whose `feed["title"]` is what feedgenerator writes.

Pelican rewrites `{filename}`/`{static}` links for feeds, but a plain Markdown
link such as `[x](/schedule/)` stays relative, and feed readers cannot resolve
it: Pelican writes no xml:base (getpelican/pelican#812, #1640).
"""

from html import escape
from urllib.parse import urljoin

import lxml.html
from feedgenerator import Atom1Feed, get_tag_uri


def absolute_srcset(srcset, base):
    candidates = []
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        candidates.append(f"{urljoin(base, url)} {descriptor}".strip())
    return ", ".join(candidates)


def make_links_absolute(html, base):
    """Return html with relative href/src/srcset URLs resolved against base."""
    if not html:
        return html
    return _resolve_links(html, base)


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
    domain = (context.get("SITEURL") or context.get("FEED_DOMAIN") or "") + "/"
    feed.feed["link"] = urljoin(domain, feed.feed["link"])
    for item in feed.items:
        if not item["link"].startswith(("http://", "https://")):
            item["link"] = urljoin(domain, item["link"])
            item["unique_id"] = get_tag_uri(item["link"], item["pubdate"])
        for key in ("description", "content"):
            if item.get(key):
                item[key] = make_links_absolute(item[key], item["link"])


def describe_feed(context, feed):
    """Its own title, its language; each entry's tags as its categories (not
    the one category every post has); summaries as plain text (no typogrify
    markup such as <span class="caps">)."""
    kind = "Atom" if isinstance(feed, Atom1Feed) else "RSS"
    title = feed.feed["title"]
    if title == context["SITENAME"]:
        title = f"{title}: {context['FEED_NAME']}"
    feed.feed["title"] = f"{title} ({kind})"
    feed.feed["language"] = context["DEFAULT_LANG"]
    for item in feed.items:
        item["categories"] = [
            c for c in item["categories"] if str(c) != context["DEFAULT_CATEGORY"]
        ]
        if kind == "Atom" and item.get("description"):
            text = lxml.html.fragment_fromstring(item["description"], create_parent="p")
            item["description"] = escape(" ".join(text.text_content().split()))
