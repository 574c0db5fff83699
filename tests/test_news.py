"""Announcements, their lists and their Atom/RSS feeds. Every expectation is
derived from content/news/ (sitetools.posts), so posting, hiding, scheduling or
withdrawing an announcement keeps these tests green wherever the site is right."""

import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from sitetools import build_site, copy_project, html_pages, posts, settings_of, soup

FEEDS = {"atom": "feeds/all.atom.xml", "rss": "feeds/all.rss.xml"}
SETTINGS = settings_of()


@pytest.fixture(scope="module", params=["dev_site", "prod_site"])
def site(request):
    return request.getfixturevalue(request.param)


def linked_posts(html, selector):
    """The post addresses that `selector`'s links point to, in page order."""
    found = []
    for link in html.select(selector):
        match = re.search(r"(news/\d{4}/[^/]+/)$", link["href"])
        if match:
            found.append(match[1])
    return found


def test_every_published_post_has_its_page_with_its_date_and_title(site):
    expected = posts()
    assert expected, "content/news/ publishes nothing"
    written = sorted(
        str(p.parent.relative_to(site)) + "/" for p in site.glob("news/2*/*/index.html")
    )
    with_hidden = posts(statuses=("published", "hidden"))
    assert written == sorted(post["url"] for post in with_hidden)
    for post in expected:
        page = soup(site, post["url"])
        assert page.select_one("article header time")["datetime"][:10] == post["date"]
        assert plain(page.h1.get_text()) == plain(post["title"])


def plain(title):
    """A title as typed, whatever typography made of its quotes and spaces."""
    for curly, straight in zip("‘’“”", "''\"\"", strict=True):
        title = title.replace(curly, straight)
    return " ".join(title.split())


def test_announcements_link_to_their_neighbours_in_date_order(site):
    newest_first = [post["url"] for post in posts()]
    for index, url in enumerate(newest_first):
        page = soup(site, url)
        newer = page.select_one('.neighbours a[rel="next"]')
        older = page.select_one('.neighbours a[rel="prev"]')
        want_newer = newest_first[index - 1] if index else None
        want_older = newest_first[index + 1] if index + 1 < len(newest_first) else None
        assert (newer["href"].endswith("/" + want_newer) if newer else None) == (
            True if want_newer else None
        ), url
        assert (older["href"].endswith("/" + want_older) if older else None) == (
            True if want_older else None
        ), url


def test_news_index_lists_every_post_newest_first_across_its_pages(site):
    listed, page_url, pages = [], "news/", 0
    while page_url:
        page = soup(site, page_url)
        on_page = linked_posts(page, ".news-list h2 a")
        assert on_page, f"{page_url} lists nothing"
        listed += on_page
        pages += 1
        following = page.select_one('.pagination a[rel="next"]')
        page_url = (
            re.sub(r"^.*?/(news/)", r"\1", following["href"]) if following else None
        )
    assert listed == [post["url"] for post in posts()]
    # Pelican's paginator: the last page takes up to DEFAULT_ORPHANS extra posts.
    per_page, orphans = SETTINGS["DEFAULT_PAGINATION"], SETTINGS["DEFAULT_ORPHANS"]
    assert pages == -(-max(1, len(listed) - orphans) // per_page)


def test_archive_lists_every_post_under_its_year(site):
    archive = soup(site, "news/archive/")
    expected = posts()
    years = sorted({post["year"] for post in expected}, reverse=True)
    assert [h.get_text() for h in archive.select("main h2")] == years
    for year in years:
        section = archive.find(id=f"year-{year}").find_parent("section")
        assert sorted(linked_posts(section, "a")) == sorted(
            post["url"] for post in expected if post["year"] == year
        )


def test_each_tag_page_lists_exactly_the_posts_with_that_tag(site):
    expected = posts()
    tags = {tag for post in expected for tag in post["tags"]}
    assert tags, "no published post has a tag"
    index = soup(site, "news/tag/")
    for tag in tags:
        slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
        page = soup(site, f"news/tag/{slug}/")
        assert linked_posts(page, ".news-list h2 a") == [
            post["url"] for post in expected if tag in post["tags"]
        ], tag
        assert any(a["href"].endswith(f"/news/tag/{slug}/") for a in index("a")), tag


def test_home_page_lists_the_latest_posts(site):
    latest = linked_posts(soup(site, ""), ".news-list a")
    assert latest == [post["url"] for post in posts()][: SETTINGS["HOME_LATEST_NEWS"]]


@pytest.mark.parametrize("kind", FEEDS)
def test_feeds_hold_the_latest_posts_in_full_newest_first(site, kind):
    feed = feedparser.parse((site / FEEDS[kind]).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    latest = posts()[: SETTINGS["FEED_MAX_ITEMS"]]
    links = [re.search(r"(news/\d{4}/[^/]+/)$", e.link)[1] for e in feed.entries]
    assert links == [post["url"] for post in latest]
    for entry, post in zip(feed.entries, latest, strict=True):
        assert entry.link.startswith(
            ("https://haet2021.github.io/", "http://127.0.0.1")
        )
        content = entry.content[0].value if kind == "atom" else entry.description
        body = post["source"].read_text(encoding="utf-8").split("\n\n", 1)[1]
        paragraphs = [p for p in body.split("\n\n") if p.strip()]
        # Full content, not just the summary: as many paragraphs or more.
        found = BeautifulSoup(content, "lxml").find_all(["p", "li", "h2", "table"])
        assert len(found) >= min(2, len(paragraphs)), entry.link


@pytest.mark.parametrize("kind", FEEDS)
def test_every_url_inside_feeds_is_absolute(site, kind):
    feed = feedparser.parse((site / FEEDS[kind]).read_bytes())
    urls = []
    for entry in feed.entries:
        for part in entry.get("content", []) + [entry.get("summary_detail", {})]:
            html = BeautifulSoup(part.get("value", ""), "lxml")
            urls += [a["href"] for a in html.find_all(href=True)]
            urls += [img["src"] for img in html.find_all("img")]
    assert [u for u in urls if not re.match(r"https?://", u)] == []


def test_sitemap_lists_every_published_post(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    for post in posts():
        assert any(loc.endswith("/" + post["url"]) for loc in locations), post["url"]
    assert not [loc for loc in locations if "/drafts/" in loc]


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
        assert {"application/atom+xml", "application/rss+xml"} <= types, page


def run_invoke(project, *args):
    invoke = str(Path(sys.executable).parent / "invoke")
    return subprocess.run(
        [invoke, *args], cwd=project, capture_output=True, text=True, check=False
    )


def test_invoke_new_writes_a_draft_that_builds_and_says_where_to_see_it(tmp_path):
    project = copy_project(tmp_path / "site")
    made = run_invoke(project, "new", "Reviewers wanted")
    assert made.returncode == 0, made.stderr
    [post] = (project / "content/news").glob("*-reviewers-wanted.md")
    assert "Title: Reviewers wanted" in post.read_text()
    [address] = re.findall(r"http://127\.0\.0\.1:8000/(drafts/\S+/)", made.stdout)
    again = run_invoke(project, "new", "Reviewers wanted")
    assert again.returncode != 0 and "already exists" in again.stderr

    # The skeleton builds as a draft, at the address printed, and is listed on
    # the drafts page; without its Status line it is published.
    result = build_site(
        tmp_path / "out", project / "pelicanconf.py", project / "content"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "out" / address / "index.html").exists()
    drafts = soup(tmp_path / "out", "drafts/")
    assert any(a["href"].endswith("/" + address) for a in drafts.main("a"))
    post.write_text(post.read_text().replace("Status: draft\n", ""))
    result = build_site(
        tmp_path / "out2", project / "pelicanconf.py", project / "content"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [published] = (tmp_path / "out2/news").glob("*/reviewers-wanted/index.html")
    assert "Reviewers wanted" in published.read_text()


EARLY = (
    "Title: {title}\nDate: {date}\nStatus: {status}\nTags: {tag}, challenge\n\n{text}\n"
)


def test_news_prepared_early_builds_cleanly_and_waits(tmp_path):
    """A draft, a hidden and a future post, each with a tag no published post
    uses: no broken link anywhere, the production build passes, and only the
    development build lists them, on /drafts/."""
    project = copy_project(tmp_path / "site")
    news = project / "content/news"
    for status, date in (("draft", "2021-05-02"), ("hidden", "2021-05-03"),
                         ("published", "2099-01-01")):  # fmt: skip
        (news / f"{date}-early-{status}.md").write_text(
            EARLY.format(
                title=f"Early {status}",
                date=date,
                status=status,
                tag=f"brand-new-{status}",
                text="Ready soon.",
            )  # fmt: skip
        )
    for settings in ("pelicanconf.py", "publishconf.py"):
        output = tmp_path / settings
        result = build_site(output, project / settings, project / "content")
        log = result.stdout + result.stderr
        assert result.returncode == 0, log
        assert "broken" not in log.lower(), log
        assert not list(output.glob("news/tag/brand-new-*"))
        assert (output / "news/2021/early-hidden/index.html").exists()
    listed = {a["href"] for a in soup(tmp_path / "pelicanconf.py", "drafts/").main("a")}
    for address in ("drafts/2021/early-draft/", "news/2021/early-hidden/",
                    "drafts/2099/early-published/"):  # fmt: skip
        assert any(href.endswith("/" + address) for href in listed), address
    assert not (tmp_path / "publishconf.py/drafts/index.html").exists()
