"""register() in this process: a real Pelican build of the foreign site, with
the plugin's signals connected by Pelican and disconnected after each test."""

import json
import logging
import re
import sys

import pytest
from pelican import Pelican, signals
from pelican.plugins.sitecheck import plugin
from pelican.plugins.sitecheck.report import CHECKS
from pelican.settings import read_settings
from sitecheck_helpers import (
    FOREIGN_DEFECTS,
    FOREIGN_FIXES,
    html,
    write_foreign_site,
)

HANDLERS = {
    signals.get_generators: plugin.reset,
    signals.content_written: plugin.collect_written,
    signals.feed_written: plugin.collect_feed,
    signals.static_generator_finalized: plugin.collect_static,
    signals.finalized: plugin.check_output,
}


@pytest.fixture
def build(tmp_path):
    """build(**settings): build the foreign site in this process; its report."""
    write_foreign_site(tmp_path)

    def run(**settings):
        override = {
            "PLUGINS": [sys.modules[plugin.__package__]],
            "OUTPUT_PATH": str(tmp_path / "output"),
            "SITECHECK_REPORT_PATH": str(tmp_path / "report.json"),
            **settings,
        }
        site = Pelican(read_settings(str(tmp_path / "pelicanconf.py"), override))
        run.settings = site.settings
        site.run()
        return json.loads((tmp_path / "report.json").read_text())

    run.output = tmp_path / "output"
    run.report = tmp_path / "report.json"
    yield run
    for signal, handler in HANDLERS.items():
        signal.disconnect(handler)
    plugin.reset()


def test_a_build_in_this_process_finds_every_seeded_defect(build, caplog):
    caplog.set_level(logging.INFO, logger=plugin.__name__)
    report = build()
    found = {(f["code"], f["source"], f["target"]) for f in report["findings"]}
    assert found == FOREIGN_DEFECTS
    fixes = {f["target"]: f["fix"] for f in report["findings"]}
    for target, fix in FOREIGN_FIXES.items():
        assert fixes[target] == fix
    # The theme's pages are the theme's; a content page is its source file.
    assert report["pages"]["second-post.html"] == "content/second.md"
    assert report["pages"]["pages/about.html"] == "content/pages/about.md"
    assert report["pages"]["extra/old.html"] == "content/extra/old.html"
    # notmyidea is Pelican's, outside the project: named, not a path.
    assert report["pages"]["index.html"] == "theme notmyidea"
    assert "feeds/all.atom.xml" in report["pages"]
    (summary,) = [r for r in caplog.records if "style sheets" in r.getMessage()]
    pages = sum(page.endswith((".html", ".htm")) for page in report["pages"])
    others = len(report["pages"]) - pages
    assert report["pages_checked"] == pages + others
    assert pages > 4  # articles, pages, the static page, the indexes
    assert others > 4  # feeds, the sitemap, the style sheet
    match = re.fullmatch(
        rf"sitecheck: {pages} pages and {others} feeds, sitemaps and style"
        rf" sheets checked in (\d+\.\d) s: {report['errors']} errors,"
        rf" {report['warnings']} warnings",
        summary.getMessage(),
    )
    assert match, summary.getMessage()
    assert summary.levelno == logging.INFO  # statistics, not a finding
    assert abs(float(match[1]) - report["seconds"]) <= 0.05
    assert report["output"] == str(build.output)


def test_a_theme_link_on_article_pages_is_the_themes(build):
    """A link that the theme writes (here from LINKS) is the theme's to fix,
    on an article's page too: the article's file does not have it."""
    report = build(LINKS=(("Old site", "/retired-site/"),))
    sources = {
        f["source"] for f in report["findings"] if f["target"] == "retired-site/"
    }
    assert sources == {"theme notmyidea"}
    pages = {f["page"] for f in report["findings"] if f["target"] == "retired-site/"}
    assert {"first-post.html", "second-post.html", "index.html"} <= pages


def test_filling_sizes_writes_them_into_the_built_pages(build):
    report = build(SITECHECK_FILL_IMAGE_SIZES=True)
    assert {(f["code"], f["source"], f["target"]) for f in report["findings"]} == (
        FOREIGN_DEFECTS
    )
    page = (build.output / "second-post.html").read_text()
    assert 'width="400" height="300"' in page
    assert 'width="40" height="40"' in page


def test_without_filling_the_pages_are_left_as_written(build):
    build()
    page = (build.output / "second-post.html").read_text()
    assert 'width="400" height="300"' not in page


def test_strict_mode_stops_the_build_with_the_number_of_errors(build):
    errors = sum(CHECKS[code][0] == "error" for code, *_ in FOREIGN_DEFECTS)
    message = (
        f"sitecheck: {errors} errors in the built site (SITECHECK_STRICT):"
        " fix the findings above"
    )
    with pytest.raises(plugin.SiteCheckError, match=f"^{re.escape(message)}$"):
        build(SITECHECK_STRICT=True)


def test_a_disabled_check_writes_no_report(build):
    with pytest.raises(FileNotFoundError):
        build(SITECHECK_ENABLED=False)


@pytest.mark.parametrize(
    ("drafts", "link"),
    [
        (
            {
                "DRAFT_SAVE_AS": "previews/{slug}.html",
                "DRAFT_URL": "previews/{slug}.html",
            },
            "work-in-progress.html",
        ),
        (
            {"DRAFT_PAGE_SAVE_AS": "previews/{slug}.html"},
            "../drafts/work-in-progress.html",
        ),
        (
            {
                "DRAFT_SAVE_AS": "previews/{slug}/index.html",
                "DRAFT_URL": "previews/{slug}/",
            },
            "work-in-progress/",
        ),
    ],
)
def test_pages_in_the_drafts_folder_may_link_to_drafts(build, tmp_path, drafts, link):
    """A list of drafts for previews, in the folder of DRAFT_SAVE_AS (or
    DRAFT_PAGE_SAVE_AS) up to its first {...}, is not a published page."""
    (tmp_path / "content/extra/list.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Drafts</title></head>\n"
        f'<body><a href="{link}">Soon</a></body></html>\n'
    )
    extra = {
        "extra/sitemap.xml": {"path": "sitemap.xml"},
        "extra/list.html": {"path": "previews/list.html"},
    }
    report = build(EXTRA_PATH_METADATA=extra, **drafts)
    draft_links = {f["page"] for f in report["findings"] if f["code"] == "draft-link"}
    # The published post still may not link to the draft; the list may.
    assert "first-post.html" in draft_links
    assert "previews/list.html" not in draft_links
    assert "previews/list.html" in report["pages"]


def test_a_page_beside_the_drafts_folder_may_not_link_to_drafts(build, tmp_path):
    """Drafts in previews/2021/: a page in previews/ is published."""
    (tmp_path / "content/extra/list.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Drafts</title></head>\n"
        '<body><a href="2021/work-in-progress.html">Soon</a></body></html>\n'
    )
    extra = {
        "extra/sitemap.xml": {"path": "sitemap.xml"},
        "extra/list.html": {"path": "previews/list.html"},
    }
    report = build(
        EXTRA_PATH_METADATA=extra,
        DRAFT_SAVE_AS="previews/2021/{slug}.html",
        DRAFT_URL="previews/2021/{slug}.html",
    )
    draft_links = {f["page"] for f in report["findings"] if f["code"] == "draft-link"}
    assert {"first-post.html", "previews/list.html"} <= draft_links


def test_filling_sizes_fills_every_written_page_and_only_pages(output, config):
    """Each written .html and .htm page, in any folder, relative src or not;
    other written files (a robots.txt from TEMPLATE_PAGES) are left alone."""
    output("news/photo.png", (40, 30))
    img = '<img src="photo.png" alt="p">'
    written = [
        output("robots.txt", img),
        output("news/a.html", html(img)),
        output("news/b.htm", html('<img src="/news/photo.png" alt="p">')),
    ]
    plugin.fill_written_pages(str(output.root), config, [str(p) for p in written])
    assert written[0].read_text() == img
    for page in written[1:]:
        assert 'width="40" height="30"' in page.read_text()


def test_a_static_htm_page_is_checked_as_its_own_file(build, tmp_path, caplog):
    (tmp_path / "content/extra/legacy.htm").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<title>Old</title></head>\n<body><a href="/gone-for-good/">x</a></body>'
        "</html>\n"
    )
    caplog.set_level(logging.INFO, logger=plugin.__name__)
    report = build(READERS={"html": None, "htm": None})
    assert report["pages"]["extra/legacy.htm"] == "content/extra/legacy.htm"
    (finding,) = [f for f in report["findings"] if f["page"] == "extra/legacy.htm"]
    assert (finding["source"], finding["line"]) == ("content/extra/legacy.htm", 3)
    pages = sum(page.endswith((".html", ".htm")) for page in report["pages"])
    *_, summary = [r for r in caplog.records if "style sheets" in r.getMessage()]
    assert summary.getMessage().startswith(f"sitecheck: {pages} pages and")


def test_an_image_only_in_a_summary_is_the_articles_on_listing_pages(build, tmp_path):
    (tmp_path / "content/third.md").write_text(
        "Title: Third\nDate: 2020-03-03\nSummary: See ![A chart](/images/chart.png)\n\n"
        "The article itself has no image.\n"
    )
    report = build()
    found = [f for f in report["findings"] if f["target"] == "images/chart.png"]
    assert {f["page"] for f in found} >= {"index.html", "category/misc.html"}
    assert {(f["source"], f["line"]) for f in found} == {("content/third.md", 3)}
