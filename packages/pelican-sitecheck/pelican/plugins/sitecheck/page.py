"""Parse an output file into what the checks need: an HTML page's ids, links
and images; the URLs of a style sheet (url() and @import), of a feed (Atom
and RSS links, and the HTML of each entry) or of a sitemap."""

import re
from dataclasses import dataclass, field

from lxml import etree

# Pelican writes UTF-8; say so, so pages without <meta charset> parse the same.
_PARSER = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, no_network=True, collect_ids=False
)
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Elements whose text is HTML: Atom content/summary, RSS description.
_HTML_TEXT = {f"{ATOM}content", f"{ATOM}summary", "description", CONTENT}
# <link rel> values the browser loads (so http:// is mixed content) or never fetches.
RESOURCE_RELS = {"stylesheet", "icon", "apple-touch-icon", "mask-icon", "manifest"}
RESOURCE_RELS |= {"preload", "modulepreload", "prefetch"}
UNFETCHED_RELS = {"preconnect", "dns-prefetch"}
IMAGE_METAS = {"og:image", "og:image:url", "og:image:secure_url", "twitter:image"}
# Elements whose src (and video's poster) the browser loads.
SRC_RESOURCES = {"script", "iframe", "embed", "video", "audio", "source", "track"}
IGNORE_ATTRIBUTE = "data-sitecheck-ignore"
# Selected by libxml2, not in Python: most of a page's elements are neither.
_WITH_ID = etree.XPath("//*[@id]")
_IDS = etree.XPath("//@id", smart_strings=False)
# (Testing the attributes, not every element, is three times quicker.)
_WITH_STYLE_URL = etree.XPath("//@style[contains(., 'url(')]/..")
_SRCSET_URL = re.compile(r"[\s,]*(\S*)")
# url(...) and @import "..." in CSS; comments are removed first.
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"""
)
_REFRESH_URL = re.compile(
    r"^\s*\d*(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?(['\"]?)(.+?)\1\s*$", re.I
)
# A CSS length in px (or a bare 0) in an inline style: "width: 600px".
_CSS_SIZE = re.compile(
    r"(?:^|;)\s*(width|height)\s*:\s*([\d.]+)(px)?\s*(?:!important\s*)?(?=;|$)", re.I
)


@dataclass(slots=True)
class Ref:
    """A URL in an attribute: a link the visitor follows, or a resource loaded."""

    url: str
    tag: str
    attribute: str
    line: int
    resource: bool

    @property
    def element(self):
        # Described only for a finding: most refs have none.
        if self.attribute == "style":  # a <style> block or a style="" attribute
            return describe(self.tag, "style", f"... url({self.url}) ...")
        return describe(self.tag, self.attribute, self.url)


@dataclass(slots=True)
class Img:
    element: str
    line: int
    src: str | None
    alt: str | None
    width: str | None
    height: str | None
    decorative: bool
    # Displayed size set by an inline style ("width: 600px"), in CSS pixels.
    style_width: float | None = None
    style_height: float | None = None
    srcset: list = field(default_factory=list)  # (url, descriptor) pairs
    sources: list = field(default_factory=list)  # <picture><source srcset> pairs


@dataclass(slots=True)
class Page:
    ids: set = field(default_factory=set)  # ids and <a name>: fragment targets
    duplicate_ids: dict = field(default_factory=dict)  # id -> lines
    refs: list = field(default_factory=list)
    images: list = field(default_factory=list)
    base: str | None = None


def describe(tag, attribute, value):
    """`<a href="...">`, shortened: how a finding names its element."""
    value = value if len(value) <= 80 else value[:77] + "..."
    if tag == "style" and attribute == "style":
        return f"<style> {value.strip('. ')}"
    if tag == "css":  # in a style sheet
        return f"url({value})"
    if attribute == "text":  # a feed's or sitemap's <link> or <loc>
        return f"<{tag}>{value}</{tag}>"
    return f'<{tag} {attribute}="{value}">'


def parse_srcset(value):
    """[(url, descriptor)] from a srcset value, as the HTML spec splits it."""
    candidates, position = [], 0
    while True:
        match = _SRCSET_URL.match(value, position)
        url, position = match.group(1), match.end()
        if not url:
            return candidates
        if url.endswith(","):
            candidates.append((url.rstrip(","), ""))
            continue
        comma = value.find(",", position)
        end = len(value) if comma < 0 else comma
        candidates.append((url, value[position:end].strip()))
        position = end + 1


def css_urls(text):
    """[(url, offset)] of every url() and @import in a style sheet's text."""
    text = _CSS_COMMENT.sub(lambda m: " " * len(m.group()), text)
    return [
        (next(g for g in m.groups() if g is not None), m.start())
        for m in _CSS_URL.finditer(text)
    ]


def style_size(style):
    """(width, height) in CSS pixels that an inline style gives, or None each."""
    sizes = {"width": None, "height": None}
    for name, value, unit in _CSS_SIZE.findall(style or ""):
        if unit or float(value) == 0:
            sizes[name.lower()] = round(float(value)) or None
    return sizes["width"], sizes["height"]


def parse_page(data):
    """Parse HTML bytes into a Page; elements carrying data-sitecheck-ignore
    are not checked (their ids still count)."""
    page = Page()
    root = etree.fromstring(data, _PARSER) if data.strip() else None
    if root is None:
        return page
    ids = _IDS(root)  # strings, not elements: most pages have no duplicate
    page.ids.update(ids)
    if len(page.ids) < len(ids):
        lines = {}
        for element in _WITH_ID(root):
            lines.setdefault(element.get("id"), []).append(element.sourceline)
        page.duplicate_ids = {id_: at for id_, at in lines.items() if len(at) > 1}
    for element in root.iter(*_TAGS):
        if element.get(IGNORE_ATTRIBUTE) is None:
            _read(page, element)
    for element in _WITH_STYLE_URL(root) if b"url(" in data else ():
        if element.get(IGNORE_ATTRIBUTE) is None:
            _css(page, element.get("style"), element, "style")
    return page


# The attributes that hold a URL: {tag: {attribute: whether the browser loads it}}.
_URL_ATTRIBUTES = {
    "a": {"href": False},
    "area": {"href": False},
    "form": {"action": False},
    "object": {"data": True},
    "use": {"href": True, "xlink:href": True},  # an SVG sprite's #fragment too
    "video": {"src": True, "poster": True},
    **dict.fromkeys(SRC_RESOURCES - {"video"}, {"src": True}),
    **dict.fromkeys(("blockquote", "q", "del", "ins"), {"cite": False}),
}
_TAGS = (*_URL_ATTRIBUTES, "img", "link", "meta", "input", "style", "base")


def _read(page, element):
    """Add what one element holds to its Page."""
    tag, get = element.tag, element.get
    if tag == "img":
        page.images.append(_image(element))
    elif tag == "style":
        _css(page, element.text or "", element, "style")
    elif tag == "base" and page.base is None:  # the first one counts
        page.base = get("href")
    elif tag == "a" and get("name") is not None:
        page.ids.add(get("name"))
    elif (
        tag == "meta"
        and (get("http-equiv") or "").lower() == "refresh"
        and (match := _REFRESH_URL.match(get("content") or ""))
    ):
        line = element.sourceline
        page.refs.append(Ref(match.group(2), "meta", "content", line, False))
    for attribute, resource in _attributes(element).items():
        if (url := get(attribute)) is not None:
            page.refs.append(Ref(url, tag, attribute, element.sourceline, resource))


def _attributes(element):
    """{attribute: whether the browser loads it} of the element's URLs."""
    tag, get = element.tag, element.get
    if tag == "link":
        rels = set((get("rel") or "").lower().split())
        return {} if rels & UNFETCHED_RELS else {"href": bool(rels & RESOURCE_RELS)}
    if tag == "meta":
        named = (get("property") or get("name") or "").lower()
        return {"content": False} if named in IMAGE_METAS else {}
    if tag == "input":
        return {"src": True} if (get("type") or "").lower() == "image" else {}
    if tag == "source" and _picture(element) is not None:
        return {}  # checked with the picture's <img>
    return _URL_ATTRIBUTES.get(tag, {})


def _css(page, text, element, attribute):
    for url, offset in css_urls(text):
        line = element.sourceline + text.count("\n", 0, offset)
        page.refs.append(Ref(url, element.tag, attribute, line, resource=True))


def _picture(element):
    """The <picture> of an <img> or <source>. libxml2 does not know that
    <source> is empty, so it nests what follows inside it: skip those."""
    parent = element.getparent()
    while parent is not None and parent.tag == "source":
        parent = parent.getparent()
    return parent if parent is not None and parent.tag == "picture" else None


def _image(element):
    get = element.get
    src = get("src")
    style_width, style_height = style_size(get("style"))
    picture = _picture(element)
    sources = []
    if picture is not None:
        for source in picture.iter("source"):
            sources += parse_srcset(source.get("srcset") or "")
    return Img(
        element=describe("img", "src", src or ""),
        line=element.sourceline,
        src=src,
        alt=get("alt"),
        width=get("width"),
        height=get("height"),
        decorative=get("aria-hidden") == "true"
        or get("role") in ("presentation", "none"),
        style_width=style_width,
        style_height=style_height,
        srcset=parse_srcset(get("srcset") or ""),
        sources=sources,
    )


def parse_resource(path, data):
    """[(entry link or None, Page)] of a .css or .xml file: a feed's own links
    first, then each entry's. Raises etree.XMLSyntaxError."""
    if path.endswith(".css"):
        text = data.decode("utf-8", "replace")
        refs = [
            Ref(url, "css", "url", text.count("\n", 0, offset) + 1, True)
            for url, offset in css_urls(text)
        ]
        return [(None, Page(refs=refs))]
    entries = xml_refs(etree.fromstring(data, _XML))
    return [(link, Page(refs=refs, base=link)) for link, refs in entries]


def xml_refs(root):
    """[(entry link or None, [Ref])] of a feed or sitemap: the feed's own
    links first, then each entry's, with the URLs in its HTML."""
    if root.tag in (f"{SITEMAP}urlset", f"{SITEMAP}sitemapindex"):
        refs = [
            _xml_ref(loc.text or "", loc, "loc", "text")
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
                _xml_ref(element.get("url") or "", element, "enclosure", "url", True)
            )
        elif element.get("href") is not None:
            refs.append(_xml_ref(element.get("href"), element, "link", "href"))
        elif element.text and element.text.strip():
            # RSS: <link>url</link>, named as written.
            refs.append(_xml_ref(element.text.strip(), element, "link", "text"))
    return refs


def _xml_ref(url, element, tag, attribute, resource=False):
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
