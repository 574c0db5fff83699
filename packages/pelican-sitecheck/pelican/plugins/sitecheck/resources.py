"""Check the output's other files that hold URLs: style sheets (url() and
@import), feeds (Atom and RSS links, and the HTML of each entry) and sitemaps.

Their URLs are checked like a page's links: the file must exist, a #fragment
must match an id, http:// is reported, drafts are not linked. A finding names
the content file of the feed entry that has the URL, else the theme.
"""

import os

from lxml import etree

from .page import Page, Ref, css_urls, parse_page
from .report import issue

_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Elements whose text is HTML: Atom content/summary, RSS description.
_HTML_TEXT = {f"{ATOM}content", f"{ATOM}summary", "description", CONTENT}


def resource_pages(site, path):
    """[(entry page, its content file, [Issue])] of one .css or .xml file of
    the output: a feed's entries each, then what is outside any entry (no
    page, no content file)."""
    with open(os.path.join(site.root, path), "rb") as file:
        data = file.read()
    if path.endswith(".css"):
        text = data.decode("utf-8", "replace")
        refs = [
            Ref(url, "css", "url", text.count("\n", 0, offset) + 1, True)
            for url, offset in css_urls(text)
        ]
        entries = [(None, refs)]
    else:
        try:
            entries = xml_refs(etree.fromstring(data, _XML))
        except etree.XMLSyntaxError as error:
            return [
                (None, None, [issue("unreadable-page", "the file", None, reason=error)])
            ]
    result = []
    for entry_link, refs in entries:
        issues = list(site.check_page(path, Page(refs=refs, base=entry_link)))
        page = site.locate(path, entry_link).file if entry_link else None
        result.append((page, site.sources.pages.get(page), issues))
    return result


def xml_refs(root):
    """[(entry link or None, [Ref])] of a feed or sitemap: the feed's own
    links first, then each entry's, with the URLs in its HTML."""
    if root.tag in (f"{SITEMAP}urlset", f"{SITEMAP}sitemapindex"):
        refs = [
            _ref(loc.text or "", loc, "loc", "text")
            for loc in root.iter(f"{SITEMAP}loc")
        ]
        return [(None, refs)]
    entries = list(root.iter(f"{ATOM}entry", "item"))
    found = [(None, _links(root, skip=entries))]
    for entry in entries:
        refs = _links(entry)
        alternate = entry.find(f"{ATOM}link[@rel='alternate']")
        link = entry.findtext("link") if alternate is None else alternate.get("href")
        for element in entry.iter(*_HTML_TEXT):
            if element.text and "<" in element.text:
                refs += _html_refs(element)
        found.append((link, refs))
    return found


def _links(root, skip=()):
    """Atom <link href>, RSS <link>text</link> and <enclosure url>."""
    # The elements themselves, not their id(): lxml makes a new Python object
    # for a node each time unless one is alive, and ids of dead ones are reused.
    skipped = {element for entry in skip for element in entry.iter()}
    refs = []
    for element in root.iter(f"{ATOM}link", "link", "enclosure"):
        if element in skipped:
            continue
        if element.tag == "enclosure":
            refs.append(
                _ref(element.get("url") or "", element, "enclosure", "url", True)
            )
        elif element.get("href") is not None:
            refs.append(_ref(element.get("href"), element, "link", "href"))
        elif element.text and element.text.strip():
            # RSS: <link>url</link>, named as written.
            refs.append(_ref(element.text.strip(), element, "link", "text"))
    return refs


def _ref(url, element, tag, attribute, resource=False):
    return Ref(url.strip(), tag, attribute, element.sourceline, resource)


def _html_refs(element):
    """The links and images of an entry's HTML, at their lines in the feed."""
    page = parse_page(element.text.encode())
    offset = element.sourceline - 1
    refs = [
        Ref(ref.url, ref.tag, ref.attribute, ref.line + offset, ref.resource)
        for ref in page.refs
    ]
    for img in page.images:
        for url in [img.src or "", *(url for url, _ in img.srcset + img.sources)]:
            refs.append(Ref(url, "img", "src", img.line + offset, True))
    return refs
