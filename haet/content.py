"""Guard the site against what organisers type, with messages that name the
file and line they wrote and what to write instead.

- Metadata is checked like the data files: an unknown key (`Stauts:`) is
  reported with the nearest known one; `Date:` and `Modified:` must be
  `YYYY-MM-DD` with an optional `HH:MM` (`05/07/2021` could be May or July);
  `Status:` must be one Pelican knows; an empty file or a file without `Title:`
  says so. A file that cannot be published this way is refused with one clear
  error (Pelican then leaves it out of the build and goes on).
- Titles and summaries (unless FORMATTED_FIELDS makes them Markdown) are plain
  text: they are escaped as they are read (`process_metadata`, the reader hook
  Pelican documents), so `<` and `&` show as typed and no markup gets in.
- Two posts or pages never share one address: each clash is one error naming
  both files, and the later file is left out, so a development build goes on.
- A file under `content/` that Pelican does not read (a post saved as `.txt`,
  a page put in the content root) is reported instead of silently ignored.

Every problem is a Finding (haet/findings.py).
"""

import difflib
import os
import re
from datetime import datetime
from fnmatch import fnmatch
from html import escape
from pathlib import Path
from urllib.parse import unquote

import lxml.html
from pelican.readers import MarkdownReader
from pelican.utils import slugify

from .data import site_now
from .findings import Finding, project_path, report

# Pelican's own metadata keys (docs/content.rst, "File metadata").
PELICAN_METADATA = [
    "title",
    "date",
    "modified",
    "tags",
    "keywords",
    "category",
    "author",
    "authors",
    "slug",
    "summary",
    "lang",
    "translation",
    "status",
    "template",
    "save_as",
    "url",
]
STATUSES = ("published", "draft", "hidden", "skip")
PLAIN_TEXT_FIELDS = ("title", "summary")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_SLUG = 100  # a file name has at most 255 bytes
DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")
# Python-Markdown's meta extension: `Key: value`, indented continuation lines,
# an optional `---` fence; the header ends at the first other line.
META_LINE = re.compile(r"^ {0,3}([A-Za-z0-9_-]+):\s*(.*)$")
META_MORE = re.compile(r"^ {4,}\S")
# Files that look like content, whether or not Pelican has a reader for them.
CONTENT_LIKE = (".md", ".markdown", ".mkd", ".mdown", ".txt", ".rst", ".html", ".htm")


# --- Metadata -----------------------------------------------------------------


def header_lines(text):
    """[(line number, key as typed, value)] of a Markdown file's metadata."""
    lines = text.splitlines()
    start = 1 if lines and lines[0].strip() == "---" else 0
    found = []
    for number, line in enumerate(lines[start:], start + 1):
        match = META_LINE.match(line)
        if match:
            found.append((number, match[1], match[2].strip()))
        elif not (found and META_MORE.match(line)):
            break
    return found


def known_keys(settings):
    extra = [key.lower() for key in settings["EXTRA_METADATA_KEYS"]]
    return [*PELICAN_METADATA, *extra, *settings.get("DEFAULT_METADATA", {})]


def date_problem(value):
    """Why `value` is not an unambiguous date, and what to write, or None."""
    example = "2021-05-07 or 2021-05-07 13:45"
    if not DATE_FORM.fullmatch(value):
        parts = re.findall(r"\d+", value)
        if len(parts) >= 3 and len(parts[2]) == 4:  # 05/07/2021: day or month first?
            first, second, year = int(parts[0]), int(parts[1]), parts[2]
            readings = [
                f"{year}-{month:02}-{day:02}"
                for day, month in ((first, second), (second, first))
                if 1 <= month <= 12 and 1 <= day <= 31
            ]
            if len(set(readings)) == 2:
                example = f"{readings[0]} or {readings[1]}, whichever you meant"
            elif readings:
                example = readings[0]
        return f"'{value}' is not a date in the form YYYY-MM-DD", example
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M" if " " in value else "%Y-%m-%d")
    except ValueError:
        return f"'{value}' is not a valid date", example
    return None


def check_metadata(text, source, settings):
    """Raise a Finding if the file cannot be published as it was meant."""
    if not text.strip():
        raise Finding(
            source,
            None,
            "the file is empty",
            "write a Title: line and the text, or delete the file",
        )
    header = header_lines(text)
    lines = {}
    for number, typed, value in header:
        key = typed.lower()
        if key in lines:
            raise Finding(
                source,
                number,
                f"'{typed}:' is given twice (also on line {lines[key]})",
                "keep one of them",
            )
        lines[key] = number
        if problem := value_problem(key, typed, value, settings):
            raise Finding(source, number, *problem)
    if "title" not in lines:
        line = header[0][0] if header else 1
        raise Finding(
            source, line, "no Title: line", "start the file with 'Title: The title'"
        )


def value_problem(key, typed, value, settings):
    """(what is wrong, the fix or None) with one metadata line, or None."""
    keys = known_keys(settings)
    if key not in keys:
        # An error in development too: `Stauts: draft` must never publish.
        near = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
        return (
            f"unknown metadata '{typed}:'",
            near and f"did you mean {near[0].capitalize()}:?",
        )
    if CONTROL.search(value):
        return "a control character in the value", "retype the line"
    check = VALUE_CHECKS.get(key)
    return check(typed, value, settings) if check else None


def _date(typed, value, settings):
    problem = date_problem(value)
    return problem and (problem[0], f"write {typed}: {problem[1]}")


def _status(typed, value, settings):
    if value.lower() in STATUSES:
        return None
    near = difflib.get_close_matches(value.lower(), STATUSES, n=1)
    return f"unknown status '{value}'", f"write Status: {near[0] if near else 'draft'}"


def _template(typed, value, settings):
    templates = [p.stem for p in Path(settings["THEME"], "templates").glob("*.html")]
    if value in templates:
        return None
    near = difflib.get_close_matches(value, templates, n=1)
    return f"no template '{value}' in the theme", near and f"did you mean {near[0]}?"


def _address(typed, value, settings):
    """Titles, slugs and tags become addresses: each needs a letter or digit
    and must fit in a file name."""
    names = value.split(",") if typed.lower() == "tags" else [value]
    for name in map(str.strip, names):
        slug = slugify(name, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
        if name and not slug:
            return f"'{name}' gives no letters or digits for an address", "add some"
        if len(slug) > MAX_SLUG:
            return f"'{name[:30]}…' is too long for an address", "shorten it"
    return None


def _path(typed, value, settings):
    """Url: and Save_as: are written into pages and the sitemap as they are."""
    if re.fullmatch(r"[A-Za-z0-9._~/-]*", value):
        return None
    return f"'{value}' has characters an address cannot hold", "use a-z, 0-9, - and /"


VALUE_CHECKS = {
    "url": _path,
    "save_as": _path,
    "date": _date,
    "modified": _date,
    "status": _status,
    "template": _template,
    "title": _address,
    "slug": _address,
    "tags": _address,
}


# Python-Markdown's time grows faster than linearly with nesting: a list 400
# levels deep takes seconds, 1,000 levels minutes. No post needs more than this.
MAX_NESTING = 12
MAX_BYTES = 1_000_000
NESTING = re.compile(r"^(?:\s*(?:[-*+>]|\d+[.)])(?=\s))+|^\s+")
# What a post's Markdown may not put in a page: scripts, event handlers, frames.
UNSAFE_TAGS = {"script", "iframe", "object", "embed", "form", "base", "meta"}
UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)


def check_bounds(text, source):
    """Refuse what would stall a build: a huge file, nesting past MAX_NESTING."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise Finding(source, None, "over 1 MB of text", "split it into several posts")
    for number, line in enumerate(text.splitlines(), 1):
        prefix = NESTING.match(line.expandtabs(4))
        depth = len(re.findall(r"[-*+>]|\d+[.)]", prefix[0])) if prefix else 0
        depth = max(depth, len(prefix[0]) // 4 if prefix else 0)
        if depth > MAX_NESTING:
            raise Finding(
                source,
                number,
                f"nested {depth} levels deep (at most {MAX_NESTING})",
                "flatten the list or quote",
            )


# Schemes a link in a post may use; any other is a typo (htps:) or unsafe.
KNOWN_SCHEMES = ("https", "http", "mailto", "tel")


def scheme_problem(url):
    """(what, fix) for an address whose scheme no browser opens, or None."""
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    if (
        not scheme
        or scheme[1].lower() in KNOWN_SCHEMES
        or scheme[1] in ("filename", "static")
    ):
        return None
    near = difflib.get_close_matches(scheme[1].lower(), KNOWN_SCHEMES, n=1)
    return f"'{scheme[1]}:' is no address scheme", near and f"did you mean {near[0]}:?"


def line_of(snippet, text):
    """The first line of `text` that holds `snippet` (case aside), or None."""
    lines = text.lower().splitlines()
    return next((n for n, t in enumerate(lines, 1) if snippet.lower() in t), None)


def check_markup(html, text, source):
    """Refuse markup that would run code in visitors' browsers."""
    if not html.strip():
        return
    for element in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        found = element.tag in UNSAFE_TAGS and f"<{element.tag}"
        for name, value in element.attrib.items():
            if name.startswith("on"):
                found = found or name
            elif name in ("href", "src", "action") and UNSAFE_URL.match(value):
                found = found or value.split(":")[0] + ":"
            elif name in ("href", "src") and (problem := scheme_problem(value)):
                raise Finding(source, line_of(value, text), *problem)
        if found:
            raise Finding(
                source,
                line_of(found, text),
                f"{found} would run code in visitors' browsers",
                "remove it; link with https:// addresses",
            )


class CheckedMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with the metadata checked and the plain-text
    fields escaped."""

    def read(self, source_path):
        try:
            return self._checked_read(source_path)
        except Finding as finding:
            # Pelican says only "Could not process FILE" (the reason needs
            # --debug): the reason is logged here, then Pelican skips the file.
            report(finding)
            raise

    def _checked_read(self, source_path):
        source = project_path(source_path, self.settings)
        raw = Path(source_path).read_bytes()
        try:
            text = raw.decode("utf-8-sig")  # a BOM is nothing, as for Pelican
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise Finding(
                source,
                line,
                f"not UTF-8 text (byte 0x{raw[error.start]:02x})",
                "save the file as UTF-8",
            ) from None
        check_metadata(text, source, self.settings)
        check_bounds(text, source)
        content, metadata = super().read(source_path)
        check_markup(content, text, source)
        return content, metadata

    def process_metadata(self, name, value):
        if name in PLAIN_TEXT_FIELDS and isinstance(value, list):
            value = " ".join(value)  # a title or summary continued on indented lines
        plain = (
            name in PLAIN_TEXT_FIELDS and name not in self.settings["FORMATTED_FIELDS"]
        )
        if plain and isinstance(value, str):
            # quote=False: typogrify still sees the quotes it curls.
            value = escape(value, quote=False)
        return super().process_metadata(name, value)


def use_checked_reader(readers):
    for extension, reader in readers.reader_classes.items():
        if reader is MarkdownReader:
            readers.reader_classes[extension] = CheckedMarkdownReader


# --- Addresses ------------------------------------------------------------------


def drop_duplicates(items, taken, settings):
    """Keep the first item for each save_as; report and drop the others. Items
    written nowhere (save_as "", e.g. drafts in production) collide with none."""
    kept = []
    for item in sorted(items, key=lambda item: item.source_path):
        if not item.save_as:
            kept.append(item)
            continue
        first = taken.setdefault(item.save_as, item)
        if first is item:
            kept.append(item)
            continue
        report(
            Finding(
                project_path(item.source_path, settings),
                None,
                f"its address /{item.url} is already used by "
                f"{project_path(first.source_path, settings)} (left out of this build)",
                "give one of them another Slug:",
            )
        )
    return kept


def dedupe(generator, names):
    taken = {}
    for name in names:
        items = getattr(generator, name)
        kept = drop_duplicates(items, taken, generator.settings)
        if len(kept) != len(items):
            items[:] = [item for item in items if item in kept]  # keep the order


def report_page_numbers(pages, settings):
    """The menu is in file-name order (PAGE_ORDER_BY = "basename"): a page
    numbered 5-venue.md among 40-.., 50-.. would sort as if it were 50."""
    numbers = {}
    for page in pages:
        if match := re.match(r"(\d+)-", Path(page.source_path).name):
            numbers[page] = match[1]
    width = max((len(number) for number in numbers.values()), default=0)
    for page, number in numbers.items():
        if len(number) < width:
            name = Path(page.source_path).name
            report(
                Finding(
                    project_path(page.source_path, settings),
                    None,
                    f"its number {number} has fewer digits than the other pages': "
                    "the menu would put it out of order",
                    f"rename it to {number.zfill(width)}{name[len(number) :]}",
                    "warning",
                )
            )


# --- The build's day ---------------------------------------------------------


def publish_by_day(generator):
    """Posts are published by the build's moment (site_now: SITE_TODAY's end,
    or the real time), not by the machine's clock alone: a build for an earlier
    day leaves later posts out; one for a later day shows what is scheduled."""
    now = site_now(generator.settings)
    due = [
        a for a in generator.drafts if str(a.metadata.get("status")).lower() != "draft"
    ]
    for article in [*generator.articles, *due]:
        article.status = "published" if article.date <= now else "draft"
    everything = [*generator.articles, *generator.drafts]
    generator.articles[:] = [a for a in everything if a.status == "published"]
    generator.drafts[:] = [a for a in everything if a.status == "draft"]
    generator.articles.sort(key=lambda a: a.date, reverse=True)


FILENAME_LINK = re.compile(
    r'<a\b[^>]*?\bhref="\{filename\}([^"#?]*)[^"]*"[^>]*>(.*?)</a>', re.S
)


def unlink_unpublished(generators):
    """A {filename} link from what visitors see to a post or page not
    published yet (a draft, or dated later) is plain text until it is: a note
    in development, never a broken link in production. The reach: Pelican
    resolves such links in each item's `_content`, so they are taken out there."""
    context = generators[0].context
    targets = context["generated_content"]
    for generator in generators:
        for name in ("articles", "hidden_articles", "pages", "hidden_pages"):
            for item in getattr(generator, name, ()):
                if item._content:
                    item._content = FILENAME_LINK.sub(
                        lambda match, item=item: _plain_if_unpublished(
                            match, item, targets
                        ),
                        item._content,
                    )


def _plain_if_unpublished(match, item, targets):
    path = match[1]
    if path.startswith("/"):
        path = path[1:]
    else:
        path = item.get_relative_source_path(os.path.join(item.relative_dir, path))
    target = targets.get(path) or targets.get(unquote(path))
    if target is None or target.status != "draft":
        return match[0]
    source = Path(item.source_path).read_text(encoding="utf-8-sig")
    report(
        Finding(
            project_path(item.source_path, item.settings),
            line_of(match[1], source),
            f"links to “{target.title}”, which is not published yet: "
            "the link shows as plain text until it is",
            None,
            "note",
        )
    )
    return match[2]


def dedupe_articles(generator):
    dedupe(generator, ("articles", "hidden_articles", "drafts"))


def dedupe_pages(generator):
    dedupe(generator, ("pages", "hidden_pages", "draft_pages"))
    report_page_numbers(generator.pages, generator.settings)


def link_pages(generator):
    """`page_url.schedule` in templates: the address of the page whose
    Template: is schedule, so no template types another page's address."""
    generator.context["page_url"] = {
        page.template: page.url for page in generator.pages
    }


# --- Files from outside content/ ---------------------------------------------


def refuse_outside_links(pelican):
    """At `initialized`, before anything is read or copied: a symbolic link in
    content/ that leads outside it (/etc/passwd, the build's environment) would
    publish a file of the building machine."""
    content = Path(pelican.settings["PATH"]).resolve()
    for folder, folders, files in os.walk(content):
        for name in folders + files:
            path = Path(folder, name)
            target = path.resolve()
            if path.is_symlink() and not target.is_relative_to(content):
                raise Finding(
                    project_path(path, pelican.settings),
                    None,
                    f"a link to {target}, outside {content.name}/: it would be public",
                    "replace the link with a copy of the file inside content/",
                )


# --- Files nobody reads -------------------------------------------------------


def unread_files(settings, extensions):
    """[(display path, fix)] for content-like files no generator reads."""
    content = Path(settings["PATH"])
    read_folders = [*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"]]
    skipped = [*settings["STATIC_PATHS"]]
    found = []
    for path in sorted(content.rglob("*")):
        relative = path.relative_to(content).as_posix()
        if not path.is_file() or path.suffix.lower() not in CONTENT_LIKE:
            continue
        if any(
            fnmatch(relative, pattern) or fnmatch(path.name, pattern)
            for pattern in settings["IGNORE_FILES"]
        ):
            continue
        if any(relative.startswith(folder.rstrip("/") + "/") for folder in skipped):
            continue
        in_read_folder = any(
            relative.startswith(folder.rstrip("/") + "/") for folder in read_folders
        )
        if in_read_folder and path.suffix.lstrip(".").lower() in extensions:
            continue
        if in_read_folder:
            fix = f"rename it to {path.stem}.md"
        else:
            posts = settings["ARTICLE_PATHS"][0].rstrip("/")
            pages = settings["PAGE_PATHS"][0].rstrip("/")
            fix = (
                f"move it to {content.name}/{posts}/ (posts)"
                f" or {content.name}/{pages}/ (pages)"
            )
        found.append((project_path(path, settings), fix))
    return found


_reader_extensions = set()


def remember_extensions(readers):
    # Sent before Pelican drops the disabled readers: keep the enabled ones.
    _reader_extensions.update(
        extension
        for extension, reader in readers.reader_classes.items()
        if reader and getattr(reader, "enabled", True)
    )


def report_unread_files(generators):
    settings = generators[0].settings
    for source, fix in unread_files(settings, _reader_extensions):
        report(Finding(source, None, "Pelican does not read this file", fix, "warning"))
