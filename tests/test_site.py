"""The real site, as a visitor sees it: every page, the facts on it, and the
navigation between them, in the development and the production build. Every
expectation comes from content/pages/ and content/data/, so editing the data,
or moving the event to another date with other speakers, keeps these tests
green wherever the site states what the data says."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import yaml
from sitetools import SITE, html_pages, metadata, settings_of, soup

DATA = SITE / "content" / "data"
SITEURL = settings_of("publishconf.py")["SITEURL"]


def data(name):
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))


def text(node, separator=" "):
    return " ".join(node.get_text(separator).split()).replace("\u2019", "'")


def pages():
    """The published pages of content/pages/, in menu (file name) order:
    (address, title, menu entry)."""
    found = []
    for path in sorted((SITE / "content/pages").glob("*.md")):
        meta = metadata(path)
        if meta.get("status", "published") != "published":
            continue
        slug = meta.get("slug") or re.sub(r"^\d+-", "", path.stem)
        address = meta.get("url", f"{slug}/")
        menu = meta.get("nav_title") or meta["title"]
        found.append((address, meta["title"], menu))
    return found


EVENT = data("event")
ZONE = ZoneInfo(EVENT["timezone"])


def local(time_text):
    """A time of the workshop's day in its zone: "13:45" -> aware datetime."""
    hours, minutes = map(int, time_text.split(":"))
    return dt.datetime.combine(EVENT["date"], dt.time(hours, minutes), ZONE)


def utc(time_text):
    return local(time_text).astimezone(dt.UTC)


@pytest.fixture(scope="module", params=["dev_site", "prod_site"])
def site(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(("page", "title"), [(p[0], p[1]) for p in pages()])
def test_every_page_has_its_title_in_one_h1_and_the_head(site, page, title):
    html = soup(site, page)
    [h1] = html.find_all("h1")
    assert text(h1).startswith(title.replace("\u2019", "'"))
    assert EVENT["short_name"] in html.title.string


def nav_targets(html):
    nav = html.find("nav", {"aria-label": "Main"})
    return nav, [re.sub(r"^https?://[^/]+", "", a["href"]) for a in nav.find_all("a")]


def test_navigation_lists_home_news_and_every_page_in_order(site):
    expected = ["/", "/news/", *(f"/{p[0]}" for p in pages() if p[0])]
    for path in html_pages(site):
        nav, targets = nav_targets(soup(site, str(path.relative_to(site))))
        assert nav, f"{path} has no main navigation"
        assert targets == expected, path
    for target in expected:
        assert (site / target.lstrip("/") / "index.html").exists(), target


@pytest.mark.parametrize(("page", "menu"), [(p[0], p[2]) for p in pages()])
def test_current_page_is_marked_in_navigation(site, page, menu):
    current = soup(site, page).select('nav[aria-label="Main"] [aria-current="page"]')
    assert [text(c) for c in current] == ["Home" if page == "" else menu]


def test_home_page_says_when_in_the_workshops_zone_and_in_utc(site):
    body = text(soup(site, "").main)
    assert EVENT["date"].strftime("%A %-d %B %Y") in body
    for when in (local(EVENT["start"]), local(EVENT["end"])):
        assert f"{when:%H:%M}" in body
    assert f"{utc(EVENT['start']):%H:%M}" in body and "UTC" in body
    assert local(EVENT["start"]).tzname() in body  # CEST


def test_keynotes_show_every_speaker_with_their_talk(site):
    sections = soup(site, "keynotes/").select("section.keynote")
    speakers = data("speakers")
    assert len(sections) == len(speakers)
    slot_of = {s["speaker"]: s for s in data("schedule") if s.get("speaker")}
    for section, speaker in zip(sections, speakers, strict=True):
        assert section["id"] == speaker["id"]
        assert speaker["name"] in text(section)
        assert speaker["affiliation"].replace("\u2019", "'") in text(section)
        assert text(section.h2) == speaker["talk"].replace("\u2019", "'")
        if speaker["id"] in slot_of:
            start = slot_of[speaker["id"]]["start"]
            assert section.find("time", datetime=local(start).isoformat()), speaker


def test_schedule_has_every_slot_in_order_in_both_zones(site):
    rows = soup(site, "schedule/").select("table.schedule tbody tr")
    slots = data("schedule")
    assert len(rows) == len(slots)
    names = {s["id"]: s["name"] for s in data("speakers")}
    for row, slot in zip(rows, slots, strict=True):
        stamps = [t["datetime"] for t in row.find_all("time")]
        for time_text in (slot["start"], slot["end"]):
            assert local(time_text).isoformat() in stamps, slot
            assert utc(time_text).isoformat() in stamps, slot
        assert row["id"] == f"slot-{slot['start'].replace(':', '')}"
        label = names[slot["speaker"]] if slot.get("speaker") else slot["title"]
        assert label.replace("\u2019", "'") in text(row), slot


def test_papers_page_lists_every_paper(site):
    rows = soup(site, "papers/").select("table.papers tbody tr")
    papers = data("papers")
    assert [r["id"] for r in rows] == [f"paper-{p['id']}" for p in papers]
    for row, paper in zip(rows, papers, strict=True):
        cells = row.find_all("td")
        assert text(cells[0]) == str(paper["id"])
        assert paper["title"].replace("\u2019", "'") in text(cells[1])
        assert all(a.replace("\u2019", "'") in text(cells[1]) for a in paper["authors"])
        video = cells[-1].find("a")
        assert (video["href"] if video else None) == paper.get("video")


def test_challenge_ranking_follows_the_data(site):
    rows = soup(site, "challenge/").select("table.ranking tbody tr")
    ranking = data("ranking")
    assert len(rows) == len(ranking)
    for row, entry in zip(rows, ranking, strict=True):
        cells = row.find_all("td")
        assert text(cells[0]) == str(entry["rank"])
        assert entry["team"].replace("\u2019", "'") in text(cells[1])
        assert text(cells[-1]) == f"{entry['accuracy']:.1f}%"


def test_call_for_papers_gives_every_deadline_with_its_zone(site):
    page = soup(site, "call-for-papers/")
    stamps = {t["datetime"] for t in page.main.find_all("time")}
    for entry in data("dates"):
        if "time" in entry:
            zone = entry["zone"]
            stamp = f"{entry['date']}T{entry['time']}:00{zone}"
            assert stamp in stamps, entry["what"]
        else:
            assert entry["date"].strftime("%-d %B %Y") in text(page.main), entry
    hrefs = {a["href"] for a in page.main.find_all("a")}
    submission = data("submission")
    assert {submission["url"], submission["template_url"]} <= hrefs
    instructions = text(page.find(id="submission-instructions").find_next("ul"))
    assert f"at most {submission['page_limit']} pages" in instructions
    assert submission["review"] in instructions


def test_challenge_gives_its_budget_machine_and_baseline(site):
    page = soup(site, "challenge/")
    challenge = data("challenge")
    facts = text(page.select_one("dl.facts"))
    for value in ("gpu", "gpu_memory", "cpu", "cpu_clock", "ram", "trial_dataset"):
        assert challenge[value] in facts, value
    assert f"{challenge['minutes']} minutes" in facts
    hrefs = {a["href"] for a in page.main.find_all("a")}
    assert {challenge["baseline_url"], data("submission")["url"]} <= hrefs
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert f"{challenge['minutes']} minutes" in description


def test_organisers_and_contact(site):
    page = soup(site, "organisers/")
    people = page.select("ul.people li")
    organisers = data("organisers")
    assert [text(li.a if li.a else li) for li in people] == [
        o["name"] for o in organisers
    ]
    contact = text(page.find(id="contact").find_parent())
    for address in EVENT["contact"]:
        assert address.replace("@", " (at) ") in contact
    # Addresses are not published as harvestable plain text.
    assert "@" not in str(page.main)


def test_sponsors_in_their_order_linked_where_known(site):
    items = soup(site, "sponsors/").select("main ol li, main ul.sponsors li")
    sponsors = data("sponsors")
    assert [li.find("svg")["aria-label"] for li in items] == [
        s["name"] for s in sponsors
    ]
    for li, sponsor in zip(items, sponsors, strict=True):
        link = li.find("a")
        assert (link["href"] if link else None) == sponsor.get("url")


def test_images_are_the_sites_own(site):
    """No image comes from another site (an https:// image of another host
    passes neither: it is a third-party request)."""
    own = ("/", f"{SITEURL}/", "data:")
    for page in html_pages(site):
        for img in soup(site, str(page.relative_to(site))).find_all("img"):
            assert img["src"].startswith(own) and not img["src"].startswith("//"), (
                f"{page}: {img['src']}"
            )


def test_404_page(site):
    page = soup(site, "404.html")
    assert text(page.h1) == "Page not found"
    assert page.find("meta", {"name": "robots"})["content"] == "noindex"
    # Served at any address, so its links must not be relative.
    for link in page.find_all(["a", "link"], href=True):
        assert link["href"].startswith(("/", "#", "https://")), link["href"]


def test_social_card_is_our_own_image_at_the_open_graph_size(site):
    from PIL import Image

    head = soup(site, "").head
    url = head.find("meta", property="og:image")["content"]
    path = site / url.removeprefix(SITEURL).lstrip("/")
    with Image.open(path) as card:
        assert card.size == (1200, 630)
        width = head.find("meta", property="og:image:width")["content"]
        height = head.find("meta", property="og:image:height")["content"]
        assert (int(width), int(height)) == card.size
    assert head.find("meta", attrs={"name": "twitter:card"})["content"] == (
        "summary_large_image"
    )
