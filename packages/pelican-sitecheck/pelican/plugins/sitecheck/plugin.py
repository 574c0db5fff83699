"""Pelican glue: collect what a build writes (its Sources), check it when the
build ends (`finalized`: static files exist only now), then, if asked, fill in
<img> width/height in the written pages. README.md, "When it runs"."""

import logging
import os
import time

from pelican import signals

from .images import fill_image_sizes
from .internal import Site, check_site
from .report import count, log_findings, records, summary_line
from .settings import Config, SettingsError, unknown_settings
from .sources import Sources

logger = logging.getLogger(__name__)
_sources = None  # this build's


class SiteCheckError(Exception):
    """SITECHECK_STRICT: the built site has errors (each one logged before)."""


def read_settings(pelican):
    """Check the SITECHECK_* settings before the build's work: one line each."""
    for problem in unknown_settings(pelican.settings):
        logger.warning("sitecheck: %s", problem)
    try:
        Config.from_settings(pelican.settings)
    except SettingsError as error:
        logger.error("sitecheck: %s; the site will not be checked", error)


def begin_build(pelican):
    """Start a new build's record; returns None (no generator to add)."""
    global _sources  # noqa: PLW0603 - one build at a time, per process
    _sources = Sources.of_settings(pelican.settings, pelican.output_path)


def collect_written(path, context):
    content = context.get("article") or context.get("page")
    if hasattr(content, "source_path"):
        _sources.add_content(path, content)
        return
    listing = context.get("articles_page")
    listed = listing.object_list if listing else context.get("articles") or ()
    _sources.add_listing(path, [c for c in listed if hasattr(c, "source_path")])


def collect_feed(path, context, feed):
    _sources.feeds.append(_sources.page(path))


def collect_static(generator):
    for static in generator.staticfiles:
        _sources.add_static(static.save_as, static.source_path)


def check_output(pelican):
    """Check this build's output; with SITECHECK_STRICT, errors end the build."""
    try:
        config = Config.from_settings(pelican.settings)
    except SettingsError:
        return  # said at `initialized`
    if not config.enabled:
        return
    start = time.perf_counter()
    output = pelican.output_path
    written = [page for page in _sources.pages if page not in _sources.static]
    found, checked = check_site(output, config, _sources)
    seconds = time.perf_counter() - start
    if config.fill_image_sizes:
        fill_written_pages(output, config, written)
    told = records(found)
    fatal = log_findings(logger, told)
    summary = summary_line(told, checked, seconds)
    # Statistics, not a finding: INFO; shown without `pelican -v` as well.
    logger.info("%s", summary)
    if not logger.isEnabledFor(logging.INFO):
        print(summary)  # noqa: T201 - like Pelican's own "Done: ..." line
    if fatal:
        raise fatal  # `pelican --fatal`: stop, now that every finding is logged
    errors, _ = count(told)
    if config.strict and errors:
        raise SiteCheckError(
            f"sitecheck: {errors} errors in the built site (SITECHECK_STRICT):"
            " fix the findings above"
        )


def fill_written_pages(output, config, pages):
    """Add the missing width/height of each <img> in the pages this build
    wrote, from the image file in the output. Done after the check, which
    judges what the author wrote, on the written files: the one public place
    where every <img> (Markdown, reST, HTML, theme) is in its final form."""
    site = Site(output, config)
    for page in pages:
        if not page.endswith((".html", ".htm")):
            continue
        path = os.path.join(output, page)
        with open(path, encoding="utf-8") as file:
            html = file.read()

        def find_file(src, page=page):
            target = site.locate(page, src)
            return os.path.join(output, target.file) if target.file else None

        filled = fill_image_sizes(html, find_file)
        if filled != html:
            with open(path, "w", encoding="utf-8") as file:
                file.write(filled)


def register():
    signals.initialized.connect(read_settings)
    signals.get_generators.connect(
        begin_build
    )  # first of each build; adds no generator
    signals.content_written.connect(collect_written)
    signals.feed_written.connect(collect_feed)
    signals.static_generator_finalized.connect(collect_static)
    signals.finalized.connect(check_output)
