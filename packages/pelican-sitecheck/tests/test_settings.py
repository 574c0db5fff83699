"""SITECHECK_* settings, the README, and the nearest plausible file for a fix."""

import ast
from dataclasses import fields

import pytest
from pelican.plugins.sitecheck.report import CHECKS
from pelican.plugins.sitecheck.settings import Config, SettingsError, unknown_settings
from pelican.plugins.sitecheck.suggest import Suggestions, typos
from sitecheck_helpers import (
    IMPORT_ROOT,
    build,
    logged_lines,
    table,
    write_foreign_site,
)


def test_a_misspelt_setting_gets_a_near_match():
    assert unknown_settings(
        {
            "SITECHECK_HTTP_LINK_ALLOWED": [],
            "SITECHECK_SITE_URLS": (),
            "SITECHECK_STRICT": True,
            "SITEURL": "",
        }
    ) == [
        "SITECHECK_HTTP_LINK_ALLOWED is not a sitecheck setting: did you mean"
        " SITECHECK_HTTP_LINKS_ALLOWED?",
        "SITECHECK_SITE_URLS is not a sitecheck setting: did you mean"
        " SITECHECK_INTERNAL_URLS?",
    ]


# The setting | its value (Python) | what is said after its name.
MISTYPED = """
SITECHECK_ENABLED | 'yes' | must be True or False, not 'yes' (default: True)
SITECHECK_IMAGE_MAX_BYTES | '200KB' | must be a whole number, not '200KB' \
(default: 200000)
SITECHECK_IMAGE_MAX_BYTES | True | must be a whole number, not True (default: 200000)
SITECHECK_IMAGE_MAX_BYTES | 2.5e5 | must be a whole number, not 250000.0 \
(default: 200000)
SITECHECK_IMAGE_MAX_SCALE | '2' | must be a number, not '2' (default: 2.0)
SITECHECK_EXTERNAL_EXCLUDE | '^https://x/' | must be a list, not '^https://x/' \
(default: ())
SITECHECK_LEVELS | ['img-no-size'] | must be a dict, not ['img-no-size'] (default: {})
SITECHECK_HTTP_LINKS_ALLOWED | ['(http'] | : '(http' is not a regular expression \
(missing ), unterminated subpattern at position 0)
SITECHECK_LEVELS | {'broken-links': 'error'} | : 'broken-links': 'error' must map \
a check code (see the README) to 'error', 'warning' or 'ignore'
SITECHECK_LEVELS | {'broken-link': 'fatal'} | : 'broken-link': 'fatal' must map \
a check code (see the README) to 'error', 'warning' or 'ignore'
"""


@pytest.mark.parametrize(("name", "value", "message"), table(MISTYPED))
def test_a_mistyped_setting_is_one_line_naming_it(name, value, message):
    with pytest.raises(SettingsError) as raised:
        Config.from_settings({name: ast.literal_eval(value)})
    assert str(raised.value) == name + ("" if message[0] == ":" else " ") + message


def test_wrong_settings_stop_the_check_not_the_build(tmp_path):
    write_foreign_site(tmp_path)
    result = build(tmp_path, "-e", 'SITECHECK_STRICT="yes"', "SITECHECK_STICT=true")
    assert result.returncode == 0, result.stderr
    assert (
        "sitecheck: SITECHECK_STICT is not a sitecheck setting: did you mean"
        " SITECHECK_STRICT?\nsitecheck: SITECHECK_STRICT must be True or False, not"
        " 'yes' (default: False); the site will not be checked\n"
    ) in result.stderr
    assert logged_lines(result.stderr) == []
    assert (tmp_path / "output/index.html").exists()


def test_the_readme_documents_every_check_and_setting():
    readme = (IMPORT_ROOT / "README.md").read_text()
    settings = [f"`SITECHECK_{f.name.upper()}`" for f in fields(Config) if f.repr]
    assert len(settings) > 10
    missing = [f"`{code}`" for code in CHECKS] + settings
    assert [name for name in missing if name not in readme] == []


@pytest.mark.parametrize(
    ("files", "path", "expected"),
    [
        # The same name in the nearest folder as the tree goes (up, then down):
        # a sibling (up 1, down 1) is nearer than a cousin (up 2, down 2) ...
        (["news/2020/photo.png", "other/2021/photo.png"], None, "news/2020/photo.png"),
        # ... up 2, down 1 than up 1, down 3; the folder inside the wanted one
        # (down 1) is the nearest of all; two as near: neither is offered.
        (["news/a/b/c/photo.png", "z/photo.png"], None, "z/photo.png"),
        (
            ["news/2021/cfp/photo.png", "news/2020/photo.png"],
            None,
            "news/2021/cfp/photo.png",
        ),
        (["news/2020/photo.png", "news/2019/photo.png"], None, None),
        # The same name with another extension of the same kind, however far
        # the spelling of the extension.
        (None, "images/figure-12.jpg", "images/figure-12.png"),
        (None, "images/PHOTO.jpeg", "images/photo.jpg"),
        (None, "abuot", "about/"),  # a page without its slash is a page
        # One typo per 8 letters: two in a 16-letter name.
        (None, "news/2021/keynotes-speaker/", "news/2021/keynote-speakers/"),
        # Two typos in a short name, or a near spelling in another folder.
        (None, "news/2021/grnt/", None),
        (None, "news/2020/cpf/", None),
    ],
)
def test_plausible_targets(files, path, expected):
    site = [
        "index.html",
        "about/index.html",
        "news/2021/cfp/index.html",
        "news/2021/grants/index.html",
        "news/2021/keynote-speakers/index.html",
        "images/figure-12.png",
        "images/photo.jpg",
    ]
    best = Suggestions(files or site).best(path or "news/2021/photo.png", "index.html")
    assert best == expected


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("cfp", "cfp", 0),
        ("cpf", "cfp", 1),  # swapped
        ("fcp", "cfp", 1),  # swapped, at the start
        ("cfpp", "cfp", 1),  # added
        ("cf", "cfp", 1),  # dropped
        ("cga", "cfp", 2),  # changed twice
        ("fc", "cfp", 2),
        ("aaa", "a", 2),
        ("", "ab", 2),
        ("ab", "", 2),
    ],
)
def test_typos_count_letters_added_dropped_changed_or_swapped(a, b, edits):
    assert typos(a, b) == edits
