"""The command: check a built site's folder, as the plugin does at the end of
a build; with --external, its links to other sites too.

    pelican-sitecheck OUTPUT [--settings pelicanconf.py] [--external]
                             [--format text|github|sarif]

With --settings, the content is read (not written) to name the file to edit
for each finding, as the plugin does. Exit status 0: no error; 1: errors;
2: bad usage or settings; 3: --external, and no host answered at all (this
machine is offline). Under GitHub Actions (GITHUB_ACTIONS=true), or with
--format github, each finding is also a GitHub annotation; --format sarif
prints a SARIF log instead (for code scanning).
"""

import argparse
import logging
import os
import sys
import time

from .external import check_external
from .internal import check_site
from .report import annotations, count, log_findings, records, sarif, summary_line
from .settings import Config, SettingsError, unknown_settings
from .sources import Sources, read_content

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
        choices=("text", "github", "sarif"),
        default="github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text",
        help="github: also print annotations; sarif: print a SARIF log",
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
    # Without settings naming a content folder (PATH), findings name output files.
    if has_content:
        sources = read_content(settings, args.output)
    else:
        sources = Sources.of_output(args.output)
    found, checked = check_site(args.output, config, sources)
    extra = ""
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
    told = records(found)
    log_findings(logger, told)
    if args.format == "github":
        for line in annotations(told):
            print(line)  # noqa: T201
    elif args.format == "sarif":
        print(sarif(told))  # noqa: T201
    seconds = time.perf_counter() - start
    logger.info("%s%s", summary_line(told, checked, seconds), extra)
    errors, _ = count(told)
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


if __name__ == "__main__":
    sys.exit(main())
