"""The real site, as a visitor sees it: every page, the facts on it, and the
navigation between them, in the development and the production build."""

import re

import pytest
import yaml
from sitetools import ROOT, html_pages, soup

DATA = ROOT / "content" / "data"
PAGES = {
    "": "Hardware Aware Efficient Training",
    "aims/": "Aims of the workshop",
    "call-for-papers/": "Call for papers",
    "challenge/": "The HAET challenge",
    "keynotes/": "Keynotes",
    "schedule/": "Schedule",
    "papers/": "Accepted papers",
    "organisers/": "Organisers",
    "sponsors/": "Sponsors",
    "news/": "News",
    "news/archive/": "All announcements",
}


def data(name):
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))


def text(node, separator=" "):
    return " ".join(node.get_text(separator).split())


@pytest.fixture(scope="module", params=["dev_site", "prod_site"])
def site(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(("page", "title"), PAGES.items())
def test_every_page_has_one_h1_and_a_title(site, page, title):
    html = soup(site, page)
    assert [text(h) for h in html.find_all("h1")][0].startswith(title)
    assert len(html.find_all("h1")) == 1
    assert "HAET 2021" in html.title.string


def test_navigation_reaches_every_page(site):
    for page in html_pages(site):
        nav = soup(site, str(page.relative_to(site))).find(
            "nav", {"aria-label": "Main"}
        )
        assert nav, f"{page} has no main navigation"
        targets = [a["href"] for a in nav.find_all("a")]
        for wanted in PAGES:
            if wanted == "news/archive/":
                continue
            assert any(
                t.rstrip("/").endswith("/" + wanted.rstrip("/"))
                or (wanted == "" and t in ("/", "https://haet2021.github.io/"))
                for t in targets
            ), f"{page}: nav misses {wanted!r}"
    # Every navigation target is a page that exists in the output.
    nav = soup(site, "").find("nav", {"aria-label": "Main"})
    for link in nav.find_all("a"):
        path = re.sub(r"^https://haet2021\.github\.io", "", link["href"]).lstrip("/")
        assert (site / path / "index.html").exists(), link["href"]


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("news/archive/",)])
def test_current_page_is_marked_in_navigation(site, page):
    current = soup(site, page).select('nav[aria-label="Main"] [aria-current="page"]')
    assert len(current) == 1
    expected = {
        "": "Home",
        "news/": "News",
        "papers/": "Papers",
        "call-for-papers/": "Call for papers",
        "challenge/": "Challenge",
        "aims/": "Aims",
    }.get(page, PAGES[page])
    assert text(current[0]) == expected


def test_home_page_says_what_when_where_and_how(site):
    home = soup(site, "")
    body = text(home.main)
    for fact in (
        "Friday 7 May 2021",
        "13:45",
        "21:00",
        "CEST",
        "11:45",
        "19:00 UTC",
        "virtual",
        "replay",
        "proceedings",
        "Gather.town",
        "Zoom",
    ):
        assert fact in body, fact
    hrefs = {a["href"] for a in home.main.find_all("a")}
    assert {
        "https://iclr.cc/",
        "https://iclr.cc/virtual/2021/workshop/2136",
        "https://eventhosts.gather.town/app/8GTU1Np5og1tJ0ab/Poster%20Session",
        "https://www.dropbox.com/s/ayuwc0t0gesbb4c/haet2021_proceedings.pdf?dl=0",
    } <= hrefs


def test_home_page_lists_the_latest_announcements(site):
    latest = soup(site, "").select(".news-list li h3 a")
    assert [text(a) for a in latest][:2] == [
        "Proceedings published",
        "Replay and talk videos online",
    ]
    assert len(latest) == 4


def test_aims(site):
    body = text(soup(site, "aims/").main)
    for fact in ("training", "energy", "memory", "edge", "GPUs", "TPUs"):
        assert fact in body, fact


def test_call_for_papers(site):
    page = soup(site, "call-for-papers/")
    body = text(page.main)
    for fact in (
        "28 February 2021, 23:59 UTC-11",
        "26 March 2021",
        "30 April 2021, 23:59 UTC-11",
        "4 pages",
        "double-blind",
    ):
        assert fact.lower() in body.lower(), fact
    deadline = page.find("time", string=re.compile("28 February 2021"))
    assert deadline["datetime"] == "2021-02-28T23:59:00-11:00"
    hrefs = {a["href"] for a in page.main.find_all("a")}
    assert "https://cmt3.research.microsoft.com/HAET2021" in hrefs
    assert (
        "https://github.com/ICLR/Master-Template/raw/master/archive/iclr2021.zip"
        in hrefs
    )
    assert len(page.main.select("ol li, ul li")) >= 8  # the eight topics


def test_challenge_rules_and_ranking(site):
    page = soup(site, "challenge/")
    body = text(page.main)
    for fact in (
        "10 minutes",
        "V100",
        "Xeon Gold 6230",
        "CIFAR10",
        "mini-ImageNet",
        "1 March 2021",
    ):
        assert fact in body, fact
    rows = page.select("table.ranking tbody tr")
    assert [text(r.find_all("td")[1]).split(" Omar")[0] for r in rows][:1] == [
        "Huawei TRC Ascend Team"
    ]
    assert [text(r.find_all("td")[-1]) for r in rows] == ["88.0%", "86.0%", "84.8%"]


def test_keynotes_show_all_six_speakers_with_talks(site):
    sections = soup(site, "keynotes/").select("section.keynote")
    speakers = data("speakers")
    assert len(sections) == len(speakers) == 6
    for section, speaker in zip(sections, speakers, strict=True):
        assert section["id"] == speaker["id"]
        assert speaker["name"] in text(section)
        assert speaker["affiliation"].replace("'", "\u2019") in text(section)
        assert text(section.h2) == speaker["talk"]
    assert "Liangwei Ge" in text(sections[-1])


def test_schedule_has_all_twelve_slots_in_order(site):
    rows = soup(site, "schedule/").select("table.schedule tbody tr")
    assert len(rows) == 12
    first, last = rows[0].find_all("td"), rows[-1].find_all("td")
    assert text(first[0], "").startswith("13:45–14:00")
    assert text(first[0].select_one(".utc"), "").startswith("11:45–12:00")
    assert text(last[0], "").startswith("20:30–21:00")
    assert text(last[0].select_one(".utc"), "").startswith("18:30–19:00")
    assert "Warren Gross" in text(rows[1]) and "Panel discussion" in text(rows[6])
    times = [r.find("time")["datetime"] for r in rows]
    assert times == sorted(times)


def test_papers_page_lists_all_twenty_papers(site):
    rows = soup(site, "papers/").select("table.papers tbody tr")
    papers = data("papers")
    assert [r["id"] for r in rows] == [f"paper-{n}" for n in range(1, 21)]
    for row, paper in zip(rows, papers, strict=True):
        cells = row.find_all("td")
        assert text(cells[0]) == str(paper["id"])
        assert paper["title"] in text(cells[1])
        assert all(author in text(cells[1]) for author in paper["authors"])
        video = cells[2].find("a")
        assert (video["href"] if video else None) == paper.get("video")
    assert sum(1 for r in rows if r.find_all("td")[2].find("a")) == 13
    assert "GradMax: Gradient Maximizing Neural Network Growth" in text(rows[0])


def test_organisers_and_contact(site):
    page = soup(site, "organisers/")
    people = page.select("ul.people li")
    assert len(people) == 7
    assert [text(li.a) for li in people] == [o["name"] for o in data("organisers")]
    contact = text(page.find(id="contact").find_next("p"))
    assert "bouklihg (at) mila.quebec" in contact
    # Addresses are not published as harvestable plain text.
    assert "@" not in str(page.main)


def test_sponsors_in_their_order(site):
    names = [text(li) for li in soup(site, "sponsors/").select("ol.sponsors li")]
    assert names == ["Huawei", "Deeplite", "Intel", "NVIDIA"]


def test_no_third_party_images(site):
    for page in html_pages(site):
        for img in soup(site, str(page.relative_to(site))).find_all("img"):
            assert not img["src"].startswith(("http://", "//")) or img[
                "src"
            ].startswith("https://haet2021.github.io/"), f"{page}: {img['src']}"


def test_404_page(site):
    page = soup(site, "404.html")
    assert text(page.h1) == "Page not found"
    assert page.find("meta", {"name": "robots"})["content"] == "noindex"


def test_social_card_is_our_own_image_at_the_open_graph_size(site):
    from PIL import Image

    head = soup(site, "").head
    url = head.find("meta", property="og:image")["content"]
    path = site / re.sub(r"^(https://haet2021\.github\.io)?/", "", url)
    with Image.open(path) as card:
        assert card.size == (1200, 630)
    assert head.find("meta", attrs={"name": "twitter:card"})["content"] == (
        "summary_large_image"
    )
