"""Pelican glue: collect what a build writes, check it when the build ends.

initialized                read the settings: a wrong one is said at once
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

from .images import fill_image_sizes
from .internal import Site, Sources, check_site
from .report import count, log_findings, summary_line, write_json
from .settings import Config, SettingsError, unknown_settings

logger = logging.getLogger(__name__)


class SiteCheckError(Exception):
    """SITECHECK_STRICT: the built site has errors (each one logged before)."""


class _Build:
    """What this build wrote: {output path: (content or None, its siteurl)},
    the feeds, static copies, and the content files each listing page lists."""

    def __init__(self):
        self.pages, self.feeds, self.copies, self.listed = {}, [], {}, {}


_build = _Build()


def read_settings(pelican):
    """Check the SITECHECK_* settings before the build's work: one line each."""
    for problem in unknown_settings(pelican.settings):
        logger.warning("sitecheck: %s", problem)
    try:
        Config.from_settings(pelican.settings)
    except SettingsError as error:
        logger.error("sitecheck: %s; the site will not be checked", error)


def reset(*_args, **_kwargs):
    """Start a new build's record; returns None (no generator to add)."""
    global _build  # noqa: PLW0603 - one build at a time, per process
    _build = _Build()


def collect_written(path, context):
    content = context.get("article") or context.get("page")
    if hasattr(content, "source_path"):
        # The content's links were rendered for this page's SITEURL (RELATIVE_URLS).
        _build.pages[path] = content, content.get_siteurl()
        return
    _build.pages[path] = None, ""  # an index, tag or archive page: the theme's
    listing = context.get("articles_page")
    listed = listing.object_list if listing else context.get("articles") or ()
    _build.listed[path] = [c.source_path for c in listed if hasattr(c, "source_path")]


def collect_feed(path, context, feed):
    _build.feeds.append(path)


def collect_static(generator):
    collect_static_into(_build, generator)


def collect_static_into(build, generator):
    for static in generator.staticfiles:
        build.copies[static.save_as] = static.source_path


def build_sources(settings, output, build):
    """A Sources of a build: which file to edit for each output file."""
    project = os.path.dirname(os.path.abspath(settings.get("PATH", "content")))
    theme = os.path.join(settings.get("THEME", "theme"), "templates")
    sources = Sources(theme=theme_name(theme, project), project=project)
    sources.draft_folders = _draft_folders(settings)

    def relative(path):
        return os.path.relpath(path, output).replace(os.sep, "/")

    for path, (content, siteurl) in build.pages.items():
        page = relative(path)
        if content is None:
            sources.pages[page] = None
            listed = build.listed.get(path, ())
            sources.listed[page] = [_display(source, project) for source in listed]
            continue
        sources.pages[page] = _display(content.source_path, project)
        sources.contents[page] = lambda c=content, s=siteurl: c.get_content(s)
        if getattr(content, "status", "published") == "draft":
            sources.drafts.add(page)
    for save_as, source in build.copies.items():
        page = save_as.replace(os.sep, "/")
        sources.static[page] = _display(source, project)
        if page.endswith((".html", ".htm")):
            sources.pages[page] = sources.static[page]
    sources.extra = [relative(path) for path in build.feeds]
    return sources


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
    sources = build_sources(pelican.settings, output, _build)
    written = list(_build.pages)
    reset()
    found, checked = check_site(output, config, sources)
    seconds = time.perf_counter() - start
    if config.fill_image_sizes:
        fill_written_pages(output, config, written)
    fill_seconds = time.perf_counter() - start - seconds
    if config.report_path:
        pages = {page: sources.pages.get(page) or sources.theme for page in checked}
        write_json(
            config.report_path,
            found,
            pages,
            output=os.path.abspath(output),
            pages_checked=len(checked),
            seconds=round(seconds, 3),
            fill_seconds=round(fill_seconds, 3),
        )
    fatal = log_findings(logger, found)
    summary = summary_line(found, checked, seconds)
    # Statistics, not a finding: INFO; shown without `pelican -v` as well.
    logger.info("%s", summary)
    if not logger.isEnabledFor(logging.INFO):
        print(summary)  # noqa: T201 - like Pelican's own "Done: ..." line
    if fatal:
        raise fatal  # `pelican --fatal`: stop, now that every finding is logged
    errors, _ = count(found)
    if config.strict and errors:
        raise SiteCheckError(
            f"sitecheck: {errors} errors in the built site (SITECHECK_STRICT):"
            " fix the findings above"
        )


def build_sources_from(settings, output):
    """The Sources of a site built before: its content read as Pelican reads
    it, written nowhere (for the command)."""
    from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator

    context = {
        **settings,
        "generated_content": {},
        "static_links": set(),
        "static_content": {},
        "localsiteurl": settings["SITEURL"],
    }
    generators = [
        kind(
            context=context,
            settings=settings,
            path=settings["PATH"],
            theme=settings["THEME"],
            output_path=output,
        )
        for kind in (ArticlesGenerator, PagesGenerator, StaticGenerator)
    ]
    for generator in generators:
        generator.generate_context()
    build = _Build()
    articles, pages, static = generators
    everything = [
        *articles.articles,
        *articles.translations,
        *articles.drafts,
        *articles.drafts_translations,
        *pages.pages,
        *pages.translations,
        *pages.hidden_pages,
        *pages.draft_pages,
    ]
    for content in everything:
        path = os.path.join(output, content.save_as)
        build.pages[path] = content, content.get_siteurl()
    for path in _output_files(output):
        if path.endswith((".html", ".htm")) and path not in build.pages:
            build.pages[path] = None, ""  # a listing page: any article's
            build.listed[path] = [c.source_path for c in articles.articles]
        elif path.endswith(".xml") and not os.path.basename(path).startswith("sitemap"):
            build.feeds.append(path)
    collect_static_into(build, static)
    return build_sources(settings, output, build)


def _output_files(output):
    for folder, _, names in os.walk(output):
        yield from (os.path.join(folder, name) for name in names)


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


def theme_name(templates, project):
    """The theme's templates as findings name them: a path in the project, or
    "theme NAME" for an installed theme (never a site-packages path)."""
    shown = _display(templates, project)
    if not os.path.isabs(shown):
        return shown
    return f"theme {os.path.basename(os.path.dirname(os.path.abspath(templates)))}"


def _display(source, project):
    """A path as the organiser knows it: content/news/..., relative to the project."""
    relative = os.path.relpath(os.path.abspath(source), project)
    return source if relative.startswith("..") else relative.replace(os.sep, "/")


def register():
    signals.initialized.connect(read_settings)
    signals.get_generators.connect(reset)  # first of each build; returns no generator
    signals.content_written.connect(collect_written)
    signals.feed_written.connect(collect_feed)
    signals.static_generator_finalized.connect(collect_static)
    signals.finalized.connect(check_output)
