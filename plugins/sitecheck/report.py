"""Findings: what is wrong, on which page, from which file, and the fix.

Every kind of finding has a code in CHECKS, with its default level, message
and fix; SITECHECK_LEVELS can change a level or ignore a code. Findings are
logged one line each, grouped by page; the same finding on more than REPEATED
pages (a theme template, an image in every summary) is logged once for all.
"""

import datetime as dt
import json
import logging
import os
from collections import defaultdict
from dataclasses import asdict, dataclass

THEME = "theme"
REPEATED = 3
LEVELS = {"error": logging.ERROR, "warning": logging.WARNING}

# code: (level, message, fix); {fields} come from the check.
CHECKS = {
    "duplicate-id": ("error", "id used {count} times (lines {lines}): #{id} links"
                     " are ambiguous", "give each element its own id"),
    "broken-link": ("error", "broken link: nothing at /{path} in the output",
                    "{suggestion}"),
    "missing-fragment": ("error", 'no id="{fragment}" in {file}', "{suggestion}"),
    "empty-url": ("error", "empty URL", "set the URL or remove the element"),
    "mixed-content": ("error", "loaded over http://: browsers block it on https",
                      "use https://"),
    "insecure-link": ("warning", "http:// link", "use https:// if the site has it"),
    "unreadable-page": ("error", "cannot parse the page: {reason}",
                        "fix the template or content that writes it"),
    "img-no-src": ("error", "image without src", "add a src"),
    "img-no-alt": ("error", "image without alt text", 'add alt="what it shows"'
                   ' (alt="" if only decorative)'),
    "img-missing": ("error", "image not found: nothing at /{path} in the output",
                    "{suggestion}"),
    "img-unreadable": ("error", "{file} is not a readable image ({reason})",
                       "save it as PNG, JPEG, WebP or SVG"),
    "img-bad-size": ("error", '{name}="{value}" is not a whole number of pixels',
                     'write {name}="{number}" (CSS pixels, no unit)'),
    "img-no-size": ("warning", "image without width and height (the page jumps"
                    " as it loads)", 'add width="{width}" height="{height}"'),
    "img-distorted": ("error", "width/height {width}x{height} distort the {dims}"
                      " file", 'set height="{fixed}" for width="{width}"'),
    "img-blurry": ("warning", "file is {dims}, shown {width} px wide: blurry",
                   "use a file at least {width} px wide"),
    "img-oversized": ("warning", "file is {dims}, shown {width} px wide: wasted"
                      " bytes", "resize it to {width}-{largest} px wide"),
    "img-heavy": ("error", "file is {size}, over the {budget} image budget",
                  "resize it to the size it is shown at; compress it (quality 80)"),
    "page-images-heavy": ("warning", "{size} of images, over the {budget} page"
                          " budget", "use smaller or fewer images"),
    "srcset-descriptor": ("warning", 'srcset descriptor "{descriptor}" is not like'
                          ' "2x" or "640w"', 'write "640w" or "2x"'),
    "srcset-width": ("warning", "file is {actual} px wide, srcset says {descriptor}",
                     'write "{actual}w"'),
    "srcset-shape": ("error", "{dims} file, not the shape of width/height"
                     " {width}x{height}", "crop it to the same aspect ratio"),
    "srcset-small": ("warning", "file is {dims}, too small for {descriptor} at"
                     " {width} px", "use a file {needed} px wide"),
    "external-broken": ("error", "HTTP {status}: broken link",
                        "fix or remove the link"),
    "external-server-error": ("error", "HTTP {status}: server error, {retries}"
                              " retries", "open it in a browser; fix or remove it"),
    "external-redirect-loop": ("error", "redirect loop: {loop}",
                               "fix or remove the link"),
    "external-redirects": ("error", "more than {count} redirects",
                           "link to the final address, {url}"),
    "external-malformed": ("error", "malformed URL ({reason})", "fix the URL"),
    "external-moved": ("warning", "permanently redirected to {url}",
                       "link to {url}"),
    "external-denied": ("warning", "HTTP {status}: access denied (bot protection?)",
                        "open it in a browser; if it works, add it to"
                        " SITECHECK_EXTERNAL_EXCLUDE"),
    "external-rate-limited": ("warning", "HTTP 429: rate limited ({wait})",
                              "check it again later"),
    "external-no-answer": ("warning", "no answer: {reason}", "open it in a browser;"
                           " fix or remove it if it is gone"),
    "external-checker-failed": ("warning", "checker failed: {reason}",
                                "check it by hand"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem with one element of a page; a Finding once the page is known."""

    code: str
    element: str
    line: int | None
    fields: tuple = ()  # (name, value) pairs for the code's message and fix


def issue(code, element, line, **fields):
    return Issue(code, element, line, tuple(fields.items()))


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # "error" or "warning"
    code: str
    page: str  # output path, relative to the output directory
    source: str  # content file that produced the page, or THEME
    element: str
    line: int | None
    message: str
    fix: str


def findings(page, source, issues, levels):
    """Findings of `page`'s issues, at the levels SITECHECK_LEVELS sets."""
    found = []
    for item in issues:
        level, message, fix = CHECKS[item.code]
        level = levels.get(item.code, level)
        if level != "ignore":
            fields = dict(item.fields)
            found.append(
                Finding(
                    level,
                    item.code,
                    page,
                    source,
                    item.element,
                    item.line,
                    message.format(**fields),
                    fix.format(**fields),
                )
            )
    return found


def count(found):
    errors = sum(finding.level == "error" for finding in found)
    return errors, len(found) - errors


def report_lines(found):
    """[(level, text)]: one line per finding, sorted by page."""
    groups = defaultdict(list)
    for f in found:
        groups[f.level, f.element, f.message, f.fix].append(f)
    lines = []
    for (level, element, message, fix), members in groups.items():
        pages = sorted({finding.page for finding in members})
        if len(pages) <= REPEATED:
            lines += [(f.page, f.line or 0, f.level, _line(f)) for f in members]
            continue
        where = f"{len(pages)} pages ({', '.join(pages[:REPEATED])}, ...)"
        text = f"{where} ({_group_source(members)}) {element}: {message}; fix: {fix}"
        lines.append(("~", 0, level, text))  # "~" sorts after page paths
    return [(level, text) for *_, level, text in sorted(lines)]


def _line(f):
    line = f" line {f.line}" if f.line else ""
    return f"{f.page} ({f.source}){line} {f.element}: {f.message}; fix: {f.fix}"


def _group_source(members):
    """One content file (an image shown in its summaries too), else the theme."""
    sources = {finding.source for finding in members} - {THEME}
    return sources.pop() if len(sources) == 1 else THEME


def log_lines(logger, lines):
    """Log each (level, text); return True if `pelican --fatal` was triggered.

    Pelican's FatalLogger raises RuntimeError right after emitting a record at
    the --fatal level. Catching it lets every finding be listed and the build
    end with one clear message instead of a traceback after the first.
    """
    fatal = False
    for level, text in lines:
        try:
            logger.log(LEVELS.get(level, level), text)
        except RuntimeError:
            fatal = True
    return fatal


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
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(f"{path}.tmp", "w", encoding="utf-8") as file:
        json.dump(data, file, indent=1, ensure_ascii=False)
    os.replace(f"{path}.tmp", path)
