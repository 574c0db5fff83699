"""Announcements, their archive and their Atom/RSS feeds."""

import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from sitetools import build_site, copy_project, html_pages, soup

# The news table of the facts file: one announcement per row, on that date.
NEWS_DATES = [
    "2020-12-17",
    "2021-01-06",
    "2021-01-07",
    "2021-02-25",
    "2021-02-27",
    "2021-04-13",
    "2021-04-17",
    "2021-04-30",
    "2021-05-06",
    "2021-10-25",
    "2022-04-09",
]
FEEDS = {"atom": "feeds/all.atom.xml", "rss": "feeds/all.rss.xml"}


@pytest.fixture(scope="module", params=["dev_site", "prod_site"])
def site(request):
    return request.getfixturevalue(request.param)


def articles(site):
    return sorted((site / "news").glob("20*/*/index.html"))


def test_one_announcement_per_news_item_dated_as_in_the_facts(site):
    dates = []
    for path in articles(site):
        page = soup(site, str(path.relative_to(site)))
        published = page.select_one("article header time")["datetime"]
        dates.append(published[:10])
        body = page.select_one("article")
        assert len(body.find_all("p")) >= 2, f"{path}: not a real post"
        assert body.find("a", href=True), f"{path}: links to nothing"
    assert sorted(dates) == NEWS_DATES


def test_announcements_link_to_each_other_in_date_order(site):
    first = soup(site, "news/2020/workshop-announced/")
    assert first.select_one('.neighbours a[rel="prev"]') is None
    later = first.select_one('.neighbours a[rel="next"]')["href"]
    assert later.endswith("/news/2021/challenge-open/")


def test_archive_lists_every_announcement(site):
    archive = soup(site, "news/archive/")
    linked = {a["href"].split("/news/")[-1] for a in archive.select("ul.archive a")}
    expected = {str(p.parent.relative_to(site / "news")) + "/" for p in articles(site)}
    assert linked == expected
    assert [h.get_text() for h in archive.select("h2")] == ["2022", "2021", "2020"]


def test_news_index_is_paginated_newest_first(site):
    # pelicanconf: DEFAULT_PAGINATION = 10, DEFAULT_ORPHANS = 1, so a last
    # page of one post joins the page before.
    total = len(articles(site))
    first = soup(site, "news/")
    titles = [a.get_text() for a in first.select(".news-list h2 a")]
    assert titles[0] == "Proceedings published"
    if total <= 11:
        assert len(titles) == total and not first.select_one(".pagination")
        return
    assert len(titles) == 10
    second = soup(site, "news/page/2/")
    assert len(second.select(".news-list h2 a")) >= 2
    assert first.select_one('.pagination a[rel="next"]')["href"].endswith(
        "/news/page/2/"
    )


def test_tag_pages(site):
    tag = soup(site, "news/tag/challenge/")
    assert len(tag.select(".news-list li")) >= 2


@pytest.mark.parametrize("kind", FEEDS)
def test_feeds_are_valid_and_complete(site, kind):
    feed = feedparser.parse((site / FEEDS[kind]).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == len(NEWS_DATES)
    for entry in feed.entries:
        assert entry.link.startswith(
            ("https://haet2021.github.io/", "http://127.0.0.1")
        )
        content = entry.content[0].value if kind == "atom" else entry.description
        # Full content, not just the summary.
        assert len(BeautifulSoup(content, "lxml").find_all("p")) >= 2, entry.link


@pytest.mark.parametrize("kind", FEEDS)
def test_every_url_inside_feeds_is_absolute(site, kind):
    feed = feedparser.parse((site / FEEDS[kind]).read_bytes())
    urls = []
    for entry in feed.entries:
        for part in entry.get("content", []) + [entry.get("summary_detail", {})]:
            html = BeautifulSoup(part.get("value", ""), "lxml")
            urls += [a["href"] for a in html.find_all(href=True)]
            urls += [img["src"] for img in html.find_all("img")]
    assert urls, "the feed items link to nothing"
    relative = [u for u in urls if not re.match(r"https?://", u)]
    assert relative == []


def test_production_feed_urls_use_the_site_url(prod_site):
    raw = (prod_site / FEEDS["atom"]).read_text(encoding="utf-8")
    assert "127.0.0.1" not in raw
    feed = feedparser.parse(raw)
    assert feed.feed.link == "https://haet2021.github.io/"
    assert all(e.id.startswith("tag:haet2021.github.io,") for e in feed.entries)


def test_every_page_advertises_both_feeds(site):
    for page in html_pages(site):
        head = soup(site, str(page.relative_to(site))).head
        types = {link["type"] for link in head.find_all("link", rel="alternate")}
        assert types == {"application/atom+xml", "application/rss+xml"}, page


def test_invoke_new_writes_a_post_that_builds(tmp_path):
    project = copy_project(tmp_path / "site")
    invoke = [str(Path(sys.executable).parent / "invoke"), "new", "Reviewers wanted"]
    made = subprocess.run(
        invoke, cwd=project, capture_output=True, text=True, check=False
    )
    assert made.returncode == 0, made.stderr
    [post] = (project / "content/news").glob("*-reviewers-wanted.md")
    assert "Title: Reviewers wanted" in post.read_text()
    again = subprocess.run(
        invoke, cwd=project, capture_output=True, text=True, check=False
    )
    assert again.returncode != 0 and "already exists" in again.stderr

    # The skeleton builds as a draft; without its Status line it is published.
    result = build_site(
        tmp_path / "out", project / "pelicanconf.py", project / "content"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out/drafts/reviewers-wanted/index.html").exists()
    post.write_text(post.read_text().replace("Status: draft\n", ""))
    result = build_site(
        tmp_path / "out2", project / "pelicanconf.py", project / "content"
    )
    assert result.returncode == 0, result.stderr
    [published] = (tmp_path / "out2/news").glob("*/reviewers-wanted/index.html")
    assert "Reviewers wanted" in published.read_text()
