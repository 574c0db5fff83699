"""The fix for a missing path: the same file name in the nearest other folder,
nearest as the folder tree goes (up, then down), and only if none is as near."""

import pytest
from pelican.plugins.sitecheck.suggest import Suggestions, typos


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # A sibling folder (up 1, down 1) is nearer than a cousin (up 2, down 2).
        (["news/2020/photo.png", "other/2021/photo.png"], "news/2020/photo.png"),
        # Up 2, down 1 is nearer than up 1, down 3.
        (["news/a/b/c/photo.png", "z/photo.png"], "z/photo.png"),
        # The folder inside the wanted one (down 1) is the nearest of all.
        (["news/2021/cfp/photo.png", "news/2020/photo.png"], "news/2021/cfp/photo.png"),
        # Two as near: neither is offered.
        (["news/2020/photo.png", "news/2019/photo.png"], None),
    ],
)
def test_the_same_name_in_the_nearest_folder(files, expected):
    assert Suggestions(files).best("news/2021/photo.png", "index.html") == expected


SITE = [
    "index.html",
    "about/index.html",
    "news/2021/cfp/index.html",
    "news/2021/grants/index.html",
    "news/2021/keynote-speakers/index.html",
    "images/figure-12.png",
    "images/photo.jpg",
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # The same name with another extension of the same kind, however far
        # the spelling of the extension.
        ("images/figure-12.jpg", "images/figure-12.png"),
        ("images/PHOTO.jpeg", "images/photo.jpg"),
        # A page without its slash is a page.
        ("abuot", "about/"),
        # One typo per 8 letters: two in a 16-letter name.
        ("news/2021/keynotes-speaker/", "news/2021/keynote-speakers/"),
        # Two typos in a short name, or a near spelling in another folder:
        # not plausible.
        ("news/2021/grnt/", None),
        ("news/2020/cpf/", None),
    ],
)
def test_plausible_targets(path, expected):
    assert Suggestions(SITE).best(path, "index.html") == expected


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
