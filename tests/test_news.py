"""Announcements, their lists and their Atom/RSS feeds, in each build of the
`site` fixture, every expectation taken from the build's own content/news/ as
Pelican reads it (sitetools.posts). The changed copy holds a draft, a hidden
post, a post dated in the future and a post whose file name has no date."""

import re
from urllib.parse import urlsplit

import feedparser
from bs4 import BeautifulSoup
from sitetools import TOKEN, html_pages, plain, posts, soup, workshop

FEEDS = {"Atom": "FEED_ALL_ATOM", "RSS": "FEED_ALL_RSS"}


def addresses(html, selector="a"):
    """The site paths that `selector`'s links point to, in page order."""
    return [urlsplit(a["href"]).path.lstrip("/") for a in html.select(selector)]


def published(site):
    return [post["url"] for post in posts(site.project)]


def test_every_post_is_at_its_address_drafts_in_development_only(site):
    everything = posts(site.project, ("published", "hidden", "draft"))
    assert posts(site.project), "content/news/ publishes nothing"
    article = {"property": "og:type", "content": "article"}
    written = {
        f"{path.parent.relative_to(site.out)}/"
        for path in html_pages(site.out)
        if soup(site.out, str(path.relative_to(site.out))).find("meta", article)
    }
    assert written == {
        p["url"] for p in everything if p["status"] != "draft" or not site.production
    }
    drafts = soup(site.out, "drafts/") if not site.production else None
    waiting = set(addresses(drafts.main)) if drafts else set()
    for post in everything:
        page = site.out / post["url"] / "index.html"
        if post["status"] == "draft" and site.production:
            assert not page.exists(), post["url"]
            continue
        html = soup(site.out, post["url"])
        assert plain(post["title"]) == plain(html.h1.get_text()), post["url"]
        assert html.select_one("article header time")["datetime"][:10] == post["date"]
        unlisted = post["status"] != "published"
        robots = html.find("meta", {"name": "robots"}, content="noindex")
        assert bool(robots) == unlisted, post["url"]
        assert (post["url"] in waiting) == (unlisted and not site.production)
    assert (site.out / "drafts").exists() != site.production


def test_announcements_link_to_their_neighbours_in_date_order(site):
    newest_first = published(site)
    for index, url in enumerate(newest_first):
        page = soup(site.out, url)
        newer = addresses(page, '.neighbours a[rel="next"]')
        older = addresses(page, '.neighbours a[rel="prev"]')
        assert newer == newest_first[max(index - 1, 0) : index], url
        assert older == newest_first[index + 1 : index + 2], url


def test_news_index_lists_every_post_newest_first_across_its_pages(site):
    settings = site.settings
    listed, address, pages = [], "news/", 0
    while address:
        page = soup(site.out, address)
        assert addresses(page, ".news-list h2 a"), f"{address} lists nothing"
        listed += addresses(page, ".news-list h2 a")
        pages += 1
        following = addresses(page, '.pagination a[rel="next"]')
        address = following[0] if following else None
    assert listed == published(site)
    # Pelican's paginator: the last page takes up to DEFAULT_ORPHANS extra posts.
    per_page, orphans = settings["DEFAULT_PAGINATION"], settings["DEFAULT_ORPHANS"]
    assert pages == -(-max(1, len(listed) - orphans) // per_page)
    latest = addresses(soup(site.out, ""), ".news-list a")
    assert latest == published(site)[: settings["HOME_LATEST_NEWS"]]


def test_archive_lists_every_post_under_its_year(site):
    archive = soup(site.out, "news/archive/")
    expected = posts(site.project)
    years = sorted({post["year"] for post in expected}, reverse=True)
    assert [h.get_text() for h in archive.select("main h2")] == years
    for year in years:
        section = archive.find(id=f"year-{year}").find_parent("section")
        assert addresses(section) == [p["url"] for p in expected if p["year"] == year]


def test_tag_pages_list_exactly_their_posts_and_unpublished_tags_have_none(site):
    expected = posts(site.project)
    tags = {tag: url for post in expected for tag, url in post["tag_urls"].items()}
    assert tags, "no published post has a tag"
    index = set(addresses(soup(site.out, "news/tag/").main))
    for tag, url in tags.items():
        listed = addresses(soup(site.out, url), ".news-list h2 a")
        assert listed == [post["url"] for post in expected if tag in post["tags"]]
        assert url in index, tag
    # A tag that only an unpublished post has: no page, plain text on the post.
    for post in posts(site.project, ("hidden", "draft")):
        for tag, url in post["tag_urls"].items():
            if tag not in tags:
                assert not (site.out / url).exists(), url
                if (site.out / post["url"]).exists():
                    linked = addresses(soup(site.out, post["url"]).article)
                    assert url not in linked, post["url"]


def test_feeds_have_distinct_titles_and_the_latest_posts_in_full(site):
    settings = site.settings
    base = settings["SITEURL"] or settings["FEED_DOMAIN"]
    name = workshop(site.project).event.short_name
    latest = posts(site.project)[: settings["FEED_MAX_ITEMS"]]
    for kind, setting in FEEDS.items():
        feed = feedparser.parse((site.out / settings[setting]).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.feed.title == f"{name}: {settings['FEED_NAME']} ({kind})"
        assert feed.feed.link == f"{base}/"
        assert [e.link for e in feed.entries] == [f"{base}/{p['url']}" for p in latest]
        for entry, post in zip(feed.entries, latest, strict=True):
            content = entry.content[0].value if kind == "Atom" else entry.description
            html = BeautifulSoup(content, "lxml")
            # In full, not the summary: as many paragraphs or more.
            body = post["source"].read_text(encoding="utf-8").split("\n\n", 1)[1]
            paragraphs = [p for p in body.split("\n\n") if p.strip()]
            found = html.find_all(["p", "li", "h2", "table"])
            assert len(found) >= min(2, len(paragraphs)), entry.link
            urls = [a["href"] for a in html.find_all(href=True)]
            urls += [img["src"] for img in html.find_all("img")]
            assert [u for u in urls if not re.match(r"https?://", u)] == []
        if site.production:
            assert all(
                e.id.startswith(f"tag:{urlsplit(base).hostname},") for e in feed.entries
            )
    for page in html_pages(site.out):
        head = soup(site.out, str(page.relative_to(site.out))).head
        types = {link["type"] for link in head.find_all("link", rel="alternate")}
        assert {"application/atom+xml", "application/rss+xml"} <= types, page


def test_sitemap_lists_every_published_post_and_nothing_unlisted(site):
    sitemap = (site.out / "sitemap.xml").read_text(encoding="utf-8")
    listed = {
        urlsplit(loc).path.lstrip("/")
        for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)
    }
    assert set(published(site)) <= listed
    for post in posts(site.project, ("hidden", "draft")):
        assert post["url"] not in listed
    assert not [loc for loc in listed if loc.startswith("drafts/")]


def test_invoke_new_writes_a_draft_and_says_where_to_see_it(changed):
    made, again = changed.invoked
    assert made.returncode == 0, made.stderr
    [address] = re.findall(r"http://127\.0\.0\.1:8000/(drafts/\S+/)", made.stdout)
    [post] = [p for p in posts(changed.project, ("draft",)) if p["url"] == address]
    assert post["title"] == f"Volunteers wanted {TOKEN}"
    assert again.returncode != 0 and "already exists" in again.stderr


def test_a_post_without_date_in_its_name_is_published_a_future_one_waits(changed):
    every = posts(changed.project, ("published", "hidden", "draft"))
    by_file = {post["source"].name: post for post in every}
    banner = by_file[f"our-banner-{TOKEN}.md"]
    assert banner["url"] == f"news/{banner['year']}/our-banner-{TOKEN}/"
    assert (changed.prod / banner["url"] / "index.html").exists()
    [future] = [post for name, post in by_file.items() if "early-future" in name]
    assert future["status"] == "draft"
    assert not (changed.prod / f"news/{future['year']}/early-future").exists()
