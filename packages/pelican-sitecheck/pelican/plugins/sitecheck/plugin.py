"""Pelican glue: collect what a build writes, check it when the build ends.

get_generators             forget the previous build (`pelican -r` reuses the process)
content_written            each page written, and the article or page behind it
feed_written               each feed written
static_generator_finalized HTML files copied from content/ as they are
finalized                  check the finished output (static files exist only now);
                           then, if asked, fill in <img> width/height in the pages
"""

import logging
import os
import time

from pelican import signals

from .cache import PageCache
from .images import fill_image_sizes
from .internal import Site, Sources, check_site, workers_for
from .report import count, log_findings, write_json
from .settings import Config

logger = logging.getLogger(__name__)


class SiteCheckError(Exception):
    """SITECHECK_STRICT: the built site has errors (each one logged before)."""


class _Build:
    """What this build wrote: {output path: (content or None, its siteurl)}."""

    def __init__(self):
        self.pages, self.feeds, self.copies = {}, [], {}


_build = _Build()


def reset(*_args, **_kwargs):
    """Start a new build's record; returns None (no generator to add)."""
    global _build  # noqa: PLW0603 - one build at a time, per process
    _build = _Build()


def collect_written(path, context):
    content = context.get("article") or context.get("page")
    if not hasattr(content, "source_path"):
        _build.pages[path] = None, ""  # an index, tag or archive page: the theme's
    else:
        # The content's links were rendered for this page's SITEURL (RELATIVE_URLS).
        _build.pages[path] = content, content.get_siteurl()


def collect_feed(path, context, feed):
    _build.feeds.append(path)


def collect_static(generator):
    for static in generator.staticfiles:
        _build.copies[static.save_as] = static.source_path


def build_sources(pelican, config):
    """A Sources of this build: which file to edit for each output file."""
    settings = pelican.settings
    output = pelican.output_path
    project = os.path.dirname(os.path.abspath(settings.get("PATH", "content")))
    theme = _display(os.path.join(settings.get("THEME", "theme"), "templates"), project)
    sources = Sources(theme=theme, project=project)
    sources.draft_folders = _draft_folders(settings)

    def relative(path):
        return os.path.relpath(path, output).replace(os.sep, "/")

    for path, (content, siteurl) in _build.pages.items():
        page = relative(path)
        if content is None:
            sources.pages[page] = None
            continue
        sources.pages[page] = _display(content.source_path, project)
        sources.contents[page] = lambda c=content, s=siteurl: c.get_content(s)
        if getattr(content, "status", "published") == "draft":
            sources.drafts.add(page)
    for save_as, source in _build.copies.items():
        page = save_as.replace(os.sep, "/")
        sources.static[page] = _display(source, project)
        if page.endswith((".html", ".htm")):
            sources.pages[page] = sources.static[page]
    sources.extra = [relative(path) for path in _build.feeds]
    return sources


def check_output(pelican):
    """Check this build's output; with SITECHECK_STRICT, errors end the build."""
    start = time.perf_counter()
    config = Config.from_settings(pelican.settings)  # SettingsError names the setting
    if not config.enabled:
        return
    output = pelican.output_path
    sources = build_sources(pelican, config)
    written = list(_build.pages)
    reset()
    cache = _page_cache(pelican.settings, config)
    found, checked = check_site(output, config, sources, cache)
    if cache and pelican.settings.get("CACHE_CONTENT"):
        cache.save()
    fill_start = time.perf_counter()
    if config.fill_image_sizes:
        fill_written_pages(output, config, written)
    fill_seconds = time.perf_counter() - fill_start
    errors, warnings = count(found)
    seconds = fill_start - start
    reused = f" ({cache.reused} unchanged since they passed)" if cache else ""
    pages = sum(path.endswith((".html", ".htm")) for path in checked)
    workers = workers_for(config, pages)
    by = f" by {workers} processes" if workers > 1 else ""
    summary = (
        f"sitecheck: {pages} pages checked, and {len(checked) - pages} feeds,"
        f" sitemaps and style sheets, in {seconds:.2f} s{by}{reused}: {errors}"
        f" errors, {warnings} warnings"
    )
    if config.report_path:
        write_json(
            config.report_path,
            found,
            {page: sources.pages.get(page) or sources.theme for page in checked},
            output=os.path.abspath(output),
            pages_checked=len(checked),
            pages_reused=cache.reused if cache else 0,
            workers=workers,
            seconds=round(seconds, 3),
            fill_seconds=round(fill_seconds, 3),
        )
        summary += f"; report: {config.report_path}"
    # The report is written first: with `pelican --fatal`, Pelican stops the
    # build at the first finding logged. The summary is a warning if there are
    # findings, so that it shows without `pelican -v`.
    log_findings(logger, found)
    logger.log(logging.WARNING if found else logging.INFO, "%s", summary)
    if config.strict and errors:
        raise SiteCheckError(
            f"sitecheck: {errors} errors in the built site (SITECHECK_STRICT):"
            " fix the findings above"
        )


def fill_written_pages(output, config, written):
    """Add the missing width/height of each <img> in the pages this build
    wrote, from the image file in the output. Done after the check, which
    judges what the author wrote, on the written files: the one public place
    where every <img> (Markdown, reST, HTML, theme) is in its final form."""
    site = Site(output, config)
    for path in written:
        if not path.endswith((".html", ".htm")):
            continue
        with open(path, encoding="utf-8") as file:
            html = file.read()
        page = os.path.relpath(path, output).replace(os.sep, "/")

        def find_file(src, page=page):
            target = site.locate(page, src)
            return os.path.join(output, target.file) if target.file else None

        filled = fill_image_sizes(html, find_file)
        if filled != html:
            with open(path, "w", encoding="utf-8") as file:
                file.write(filled)


def _draft_folders(settings):
    """The folders drafts are written to: DRAFT_SAVE_AS up to its first {...}
    ("drafts/" for Pelican's default "drafts/{slug}.html")."""
    folders = []
    for name in ("DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS"):
        folder = (settings.get(name) or "").split("{")[0].rpartition("/")[0]
        if folder:
            folders.append(folder + "/")
    return tuple(folders)


def _page_cache(settings, config):
    """With Pelican's content cache on (development rebuilds), pages unchanged
    since they last passed are not checked again (cache.py says how)."""
    if settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"):
        return PageCache(config.pages_cache_path, settings.get("LOAD_CONTENT_CACHE"))
    return None


def _display(source, project):
    """A path as the organiser knows it: content/news/..., relative to the project."""
    relative = os.path.relpath(os.path.abspath(source), project)
    return source if relative.startswith("..") else relative.replace(os.sep, "/")


def register():
    signals.get_generators.connect(reset)  # first of each build; returns no generator
    signals.content_written.connect(collect_written)
    signals.feed_written.connect(collect_feed)
    signals.static_generator_finalized.connect(collect_static)
    signals.finalized.connect(check_output)
