"""What haet/event.py puts in each build of the `site` fixture: JSON-LD and
calendars (in UTC, stable UIDs) that say what the data and the pages say; the
share preview and touch icon drawn by the build."""

import datetime as dt
import json
from urllib.parse import urlsplit

from icalendar import Calendar
from PIL import Image
from sitetools import plain, soup, text, workshop


def base_url(site):
    """Where absolute links point: SITEURL, or in development the dev server."""
    return site.settings["SITEURL"] or site.settings["FEED_DOMAIN"]


def json_ld(site, page):
    [script] = soup(site.out, page).select('script[type="application/ld+json"]')
    return json.loads(script.string)


def schedule_instants(site, zone, sessions_only=False):
    """The schedule page's slot starts (zone "local" or "utc"); with
    sessions_only, breaks left out, as in the sessions calendar."""
    rows = soup(site.out, "schedule/").select("table.schedule tbody tr")
    rows = [r for r in rows if not (sessions_only and "break" in r["class"])]
    selector = ".utc time" if zone == "utc" else ".zones > .nowrap time"
    return [row.select_one(selector)["datetime"] for row in rows]


def test_home_page_describes_the_event_as_the_data_and_schedule_do(site):
    facts = workshop(site.project)
    event = json_ld(site, "")
    starts = schedule_instants(site, "local")
    assert event["@type"] == "Event"
    assert event["startDate"] == starts[0] == facts.schedule[0].start.isoformat()
    assert [sub["startDate"] for sub in event["subEvent"]] == starts
    assert event["location"]["url"] == facts.event.iclr_page_url
    assert event["superEvent"]["name"] == facts.event.super_event["name"]
    assert len(event["organizer"]) == len(facts.organisers)
    assert len(event["performer"]) == len(facts.speakers)
    assert len(event["sponsor"]) == len(facts.sponsors)
    assert event["url"] == f"{base_url(site)}/"
    assert event["image"] == [f"{base_url(site)}/{site.settings['SOCIAL_IMAGE']}"]


def test_papers_page_describes_each_listed_paper(site):
    papers = json_ld(site, "papers/")
    rows = soup(site.out, "papers/").select("table.papers tbody tr")
    titles = [text(row.find("strong")) for row in rows]
    assert papers["numberOfItems"] == len(rows) == len(workshop(site.project).papers)
    assert [plain(i["item"]["name"]) for i in papers["itemListElement"]] == titles
    for page in ("aims/", "schedule/", "keynotes/", "news/"):
        assert not soup(site.out, page).select('script[type="application/ld+json"]')


def calendar(site, label):
    """The calendar that the schedule page's link `label` opens, and its link."""
    links = soup(site.out, "schedule/").select("main a")
    [link] = [a for a in links if label in text(a)]
    path = site.out / urlsplit(link["href"]).path.lstrip("/")
    return link["href"], Calendar.from_ical(path.read_bytes())


def test_calendars_hold_the_workshop_and_each_session_in_utc_with_stable_uids(site):
    facts, config = workshop(site.project), site.settings
    domain = urlsplit(base_url(site)).hostname
    href, whole = calendar(site, "Add the workshop")
    assert href == f"{config['SITEURL']}/{config['CALENDAR_PATH']}"
    [event] = whole.walk("VEVENT")
    assert (event.start, event.end) == (facts.event.utc_start, facts.event.utc_end)
    assert event["UID"] == f"workshop-{facts.event.utc_start:%Y%m%dT%H%M%SZ}@{domain}"
    href, sessions = calendar(site, "sessions")
    assert href == f"{config['SITEURL']}/{config['SCHEDULE_CALENDAR_PATH']}"
    events = sessions.walk("VEVENT")
    slots = [slot for slot in facts.schedule if slot.kind != "break"]
    assert [e.start.isoformat() for e in events] == (
        schedule_instants(site, "utc", sessions_only=True)
    )
    assert [(e.start, e.end, e["UID"]) for e in events] == [
        (s.utc_start, s.utc_end, f"slot-{s.utc_start:%Y%m%dT%H%M%SZ}@{domain}")
        for s in slots
    ]
    for each in [event, *events]:
        assert each.start.tzinfo.utcoffset(each.start) == dt.timedelta(0)
        assert each["DTSTART"].to_ical().endswith(b"Z")
    name = soup(site.out, "").find("meta", property="og:site_name")["content"]
    assert name == facts.event.short_name
    assert str(whole["X-WR-CALNAME"]) == name
    assert str(sessions["X-WR-CALNAME"]).startswith(name)


def test_share_preview_and_touch_icon_are_drawn_by_the_build(site):
    head = soup(site.out, "").head
    image = head.find("meta", property="og:image")["content"]
    assert image == f"{site.settings['SITEURL']}/{site.settings['SOCIAL_IMAGE']}"
    width = int(head.find("meta", property="og:image:width")["content"])
    height = int(head.find("meta", property="og:image:height")["content"])
    assert head.find("meta", property="og:image:alt")["content"].strip()
    assert head.find("meta", attrs={"name": "twitter:card"})["content"] == (
        "summary_large_image"
    )
    with Image.open(site.out / urlsplit(image).path.lstrip("/")) as card:
        assert card.size == (width, height) == (1200, 630)
    icon = head.find("link", rel="apple-touch-icon")["href"]
    with Image.open(site.out / urlsplit(icon).path.lstrip("/")) as touch:
        assert touch.size == (180, 180)
    # Nothing committed: the project holds no copy of either picture.
    assert not list((site.project / "content").rglob("*.png"))
