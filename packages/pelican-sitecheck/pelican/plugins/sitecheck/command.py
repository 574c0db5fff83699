"""The command: check a built site's folder, as the plugin does at the end of
a build; with --external, its links to other sites too.

    pelican-sitecheck OUTPUT [--settings pelicanconf.py] [--external]

With --settings, the content is read (not written) to name the file to edit
for each finding, as the plugin does. Exit status 0: no error; 1: errors;
2: bad usage or settings; 3: --external, and no host answered at all (this
machine is offline). Under GitHub Actions (GITHUB_ACTIONS=true), or with
--format github, each finding is also a GitHub annotation.
"""

import argparse
import logging
import os
import sys
import time

from .external import check_external
from .internal import Sources, check_site
from .plugin import build_sources_from
from .report import count, log_findings, records, summary_line, write_json
from .settings import Config, SettingsError, unknown_settings

logger = logging.getLogger(__name__)
ERRORS, BAD_USAGE, OFFLINE = 1, 2, 3


def parser():
    parse = argparse.ArgumentParser(
        prog="pelican-sitecheck",
        description="Check a built Pelican site: links, fragments, ids, images,"
        " feeds, sitemaps; with --external, links to other sites.",
    )
    parse.add_argument("output", help="the built site, e.g. output")
    parse.add_argument("-s", "--settings", help="Pelican settings, e.g. pelicanconf.py")
    parse.add_argument(
        "--external",
        action="store_true",
        help="also check links to other sites (network)",
    )
    parse.add_argument(
        "--format",
        choices=("text", "github"),
        default="github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text",
        help="github: also print annotations",
    )
    return parse


def main(argv=None):
    args = parser().parse_args(argv)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    logger.setLevel(logging.INFO)
    start = time.perf_counter()
    try:
        settings, has_content = _read_settings(args.settings)
        config = Config.from_settings(settings)
    except (SettingsError, OSError, SyntaxError, ValueError, ImportError) as error:
        logger.error("sitecheck: %s", error)
        return BAD_USAGE
    if not os.path.isdir(args.output):
        logger.error("sitecheck: %s is not a folder: build the site first", args.output)
        return BAD_USAGE
    if has_content:
        sources = _sources(settings, args.output)
    else:  # no settings, or no PATH in them: not a whole project's settings
        sources = _output_sources(args.output)
    found, checked = check_site(args.output, config, sources)
    if args.external:
        external, stats = check_external(args.output, config, sources)
        if stats["offline"]:
            logger.error(
                "sitecheck: no external host answered (%s URLs): this"
                " machine is offline; no external link was checked",
                stats["urls"] - stats["excluded"],
            )
            return OFFLINE
        found += external
        extra = (
            f"; {stats['urls']} external URLs ({stats['excluded']} excluded,"
            f" {stats['requests']} requests)"
        )
    else:
        extra = ""
    seconds = time.perf_counter() - start
    if config.report_path:
        write_json(
            config.report_path,
            found,
            {},
            output=os.path.abspath(args.output),
            pages_checked=len(checked),
            seconds=round(seconds, 3),
        )
    log_findings(logger, found)
    if args.format == "github":
        for line in annotations(found):
            print(line)  # noqa: T201
    logger.info("%s%s", summary_line(found, checked, seconds), extra)
    errors, _ = count(found)
    return ERRORS if errors else 0


def _read_settings(path):
    """(settings, whether they name a content folder: PATH)."""
    if not path:
        return {}, False
    from pelican.settings import get_settings_from_file, read_settings

    if not os.path.isfile(path):
        raise OSError(f"no settings file {path}")
    written = get_settings_from_file(path)
    settings = read_settings(path)
    for problem in unknown_settings(settings):
        logger.warning("sitecheck: %s", problem)
    return settings, "PATH" in written


def _sources(settings, output):
    """The Sources of the site's content, read as Pelican reads it (nothing
    is written); if it cannot be read, findings name the output files."""
    readers = logging.getLogger("pelican")
    level = readers.level
    readers.setLevel(logging.CRITICAL + 1)  # the build said what they say
    try:
        return build_sources_from(settings, output)
    except Exception as error:  # noqa: BLE001 - the check goes on without sources
        logger.warning(
            "sitecheck: cannot read the content (%s): findings name the output files",
            error,
        )
        return _output_sources(output)
    finally:
        readers.setLevel(level)


def _output_sources(output):
    """Without settings, each finding names the output file and its line."""
    sources = Sources(theme=os.path.join(output, "(theme)"))
    for folder, _, names in os.walk(output):
        for name in names:
            path = os.path.join(folder, name)
            page = os.path.relpath(path, output).replace(os.sep, "/")
            if name.endswith((".html", ".htm")):
                sources.pages[page] = sources.static[page] = path
            elif name.endswith((".xml", ".css")):
                sources.static[page] = path
                sources.extra.append(page)
    return sources


def annotations(found):
    """GitHub workflow commands, one per finding: ::error file=...,line=...::"""
    lines = []
    for level, source, line, message, fix in records(found):
        where = []
        if not source.startswith("theme "):
            where.append(f"file={_escape(source, True)}")
            if line:
                where.append(f"line={line}")
        text = _escape(f"{message} (fix: {fix})")
        lines.append(f"::{level} {','.join(where)}::{text}".replace(" ::", "::"))
    return lines


def _escape(text, in_property=False):
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if in_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


if __name__ == "__main__":
    sys.exit(main())
