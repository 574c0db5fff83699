"""Parse one HTML page, once, into what the checks need: ids, links, images."""

import re
from dataclasses import dataclass, field

from lxml import etree

# Pelican writes UTF-8; say so, so pages without <meta charset> parse the same.
_PARSER = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, no_network=True, collect_ids=False
)
# <link rel> values the browser loads (so http:// is mixed content) or never fetches.
RESOURCE_RELS = {
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
    "preload",
    "modulepreload",
    "prefetch",
}
UNFETCHED_RELS = {"preconnect", "dns-prefetch"}
IMAGE_METAS = {"og:image", "og:image:url", "og:image:secure_url", "twitter:image"}
# Elements whose src (and video's poster) the browser loads.
SRC_RESOURCES = {"script", "iframe", "embed", "video", "audio", "source", "track"}
IGNORE_ATTRIBUTE = "data-sitecheck-ignore"
# Selected by libxml2, not in Python: most of a page's elements are neither.
_WITH_ID = etree.XPath("//*[@id]")
_CHECKED_TAGS = ("a", "img", "link", "source", "area", "meta", "base", *SRC_RESOURCES)
_SRCSET_URL = re.compile(r"[\s,]*(\S*)")


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


def parse_page(data):
    """Parse HTML bytes into a Page; elements carrying data-sitecheck-ignore
    are not checked (their ids still count)."""
    page = Page()
    root = etree.fromstring(data, _PARSER) if data.strip() else None
    if root is None:
        return page
    id_lines = {}
    for element in _WITH_ID(root):
        id_ = element.get("id")
        if id_ in id_lines:
            page.duplicate_ids.setdefault(id_, [id_lines[id_]]).append(
                element.sourceline
            )
        else:
            id_lines[id_] = element.sourceline
    for element in root.iter(*_CHECKED_TAGS):
        tag = element.tag
        get = element.get
        if get(IGNORE_ATTRIBUTE) is not None:
            continue
        if tag == "a":
            if (name := get("name")) is not None:
                page.ids.add(name)
            _ref(page, element, "href", resource=False)
        elif tag == "img":
            page.images.append(_image(element))
        elif tag == "link":
            rels = set((get("rel") or "").lower().split())
            if not rels & UNFETCHED_RELS:
                _ref(page, element, "href", resource=bool(rels & RESOURCE_RELS))
        elif tag == "source" and _picture(element) is not None:
            continue  # checked with the picture's <img>
        elif tag in SRC_RESOURCES:
            _ref(page, element, "src", resource=True)
            if tag == "video":
                _ref(page, element, "poster", resource=True)
        elif tag == "area":
            _ref(page, element, "href", resource=False)
        elif tag == "meta":
            if (get("property") or get("name") or "").lower() in IMAGE_METAS:
                _ref(page, element, "content", resource=False)
        elif tag == "base" and page.base is None:
            page.base = get("href")
    page.ids.update(id_lines)
    return page


def _ref(page, element, attribute, resource):
    url = element.get(attribute)
    if url is not None:
        page.refs.append(Ref(url, element.tag, attribute, element.sourceline, resource))


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
        srcset=parse_srcset(get("srcset") or ""),
        sources=sources,
    )
