"""What the site lets a browser do, in each build of the `site` fixture: only
its own files load (a Content-Security-Policy in every page), no inline script,
style or event handler, no insecure resource, no tab-napping; and what an
organiser types (a title, a name in the data) arrives as text, never markup."""

import json
import re

import feedparser
from sitetools import (
    HOSTILE,
    ORGANISER,
    SITE,
    TOKEN,
    html_pages,
    plain,
    posts,
    settings_of,
    soup,
    text,
)

RESOURCES = [("img", "src"), ("script", "src"), ("link", "href"), ("iframe", "src")]


def pages(site):
    for path in html_pages(site.out):
        yield path, soup(site.out, str(path.relative_to(site.out)))


def test_every_page_carries_the_strict_policy_before_what_it_governs(site):
    policy = settings_of(site=site.project)["CONTENT_SECURITY_POLICY"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "*" not in policy
    for path, page in pages(site):
        meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta and meta["content"] == policy, path
        first_resource = page.head.find(["link", "script"])
        assert first_resource in meta.find_all_next(["link", "script"]), path
        referrer = page.find("meta", attrs={"name": "referrer"})
        assert referrer and referrer["content"] == "strict-origin-when-cross-origin"
    # GitHub Pages reads no _headers file: none is published to claim otherwise.
    assert not (site.out / "_headers").exists()


def test_no_inline_script_style_or_handler_no_insecure_resource(site):
    for path, page in pages(site):
        for script in page.find_all("script"):
            # Data blocks (JSON-LD) are not executed, so the policy allows them.
            assert script.get("src") or script["type"] == "application/ld+json", path
        assert not page.find_all("style") and not page.find_all(style=True), path
        handlers = [
            (tag.name, attr)
            for tag in page.find_all(True)
            for attr in tag.attrs
            if attr.lower().startswith("on")
        ]
        assert handlers == [], path
        for tag, attr in RESOURCES:
            for element in page.find_all(tag, attrs={attr: True}):
                assert not element[attr].startswith("http://"), (path, element)
        for link in page.find_all("a", target=True):
            assert {"noopener", "noreferrer"} <= set(link.get("rel", [])), path


def test_robots_and_sitemap(prod_site, changed):
    for out, project in ((prod_site, SITE), (changed.prod, changed.project)):
        base = settings_of("publishconf.py", project)["SITEURL"]
        robots = (out / "robots.txt").read_text()
        assert f"Sitemap: {base}/sitemap.xml" in robots
        urls = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text())
        assert {f"{base}/", f"{base}/papers/"} <= set(urls)
        assert not [u for u in urls if re.search(r"drafts|404|_headers|robots", u)]
        assert len(urls) == len(set(urls))


def test_a_hostile_title_and_names_arrive_as_text(changed):
    """A title and a data entry holding markup (sitetools.write_fixtures) show
    as typed in pages and feeds; JSON-LD cannot end its <script> early."""
    [post] = [p for p in posts(changed.project) if p["slug"] == f"hostile-{TOKEN}"]
    for site in (changed.dev, changed.prod):
        for page in (post["url"], "news/", "news/archive/", ""):
            html = soup(site, page)
            assert not [s for s in html.find_all("script") if "alert" in s.text]
            assert not html.find_all(attrs={"onmouseover": True}), page
            assert not html.find_all("b"), page
        assert text(soup(site, post["url"]).h1) == plain(HOSTILE)
        feed = feedparser.parse((site / "feeds/all.atom.xml").read_bytes())
        assert plain(HOSTILE) in [plain(entry.title) for entry in feed.entries]
        [script] = soup(site, "").select('script[type="application/ld+json"]')
        assert "</" not in script.string and "<!--" not in script.string
        names = [p["name"] for p in json.loads(script.string)["organizer"]]
        assert names[-1] == changed.new.organisers[-1].name
        organisers = soup(site, "organisers/").select_one("ul.people")
        assert text(organisers).endswith(plain(f"{ORGANISER} Example <b>Lab</b>"))
