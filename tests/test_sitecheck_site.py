"""This site's rule for alt="", in development and production alike: a
decorative image written as HTML passes; a Markdown image without alt text is
the organiser's omission, reported on its line with a fix."""

import pytest
from sitetools import build_site, copy_project

DECORATIVE = (
    "Title: Banner\nDate: 2021-05-01 10:00\nSummary: A banner.\n\n"
    '<img src="{static}/images/social-card.png" alt="" width="600" height="315">\n'
)
OMITTED = (
    "Title: Banner\nDate: 2021-05-01 10:00\nSummary: A banner.\n\n"
    "Our banner:\n\n![]({static}/images/social-card.png)\n"
)


def build(tmp_path, settings, text):
    project = copy_project(tmp_path / "site")
    (project / "content/news/2021-05-01-banner.md").write_text(text)
    result = build_site(
        tmp_path / "out", project / settings, project / "content", fatal=None
    )
    return result, " ".join((result.stdout + result.stderr).split())


@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_a_decorative_html_image_passes(tmp_path, settings):
    result, log = build(tmp_path, settings, DECORATIVE)
    assert result.returncode == 0, log
    assert "Empty alt" not in log and "without alt" not in log, log


def test_a_markdown_image_without_alt_text_is_reported_and_stops_production(tmp_path):
    result, log = build(tmp_path, "pelicanconf.py", OMITTED)
    assert result.returncode == 0, log
    assert (
        'content/news/2021-05-01-banner.md:7: <img src="/images/social-card.png">'
        in log
    ), log
    assert (
        "Markdown image without alt text (![](...)); fix: write ![what it shows]" in log
    )
    result, log = build(tmp_path / "production", "publishconf.py", OMITTED)
    assert result.returncode != 0, log
