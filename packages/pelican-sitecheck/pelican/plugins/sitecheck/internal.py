"""Check a built site on disk: internal links and fragments, duplicate ids,
images, insecure URLs. No network: external URLs are only collected."""

import dataclasses
import difflib
import fnmatch
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from .images import ImageError, check_image, kb, read_image
from .page import parse_page, parse_resource
from .report import MARKDOWN, issue, source_line
from .sources import Sources
from .suggest import Suggestions

# Pelican's intrasite link markers, as left in a link it could not resolve.
_MARKERS = tuple(
    f"{a}{what}{b}"
    for what in ("filename", "static", "attach")
    for a, b in (("{", "}"), ("|", "|"))
)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL leads: an external URL, or a path in the output."""

    external: str | None = None  # absolute URL outside the site
    path: str | None = None  # output-relative path the URL asks for
    file: str | None = None  # the file that serves it; None if there is none
    fragment: str = ""
    insecure: bool = False  # http:// where https:// is expected


SKIP = Target()  # mailto:, tel:, data:, javascript: ...
EMPTY_MAILTO = Target(external="mailto:")
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_SVG_IDS = etree.XPath("//@id", smart_strings=False)


class Site:
    """The output directory: its files, and its pages parsed once each."""

    def __init__(self, output_dir, config, sources=None):
        self.root = os.path.normpath(os.fspath(output_dir))
        self.config = config
        self.sources = sources or Sources.of_output(self.root)
        self.files, self.dirs = set(), set()
        for directory, subdirectories, file_names in os.walk(self.root):
            relative = directory[len(self.root) + 1 :].replace(os.sep, "/")
            prefix = relative + "/" if relative else ""
            self.dirs.update(prefix + name for name in subdirectories)
            self.files.update(prefix + name for name in file_names)
        self.origins = []  # (scheme, host, path) of each address of the site
        for url in config.site_urls:
            parts = urlsplit(url)
            self.origins.append(
                (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"))
            )
        self.ids = {}  # page -> its ids: the fragment index
        self._suggestions = None

    def parse(self, page):
        """The Page at output path `page`; its ids join the fragment index."""
        parsed = parse_page(self.read(page))
        self.ids[page] = parsed.ids
        return parsed

    def page_ids(self, page):
        """The ids of output file `page` (HTML or SVG): its #fragment targets."""
        if page not in self.ids:
            if page.endswith(".svg"):
                svg = etree.fromstring(self.read(page), _XML)
                self.ids[page] = set(_SVG_IDS(svg))
            else:
                self.parse(page)
        return self.ids[page]

    def read(self, page):
        with open(os.path.join(self.root, page), "rb") as file:
            return file.read()

    def locate(self, page, url, base=None):
        """Resolve `url` found on output page `page` (with its <base href>)."""
        url = url.strip()
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. "http://[oops/": the external check says so
            return Target(external=url)
        scheme = parts.scheme.lower()
        if scheme == "mailto" and not unquote(parts.path).strip():
            return EMPTY_MAILTO
        if scheme not in ("", "http", "https"):
            return SKIP
        insecure = scheme == "http"
        if parts.netloc:
            origin = self._origin(parts)
            if origin is None:
                return Target(external=url, insecure=insecure)
            insecure = insecure and origin[0] != "http"
            path = "/" + parts.path[len(origin[2]) :].lstrip("/")
        elif parts.path.startswith("/"):
            path = parts.path
            base_path = self.config.base_path
            if base_path and not (path + "/").startswith(base_path + "/"):
                return Target(path=unquote(path).lstrip("/"))  # outside the site
            path = path[len(base_path) :] or "/"
        else:
            path = urljoin(self._base(page, base), parts.path)
        relative = unquote(path).lstrip("/")
        return Target(
            path=relative,
            file=self._file(relative),
            fragment=unquote(parts.fragment),
            insecure=insecure,
        )

    def _origin(self, parts):
        host, path = parts.netloc.lower(), parts.path + "/"
        for origin in self.origins:
            if host == origin[1] and path.startswith(origin[2] + "/"):
                return origin
        return None

    def _base(self, page, base):
        if base:
            target = self.locate(page, base)
            if target.path is not None:
                return "/" + target.path
        return "/" + page

    def _file(self, path):
        """The output file a server sends for `path`: clean URLs and .html too."""
        if path == "" or path.endswith("/"):
            path += "index.html"
        elif path in self.dirs:
            path += "/index.html"
        elif path not in self.files and path + ".html" in self.files:
            path += ".html"
        return path if path in self.files else None

    def suggest(self, path, page):
        """The fix for a link on `page` to missing `path` (suggest.py)."""
        for marker in _MARKERS:
            if marker in path:
                # Pelican left the link as written: its target is not in content/.
                target = path.split(marker, 1)[1]
                name = target.lstrip("/")
                return f"no file content/{name} exists: fix the path after {marker}"
        if self._suggestions is None:
            self._suggestions = Suggestions(self.files)
        best = self._suggestions.best(path, page.removesuffix("index.html"))
        if best is None:
            return (
                "link to a file that exists (in content: a {filename} or"
                " {static} link to the source file)"
            )
        return f"link to {self.config.base_path}/{best}"

    def check_page(self, page_path, page):
        """Every finding of one parsed page, before blame() names its source."""
        for id_, lines in page.duplicate_ids.items():
            yield issue(
                "duplicate-id",
                f'id="{id_}"',
                lines[1],
                at_url=f'id="{id_}"',
                id=id_,
                count=len(lines),
                lines=_lines_text(lines),
            )
        for ref in page.refs:
            yield from self._check_ref(page_path, page, ref)
        image_bytes = {}
        for img in page.images:
            for item in check_image(
                img,
                lambda url: self._image(page_path, page, url, image_bytes),
                self.config,
            ):
                yield item if item.url else dataclasses.replace(item, url=img.src)
        total, budget = sum(image_bytes.values()), self.config.page_images_max_bytes
        if total > budget:
            yield issue(
                "page-images-heavy",
                "the page's images",
                None,
                size=kb(total),
                budget=kb(budget),
            )

    def target(self, page, item):
        """Where a finding's URL leads, to tell problems apart: its output
        path, or the link Pelican left as written ({filename}x.md), wherever
        the page or feed put it."""
        url = item.url or ""
        for marker in _MARKERS:
            if marker in url:
                return marker + url.split(marker, 1)[1]
        return (url and self.locate(page, url).path) or url

    def _check_ref(self, page_path, page, ref):
        if not ref.url.strip():
            if ref.resource:  # an empty href links to the page itself: fine
                yield issue("empty-url", ref.element, ref.line)
            return
        target = self.locate(page_path, ref.url, page.base)
        if target is EMPTY_MAILTO:
            yield issue("empty-url", ref.element, ref.line)
            return
        allowed = self.config.http_links_allowed
        if target.insecure and (
            ref.resource or not any(re.search(p, ref.url) for p in allowed)
        ):
            code = "mixed-content" if ref.resource else "insecure-link"
            yield issue(code, ref.element, ref.line, at_url=ref.url)
        if target.path is None:
            return
        if target.file is None:
            yield issue(
                "img-missing" if ref.tag == "img" else "broken-link",  # a feed's
                ref.element,
                ref.line,
                path=target.path,
                suggestion=self.suggest(target.path, page_path),
                at_url=ref.url,
            )
            return
        drafts = self.sources.drafts
        if target.file in drafts and not self.sources.preview(page_path):
            yield issue("draft-link", ref.element, ref.line, at_url=ref.url)
        else:
            yield from self._check_fragment(ref, target)

    def _check_fragment(self, ref, target):
        """A #fragment of an HTML page or SVG file (a sprite's <use href>)."""
        fragment = target.fragment
        if (
            not fragment
            or fragment == "top"  # scrolls to the top without an id
            or fragment.startswith(":~:")  # a text fragment
            or not target.file.endswith((".html", ".htm", ".svg"))
        ):
            return
        try:
            ids = self.page_ids(target.file)
        except (OSError, etree.LxmlError, ValueError):
            return  # an unreadable page or image is reported as such
        if fragment not in ids:
            close = difflib.get_close_matches(fragment, ids, n=1, cutoff=0.6)
            if close and _stem(close[0]) == _stem(fragment):
                close = []  # #paper-42 is not #paper-4: the number is the meaning
            suggestion = (
                f"link to #{close[0]}"
                if close
                else f'add id="{fragment}" to the target, or fix the link'
            )
            yield issue(
                "missing-fragment",
                ref.element,
                ref.line,
                at_url=ref.url,
                fragment=fragment,
                file=target.file,
                suggestion=suggestion,
            )

    def _image(self, page_path, page, url, image_bytes):
        """As check_image's locate(url); adds the file's size to image_bytes."""
        target = self.locate(page_path, url, page.base)
        if target.insecure:
            return None, ("mixed-content", {})
        if target.path is None:
            return None, None
        if target.file is None:
            suggestion = self.suggest(target.path, page_path)
            fields = {"path": target.path, "suggestion": suggestion}
            return None, ("img-missing", fields)
        try:
            file = read_image(os.path.join(self.root, target.file))
        except ImageError as error:
            return None, ("img-unreadable", {"file": target.file, "reason": error})
        image_bytes.setdefault(target.file, file.bytes)
        return file, None


def check_site(output_dir, config, sources=None):
    """Check the pages of `sources` (a Sources; by default every file of the
    output), then its style sheets, feeds and sitemaps. Return (findings,
    files checked)."""
    site = Site(output_dir, config, sources)
    sources = site.sources
    pages = sorted(
        name
        for name in sources.pages
        if name.endswith((".html", ".htm"))
        and name in site.files
        and not any(fnmatch.fnmatch(name, p) for p in config.ignore_pages)
    )
    name = os.path.basename
    extra = [
        *sources.feeds,
        *sorted(
            f
            for f in site.files
            if f.endswith(".css")
            or (name(f).startswith("sitemap") and f.endswith(".xml"))
        ),
    ]
    extra = [path for path in dict.fromkeys(extra) if path in site.files]
    found = []
    for page_path in pages:
        found += _check_page(site, page_path)
    for path in extra:
        found += _check_resource(site, path)
    return found, pages + extra


def _check_page(site, page_path):
    """The findings of one page, named after the file to edit."""
    try:
        parsed = site.parse(page_path)
        issues = list(site.check_page(page_path, parsed))
    except (OSError, etree.LxmlError, ValueError) as error:
        parsed = None
        issues = [issue("unreadable-page", "the page", None, reason=error)]
    source = site.sources.pages.get(page_path)
    lines = content_lines(site, page_path)
    if parsed and source and source.endswith(MARKDOWN):
        issues += _markdown_empty_alts(parsed, site.sources.text(source), lines)
    return blame(site, page_path, issues, source, lines)


def _check_resource(site, path):
    """The findings of a style sheet, feed or sitemap; a feed entry's are its
    content file's."""
    try:
        entries = parse_resource(path, site.read(path))
    except etree.XMLSyntaxError as error:
        problem = issue("unreadable-page", "the file", None, reason=error)
        return blame(site, path, [problem], None)
    found = []
    for link, page in entries:
        entry = site.locate(path, link).file if link else None
        issues = list(site.check_page(path, page))
        found += blame(site, path, issues, site.sources.pages.get(entry), page=entry)
    return found


def blame(site, page_path, issues, source, lines=None, *, page=None):
    """Findings of the issues of output file `page_path`, each named after the
    file to edit: the file itself if it was copied from the content; `source`,
    its content file, for an issue in the `lines` that hold that content's
    HTML (None: all); else the listed content file (a summary on an index
    page) that has the issue's URL; else the theme. `page`: the output page
    the issues' URLs are on, if not `page_path` (a feed entry's)."""
    sources, levels = site.sources, site.config.levels
    found = []
    for item in issues:
        target = site.target(page_path, item)
        if page_path in sources.static:  # copied as it is: its own lines
            owner, line = sources.static[page_path], item.page_line
        elif source and not (lines and item.page_line and item.page_line not in lines):
            owner, line = source, _line_in(site, page or page_path, item, source)
        else:
            owner, line = _listed_or_theme(site, page_path, item)
        found.append(item.named(page_path, owner, line, levels, target))
    return [finding for finding in found if finding]


def _line_in(site, page, item, source):
    """The issue's line in its content file: where its URL is written, or the
    name of the content file it links to ({filename}x.md)."""
    target = site.locate(page, item.url).file if item.url else None
    linked = site.sources.pages.get(target) or site.sources.static.get(target)
    also = [os.path.basename(linked)] if linked else []
    return source_line(site.sources.text(source), item.url, also)


def _listed_or_theme(site, page_path, item):
    """(file, line) of an issue outside a page's own content: the listed
    content file that has its URL as written or the path it leads to
    ({static}/images/a.png for ../images/a.png; not a mere file name, which a
    theme's URL may share); else the theme's."""
    path = site.locate(page_path, item.url).path if item.url else None
    for listed in site.sources.listed.get(page_path, ()) if item.url else ():
        text = site.sources.text(listed)
        line = source_line(text, item.url, [path] if path else [], names=False)
        if line is not None:
            return listed, line
    return site.sources.theme, None


def _lines_text(lines):
    """ "lines 3, 9" or "all on line 76" (a minified page)."""
    distinct = sorted(set(lines))
    if len(distinct) == 1:
        return f"all on line {distinct[0]}"
    return "lines " + ", ".join(map(str, distinct))


_MARKDOWN_EMPTY_ALT = re.compile(r"!\[\s*\]\(\s*<?([^\s)>]+)")


def _markdown_empty_alts(page, text, lines):
    """Findings for the content's `<img alt="">` written as Markdown `![](url)`:
    an omission, where an HTML `<img alt="">` is a deliberate decorative image."""
    if "![" not in text:
        return []
    written = [_intrasite_path(url) for url in _MARKDOWN_EMPTY_ALT.findall(text)]
    issues = []
    for img in page.images:
        if img.alt != "" or img.decorative or (lines and img.line not in lines):
            continue
        src = unquote(urlsplit(img.src or "").path)
        url = next((w for w in written if w and src.endswith(w)), None)
        if url is not None:
            issues.append(issue("img-empty-alt", img.element, img.line, at_url=url))
    return issues


def _intrasite_path(url):
    """The path part of a URL as written in content: {static}/a.png -> /a.png."""
    for marker in _MARKERS:
        url = url.replace(marker, "")
    return unquote(urlsplit(url).path).lstrip("./") if url else ""


def content_lines(site, page_path):
    """The lines of the page that hold its content's HTML; None if not known
    (a theme that filters the content): then all findings go to the content."""
    content = site.sources.contents.get(page_path)
    if content is None:
        return None
    with open(os.path.join(site.root, page_path), encoding="utf-8") as file:
        text = file.read()
    html = content()
    start = text.find(html) if html.strip() else -1
    if start < 0:
        return None
    first = text.count("\n", 0, start) + 1
    return range(first, first + html.count("\n") + 1)


def _stem(fragment):
    """An id without its digits: paper-42 and paper-4 are both paper-."""
    return re.sub(r"\d+", "", fragment)
