"""Findings: what is wrong, on which page, from which file, and the fix.

Every kind of finding has a code in CHECKS, with its default level, message
and fix; SITECHECK_LEVELS can change a level or ignore a code. Findings are
logged one line each, grouped by page; the same finding on more than REPEATED
pages (a theme template, an image in every summary) is logged once for all.
"""

import dataclasses
import datetime as dt
import json
import logging
import os
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from urllib.parse import unquote, urlsplit

THEME = "theme"
MARKDOWN = (".md", ".markdown", ".mkd")
REPEATED = 3
LEVELS = {"error": logging.ERROR, "warning": logging.WARNING}

# code: (level, message, fix); {fields} come from the check.
CHECKS = {
    "duplicate-id": (
        "error",
        "id used {count} times ({lines}): #{id} links are ambiguous",
        "give each element its own id",
    ),
    "broken-link": (
        "error",
        "broken link: nothing at /{path} in the output",
        "{suggestion}",
    ),
    "missing-fragment": ("error", 'no id="{fragment}" in {file}', "{suggestion}"),
    "empty-url": ("error", "empty URL", "set the URL or remove the element"),
    "mixed-content": (
        "error",
        "loaded over http://: browsers block it on https",
        "use https://",
    ),
    "insecure-link": ("warning", "http:// link", "use https:// if the site has it"),
    "unreadable-page": (
        "error",
        "cannot parse the page: {reason}",
        "fix the template or content that writes it",
    ),
    "img-no-src": ("error", "image without src", "add a src"),
    "img-no-alt": (
        "error",
        "image without alt text",
        'add alt="what it shows" (alt="" if only decorative)',
    ),
    "img-empty-alt": (
        "error",
        "Markdown image without alt text (![](...))",
        "write ![what it shows](...); a decorative image is HTML:"
        ' <img src="..." alt="">',
    ),
    "draft-link": (
        "error",
        "links to a draft: visitors get a page that is not published",
        "link to it once it is published, or publish it (Status: published)",
    ),
    "img-missing": (
        "error",
        "image not found: nothing at /{path} in the output",
        "{suggestion}",
    ),
    "img-unreadable": (
        "error",
        "{file} is not a readable image ({reason})",
        "save it as PNG, JPEG, WebP or SVG",
    ),
    "img-bad-size": (
        "error",
        '{name}="{value}" is not a whole number of pixels',
        'write {name}="{number}" (CSS pixels, no unit)',
    ),
    "img-no-size": (
        "warning",
        "image without width and height (the page jumps as it loads)",
        'add width="{width}" height="{height}"',
    ),
    "img-no-size-markdown": (
        "warning",
        "Markdown image without width and height (the page jumps as it loads)",
        "set"
        " SITECHECK_FILL_IMAGE_SIZES = True: it adds"
        ' width="{width}" height="{height}" to the pages',
    ),
    "img-distorted": (
        "error",
        "width/height {width}x{height} distort the {dims} file",
        'set height="{fixed}" for width="{width}"',
    ),
    "img-blurry": (
        "warning",
        "file is {dims}, shown {width} px wide: blurry",
        "use a file at least {width} px wide",
    ),
    "img-oversized": (
        "warning",
        "file is {dims}, shown {width} px wide: wasted bytes",
        "resize it to {width}-{largest} px wide",
    ),
    "img-huge": (
        "error",
        "file is {dims}, {size}: far more pixels than any screen shows",
        "resize it to at most {largest} px wide, then compress it (quality 80)",
    ),
    "img-heavy": (
        "error",
        "file is {size}, over the {budget} image budget",
        "resize it to the size it is shown at; compress it (quality 80)",
    ),
    "page-images-heavy": (
        "warning",
        "{size} of images, over the {budget} page budget",
        "use smaller or fewer images",
    ),
    "srcset-descriptor": (
        "warning",
        'srcset descriptor "{descriptor}" is not like "2x" or "640w"',
        'write "640w" or "2x"',
    ),
    "srcset-width": (
        "warning",
        "file is {actual} px wide, srcset says {descriptor}",
        'write "{actual}w"',
    ),
    "srcset-shape": (
        "error",
        "{dims} file, not the shape of width/height {width}x{height}",
        "crop it to the same aspect ratio",
    ),
    "srcset-small": (
        "warning",
        "file is {dims}, too small for {descriptor} at {width} px",
        "use a file {needed} px wide",
    ),
    "external-broken": (
        "error",
        "HTTP {status}: broken link",
        "fix or remove the link",
    ),
    "external-server-error": (
        "error",
        "HTTP {status}: server error, {retries} retries",
        "open it in a browser; fix or remove it",
    ),
    "external-redirect-loop": (
        "error",
        "redirect loop: {loop}",
        "fix or remove the link",
    ),
    "external-redirects": (
        "error",
        "more than {count} redirects (the last one to {url}, not requested)",
        "open it in a browser and link to the page it ends at",
    ),
    "external-malformed": ("error", "malformed URL ({reason})", "fix the URL"),
    "external-moved": ("warning", "permanently redirected to {url}", "link to {url}"),
    "external-denied": (
        "warning",
        "HTTP {status}: access denied (bot protection?)",
        "open it in a browser; if it works, add it to SITECHECK_EXTERNAL_EXCLUDE",
    ),
    "external-rate-limited": (
        "warning",
        "HTTP 429: rate limited ({wait})",
        "check it again later",
    ),
    "external-no-answer": (
        "error",
        "no answer after {retries} retries: {reason}",
        "open it in a browser; fix or remove it if it is gone",
    ),
    "external-unresolved": (
        "error",
        "the domain {host} does not exist (DNS)",
        "fix the address, or remove the link: the site is gone",
    ),
    "external-checker-failed": (
        "warning",
        "checker failed: {reason}",
        "check it by hand",
    ),
}


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem with one element of a page; a Finding once the page is known."""

    code: str
    element: str
    line: int | None  # in the checked output file
    fields: tuple = ()  # (name, value) pairs for the code's message and fix
    url: str = ""  # as written in the output: to find it in the source file


def issue(code, element, line, at_url="", **fields):
    return Issue(code, element, line, tuple(fields.items()), at_url)


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # "error" or "warning"
    code: str
    page: str  # output path, relative to the output directory
    source: str  # the file to edit: content file, theme folder, setting
    element: str
    line: int | None  # in `source`; None if unknown
    message: str
    fix: str
    page_line: int | None = None  # in the output file `page`
    from_theme: bool = False  # `source` is the theme: no content file has it
    target: str = ""  # the output path the element's URL leads to, if any


def findings(  # noqa: PLR0917
    page,
    source,
    issues,
    levels,
    source_line=None,
    from_theme=False,
    target_of=None,
):
    """Findings of `page`'s issues, at the levels SITECHECK_LEVELS sets;
    source_line(issue) gives the line in `source`, if known, and
    target_of(issue) where the issue's URL leads."""
    found = []
    for item in issues:
        code = item.code
        if code == "img-no-size" and source.endswith(MARKDOWN):
            code = "img-no-size-markdown"  # Markdown cannot write sizes
        level, message, fix = CHECKS[code]
        level = levels.get(code, levels.get(item.code, level))
        if level != "ignore":
            fields = dict(item.fields)
            found.append(
                Finding(
                    level,
                    code,
                    page,
                    source,
                    item.element,
                    source_line(item) if source_line else None,
                    message.format(**fields),
                    fix.format(**fields),
                    item.line,
                    from_theme,
                    target_of(item) if target_of else "",
                )
            )
    return found


def count(found):
    """(errors, warnings): problems, as records() reports them."""
    levels = [level for level, *_ in records(found)]
    return levels.count("error"), levels.count("warning")


def records(found):
    """[(level, source, line, message, fix)]: one per problem, sorted by
    source. The same problem on several files (an article's page and its feed
    entry; a theme link on every page) is one record naming the files, or
    their number when more than REPEATED."""
    groups = defaultdict(list)
    for f in found:
        key = (f.level, f.code, f.target or f.element, f.message, f.fix, f.source)
        groups[(*key, f.line)].append(f)
    result = []
    for (level, *_, message, fix, source, line), members in groups.items():
        lines = defaultdict(list)
        for f in members:
            lines[f.page].append(f.page_line)
        if len(lines) > REPEATED:
            pages = sorted(lines)
            where = f"on {len(pages)} pages ({', '.join(pages[:REPEATED])}, ...)"
        else:
            where = "in " + ", ".join(
                page + _output_lines(numbers) for page, numbers in lines.items()
            )
        text = f"{members[0].element} {where}: {message}"
        result.append((source, line or 0, level, text, fix))
    return [
        (level, source, line or None, message, fix)
        for source, line, level, message, fix in sorted(result)
    ]


def _output_lines(numbers):
    numbers = sorted({n for n in numbers if n})
    if not numbers:
        return ""
    label = "line" if len(numbers) == 1 else "lines"
    return f" (output {label} {', '.join(map(str, numbers))})"


def attribute(found):
    """A finding on a listing page or feed that a content file's own page has
    too (an image in a summary) is that content file's, at its line."""
    owners = defaultdict(dict)
    for f in found:
        if not f.from_theme:
            owners[f.code, f.target, f.fix].setdefault(f.source, f)
    result = []
    for f in found:
        owner = owners.get((f.code, f.target, f.fix)) if f.from_theme else None
        if owner and len(owner) == 1:  # one content file has it: its own
            (owner,) = owner.values()
            f = dataclasses.replace(  # noqa: PLW2901
                f, source=owner.source, line=owner.line, from_theme=False
            )
        result.append(f)
    return result


def log_findings(logger, found):
    """Log each finding as one record, with its structure in `extra`: its
    source is a path in the project, or None (an installed theme). Return the
    error that `pelican --fatal` raised at a record, once all are logged."""
    stop = None
    for level, source, line, message, fix in records(found):
        path = None if source.startswith("theme ") else source
        finding = {"source": path, "line": line, "message": message, "fix": fix}
        where = source if line is None else f"{source}:{line}"
        try:
            logger.log(
                LEVELS[level],
                "%s: %s (fix: %s)",
                where,
                message,
                fix,
                extra={"finding": finding},
            )
        except RuntimeError as error:  # Pelican's FatalLogger, under --fatal
            stop = stop or error
    return stop


def summary_line(found, checked, seconds):
    """One line of statistics (not a finding) for the end of a check."""
    errors, warnings = count(found)
    pages = sum(path.endswith((".html", ".htm")) for path in checked)
    return (
        f"sitecheck: {pages} pages and {len(checked) - pages} feeds, sitemaps and"
        f" style sheets checked in {seconds:.1f} s: {errors} errors,"
        f" {warnings} warnings"
    )


def write_json(path, found, pages, **summary):
    """Save the findings, `summary` figures and `pages` ({page: source})."""
    errors, warnings = count(found)
    data = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **summary,
        "errors": errors,
        "warnings": warnings,
        "findings": [asdict(finding) for finding in found],
        "pages": pages,
    }
    replace_file(path, json.dumps(data, indent=1, ensure_ascii=False))


def replace_file(path, text):
    """Write `text` to `path` through a temporary file of its own: a reader, or
    another build writing at the same time, sees the old file or a new one."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False
    ) as file:
        file.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(file.name, 0o666 & ~umask)  # a temporary file is 0600
    os.replace(file.name, path)


def source_line(text, url, also=(), names=True):
    """The line of `url` in a content file's text: where the URL as written
    in the output, its path, its #fragment, its file name (if `names`) or one
    of `also` occurs exactly once (Pelican rewrites {filename} links); None if
    none does."""
    if not text or not url:
        return None
    parts = urlsplit(url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    needles = [url, unquote(url), parts.path if len(parts.path) > 1 else ""]
    needles += ["#" + parts.fragment if parts.fragment and names else ""]
    needles += [name if "." in name and names else "", *also]
    for needle in needles:
        if needle and text.count(needle) == 1:
            return text.count("\n", 0, text.index(needle)) + 1
    return None
