"""The site checker runs in every build of the site, with one rule for alt=""
in development and production: a decorative image written as HTML passes; a
Markdown image without alt text is the organiser's omission, reported on its
line with a fix, and it stops a production build. The builds are those of the
changed copy (sitetools.write_fixtures: our-banner.md holds the decorative
image; the omitted one was there for the first pair of builds only)."""

from sitetools import TOKEN, posts, soup


def log(result):
    return " ".join((result.stdout + result.stderr).split())


def test_a_decorative_html_image_passes_in_both_builds(changed):
    [banner] = [p for p in posts(changed.project) if p["slug"] == f"our-banner-{TOKEN}"]
    for settings, out in (
        ("pelicanconf.py", changed.dev),
        ("publishconf.py", changed.prod),
    ):
        result = changed.logs["final", settings]
        assert result.returncode == 0, log(result)
        assert "Empty alt" not in log(result) and "without alt" not in log(result)
        assert soup(out, banner["url"]).select('article img[alt=""]')


def test_a_markdown_image_without_alt_text_is_reported_and_stops_production(changed):
    source = changed.omitted.relative_to(changed.project).as_posix()
    development = changed.logs["omitted", "pelicanconf.py"]
    assert development.returncode == 0, log(development)
    assert f'{source}:7: <img src="/images/social-card.png">' in log(development)
    assert (
        "Markdown image without alt text (![](...)) (fix: write ![what it shows]"
        in log(development)
    )
    production = changed.logs["omitted", "publishconf.py"]
    assert production.returncode != 0, log(production)
    assert f"{source}:7:" in log(production)
    assert "block publication" in log(production)
