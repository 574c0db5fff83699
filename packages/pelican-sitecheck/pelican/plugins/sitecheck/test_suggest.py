"""The fix for a missing path: the same file name in the nearest other folder,
nearest as the folder tree goes (up, then down), and only if none is as near."""

import pytest
from pelican.plugins.sitecheck.suggest import Suggestions


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
