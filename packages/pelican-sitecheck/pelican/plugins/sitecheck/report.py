"""Findings: what is wrong, on which page, from which file, and the fix; and
the ways they are told (log records, GitHub annotations, SARIF).

Every kind of finding has a code in CHECKS, with its default level, message
and fix; SITECHECK_LEVELS can change a level or ignore a code. The same
finding on more than REPEATED pages (a theme template, an image in every
summary) is told once for all.
"""

import dataclasses
import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

MARKDOWN = (".md", ".markdown", ".mkd")
REPEATED = 3
LEVELS = {"error": logging.ERROR, "warning": logging.WARNING}

# One entry a check: "code level: message", then "fix: ..."; {fields} come
# from the check. An indented line goes on with the entry.
_TABLE = """
duplicate-id error: id used {count} times ({lines}): #{id} links are ambiguous
    fix: give each element its own id
broken-link error: broken link: nothing at /{path} in the output
    fix: {suggestion}
missing-fragment error: no id="{fragment}" in {file}
    fix: {suggestion}
empty-url error: empty URL
    fix: set the URL or remove the element
mixed-content error: loaded over http://: browsers block it on https
    fix: use https://
insecure-link warning: http:// link
    fix: use https:// if the site has it
unreadable-page error: cannot parse the page: {reason}
    fix: fix the template or content that writes it
img-no-src error: image without src
    fix: add a src
img-no-alt error: image without alt text
    fix: add alt="what it shows" (alt="" if only decorative)
img-empty-alt error: Markdown image without alt text (![](...))
    fix: write ![what it shows](...); a decorative image is HTML:
    <img src="..." alt="">
draft-link error: links to a draft: visitors get a page that is not published
    fix: link to it once it is published, or publish it (Status: published)
img-missing error: image not found: nothing at /{path} in the output
    fix: {suggestion}
img-unreadable error: {file} is not a readable image ({reason})
    fix: save it as PNG, JPEG, WebP or SVG
img-bad-size error: {name}="{value}" is not a whole number of pixels
    fix: write {name}="{number}" (CSS pixels, no unit)
img-no-size warning: image without width and height (the page jumps as it loads)
    fix: add width="{width}" height="{height}"
img-no-size-markdown warning:
    Markdown image without width and height (the page jumps as it loads)
    fix: set SITECHECK_FILL_IMAGE_SIZES = True: it adds
    width="{width}" height="{height}" to the pages
img-distorted error: width/height {width}x{height} distort the {dims} file
    fix: set height="{fixed}" for width="{width}"
img-blurry warning: file is {dims}, shown {width} px wide: blurry
    fix: use a file at least {width} px wide
img-oversized warning: file is {dims}, shown {width} px wide: wasted bytes
    fix: resize it to {width}-{largest} px wide
img-huge error: file is {dims}, {size}: far more pixels than any screen shows
    fix: resize it to at most {largest} px wide, then compress it (quality 80)
img-heavy error: file is {size}, over the {budget} image budget
    fix: resize it to the size it is shown at; compress it (quality 80)
page-images-heavy warning: {size} of images, over the {budget} page budget
    fix: use smaller or fewer images
srcset-descriptor warning: srcset descriptor "{descriptor}" is not like "2x"
    or "640w"
    fix: write "640w" or "2x"
srcset-width warning: file is {actual} px wide, srcset says {descriptor}
    fix: write "{actual}w"
srcset-shape error: {dims} file, not the shape of width/height {width}x{height}
    fix: crop it to the same aspect ratio
srcset-small warning: file is {dims}, too small for {descriptor} at {width} px
    fix: use a file {needed} px wide
external-broken error: HTTP {status}: broken link
    fix: fix or remove the link
external-server-error error: HTTP {status}: server error, {retries} retries
    fix: open it in a browser; fix or remove it
external-redirect-loop error: redirect loop: {loop}
    fix: fix or remove the link
external-redirects error: more than {count} redirects (the last one to {url},
    not requested)
    fix: open it in a browser and link to the page it ends at
external-malformed error: malformed URL ({reason})
    fix: fix the URL
external-moved warning: permanently redirected to {url}
    fix: link to {url}
external-denied warning: HTTP {status}: access denied (bot protection?)
    fix: open it in a browser; if it works, add it to SITECHECK_EXTERNAL_EXCLUDE
external-rate-limited warning: HTTP 429: rate limited ({wait})
    fix: check it again later
external-no-answer error: no answer after {retries} retries: {reason}
    fix: open it in a browser; fix or remove it if it is gone
external-unresolved error: the domain {host} does not exist (DNS)
    fix: fix the address, or remove the link: the site is gone
external-checker-failed warning: checker failed: {reason}
    fix: check it by hand
"""


def _read_table(table):
    """{code: (level, message, fix)} from _TABLE."""
    checks = {}
    for entry in re.split(r"\n(?=\S)", table.strip()):
        head, _, fix = " ".join(entry.split()).partition(" fix: ")
        code, level, message = head.split(" ", 2)
        checks[code] = level.rstrip(":"), message, fix
    return checks


CHECKS = _read_table(_TABLE)


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem with one element of an output page, as a check finds it; once
    the file to edit is known (internal.blame), with its source, line, level,
    message and fix."""

    code: str
    element: str
    page_line: int | None  # in the output file `page`
    fields: tuple = ()  # (name, value) pairs for the code's message and fix
    url: str = ""  # as written in the output: to find it in the source file
    page: str = ""  # output path, relative to the output directory
    source: str = ""  # the file to edit: content file, theme, output file
    line: int | None = None  # in `source`; None if unknown
    level: str = ""  # "error" or "warning"
    message: str = ""
    fix: str = ""
    target: str = ""  # the output path the element's URL leads to, if any

    def named(self, page, source, line, levels, target=""):
        """This finding in `source` at `line`, at the level SITECHECK_LEVELS
        sets; None if that level is "ignore"."""
        code = self.code
        if code == "img-no-size" and source.endswith(MARKDOWN):
            code = "img-no-size-markdown"  # Markdown cannot write sizes
        level, message, fix = CHECKS[code]
        level = levels.get(code, levels.get(self.code, level))
        if level == "ignore":
            return None
        fields = dict(self.fields)
        return dataclasses.replace(
            self,
            code=code,
            page=page,
            source=source,
            line=line,
            level=level,
            message=message.format(**fields),
            fix=fix.format(**fields),
            target=target,
        )


def issue(code, element, page_line, at_url="", **fields):
    """A Finding as a check makes it."""
    return Finding(code, element, page_line, tuple(fields.items()), at_url)


class Record(NamedTuple):
    """One problem as it is told: one or more Findings of the same thing."""

    level: str
    code: str
    source: str
    line: int | None
    message: str  # with the element and the pages it is on
    fix: str

    @property
    def text(self):
        return f"{self.message} (fix: {self.fix})"

    @property
    def path(self):
        """`source` as a file path; None for a theme installed outside the project."""
        return None if self.source.startswith("theme ") else self.source


def records(found):
    """One Record per problem, sorted by source. The same problem on several
    files (an article's page and its feed entry; a theme link on every page)
    is one record naming the files, or their number when more than REPEATED."""
    groups = defaultdict(list)
    for f in found:
        key = (f.level, f.code, f.target or f.element, f.message, f.fix)
        groups[(*key, f.source, f.line)].append(f)
    result = []
    for (level, code, _, message, fix, source, line), members in groups.items():
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
        result.append(Record(level, code, source, line, text, fix))
    return sorted(result, key=lambda r: (r.source, r.line or 0, r.level, r.message))


def _output_lines(numbers):
    numbers = sorted({n for n in numbers if n})
    if not numbers:
        return ""
    label = "line" if len(numbers) == 1 else "lines"
    return f" (output {label} {', '.join(map(str, numbers))})"


def count(told):
    """(errors, warnings) of records() `told`."""
    levels = [record.level for record in told]
    return levels.count("error"), levels.count("warning")


def log_findings(logger, told):
    """Log each problem as one record, with its structure in `extra`. Return
    the error that `pelican --fatal` raised at a record, once all are logged."""
    stop = None
    for record in told:
        finding = {
            "source": record.path,
            "line": record.line,
            "message": record.message,
            "fix": record.fix,
        }
        where = record.source + (f":{record.line}" if record.line else "")
        try:
            logger.log(
                LEVELS[record.level],
                "%s: %s",
                where,
                record.text,
                extra={"finding": finding},
            )
        except RuntimeError as error:  # Pelican's FatalLogger, under --fatal
            stop = stop or error
    return stop


def summary_line(told, checked, seconds):
    """One line of statistics (not a finding) for the end of a check."""
    errors, warnings = count(told)
    pages = sum(path.endswith((".html", ".htm")) for path in checked)
    return (
        f"sitecheck: {pages} pages and {len(checked) - pages} feeds, sitemaps and"
        f" style sheets checked in {seconds:.1f} s: {errors} errors,"
        f" {warnings} warnings"
    )


def annotations(told):
    """GitHub workflow commands, one per problem: ::error file=...,line=...::"""
    lines = []
    for record in told:
        where = []
        if record.path:
            where.append(f"file={_escape(record.path, True)}")
            if record.line:
                where.append(f"line={record.line}")
        text = _escape(record.text)
        lines.append(f"::{record.level} {','.join(where)}::{text}".replace(" ::", "::"))
    return lines


def _escape(text, in_property=False):
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if in_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def sarif(told):
    """The findings as a SARIF 2.1.0 log (GitHub code scanning and other CIs)."""
    results = []
    for record in told:
        result = {
            "ruleId": record.code,
            "level": record.level,
            "message": {"text": record.text},
        }
        if record.path:
            location = {"artifactLocation": {"uri": record.path}}
            if record.line:
                location["region"] = {"startLine": record.line}
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    rules = [
        {"id": code, "shortDescription": {"text": message}}
        for code, (_, message, _) in CHECKS.items()
    ]
    tool = {"driver": {"name": "pelican-sitecheck", "rules": rules}}
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": tool, "results": results}],
    }
    return json.dumps(log, indent=1, ensure_ascii=False)


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
