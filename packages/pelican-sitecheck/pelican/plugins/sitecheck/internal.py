"""Check a built site on disk: internal links and fragments, duplicate ids,
images, insecure URLs. No network: external URLs are only collected."""

import dataclasses
import difflib
import fnmatch
import multiprocessing
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from .cache import Checked, digest
from .images import ImageError, check_image, kb, read_image
from .page import parse_page
from .report import THEME, attribute, findings, issue, source_line
from .suggest import Suggestions

# Pelican's intrasite link markers, as left in a link it could not resolve.
_MARKERS = tuple(f"{a}{what}{b}" for what in ("filename", "static", "attach")
                 for a, b in (("{", "}"), ("|", "|")))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL leads: an external URL, or a path in the output."""

    external: str | None = None  # absolute URL outside the site
    path: str | None = None  # output-relative path the URL asks for
    file: str | None = None  # the file that serves it; None if there is none
    fragment: str = ""
    insecure: bool = False  # http:// where https:// is expected


SKIP = Target()  # mailto:, tel:, data:, javascript: ...


@dataclass(slots=True)
class Reads:
    """What one page's checks read besides the page, for the page cache."""

    fragments: list = field(default_factory=list)  # (file, fragment, found)
    images: list = field(default_factory=list)  # (file, digest)


class Site:
    """The output directory: its files, and its pages parsed once each."""

    def __init__(self, output_dir, config, drafts=(), draft_folders=()):
        self.root = os.path.normpath(os.fspath(output_dir))
        self.config = config
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
        self._parsed = {}  # pages parsed for their ids before their own check
        self._suggestions = None
        self._passed_refs = set()  # (url, resource, on a preview) that passed
        self.drafts = set(drafts)  # output files of drafts: not public
        self.draft_folders = tuple(draft_folders)  # pages there are previews too
        self._located = {}
        self.cache = None  # a PageCache: reuse the last check of unchanged pages
        self._digests = {}  # page or image -> digest of its bytes, with a cache

    def parse(self, page):
        """The Page at output path `page`. A page parsed early, for its ids,
        waits for its own check; then only its ids are kept."""
        if page in self._parsed:
            return self._parsed.pop(page)
        parsed = parse_page(self._read(page))
        self.ids[page] = parsed.ids
        return parsed

    def page_ids(self, page):
        """The ids of output page `page`: the targets of its #fragment links."""
        if page not in self.ids:
            data = self._read(page)
            previous = self._previous(page)
            if previous is not None:
                self.ids[page] = previous.ids
            else:
                self._parsed[page] = parsed = parse_page(data)
                self.ids[page] = parsed.ids
        return self.ids[page]

    def _read(self, page):
        with open(os.path.join(self.root, page), "rb") as file:
            data = file.read()
        if self.cache is not None:
            self._digests[page] = digest(data)
        return data

    def _previous(self, page):
        """The last check of `page` if it passed and its bytes are the same."""
        previous = self.cache.previous.get(page) if self.cache else None
        if previous is not None and previous.digest == self._digests.get(page):
            return previous
        return None

    def reusable(self, page):
        """The last check of `page`, if nothing it read has changed since."""
        if not self.cache or page not in self.cache.previous:
            return None
        try:
            self.page_ids(page)
            previous = self._previous(page)
            if previous is None or any(
                (fragment in self.page_ids(file)) != found
                for file, fragment, found in previous.fragments
            ):
                return None
            if any(self._file_digest(file) != old for file, old in previous.images):
                return None
        except (OSError, etree.LxmlError, ValueError):
            return None  # checking it again reports the problem
        return previous

    def checked(self, page, reads):
        """What the cache keeps of `page`, which passed its checks."""
        return Checked(
            self._digests[page],
            frozenset(self.ids[page]),
            tuple(reads.fragments),
            tuple(reads.images),
        )

    def _file_digest(self, file):
        if file not in self._digests:
            with open(os.path.join(self.root, file), "rb") as data:
                self._digests[file] = digest(data.read())
        return self._digests[file]

    def locate(self, page, url, base=None):
        """Resolve `url` found on output page `page` (with its <base href>)."""
        url = url.strip()
        if base is None and (url.startswith("/") or "://" in url[:8]):
            # The same everywhere (the theme's links are on every page): once.
            if url not in self._located:
                self._located[url] = self._resolve(page, url, base)
            return self._located[url]
        return self._resolve(page, url, base)

    def _resolve(self, page, url, base):
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. "http://[oops/": the external check says so
            return Target(external=url)
        scheme = parts.scheme.lower()
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

    def check_page(self, page_path, page, reads=None):
        """Every Issue of one parsed page; what the checks read besides the
        page is added to `reads` (a Reads), if given."""
        for id_, lines in page.duplicate_ids.items():
            yield issue(
                "duplicate-id",
                f'id="{id_}"',
                lines[1],
                at_url=f'id="{id_}"',
                id=id_,
                count=len(lines),
                lines=", ".join(map(str, lines)),
            )
        preview = self.preview(page_path)
        passed = self._passed_refs
        for ref in page.refs:
            # A site-wide URL that passed on one page passes on every page (the
            # theme's links are on all of them); the page cache needs each read.
            url = ref.url
            site_wide = url[:1] == "/" or "://" in url[:8]
            if site_wide and reads is None and page.base is None:
                key = (url, ref.resource, preview)
                if key in passed:
                    continue
                problems = list(self._check_ref(page_path, page, ref, reads))
                if problems:
                    yield from problems
                else:
                    passed.add(key)
            else:
                yield from self._check_ref(page_path, page, ref, reads)
        image_bytes = {}
        for img in page.images:
            for item in check_image(
                img,
                lambda url: self._image(page_path, page, url, image_bytes, reads),
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

    def preview(self, page):
        """Whether `page` is not for visitors: a draft, or in the drafts' folder."""
        return page in self.drafts or page.startswith(self.draft_folders)

    def target_of(self, page):
        """issue -> the output path its URL leads to (to tell problems apart)."""

        def target_of(item):
            if not item.url or any(marker in item.url for marker in _MARKERS):
                return item.url
            return self.locate(page, item.url).path or item.url

        return target_of

    def http_allowed(self, url):
        return any(
            re.search(pattern, url) for pattern in self.config.http_links_allowed
        )

    def _check_ref(self, page_path, page, ref, reads):
        if not ref.url.strip():
            if ref.resource:  # an empty href links to the page itself: fine
                yield issue("empty-url", ref.element, ref.line)
            return
        target = self.locate(page_path, ref.url, page.base)
        if target.insecure and (ref.resource or not self.http_allowed(ref.url)):
            code = "mixed-content" if ref.resource else "insecure-link"
            yield issue(code, ref.element, ref.line, at_url=ref.url)
        if target.path is None:
            return
        if target.file is None:
            yield issue(
                "broken-link",
                ref.element,
                ref.line,
                path=target.path,
                suggestion=self.suggest(target.path, page_path),
                at_url=ref.url,
            )
            return
        if target.file in self.drafts and not self.preview(page_path):
            yield issue("draft-link", ref.element, ref.line, at_url=ref.url)
            return
        fragment = target.fragment
        if (
            not fragment
            or fragment == "top"  # scrolls to the top without an id
            or fragment.startswith(":~:")  # a text fragment
            or not target.file.endswith((".html", ".htm"))
        ):
            return
        ids = self.page_ids(target.file)
        if reads is not None:
            reads.fragments.append((target.file, fragment, fragment in ids))
        if fragment not in ids:
            close = difflib.get_close_matches(fragment, ids, n=1, cutoff=0.6)
            suggestion = (
                f"link to #{close[0]}"
                if close
                else f'add id="{fragment}" to the target, or fix the link'
            )
            yield issue(
                "missing-fragment",
                ref.element,
                ref.line,
                fragment=fragment,
                file=target.file,
                suggestion=suggestion,
                at_url=ref.url,
            )

    def _image(self, page_path, page, url, image_bytes, reads):
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
        if reads is not None:
            reads.images.append((target.file, self._file_digest(target.file)))
        return file, None


@dataclass
class Sources:
    """Where the checked files come from, for findings that name the file to
    edit and its line. Without it every HTML file in the output is checked,
    and every finding is the theme's."""

    pages: dict = field(default_factory=dict)  # output page -> content file
    contents: dict = field(default_factory=dict)  # page -> fn() -> content HTML
    static: dict = field(default_factory=dict)  # files copied from content: source
    drafts: set = field(default_factory=set)  # output files of drafts
    # Folders where drafts are written (DRAFT_SAVE_AS up to its first {...}):
    # pages there, such as a list of drafts for previews, may link to them.
    draft_folders: tuple = ()
    theme: str = THEME  # what theme findings name
    project: str = "."  # content file paths are relative to it
    # Feeds; every style sheet and sitemap*.xml of the output is checked too
    # (a sitemap plugin writes at `finalized`, before this one).
    extra: list = field(default_factory=list)

    def text(self, source):
        """The content file's text; "" if it cannot be read."""
        try:
            with open(os.path.join(self.project, source), encoding="utf-8") as file:
                return file.read()
        except (OSError, UnicodeDecodeError):
            return ""


def check_site(output_dir, config, sources=None, cache=None):
    """Check the pages of `sources` (a Sources), then its style sheets, feeds
    and sitemaps. With `cache` (a PageCache), pages unchanged since they last
    passed are not checked again, and the pages that pass are added to it.
    Return (findings, files checked)."""
    site = Site(output_dir, config, *((sources.drafts, sources.draft_folders)
                                      if sources else ()))  # fmt: skip
    if sources is None:
        sources = Sources(pages=dict.fromkeys(site.files))
        sources.extra = sorted(f for f in site.files if f.endswith((".css", ".xml")))
    if cache is not None:
        cache.load(config, site.files, site.dirs)
        site.cache = cache
    pages = sorted(
        name
        for name in sources.pages
        if name.endswith((".html", ".htm"))
        and name in site.files
        and not any(fnmatch.fnmatch(name, p) for p in config.ignore_pages)
    )
    name = os.path.basename
    extra = [*sources.extra, *sorted(f for f in site.files if f.endswith(".css") or (
        name(f).startswith("sitemap") and f.endswith(".xml")))]  # fmt: skip
    extra = [path for path in dict.fromkeys(extra) if path in site.files]
    workers = workers_for(config, len(pages))
    if workers > 1:
        found = _check_in_parallel(site, sources, pages, extra, workers)
    else:
        found = _check_files(site, sources, pages, extra)
    return attribute(found), pages + extra


# Below this many pages per process, forking costs more than it saves.
PAGES_PER_WORKER = 100
_shared = None  # (site, sources) in a worker process


def workers_for(config, pages):
    """How many processes check a site of `pages` pages: SITECHECK_WORKERS,
    fewer on a small site, one where forking is unsafe (threads running,
    macOS) or impossible (Windows)."""
    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or sys.platform == "darwin"
        or threading.active_count() > 1
    ):
        return 1
    return max(1, min(config.workers, pages // PAGES_PER_WORKER))


def _check_in_parallel(site, sources, pages, extra, workers):
    """The findings of `pages` and `extra`, in the order one process finds
    them, from `workers` processes forked from this one: each starts with the
    site as this process knows it, and checks parts of it."""
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(pages) // (4 * workers))  # four parts each: none waits long
    parts = [(pages[i : i + size], []) for i in range(0, len(pages), size)]
    parts += [([], [path]) for path in extra]
    found = []
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_share,
        initargs=(site, sources),
    ) as pool:
        for part_found, passed, reused in pool.map(_check_part, parts):
            found += part_found
            if site.cache is not None:
                site.cache.passed.update(passed)
                site.cache.reused += reused
    return found


def _share(*shared):
    global _shared  # noqa: PLW0603 - one check per worker process
    _shared = shared


def _check_part(part):
    """In a worker: (findings, pages that passed, pages reused) of one part."""
    site, sources = _shared
    cache = site.cache
    if cache is not None:
        cache.passed, cache.reused = {}, 0
    found = _check_files(site, sources, *part)
    return found, *((cache.passed, cache.reused) if cache else ({}, 0))


def _check_files(site, sources, pages, extra):
    """The findings of `pages`, then of the style sheets, feeds and sitemaps
    `extra`, checked one after the other."""
    from .resources import check_resource

    found = _check_pages(site, sources, pages)
    for path in extra:
        found += check_resource(site, path, sources)
    return found


def _check_pages(site, sources, pages):
    """The findings of `pages`, checked one after the other."""
    config, cache = site.config, site.cache
    found = []
    for page_path in pages:
        passed = site.reusable(page_path)
        if passed is not None:
            cache.passed[page_path] = passed
            cache.reused += 1
            continue
        reads = Reads() if cache is not None else None
        source = sources.pages.get(page_path)
        text = sources.text(source) if source else ""
        try:
            parsed = site.parse(page_path)
            issues = list(site.check_page(page_path, parsed, reads))
        except (OSError, etree.LxmlError, ValueError) as error:
            parsed, issues = (
                None,
                [issue("unreadable-page", "the page", None, reason=error)],
            )
        content = sources.contents.get(page_path)
        lines = _content_lines(site, page_path, content) if content else None
        if parsed and source and source.endswith((".md", ".markdown", ".mkd")):
            issues += _markdown_empty_alts(parsed, text, lines)
        if reads is not None and not issues:
            cache.passed[page_path] = site.checked(page_path, reads)
        target_of = site.target_of(page_path)
        for item in issues:
            if not source or (lines and item.line and item.line not in lines):
                found += findings(page_path, sources.theme, [item], config.levels,
                                  from_theme=True, target_of=target_of)  # fmt: skip
            else:
                copy = page_path in sources.static
                found += findings(page_path, source, [item], config.levels,
                                  (lambda item: item.line) if copy else
                                  line_finder(site, sources, page_path, text),
                                  target_of=target_of)  # fmt: skip
    return found


def line_finder(site, sources, page_path, text):
    """issue -> its line in the content file's `text`: where its URL is
    written, or the name of the content file it links to ({filename}x.md)."""

    def line(item):
        target = site.locate(page_path, item.url).file if item.url else None
        linked = sources.pages.get(target) or sources.static.get(target)
        return source_line(text, item.url, [os.path.basename(linked)] if linked else [])

    return line


_MARKDOWN_EMPTY_ALT = re.compile(r"!\[\s*\]\(\s*<?([^\s)>]+)")


def _markdown_empty_alts(page, text, lines):
    """Issues for the content's `<img alt="">` written as Markdown `![](url)`:
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


def _content_lines(site, page_path, content):
    """The lines of the page that hold the content's HTML; None if not found
    (a theme that filters the content): then all findings go to the content."""
    with open(os.path.join(site.root, page_path), encoding="utf-8") as file:
        text = file.read()
    html = content()
    start = text.find(html) if html.strip() else -1
    if start < 0:
        return None
    first = text.count("\n", 0, start) + 1
    return range(first, first + html.count("\n") + 1)
