"""What the event_meta plugin puts in the built site, checked against the pages
themselves: the JSON-LD and the calendar files must say what the schedule and
papers pages say, in the development and the production build."""

import json
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sitetools import ROOT, soup
from workshop_data.workshop_data import load_workshop

WORKSHOP = load_workshop(ROOT / "content" / "data")


@pytest.fixture(scope="module", params=["dev_site", "prod_site"])
def site(request):
    return request.getfixturevalue(request.param)


def json_ld(site, page):
    (script,) = soup(site, page).select('script[type="application/ld+json"]')
    return json.loads(script.string)


def schedule_instants(site, column, sessions_only=False):
    """The schedule page's slot starts (column 0: in CEST, 1: in UTC); with
    sessions_only, breaks left out, as in the sessions calendar."""
    rows = soup(site, "schedule/").select("table.schedule tbody tr")
    rows = [r for r in rows if not (sessions_only and "break" in r["class"])]
    selector = ".utc time" if column else ".zones > .nowrap time"
    return [row.select_one(selector)["datetime"] for row in rows]


def calendar_link(site, page, text):
    (link,) = [a for a in soup(site, page).select("main a") if text in a.get_text()]
    return link["href"]


def read_calendar(site, href):
    """The file a link points to, in the build (links are absolute in production)."""
    return Calendar.from_ical((site / urlsplit(href).path.lstrip("/")).read_bytes())


def test_home_page_event_starts_with_the_first_slot(site):
    event = json_ld(site, "")
    starts = schedule_instants(site, 0)
    assert event["@type"] == "Event"
    assert event["startDate"] == starts[0] == WORKSHOP.schedule[0].start.isoformat()
    assert [sub["startDate"] for sub in event["subEvent"]] == starts
    assert event["location"]["url"] == WORKSHOP.event.iclr_page_url
    assert event["url"].startswith("http") and event["image"][0].startswith("http")


def test_papers_page_describes_each_listed_paper(site):
    papers = json_ld(site, "papers/")
    rows = soup(site, "papers/").select("table.papers tbody tr")
    titles = [row.find("strong").get_text() for row in rows]
    assert papers["numberOfItems"] == len(rows) == len(WORKSHOP.papers)
    assert [item["item"]["name"] for item in papers["itemListElement"]] == titles


def test_only_home_and_papers_carry_json_ld(dev_site):
    for page in ("aims/", "schedule/", "keynotes/", "news/"):
        assert not soup(dev_site, page).select('script[type="application/ld+json"]')


@pytest.mark.parametrize("page", ["schedule/"])
def test_add_to_calendar_links_open_the_right_calendars(site, page):
    whole = read_calendar(site, calendar_link(site, page, "Add the workshop"))
    sessions = read_calendar(site, calendar_link(site, page, "sessions"))
    (workshop,) = whole.walk("VEVENT")
    assert workshop.start == WORKSHOP.event.utc_start
    assert [e.start.isoformat() for e in sessions.walk("VEVENT")] == (
        schedule_instants(site, 1, sessions_only=True)
    )
    assert str(sessions["X-WR-CALNAME"]).startswith(
        soup(site, "").find("meta", property="og:site_name")["content"]
    )


def test_production_uids_and_urls_use_the_published_domain(prod_site):
    href = calendar_link(prod_site, "schedule/", "sessions")
    assert href == "https://haet2021.github.io/calendar/haet2021-schedule.ics"
    uids = [e["UID"] for e in read_calendar(prod_site, href).walk("VEVENT")]
    first = WORKSHOP.schedule[0].utc_start
    assert uids[0] == f"slot-{first:%Y%m%dT%H%M%S}Z@haet2021.github.io"
    event = json_ld(prod_site, "")
    assert event["url"] == "https://haet2021.github.io/"
    assert event["image"] == ["https://haet2021.github.io/images/social-card.png"]
    assert (prod_site / "images/social-card.png").is_file()


def test_share_preview_and_touch_icon_are_drawn_by_the_build(site):
    from PIL import Image

    head = soup(site, "").head
    image = head.find("meta", property="og:image")["content"]
    width = int(head.find("meta", property="og:image:width")["content"])
    height = int(head.find("meta", property="og:image:height")["content"])
    assert head.find("meta", property="og:image:alt")["content"].strip()
    with Image.open(site / urlsplit(image).path.lstrip("/")) as card:
        assert card.size == (width, height) == (1200, 630)
    icon = head.find("link", rel="apple-touch-icon")["href"]
    with Image.open(site / urlsplit(icon).path.lstrip("/")) as touch:
        assert touch.size == (180, 180)
    # Nothing committed: the repository holds no copy of either picture.
    assert not list((ROOT / "content").rglob("*.png"))
