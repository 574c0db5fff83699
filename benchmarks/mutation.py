"""Mutation score of the plugins' own tests (mutmut).

    .venv/bin/python benchmarks/mutation.py [--only NAME ...] [--max-children N]

mutmut changes the code one small way at a time (a comparison, a constant, a
call dropped) and runs the tests that reach it; a mutant that no test notices
"survived". Each plugin is mutated in a throwaway copy with the tests beside
its code (the pelican-plugins layout), so the run fits a 2-core machine in a
few minutes. The site checker, a namespace package (pelican.plugins.sitecheck),
is copied as a top-level package for the run, its tests' imports rewritten.
`tasks` (tasks.py) and `devserver` (devserver.py) are mutated in a copy of the
project with their in-process tests (tests/test_tasks.py, test_serving.py).

Prints, per plugin and in all: mutants, killed, survived, untested (no test
reaches the line), and the score, killed / (mutants - equivalent), where
EQUIVALENT lists the survivors that cannot change behaviour, each with why.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
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
    found = {
        path.name: path
        for path in sorted(PLUGINS.iterdir())
        if (path / "__init__.py").exists()
    }
    if SITECHECK.exists():
        found["sitecheck"] = SITECHECK
    found |= {name: ROOT / module for name, (module, _) in PROJECT_MODULES.items()}
    return found


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
    (workdir / "setup.cfg").write_text(
        "[mutmut]\n"
        f"source_paths={module}\n"
        f"pytest_add_cli_args_test_selection={tests}\n"
        "also_copy=" + "\n\t".join(also_copy) + "\n"
        "pytest_add_cli_args=-p no:cacheprovider -p no:xdist -q\n"
    )
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
    (workdir / "setup.cfg").write_text(
        "[mutmut]\n"
        f"source_paths={name}\n"
        "do_not_mutate=*/test_*.py\n\t*/conftest.py\n\t*/_testing.py\n"
        f"pytest_add_cli_args_test_selection={name}\n"
        "also_copy=" + "\n\t".join(["README.md", *needed]) + "\n"
        "pytest_add_cli_args=-p no:cacheprovider -p no:xdist -q\n"
    )
    (workdir / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["."]\n'
    )


def run(name, source, max_children):
    with tempfile.TemporaryDirectory(prefix=f"mutmut-{name}-") as folder:
        workdir = Path(folder)
        prepare(name, source, workdir)
        start = time.perf_counter()
        subprocess.run(
            [str(MUTMUT), "run", "--max-children", str(max_children)],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        seconds = time.perf_counter() - start
        listing = subprocess.run(
            [str(MUTMUT), "results", "--all", "true"],
            cwd=workdir,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    results = dict(re.findall(r"^\s*(\S+): (.+)$", listing, re.M))
    return results, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="plugin names (default: all)")
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args()
    chosen = {n: p for n, p in targets().items() if not args.only or n in args.only}
    totals = {"mutants": 0, "killed": 0, "equivalent": 0}
    survivors = []
    print(f"{'plugin':<16}{'mutants':>8}{'killed':>8}{'survived':>9}"
          f"{'untested':>9}{'score':>8}{'time':>8}")  # fmt: skip
    for name, source in chosen.items():
        results, seconds = run(name, source, args.max_children)
        # A mutant that makes the tests time out was noticed too (as mutmut counts).
        killed = sum(status in ("killed", "timeout") for status in results.values())
        lost = {m: s for m, s in results.items() if s in ("survived", "no tests")}
        equivalent = sum(mutant in EQUIVALENT for mutant in lost)
        survivors += [(m, s) for m, s in lost.items() if m not in EQUIVALENT]
        counted = len(results) - equivalent
        score = killed / counted if counted else 1.0
        survived = sum(s == "survived" for s in lost.values())
        print(f"{name:<16}{len(results):>8}{killed:>8}{survived:>9}"
              f"{len(lost) - survived:>9}{score:>8.1%}{seconds:>7.0f}s")  # fmt: skip
        totals["mutants"] += len(results)
        totals["killed"] += killed
        totals["equivalent"] += equivalent
    counted = totals["mutants"] - totals["equivalent"]
    score = totals["killed"] / counted if counted else 1.0
    print(f"\nmutation score: {score:.1%} ({totals['killed']} killed of {counted};"
          f" {totals['equivalent']} equivalent mutants not counted)")  # fmt: skip
    if survivors:
        print("\nsurvivors (see each with `mutmut show NAME` in a run's folder):")
        for mutant, status in survivors:
            print(f"  {mutant}: {status}")


if __name__ == "__main__":
    main()
