"""Mutation score of the plugins' own tests (mutmut).

    .venv/bin/python benchmarks/mutation.py [--only NAME ...] [--sample 0.2]
        [--jobs 2] [--max-children 2]

mutmut changes the code one small way at a time (a comparison, a constant, a
call dropped) and runs the tests that reach it; a mutant that no test notices
"survived". Each plugin is mutated in a throwaway copy with the tests beside
its code (the pelican-plugins layout). The site checker, a namespace package
(pelican.plugins.sitecheck), is copied as a top-level package for the run, its
tests' imports rewritten. `tasks` (tasks.py) and `devserver` (devserver.py)
are mutated in a copy of the project with their in-process tests
(tests/test_tasks.py, test_serving.py).

All of them make about 8,600 mutants; running each costs 0.2 s to 25 s of
tests, hours in all on 2 cores. So by default a fixed random sample of them
runs (SAMPLE), which fits 30 minutes, and the script prints the interval in
which the score of all of them lies; `--sample 1` runs every one. The mutants
in EQUIVALENT cannot change behaviour (each says why); they are not run.

Prints, per plugin and in all: mutants made, equivalent, run, killed,
survived, untested (no test reaches the line), the score (killed / run) and
the time; then each survivor with the lines it changed.
"""

import argparse
import hashlib
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGINS = ROOT / "plugins"
SITECHECK = ROOT / "packages/pelican-sitecheck/pelican/plugins/sitecheck"
# The organisers' tasks and the dev server they run: each module is mutated in
# a copy of the project (both modules, the site, the plugins unmutated) with
# its in-process tests; tests that run `invoke` in a subprocess reach nothing.
PROJECT_MODULES = {
    "tasks": ("tasks.py", "tests/test_tasks.py"),
    "devserver": ("devserver.py", "tests/test_serving.py"),
}
PROJECT_FILES = ("content", "themes", "plugins", "pelicanconf.py", "publishconf.py")
TEST_HELPERS = ("tests/conftest.py", "tests/sitetools.py")
MUTMUT = Path(sys.executable).parent / "mutmut"

# mutant name -> why no test can tell it from the original.
UTF8 = "codec names ignore case: 'UTF-8' is 'utf-8'"
NONEMPTY = "its only caller passes regex matches of one character or more: never ''"
EQUIVALENT = {
    "sitecheck.suggest.x__common__mutmut_2": "count starts at 1: every folder's"
    " distance drops by 2, so the nearest and the ties stay the same",
    "sitecheck.suggest.x__common__mutmut_5": "zip(strict=None) is zip(strict=False)",
    "sitecheck.suggest.x__common__mutmut_8": "zip's strict defaults to False",
    "sitecheck.plugin.x_fill_written_pages__mutmut_18": UTF8,
    "sitecheck.plugin.x_fill_written_pages__mutmut_56": UTF8,
    "sitecheck.internal.x__content_lines__mutmut_10": UTF8,
    "sitecheck.external.x__line__mutmut_6": UTF8,
    "sitecheck.internal.x__content_lines__mutmut_25": "str.count(sub, None, end)"
    " counts from the start, as str.count(sub, 0, end)",
    "sitecheck.internal.x__intrasite_path__mutmut_8": NONEMPTY,
    "sitecheck.internal.x__intrasite_path__mutmut_14": NONEMPTY,
}
EQUIVALENT |= {
    "workshop_data.workshop_data.xǁWhereǁline__mutmut_15": (
        'getattr(entry, "line", None) or None: 0 and None both end as None'
    ),
    "event_meta.event_meta.x_jsonld__mutmut_3": "ensure_ascii=None is falsy like False",
    "event_meta.event_meta.x_jsonld__mutmut_4": (
        "default separators only add spaces between JSON tokens: the same data"
    ),
    "event_meta.event_meta.x_jsonld__mutmut_7": (
        "default separators only add spaces between JSON tokens: the same data"
    ),
    "event_meta.event_meta.x_site_url__mutmut_12": (
        'rstrip("XX/XX") also strips X: no site URL ends in X'
    ),
    "content_guard.content_guard.x_unread_files__mutmut_42": (
        'rstrip("XX/XX") also strips X: no content folder ends in X'
    ),
    "content_guard.content_guard.x_unread_files__mutmut_67": (
        'rstrip("XX/XX") also strips X: no content folder ends in X'
    ),
    "findings.findings.xǁFindingsHandlerǁ__init____mutmut_5": (
        "'' and None are both false: no report to write before a build starts"
    ),
}


# event_meta's pictures: a shape or a line of text moved by one pixel, a font one
# point larger, white text in the default ink (white), and PNG cache details.
_IMAGES = "event_meta.images.x_"
_SAME = [
    (
        "social_card",
        "one pixel or one point off: the same card to the eye",
        (16, 17, 18, 19, 28, 29, 31, 40, 41, 43, 52, 53, 55, 66, 67, 69, 79, 80, 82),
    ),
    (
        "social_card",
        "white text in the default ink, which is white",
        (23, 27, 35, 39, 47, 51),
    ),
    (
        "touch_icon",
        "one pixel or one point off: the same icon to the eye",
        (19, 20, 21, 34, 36),
    ),
    ("touch_icon", "white text in the default ink, which is white", (25, 30)),
    ("save_png", "another digest length of the same cache key", (5, 6)),
    ("save_png", "Pillow takes the format name in any case", (16,)),
    ("save_png", "the cache is cleared one picture sooner or later", (18, 19)),
]
for _function, _why, _numbers in _SAME:
    for _number in _numbers:
        EQUIVALENT[f"{_IMAGES}{_function}__mutmut_{_number}"] = _why

# sitecheck: internal, page, images, resources, suggest
_ROOT_TAG = (
    "only the root's start tag is read: libxml2 loads no DTD, entity or URL"
    " before it (tried with local files and 127.0.0.1)"
)
_LOCALE = (
    "the locale's encoding: UTF-8 on the Linux machines that run this (Python"
    " coerces the C locale, PEP 538)"
)
_SHIFT = "the same constant added to every folder's distance: the nearest stays"
# The worker processes: how many and how they start change the speed only; a
# test checks that 2 workers fork and find what one process finds.
_POOL = "the CPU count of processes, not `workers`: the same findings, in order"
_FORK = "the default start method, which is fork on Linux before Python 3.14"
EQUIVALENT |= {
    "sitecheck.internal.x__check_in_parallel__mutmut_6": "five parts per worker"
    " instead of four: the same findings, in order",
    "sitecheck.internal.x__check_in_parallel__mutmut_19": _POOL,
    "sitecheck.internal.x__check_in_parallel__mutmut_23": _POOL,
    "sitecheck.internal.x__check_in_parallel__mutmut_20": _FORK,
    "sitecheck.internal.x__check_in_parallel__mutmut_24": _FORK,
    "sitecheck.internal.x__check_in_parallel__mutmut_27": _FORK,
    "sitecheck.settings.x_cpus__mutmut_8": "reached only without"
    " sched_getaffinity (macOS, Windows), where os.cpu_count() is never None",
}
EQUIVALENT |= {
    **{
        f"sitecheck.images.x_svg_size__mutmut_{n}": _ROOT_TAG
        for n in (5, 6, 9, 10, 13, 14)
    },
    "sitecheck.images.x_svg_size__mutmut_54": "reached with both sides given or"
    " both missing, where 'not w or not h' is 'not w and not h'",
    "sitecheck.images.x__svg_length__mutmut_4": "'XXXX' matches no length, as '' does"
    " not: None either way",
    "sitecheck.images.x__check_candidate__mutmut_48": "'needed' is shown only by"
    " srcset-small, which needs a width: 'width or 0' never falls back",
    "sitecheck.images.x_fill_image_sizes__mutmut_12": "tag[4] is the space or '/'"
    " after '<img', which the attribute pattern skips anyway",
    "sitecheck.images.x_fill_image_sizes__mutmut_30": "src '' leads to the page"
    " itself (HTML, not an image), 'XXXX' to no file: the tag stays either way",
    "sitecheck.page.x__css__mutmut_5": "str.count(sub, None, end) counts from the"
    " start, as str.count(sub, 0, end)",
    "sitecheck.page.x__add__mutmut_6": "resource None is falsy like False; it is"
    " also in the key of URLs that passed, which at worst checks one again",
    "sitecheck.internal.x__content_lines__mutmut_2": _LOCALE,
    "sitecheck.internal.x__content_lines__mutmut_4": _LOCALE,
    "sitecheck.internal.x__content_lines__mutmut_19": "-2 is negative as -1 is:"
    " no content found either way",
    "sitecheck.internal.xǁSourcesǁtext__mutmut_2": _LOCALE,
    "sitecheck.internal.xǁSourcesǁtext__mutmut_4": _LOCALE,
    "sitecheck.internal.xǁSourcesǁtext__mutmut_10": UTF8,
    "sitecheck.internal.x_line_finder__mutmut_3": "source_line() returns None for"
    " an issue without URL, whatever else it is given",
    **{
        f"sitecheck.suggest.x_kind__mutmut_{n}": "os.path.splitext reads the"
        " extension of the last path segment only"
        for n in (5, 6, 10, 11)
    },
    **{
        f"sitecheck.suggest.x_kind__mutmut_{n}": "a URL ending in / has no"
        " extension whatever its name; without one, stripping / changes nothing"
        for n in (7, 8)
    },
    "sitecheck.suggest.xǁSuggestionsǁ_candidates__mutmut_62": "an integer"
    " distance is at most n/8 exactly when it is at most n//8",
    "sitecheck.suggest.xǁSuggestionsǁ_candidates__mutmut_68": "best() skips at"
    " most one candidate (the linking page): a third near spelling is never used",
    "sitecheck.suggest.xǁSuggestionsǁ_candidates__mutmut_94": _SHIFT,
    "sitecheck.suggest.xǁSuggestionsǁ_candidates__mutmut_98": _SHIFT,
    "sitecheck.suggest.x_typos__mutmut_38": "i >= 1 adds only i == 1, where the"
    " previous row is still None",
    **{
        f"sitecheck.internal.xǁSiteǁpage_ids__mutmut_{n}": "the ids parsed again,"
        " not taken from the last check of the same bytes: the same ids"
        for n in (4, 5)
    },
    **{
        f"sitecheck.internal.xǁSiteǁ_check_ref__mutmut_{n}": "get_close_matches"
        " puts the best first; n only cuts the list, and 0.6 is its default cutoff"
        for n in (99, 100, 101)
    },
    "sitecheck.page.x_style_size__mutmut_8": "'XXXX' holds no length, as '' holds none",
    **{
        f"sitecheck.internal.xǁSiteǁcheck_page__mutmut_{n}": "fewer URLs remembered"
        " as passed: each is checked again, with the same result"
        for n in (28, 29, 30, 32, 33)
    },
    **{
        f"sitecheck.page.x_parse_srcset__mutmut_{n}": "a comma looked for after a"
        " URL is never at 0"
        for n in (31, 32)
    },
    "sitecheck.resources.x_check_resource__mutmut_21": UTF8,
    **{
        f"sitecheck.resources.x_check_resource__mutmut_{n}": "a style sheet's URL"
        " is described by its tag ('css') alone: its attribute is never read"
        for n in (27, 37, 38)
    },
    "sitecheck.resources.x_check_resource__mutmut_41": "str.count(sub, None, end)"
    " counts from the start, as str.count(sub, 0, end)",
}


# sitecheck: external, cache, report, settings, plugin
LOCALE = "open()'s default encoding is the locale's, UTF-8 here (C.UTF-8)"
PRESENT = "Pelican's settings always have it: the default is never used"
DIGEST = "another digest length of the same cache key"
SEPARATOR = "another separator: the key still changes when the list of files does"
NEEDLE = "a needle 'XXXX' for ''; only a content file with XXXX once could tell"
_SC = "sitecheck."
EQUIVALENT |= {
    _SC + "external.x__line__mutmut_2": LOCALE,
    _SC + "external.x__line__mutmut_4": LOCALE,
    _SC + "external.x__build_sources__mutmut_2": LOCALE,
    _SC + "external.x__build_sources__mutmut_4": LOCALE,
    _SC + "external.x__build_sources__mutmut_6": UTF8,
    _SC + "external.x__build_sources__mutmut_15": "check_external takes None as {}",
    _SC + "external.x__build_sources__mutmut_17": "check_external takes None as {}",
    _SC + "external.xǁCheckerǁ_follow__mutmut_20": (
        "permanent is set only after a hop: the chain has 2 URLs or more"
    ),
    **dict.fromkeys(
        (
            f"{_SC}external.xǁCheckerǁ_request_with_retries__mutmut_{n}"
            for n in (26, 29, 32)
        ),
        "socket.EAI_NODATA exists on Linux: getattr's default is never used",
    ),
    _SC + "external.xǁCheckerǁ_request_with_retries__mutmut_37": (
        "connected=None is falsy like False (offline: not any(connected))"
    ),
    **dict.fromkeys(
        (f"{_SC}settings.xǁConfigǁfrom_settings__mutmut_{n}" for n in (8, 9, 10, 11)),
        "site_urls and base_path are set after the loop, whatever it read",
    ),
    **dict.fromkeys(
        (f"{_SC}settings.xǁConfigǁfrom_settings__mutmut_{n}" for n in (64, 66)),
        "urlsplit(None) has no netloc, like ''; Pelican always sets SITEURL",
    ),
    _SC + "plugin.x_collect_written__mutmut_17": (
        "the siteurl of a page without content is never read"
    ),
    **dict.fromkeys(
        (
            f"{_SC}plugin.x_build_sources__mutmut_{n}"
            for n in (7, 9, 12, 13, 24, 26, 29, 30)
        ),
        PRESENT,
    ),
    **dict.fromkeys(
        (f"{_SC}plugin.x_build_sources__mutmut_{n}" for n in (64, 67, 70, 71)),
        "every Pelican article and page has a status: the default is never used",
    ),
    _SC + "plugin.x_build_sources__mutmut_52": (
        "'' and None are both falsy wherever sources.pages is read"
    ),
    _SC + "plugin.x_check_output__mutmut_8": "build_sources() does not read its config",
    _SC + "plugin.x_check_output__mutmut_83": "a time to 0.1 ms, not 1 ms",
    _SC + "plugin.x_check_output__mutmut_88": "a time to 0.1 ms, not 1 ms",
    _SC + "plugin.x_check_output__mutmut_99": (
        "a record without args is not %-formatted: the same message"
    ),
    _SC + "external.x_main__mutmut_137": (
        "a record without args is not %-formatted: the same message"
    ),
    **dict.fromkeys(
        (f"{_SC}plugin.x_fill_written_pages__mutmut_{n}" for n in (14, 16, 49, 52)),
        LOCALE,
    ),
    _SC
    + "plugin.x__draft_folders__mutmut_12": "no '/' in 'XXXX': no folder either way",
    _SC + "cache.xǁPageCacheǁsave__mutmut_16": "pickle's default protocol reads back",
    _SC + "cache.xǁPageCacheǁsave__mutmut_19": "pickle's default protocol reads back",
    _SC + "cache.x_digest__mutmut_4": DIGEST,
    _SC + "cache.x_digest__mutmut_5": DIGEST,
    _SC + "cache.x_cache_key__mutmut_3": DIGEST,
    _SC + "cache.x_cache_key__mutmut_12": SEPARATOR,
    _SC + "cache.x_cache_key__mutmut_14": SEPARATOR,
    _SC + "cache.x_cache_key__mutmut_17": SEPARATOR,
    _SC + "report.x_source_line__mutmut_1": (
        "an empty text finds nothing; no caller passes an empty URL with names"
    ),
    _SC + "report.x_source_line__mutmut_10": "rsplit at every '/': the same last part",
    _SC + "report.x_source_line__mutmut_16": "rsplit at every '/': the same last part",
    _SC + "report.x_source_line__mutmut_25": NEEDLE,
    _SC + "report.x_source_line__mutmut_32": NEEDLE,
    _SC + "report.x_source_line__mutmut_39": NEEDLE,
    _SC + "report.x_source_line__mutmut_46": (
        "str.count(sub, None, end) counts from the start, as str.count(sub, 0, end)"
    ),
}


# tasks: tasks.py and devserver.py (targets `tasks` and `devserver`).
TASKS_LOCALE = (
    "the default encoding is the locale's, UTF-8 here and on CI (C.UTF-8; Python"
    " turns the C locale into UTF-8)"
)
ASCII = "the address is ASCII: every encoding writes and reads it alike"
HEADER = "HTTP header names are case-insensitive"
OURS = "a folder that mkdtemp made and only this process removes: no error to ignore"
NAME = "the name of a temporary folder, which nothing reads"
PTY_OFF = "pty=None, or left out, is invoke's default: no pseudo-terminal"
PTY_ON = (
    "the same lines through a pseudo-terminal: Pelican's log handler follows the"
    " task's own output, and the exit code is the command's"
)
_PROJECT = [
    ("tasks.x_write_announcement", TASKS_LOCALE, (28, 30)),
    ("tasks.x_write_announcement", UTF8, (51,)),
    (
        "tasks.x_write_announcement",
        "the placeholder paragraph in other letters: the organiser replaces it"
        " (that its link works and the advice is its own paragraph is tested)",
        (41, 42, 43),
    ),
    ("tasks.x_livereload_address", ASCII, (4, 6)),
    ("tasks.x_add_to_job_summary", UTF8, (13,)),
    ("tasks.x_external_addresses", TASKS_LOCALE, (7,)),
    (
        "tasks.x_check_working_copy",
        "its one caller, the check task, always passes `external`",
        (1,),
    ),
    ("tasks.x_check_working_copy", NAME, (2, 3, 4)),
    (
        "tasks.x_export_head",
        "the destination's parent is the deployment's own temporary folder",
        (61, 63),
    ),
    ("tasks.x_deploy_last_commit", NAME, (12, 13, 14, 20, 21, 26, 27)),
    (
        "tasks.x_deploy_last_commit",
        "its one caller, the deploy task, always passes skip_external",
        (1,),
    ),
    (
        "tasks.x_export_head",
        "git archive takes the short hash too (unambiguous in one repository)",
        (14,),
    ),
    (
        "tasks.x_export_head",
        "the hashes and the time hold no spaces: splitting at any white space"
        " gives the same four parts",
        (18,),
    ),
    ("tasks.x_pelican", PTY_OFF, (11, 14)),
    ("tasks.x_run_in", PTY_OFF, (5, 9)),
    ("tasks.xǁTargetǁshell", PTY_OFF, (12, 16)),
    ("tasks.xǁTargetǁstage", PTY_OFF, (14, 17)),
    ("tasks.x_pelican", PTY_ON, (17,)),
    ("tasks.x_run_in", PTY_ON, (13,)),
    ("tasks.xǁTargetǁshell", PTY_ON, (20,)),
    ("tasks.xǁTargetǁstage", PTY_ON, (20,)),
    ("devserver.x_inject", "a page has one `<body`: find and rfind agree", (17,)),
    (
        "devserver.xǁHandlerǁ__init__",
        "http.server passes a handler no keyword arguments",
        (4,),
    ),
    ("devserver.xǁHandlerǁend_headers", HEADER, (6, 7)),
    ("devserver.xǁHandlerǁsend_text", HEADER, (14, 15, 21, 22)),
    ("devserver.xǁHandlerǁevents", HEADER, (8, 9)),
    (
        "devserver.xǁHandlerǁdo_GET",
        "what comes before the first '?' is the same however often it splits",
        (5, 8),
    ),
    (
        "devserver.xǁHandlerǁdo_GET",
        "a folder asked for with its slash has become its index.html by then:"
        " only folders without it reach this test",
        (57,),
    ),
    ("devserver.xǁHandlerǁdo_GET", TASKS_LOCALE, (77,)),
    ("devserver.xǁHandlerǁdo_GET", UTF8, (79, 90)),
    ("devserver.xǁHandlerǁsend_text", UTF8, (7,)),
    (
        "devserver.xǁHandlerǁevents",
        "EventSource ignores the text of a comment line",
        (25,),
    ),
    ("devserver.x_serve_folder", "live=None is falsy like False", (5,)),
    ("devserver.xǁSiteǁ__init__", "stopping=None is falsy like False", (6,)),
    ("devserver.x_make_server", "the name of the handler class", (9, 10, 11)),
    (
        "devserver.x_watch",
        "watchfiles' default step or debounce only makes a rebuild start later"
        " (benchmarks/latency.py measures it; tests are not timed)",
        (17, 18),
    ),
    ("devserver.x_livereload", NAME, (15, 16, 17, 21, 22)),
    (
        "devserver.x_livereload",
        "the finally block shuts the server down: its thread ends either way",
        (37, 39, 40),
    ),
    ("devserver.x_livereload", ASCII, (44, 46, 48)),
    (
        "devserver.x_livereload",
        "the first build's summary, printed and flushed next, flushes it too",
        (50, 52, 53),
    ),
    ("devserver.x_livereload", OURS, (57, 59, 60, 64, 66, 67, 85, 87, 88)),
    (
        "devserver.x_livereload",
        "the address file was written at start: only a hand can remove it",
        (89, 90),
    ),
]
for _function, _why, _numbers in _PROJECT:
    for _number in _numbers:
        EQUIVALENT[f"{_function}__mutmut_{_number}"] = _why


def targets():
    """{plugin name: its folder}: every local plugin, and the site checker."""
    # The slowest first: the site checker, then the tasks and the dev server.
    found = {"sitecheck": SITECHECK} if SITECHECK.exists() else {}
    found |= {name: ROOT / module for name, (module, _) in PROJECT_MODULES.items()}
    found |= {
        path.name: path
        for path in sorted(PLUGINS.iterdir())
        if (path / "__init__.py").exists()
    }
    return found


# Each item is one argument: mutmut passes a one-line value to pytest whole.
# Without the unraisable-exception plugin, each mutant's pytest run skips two
# full garbage collections of the large forked process (0.07 s of 0.18 s).
PYTEST_ARGS = (
    "-p",
    "no:cacheprovider",
    "-p",
    "no:xdist",
    "-p",
    "no:unraisableexception",
)
# A mutant that hangs (a server that never stops) waits out (tests' time + 1 s)
# x this; mutmut's 15 made the dev server's run 35 minutes of mostly waiting.
TIMEOUT_MULTIPLIER = 3
# The share of mutants run by default, so that the whole run fits 30 minutes on
# 2 cores; the score of a random sample estimates that of all (its interval is
# printed). --sample 1 runs every mutant.
SAMPLE = 0.2


def write_setup(workdir, source, tests, also_copy, do_not_mutate=()):
    """mutmut's setup.cfg: mutate `source`, run `tests`, copy `also_copy`."""
    lines = {
        "source_paths": [source],
        "do_not_mutate": do_not_mutate,
        "pytest_add_cli_args_test_selection": [tests],
        "also_copy": also_copy,
        "pytest_add_cli_args": PYTEST_ARGS,
    }
    text = "".join(
        f"{key}=\n" + "".join(f"\t{value}\n" for value in values)
        for key, values in lines.items()
        if values
    )
    (workdir / "setup.cfg").write_text(
        f"[mutmut]\n{text}timeout_multiplier={TIMEOUT_MULTIPLIER}\n"
    )


def prepare_module(name, workdir):
    """Copy the project (tasks.py, devserver.py, the site, the plugins, the
    tests of PROJECT_MODULES[name]) into workdir, with a mutmut setup that
    mutates that one module."""
    module, tests = PROJECT_MODULES[name]
    skipped = shutil.ignore_patterns("__pycache__", "*.pyc")
    modules = [module for module, _ in PROJECT_MODULES.values()]
    for path in (*modules, *PROJECT_FILES, *TEST_HELPERS, tests):
        source, copy = ROOT / path, workdir / path
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, ignore=skipped)
        else:
            shutil.copy2(source, copy)
    also_copy = [*PROJECT_FILES, *(m for m in modules if m != module)]
    write_setup(workdir, module, tests, also_copy)
    (workdir / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = [".", "plugins", "tests"]\n'
    )


def prepare(name, source, workdir):
    """Copy one plugin as a top-level package into workdir, with a mutmut setup."""
    if name in PROJECT_MODULES:
        prepare_module(name, workdir)
        return
    # test_install.py checks the package's distribution (pip, a new virtual
    # environment), which the copy does not have; it reaches no mutated line.
    skipped = ("__pycache__", "*.pyc", "test_install.py")
    shutil.copytree(source, workdir / name, ignore=shutil.ignore_patterns(*skipped))
    # The tests read the real site's files beside the plugins (content/data).
    for shared in ("content", "themes", "pelicanconf.py", "publishconf.py"):
        source_path = ROOT / shared
        if source_path.is_dir():
            shutil.copytree(source_path, workdir / shared)
        else:
            shutil.copy2(source_path, workdir / shared)
    # The distribution's README, which the tests compare with the code, goes
    # beside the package as in its own folder (mutmut copies it with the mutants).
    readme = source.parents[2] / "README.md"
    if name == "sitecheck":
        shutil.copy2(readme, workdir / "README.md")
    # Local plugins this one imports (event_meta's tests load workshop_data),
    # copied beside it unmutated.
    code = " ".join(p.read_text(encoding="utf-8") for p in source.rglob("*.py"))
    needed = [
        other
        for other, path in targets().items()
        if other != name and re.search(rf"^\s*(from|import) {other}\b", code, re.M)
    ]
    for other in needed:
        shutil.copytree(
            targets()[other],
            workdir / other,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    for test in (workdir / name).rglob("*.py"):
        text = test.read_text(encoding="utf-8")
        if "pelican.plugins.sitecheck" in text and name == "sitecheck":
            test.write_text(text.replace("pelican.plugins.sitecheck", "sitecheck"))
    write_setup(
        workdir,
        name,
        name,
        ["README.md", *needed],
        do_not_mutate=["*/test_*.py", "*/conftest.py", "*/_testing.py"],
    )
    (workdir / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["."]\n'
    )


def mutmut(workdir, *args):
    command = [str(MUTMUT), *args]
    done = subprocess.run(command, cwd=workdir, capture_output=True, check=False)
    return done.stdout.decode()


def statuses(workdir):
    """{mutant: status} of every mutant made in workdir, run or not."""
    listing = mutmut(workdir, "results", "--all", "true")
    return dict(re.findall(r"^\s*(\S+): (.+)$", listing, re.M))


def sampled(mutant, fraction):
    """Whether a mutant is in the sample: the same mutants on every run, and
    no pattern in which (a CRC would take every fourth of some functions')."""
    digest = hashlib.blake2b(mutant.encode(), digest_size=8).digest()
    return int.from_bytes(digest) < fraction * 2**64


def run(name, source, max_children, sample):
    """Mutate one target: ({mutant: status} of the sampled mutants, {survivor:
    its changed lines}, how many were made, how many of them are EQUIVALENT,
    seconds)."""
    children = ("--max-children", str(max_children))
    with tempfile.TemporaryDirectory(prefix=f"mutmut-{name}-") as folder:
        workdir = Path(folder)
        prepare(name, source, workdir)
        start = time.perf_counter()
        # First make the mutants and time the tests (a pattern that names no
        # mutant runs none), then run the sample but the known equivalent ones:
        # they can only survive, after every test that reaches them (up to 25 s).
        mutmut(workdir, "run", *children, "no-such-mutant")
        made = statuses(workdir)
        equivalent = [mutant for mutant in made if mutant in EQUIVALENT]
        chosen = [m for m in made if m not in EQUIVALENT and sampled(m, sample)]
        if chosen:
            mutmut(workdir, "run", *children, *chosen)
        results = {m: s for m, s in statuses(workdir).items() if m in chosen}
        seconds = time.perf_counter() - start
        # What each survivor changed, while its folder exists.
        changes = {
            mutant: [
                line
                for line in mutmut(workdir, "show", mutant).splitlines()
                if line[:1] in "-+" and line[:3] not in ("---", "+++")
            ]
            for mutant, status in results.items()
            if status in ("survived", "no tests")
        }
    return results, changes, len(made), len(equivalent), seconds


def interval(killed, run, z=1.96):
    """The 95 % Wilson interval of a score measured on a sample of `run`."""
    if not run:
        return 0.0, 1.0
    p, z2 = killed / run, z * z
    centre = (p + z2 / (2 * run)) / (1 + z2 / run)
    half = z * math.sqrt(p * (1 - p) / run + z2 / (4 * run * run)) / (1 + z2 / run)
    return centre - half, centre + half


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="plugin names (default: all)")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument(
        "--jobs", type=int, default=2, help="plugins mutated at once (default: 2)"
    )
    parser.add_argument(
        "--sample",
        type=float,
        default=SAMPLE,
        help=f"the share of mutants run, 0 to 1 (default: {SAMPLE}; 1 runs all)",
    )
    args = parser.parse_args()
    chosen = {n: p for n, p in targets().items() if not args.only or n in args.only}
    started = time.perf_counter()
    totals = {"made": 0, "equivalent": 0, "run": 0, "killed": 0}
    survivors = {}
    print(f"{'plugin':<16}{'mutants':>8}{'equiv.':>7}{'run':>6}{'killed':>7}"
          f"{'survived':>9}{'untested':>9}{'score':>7}{'time':>7}")  # fmt: skip
    # Two runs at once keep both cores busy: each run starts with a serial phase
    # (mutmut measures every test once), and the tasks' and dev server's tests
    # mostly wait for servers and builds. The slowest runs start first.
    with ThreadPoolExecutor(args.jobs) as pool:
        runs = pool.map(
            lambda item: run(*item, args.max_children, args.sample), chosen.items()
        )
        for name, (results, changes, made, equivalent, seconds) in zip(
            chosen, runs, strict=True
        ):
            # A mutant that makes the tests time out was noticed (as mutmut counts).
            killed = sum(s in ("killed", "timeout") for s in results.values())
            survived = sum(s == "survived" for s in results.values())
            score = killed / len(results) if results else 1.0
            print(f"{name:<16}{made:>8}{equivalent:>7}{len(results):>6}{killed:>7}"
                  f"{survived:>9}{len(changes) - survived:>9}{score:>7.1%}"
                  f"{seconds:>6.0f}s", flush=True)  # fmt: skip
            survivors |= {(m, results[m]): lines for m, lines in changes.items()}
            for key, value in zip(
                totals, (made, equivalent, len(results), killed), strict=True
            ):
                totals[key] += value
    run_, killed = totals["run"], totals["killed"]
    score = killed / run_ if run_ else 1.0
    print(f"\nmutation score: {score:.1%} ({killed} killed of {run_} run;"
          f" {totals['equivalent']} of {totals['made']} mutants are listed"
          " equivalent and not run)")  # fmt: skip
    if args.sample < 1:
        low, high = interval(killed, run_)
        print(f"a sample of {args.sample:.0%} of the others: the score of all of"
              f" them is {low:.1%} to {high:.1%} (95 % Wilson interval)")  # fmt: skip
    print(f"in {time.perf_counter() - started:.0f} s, {args.jobs} plugins at once,"
          f" {args.max_children} mutmut children each")  # fmt: skip
    if survivors:
        print("\nsurvivors:")
        for (mutant, status), lines in survivors.items():
            print(f"  {mutant}: {status}")
            print("".join(f"      {line}\n" for line in lines), end="")


if __name__ == "__main__":
    main()
