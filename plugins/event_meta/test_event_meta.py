import dataclasses
import datetime as dt
import json
import logging
import re
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar
from workshop_data.workshop_data import load_workshop

from event_meta.event_meta import (
    DEFAULT_SETTINGS,
    ConfigError,
    EventMetaGenerator,
    event_schema,
    jsonld,
    papers_schema,
    schedule_calendar,
    uid_domain,
    workshop_calendar,
)

DATA = Path(__file__).resolve().parents[2] / "content" / "data"
SITE = "https://haet2021.github.io"
ICLR_PAGE = "https://iclr.cc/virtual/2021/workshop/2136"
POSTER_ROOM = "https://eventhosts.gather.town/app/8GTU1Np5og1tJ0ab/Poster%20Session"
STAMP = dt.datetime(2021, 4, 1, 12, 0, tzinfo=dt.UTC)
# The programme in UTC, written out by hand from the published schedule
# (13:45-21:00 CEST), not computed the way the plugin computes it.
SLOTS_UTC = [
    ("11:45", "12:00"),
    ("12:00", "12:30"),
    ("12:30", "13:00"),
    ("13:00", "13:30"),
    ("13:30", "14:00"),
    ("14:00", "15:30"),
    ("15:30", "16:30"),
    ("16:30", "17:00"),
    ("17:00", "17:30"),
    ("17:30", "18:00"),
    ("18:00", "18:30"),
    ("18:30", "19:00"),
]
# The two breaks (13:30-14:00 and 16:30-17:00 UTC) are no session to attend.
BREAKS_UTC = [("13:30", "14:00"), ("16:30", "17:00")]
SESSIONS_UTC = [slot for slot in SLOTS_UTC if slot not in BREAKS_UTC]


def utc(clock):
    hour, minute = map(int, clock.split(":"))
    return dt.datetime(2021, 5, 7, hour, minute, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def workshop():
    return load_workshop(DATA)


def parse_back(calendar):
    """What a calendar application reads: the serialised bytes, parsed again."""
    raw = calendar.to_ical()
    return raw, Calendar.from_ical(raw)


# --- iCalendar -------------------------------------------------------------------


def test_workshop_calendar_has_one_event_with_every_field(workshop):
    raw, calendar = parse_back(workshop_calendar(workshop, {"SITEURL": SITE}, STAMP))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//HAET 2021//Pelican event_meta//EN"
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event.start == utc("11:45") and event.end == utc("19:00")
    assert b"DTSTART:20210507T114500Z" in raw and b"DTEND:20210507T190000Z" in raw
    assert event["UID"] == "workshop-20210507T114500Z@haet2021.github.io"
    assert event.DTSTAMP == STAMP
    assert event["SUMMARY"] == "Hardware Aware Efficient Training (HAET 2021)"
    assert event["URL"] == ICLR_PAGE and event["LOCATION"] == ICLR_PAGE
    description = str(event["DESCRIPTION"])
    assert "Hardware-Aware Efficient Training of Deep Learning Models" in description
    assert POSTER_ROOM in description and f"{SITE}/" in description


def test_schedule_calendar_has_every_slot_at_its_utc_time(workshop):
    raw, calendar = parse_back(schedule_calendar(workshop, {"SITEURL": SITE}, STAMP))
    events = calendar.walk("VEVENT")
    assert len(events) == 10
    assert [(e.start, e.end) for e in events] == [
        (utc(start), utc(end)) for start, end in SESSIONS_UTC
    ]
    # Written in UTC ("Z"), with no TZID or VTIMEZONE for a reader to get wrong.
    assert re.findall(rb"^DTSTART:(\d{8}T\d{4})00Z\r$", raw, re.MULTILINE) == [
        f"20210507T{start.replace(':', '')}".encode() for start, _ in SESSIONS_UTC
    ]
    assert b"TZID" not in raw and b"VTIMEZONE" not in raw
    assert all(e.DTSTAMP == STAMP for e in events)
    assert events[0]["UID"] == "slot-20210507T114500Z@haet2021.github.io"
    assert len({e["UID"] for e in events}) == 10
    assert not [e for e in events if "Break" in e["SUMMARY"]]
    assert all(e["URL"] == ICLR_PAGE for e in events)
    assert events[0]["SUMMARY"] == "HAET 2021 · Opening"
    assert "introduction of the speakers" in events[0]["DESCRIPTION"]


def test_keynotes_name_speaker_and_talk_in_the_description(workshop):
    _, calendar = parse_back(schedule_calendar(workshop, {"SITEURL": SITE}, STAMP))
    gross = calendar.walk("VEVENT")[1]
    assert gross["SUMMARY"] == "HAET 2021 · Keynote: Warren Gross"
    assert gross["DESCRIPTION"].splitlines()[:2] == [
        "Talk: Stochastic Computing for Machine Learning towards an Intelligent Edge",
        "Speaker: Warren Gross (McGill University)",
    ]
    keynotes = [e for e in calendar.walk("VEVENT") if "Keynote" in e["SUMMARY"]]
    assert len(keynotes) == 6
    assert all("Talk: " in e["DESCRIPTION"] for e in keynotes)


def test_the_poster_session_is_located_in_its_own_room(workshop):
    _, calendar = parse_back(schedule_calendar(workshop, {"SITEURL": SITE}, STAMP))
    locations = {e["SUMMARY"]: e["LOCATION"] for e in calendar.walk("VEVENT")}
    assert locations.pop("HAET 2021 · Poster session and open discussion") == (
        POSTER_ROOM
    )
    assert set(locations.values()) == {ICLR_PAGE}


def test_uids_are_stable_between_builds(workshop):
    later = STAMP + dt.timedelta(days=30)
    uids = [
        [e["UID"] for e in schedule_calendar(workshop, {"SITEURL": SITE}, s).walk()]
        for s in (STAMP, later)
    ]
    assert uids[0] == uids[1]
    first = workshop_calendar(workshop, {"SITEURL": SITE}, STAMP).to_ical()
    assert first == workshop_calendar(workshop, {"SITEURL": SITE}, STAMP).to_ical()


def test_files_follow_the_line_rules_of_rfc_5545(workshop):
    raw = schedule_calendar(workshop, {"SITEURL": SITE}, STAMP).to_ical()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75


def test_uid_domain_comes_from_the_site_url():
    assert uid_domain({"SITEURL": SITE}) == "haet2021.github.io"
    assert uid_domain({"SITEURL": "", "FEED_DOMAIN": "http://127.0.0.1:8000"}) == (
        "127.0.0.1"
    )
    setting = {"SITEURL": SITE, "EVENT_META_UID_DOMAIN": "haet.example.org"}
    assert uid_domain(setting) == "haet.example.org"
    with pytest.raises(ConfigError, match="EVENT_META_UID_DOMAIN"):
        uid_domain({"SITEURL": ""})


# --- JSON-LD -----------------------------------------------------------------------


def test_event_has_googles_required_fields_and_the_facts(workshop):
    image = f"{SITE}/images/social-card.png"
    data = json.loads(jsonld(event_schema(workshop, SITE, image)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Hardware Aware Efficient Training (HAET 2021)"
    assert data["location"] == {"@type": "VirtualLocation", "url": ICLR_PAGE}
    assert data["startDate"] == "2021-05-07T13:45:00+02:00"
    assert data["startDate"] == workshop.schedule[0].start.isoformat()
    assert data["endDate"] == workshop.schedule[-1].end.isoformat()
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["url"] == f"{SITE}/" and data["image"] == [image]
    assert data["superEvent"] == {
        "@type": "Event",
        "name": "ICLR 2021",
        "url": "https://iclr.cc/",
    }
    assert [s["name"] for s in data["sponsor"]] == [
        "Huawei",
        "Deeplite",
        "Intel",
        "NVIDIA",
    ]
    assert data["organizer"][0]["name"] == "Ghouthi Boukli Hacene"
    assert len(data["organizer"]) == 7 and len(data["performer"]) == 6
    assert "offers" not in data  # the data has no price to offer


def test_sub_events_are_the_schedule_slots(workshop):
    sub_events = event_schema(workshop)["subEvent"]
    starts = [
        dt.datetime.fromisoformat(e["startDate"]).astimezone(dt.UTC) for e in sub_events
    ]
    assert starts == [utc(start) for start, _ in SLOTS_UTC]
    for sub_event in sub_events:
        assert {"name", "startDate", "location"} <= sub_event.keys()
        assert sub_event["startDate"].endswith("+02:00")
    assert sub_events[1]["performer"]["name"] == "Warren Gross"
    assert sub_events[5]["location"]["url"] == POSTER_ROOM


def test_urls_are_left_out_without_an_absolute_site_url(workshop):
    data = event_schema(workshop)
    assert "url" not in data and "image" not in data


def test_unknown_attendance_is_a_clear_error(workshop):
    event = dataclasses.replace(workshop.event, attendance="by carrier pigeon")
    odd = dataclasses.replace(workshop, event=event)
    with pytest.raises(ConfigError, match="attendance must be one of virtual"):
        event_schema(odd)


def test_papers_are_scholarly_articles_with_their_authors(workshop):
    data = json.loads(jsonld(papers_schema(workshop)))
    assert data["@type"] == "ItemList" and data["numberOfItems"] == 20
    items = data["itemListElement"]
    assert [item["position"] for item in items] == list(range(1, 21))
    first = items[0]["item"]
    assert first["@type"] == "ScholarlyArticle"
    assert first["name"] == "GradMax: Gradient Maximizing Neural Network Growth"
    assert first["author"][0] == {"@type": "Person", "name": "Utku Evci"}
    for item, paper in zip(items, workshop.papers, strict=True):
        assert [a["name"] for a in item["item"]["author"]] == list(paper.authors)


HOSTILE = "</script><script>alert('x')</script> & <!-- Fish & Chips -->"


def test_jsonld_cannot_break_out_of_its_script_element(workshop):
    paper = dataclasses.replace(workshop.papers[0], title=HOSTILE)
    hostile = dataclasses.replace(workshop, papers=(paper,))
    data = papers_schema(hostile)
    text = jsonld(data)
    assert not {"<", ">", "&"} & set(text)
    assert json.loads(text) == data

    # As the theme uses it, with autoescaping on.
    env = jinja2.Environment(autoescape=True)
    env.filters["jsonld"] = jsonld
    template = env.from_string(
        '<script type="application/ld+json">{{ data|jsonld }}</script><p>after</p>'
    )
    page = BeautifulSoup(template.render(data=data), "html.parser")
    (script,) = page.find_all("script")
    assert json.loads(script.string)["itemListElement"][0]["item"]["name"] == HOSTILE
    assert page.p.string == "after"


# --- The generator, as Pelican drives it ---------------------------------------------


def make_generator(workshop, output, **settings):
    settings = {**DEFAULT_SETTINGS, "SITEURL": SITE, **settings}
    context = {"workshop": workshop} if workshop else {}
    return EventMetaGenerator(context, settings, "content", "theme", output)


def test_generator_writes_both_calendars_where_the_settings_say(workshop, tmp_path):
    generator = make_generator(
        workshop,
        tmp_path,
        EVENT_META_CALENDAR_PATH="cal/all.ics",
        SOCIAL_IMAGE="images/card.png",
    )
    generator.generate_context()
    generator.generate_output(writer=None)
    assert generator.context["event_jsonld"]["image"] == [f"{SITE}/images/card.png"]
    assert generator.context["papers_jsonld"]["numberOfItems"] == 20
    whole = Calendar.from_ical((tmp_path / "cal/all.ics").read_bytes())
    schedule = Calendar.from_ical((tmp_path / "calendar/schedule.ics").read_bytes())
    assert len(whole.walk("VEVENT")) == 1 and len(schedule.walk("VEVENT")) == 10


def test_an_empty_path_writes_no_calendar(workshop, tmp_path):
    generator = make_generator(workshop, tmp_path, EVENT_META_CALENDAR_PATH="")
    generator.generate_output(writer=None)
    assert [p.name for p in tmp_path.rglob("*.ics")] == ["schedule.ics"]


def test_dtstamp_honours_source_date_epoch(workshop, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1620000000")
    make_generator(workshop, tmp_path).generate_output(writer=None)
    calendar = Calendar.from_ical((tmp_path / "calendar/workshop.ics").read_bytes())
    stamp = calendar.walk("VEVENT")[0].DTSTAMP
    assert stamp == dt.datetime(2021, 5, 3, 0, 0, tzinfo=dt.UTC)


def test_a_bad_source_date_epoch_is_a_clear_error(workshop, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ConfigError):
        make_generator(workshop, tmp_path).generate_output(writer=None)


def test_without_workshop_data_the_build_stops_with_one_line(tmp_path, caplog):
    generator = make_generator(None, tmp_path)
    with caplog.at_level(logging.ERROR), pytest.raises(ConfigError):
        generator.generate_context()
    assert "add workshop_data to PLUGINS" in caplog.text


def test_calendars_are_named_like_the_site(workshop):
    settings = {"SITEURL": SITE, "SITENAME": "HAET 2021"}
    whole = workshop_calendar(workshop, settings, STAMP)
    sessions = schedule_calendar(workshop, settings, STAMP)
    assert str(whole["X-WR-CALNAME"]) == "HAET 2021"
    assert str(sessions["X-WR-CALNAME"]).startswith("HAET 2021")


def test_generator_draws_the_social_card_and_touch_icon(workshop, tmp_path):
    from PIL import Image

    generator = make_generator(
        workshop,
        tmp_path,
        SOCIAL_IMAGE="images/card.png",
        EVENT_META_TOUCH_ICON_PATH="apple-touch-icon.png",
    )
    generator.generate_context()
    generator.generate_output(writer=None)
    card = generator.context["social_image"]
    assert (card["width"], card["height"]) == (1200, 630)
    assert workshop.event.short_name in card["alt"]
    with Image.open(tmp_path / "images/card.png") as image:
        assert image.size == (1200, 630)
    with Image.open(tmp_path / "apple-touch-icon.png") as image:
        assert image.size == (180, 180)
    first = (tmp_path / "images/card.png").read_bytes()
    generator.generate_output(writer=None)
    assert (tmp_path / "images/card.png").read_bytes() == first
