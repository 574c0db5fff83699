"""Check the output's other files that hold URLs: style sheets (url() and
@import), feeds (Atom and RSS links, and the HTML of each entry) and sitemaps.

Their URLs are checked like a page's links: the file must exist, a #fragment
must match an id, http:// is reported, drafts are not linked. A finding names
the content file of the feed entry that has the URL, else the theme.
"""

import os

from lxml import etree

from .page import Page, Ref, css_urls, parse_page
from .report import findings, issue, source_line

_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Elements whose text is HTML: Atom content/summary, RSS description.
_HTML_TEXT = {f"{ATOM}content", f"{ATOM}summary", "description", CONTENT}


def check_resource(site, path, sources):
    """Findings of one .css or .xml file of the output."""
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
            problem = issue("unreadable-page", "the file", None, reason=error)
            return findings(
                path, sources.theme, [problem], site.config.levels, from_theme=True
            )
    found, levels, target_of = [], site.config.levels, site.target_of(path)
    for entry_link, refs in entries:
        page = Page(refs=refs, base=entry_link)
        issues = list(site.check_page(path, page))
        entry = site.locate(path, entry_link).file if entry_link else None
        source = sources.pages.get(entry)
        if path in sources.static:  # copied from content/ as it is
            found += findings(
                path,
                sources.static[path],
                issues,
                levels,
                lambda item: item.line,
                target_of=target_of,
            )
        elif source:
            line_of = line_finder(site, sources, path, sources.text(source))
            found += findings(
                path, source, issues, levels, line_of, target_of=target_of
            )
        else:
            found += findings(
                path,
                sources.theme,
                issues,
                levels,
                from_theme=True,
                target_of=target_of,
            )
    return found


def line_finder(site, sources, page_path, text):
    """issue -> its line in the content file's `text`: where its URL is
    written, or the name of the content file it links to ({filename}x.md)."""

    def line(item):
        target = site.locate(page_path, item.url).file if item.url else None
        linked = sources.pages.get(target) or sources.static.get(target)
        return source_line(text, item.url, [os.path.basename(linked)] if linked else [])

    return line


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
