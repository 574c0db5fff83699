"""Pelican glue: collect the pages a build writes, check them when it ends.

content_object_init  fill in missing <img> width/height in content
all_generators_finalized  forget the previous build (`pelican -r` reuses the process)
content_written      remember each HTML file written and the content file behind it
finalized            check the finished output (static files and feeds exist only now)
"""

import functools
import logging
import os
import re
import time
from urllib.parse import unquote

from pelican import signals

from .cache import PageCache
from .images import fill_image_sizes
from .internal import check_site
from .report import THEME, count, log_lines, report_lines, write_json
from .settings import Config, SettingsError

logger = logging.getLogger(__name__)

_INTRASITE = re.compile(r"^[{|](static|attach|filename)[}|](.*)$")
_written = {}  # absolute output path -> (content object or None, its SITEURL)
_fill_seconds = [0.0]  # time spent filling in image sizes, for the report
_last_config = [None, None]  # settings dict, its Config


def reset(*_args, **_kwargs):
    _written.clear()


def collect_written(path, context):
    content = context.get("article") or context.get("page")
    if not hasattr(content, "source_path"):
        content = None  # an index, tag or archive page: the theme's
    _written[path] = content, context.get("localsiteurl", "")


def fill_content_image_sizes(content):
    """Add width/height from the image file to each <img> of a page or article.

    Done on the content itself, before Pelican renders it into the page, index
    summaries and feeds, so every copy gets them; and only on the content
    fragment, not on whole written pages.
    """
    settings = getattr(content, "settings", None)
    html = getattr(content, "_content", None)
    if not settings or not isinstance(html, str) or "<img" not in html:
        return
    start = time.perf_counter()
    if _config(settings).fill_image_sizes:
        content._content = fill_image_sizes(
            html, lambda src: _content_image_path(src, content, settings)
        )
    _fill_seconds[0] += time.perf_counter() - start


def _config(settings):
    """The Config of content objects' settings: one dict for a whole build."""
    if _last_config[0] is not settings:
        try:
            config = Config.from_settings(settings)
        except SettingsError:
            config = Config(fill_image_sizes=False)  # reported at `finalized`
        _last_config[:] = [settings, config]
    return _last_config[1]


def _content_image_path(src, content, settings):
    """The source file of an image URL in content, as Pelican resolves it:
    {static}/x from the content root, {static}x from the content's folder; a
    root-relative /x from the content root."""
    match = _INTRASITE.match(src)
    if match:
        path = match.group(2)
    elif src.startswith("/") and not src.startswith("//"):
        path = src
    else:
        return None
    path = unquote(path.split("#")[0].split("?")[0])
    if path.startswith("/"):
        path = path.lstrip("/")
    else:
        path = os.path.join(getattr(content, "relative_dir", ""), path)
    full = os.path.normpath(os.path.join(settings["PATH"], path))
    return full if os.path.isfile(full) else None


def check_output(pelican):
    """Check this build's pages; with SITECHECK_STRICT, errors end the build."""
    start = time.perf_counter()
    try:
        config = Config.from_settings(pelican.settings)
    except SettingsError as error:
        log_lines(logger, [("error", f"sitecheck: {error}")])
        raise SystemExit(1) from None
    if not config.enabled:
        return
    output = pelican.output_path
    project = os.path.dirname(pelican.settings.get("PATH", "."))  # has content/
    sources, contents = {}, {}
    for path, (content, siteurl) in _written.items():
        page = os.path.relpath(path, output).replace(os.sep, "/")
        sources[page] = _display(content.source_path, project) if content else THEME
        if content:
            # Memoized by Pelican: the very HTML the template got, at no cost.
            contents[page] = functools.partial(content.get_content, siteurl)
    fill_seconds, _fill_seconds[0] = _fill_seconds[0], 0.0
    reset()
    cache = _page_cache(pelican.settings, config)
    found, pages = check_site(output, config, sources, contents, cache)
    if cache and pelican.settings.get("CACHE_CONTENT"):
        cache.save()
    fatal = log_lines(logger, report_lines(found))
    errors, warnings = count(found)
    seconds = time.perf_counter() - start
    reused = f" ({cache.reused} unchanged since they passed)" if cache else ""
    summary = (
        f"sitecheck: {len(pages)} pages checked in {seconds:.2f} s{reused}:"
        f" {errors} errors, {warnings} warnings"
    )
    if config.report_path:
        pages_sources = {page: sources[page] for page in pages}
        write_json(
            config.report_path,
            found,
            pages_sources,
            output=os.path.abspath(output),
            pages_checked=len(pages),
            pages_reused=cache.reused if cache else 0,
            seconds=round(seconds, 3),
            fill_seconds=round(fill_seconds, 3),
        )
        summary += f"; report: {config.report_path}"
    fatal |= log_lines(logger, [(logging.WARNING if found else logging.INFO, summary)])
    if (config.strict and errors) or fatal:
        reason = (
            "SITECHECK_STRICT"
            if config.strict and errors
            else "a finding was logged at the build's fatal level"
        )
        logger.critical(
            "Build stopped by: sitecheck (%s): fix the findings above", reason
        )
        raise SystemExit(1)


def _page_cache(settings, config):
    """With Pelican's content cache on (development rebuilds), pages unchanged
    since they last passed are not checked again (cache.py says how)."""
    if settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"):
        return PageCache(config.pages_cache_path, settings.get("LOAD_CONTENT_CACHE"))
    return None


def _display(source, project):
    """A source path as the organiser knows it: content/news/..."""
    relative = os.path.relpath(source, project)
    return source if relative.startswith("..") else relative


def register():
    signals.content_object_init.connect(fill_content_image_sizes)
    signals.all_generators_finalized.connect(reset)
    signals.content_written.connect(collect_written)
    signals.finalized.connect(check_output)
