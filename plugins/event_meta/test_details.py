"""The rest of event_meta's promises: every text a calendar application or a
search engine shows, derived from the data; the pictures; the Pelican wiring."""

import dataclasses
import datetime as dt
import json
import logging
import types
import uuid
from pathlib import Path

import pytest
from icalendar import Calendar
from pelican import signals
from PIL import Image
from workshop_data.workshop_data import load_workshop

from event_meta import event_meta, images
from event_meta.event_meta import (
    DEFAULT_SETTINGS,
    ConfigError,
    EventMetaGenerator,
    build_time,
    event_schema,
    jsonld,
    papers_schema,
    schedule_calendar,
    site_url,
    workshop_calendar,
)

DATA = Path(__file__).resolve().parents[2] / "content" / "data"
SITE = "https://haet2021.github.io"
STAMP = dt.datetime(2021, 4, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def workshop():
    return load_workshop(DATA)


def read(calendar):
    return Calendar.from_ical(calendar.to_ical())


def test_a_config_error_names_where_and_the_fix():
    assert str(ConfigError("bad", "do this")) == "pelicanconf.py: bad; fix: do this"
    error = ConfigError("bad", "do this", "content/data/event.yaml")
    assert (error.message, error.fix, error.source) == (
        "bad",
        "do this",
        "content/data/event.yaml",
    )


def test_site_url_has_no_trailing_slash():
    assert site_url({"SITEURL": f"{SITE}/"}) == SITE
    assert site_url({"SITEURL": "", "FEED_DOMAIN": "http://127.0.0.1:8000/"}) == (
        "http://127.0.0.1:8000"
    )
    assert site_url({}) == ""


def test_the_calendars_describe_the_workshop(workshop):
    event = workshop.event
    settings = {"SITEURL": f"{SITE}/", "SITENAME": "My site"}
    whole = read(workshop_calendar(workshop, settings, STAMP))
    summary = f"{event.iclr_title} ({event.tagline})"
    assert str(whole["X-WR-CALNAME"]) == "My site"
    assert str(whole["X-WR-CALDESC"]) == summary
    assert str(whole["UID"]) == "workshop@haet2021.github.io"
    assert str(whole["URL"]) == event.iclr_page_url
    (entry,) = whole.walk("VEVENT")
    assert str(entry["DESCRIPTION"]).splitlines() == [
        summary,
        f"Talks, panel and live stream: {event.iclr_page_url}",
        f"Poster session: {event.poster_room_url}",
        f"Programme: {SITE}/",
    ]
    sessions = read(schedule_calendar(workshop, settings, STAMP))
    assert str(sessions["X-WR-CALNAME"]) == "My site: programme"
    assert str(sessions["UID"]) == "schedule@haet2021.github.io"
    assert str(sessions["X-WR-CALDESC"]) == summary


def test_without_a_site_name_calendars_take_the_short_name(workshop):
    settings = {"EVENT_META_UID_DOMAIN": "haet.example.org"}
    whole = read(workshop_calendar(workshop, settings, STAMP))
    short = workshop.event.short_name
    assert str(whole["X-WR-CALNAME"]) == short
    assert "Programme" not in str(whole.walk("VEVENT")[0]["DESCRIPTION"])
    assert whole.walk("VEVENT")[0]["UID"].endswith("@haet.example.org")
    sessions = read(schedule_calendar(workshop, settings, STAMP))
    assert str(sessions["X-WR-CALNAME"]) == f"{short}: programme"


def test_session_descriptions_give_talk_speaker_and_room(workshop):
    sessions = read(schedule_calendar(workshop, {"SITEURL": SITE}, STAMP))
    slots = [s for s in workshop.schedule if s.kind != "break"]
    for slot, entry in zip(slots, sessions.walk("VEVENT"), strict=True):
        room = (
            workshop.event.poster_room_url
            if slot.kind == "posters"
            else workshop.event.iclr_page_url
        )
        parts = []
        if slot.speaker:
            parts.append(
                f"Talk: {slot.speaker.talk}\n"
                f"Speaker: {slot.speaker.name} ({slot.speaker.affiliation})"
                + (f"\n{slot.description}" if slot.description else "")
            )
        elif slot.description:
            parts.append(slot.description)
        parts.append(f"Online: {room}")
        assert str(entry["DESCRIPTION"]) == "\n\n".join(parts)
        assert str(entry["LOCATION"]) == room


def test_a_slot_with_nothing_to_say_only_gives_its_room(workshop):
    bare = dataclasses.replace(workshop.schedule[0], description="")
    quiet = dataclasses.replace(workshop, schedule=(bare,))
    (entry,) = read(schedule_calendar(quiet, {"SITEURL": SITE}, STAMP)).walk("VEVENT")
    assert str(entry["DESCRIPTION"]) == f"Online: {workshop.event.iclr_page_url}"
    (sub_event,) = event_schema(quiet)["subEvent"]
    assert "description" not in sub_event and "performer" not in sub_event


def test_build_time_is_now_to_the_second(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    stamp = build_time()
    assert stamp.tzinfo is dt.UTC and stamp.microsecond == 0
    assert before <= stamp <= dt.datetime.now(dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert build_time().microsecond == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_time() == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "12.5")
    with pytest.raises(ConfigError) as error:
        build_time()
    assert str(error.value) == (
        "SOURCE_DATE_EPOCH: SOURCE_DATE_EPOCH must be seconds since 1970, got "
        "'12.5'; fix: set SOURCE_DATE_EPOCH to a whole number, e.g. $(date +%s)"
    )


def person(name, affiliation=None, url=None):
    data = {"@type": "Person", "name": name}
    if affiliation:
        data["affiliation"] = {"@type": "Organization", "name": affiliation}
    if url:
        data["url"] = url
    return data


def test_people_in_the_event_jsonld(workshop):
    data = json.loads(jsonld(event_schema(workshop)))
    event = workshop.event
    assert data["description"] == f"{event.iclr_title} ({event.tagline})"
    assert data["organizer"] == [
        person(p.name, p.affiliation, p.url) for p in workshop.organisers
    ]
    assert data["performer"] == [
        person(s.name, s.affiliation, s.url) for s in workshop.speakers
    ]
    assert data["sponsor"] == [
        {"@type": "Organization", "name": s.name} for s in workshop.sponsors
    ]
    assert data["endDate"] == event.end.isoformat()
    for slot, sub_event in zip(workshop.schedule, data["subEvent"], strict=True):
        assert sub_event["name"] == slot.title
        assert sub_event["endDate"] == slot.end.isoformat()
        assert sub_event["@type"] == "Event"
        assert sub_event["eventStatus"] == "https://schema.org/EventScheduled"
        assert sub_event["eventAttendanceMode"] == data["eventAttendanceMode"]
        if slot.speaker:
            assert sub_event["performer"] == person(
                slot.speaker.name, slot.speaker.affiliation, slot.speaker.url
            )
            assert sub_event["description"].startswith(f"Talk: {slot.speaker.talk}")
        elif slot.description:
            assert sub_event["description"] == slot.description


def test_a_person_without_affiliation_or_address(workshop):
    nobody = dataclasses.replace(workshop.organisers[0], affiliation="", url="")
    data = event_schema(dataclasses.replace(workshop, organisers=(nobody,)))
    assert data["organizer"] == [{"@type": "Person", "name": nobody.name}]


@pytest.mark.parametrize(
    ("attendance", "mode"),
    [
        ("hybrid", "MixedEventAttendanceMode"),
        ("in person", "OfflineEventAttendanceMode"),
    ],
)
def test_each_attendance_has_its_mode(workshop, attendance, mode):
    event = dataclasses.replace(workshop.event, attendance=attendance)
    data = event_schema(dataclasses.replace(workshop, event=event))
    assert data["eventAttendanceMode"] == f"https://schema.org/{mode}"


def test_unknown_attendance_names_the_file_and_the_choices(workshop):
    event = dataclasses.replace(workshop.event, attendance="by pigeon")
    with pytest.raises(ConfigError) as error:
        event_schema(dataclasses.replace(workshop, event=event))
    assert str(error.value) == (
        "content/data/event.yaml: attendance must be one of virtual, hybrid, "
        "in person, got 'by pigeon'; fix: write one of: virtual, hybrid, in person"
    )


def test_papers_jsonld_names_the_list_and_the_awards(workshop):
    data = json.loads(jsonld(papers_schema(workshop)))
    assert data["@context"] == "https://schema.org"
    assert data["name"] == f"Papers accepted at {workshop.event.short_name}"
    items = data["itemListElement"]
    assert all(item["@type"] == "ListItem" for item in items)
    for item, paper in zip(items, workshop.papers, strict=True):
        article = item["item"]
        assert article["headline"] == article["name"] == paper.title
        assert article.get("award") == (paper.award or None)
    assert any(paper.award for paper in workshop.papers)


def test_jsonld_keeps_non_ascii_text_readable(workshop):
    text = jsonld(event_schema(workshop))
    assert "Montréal" in text


# --- The generator and the wiring ---------------------------------------------------


def make_generator(workshop, output, **settings):
    settings = {**DEFAULT_SETTINGS, "SITEURL": SITE, **settings}
    context = {"workshop": workshop} if workshop else {}
    return EventMetaGenerator(context, settings, "content", "theme", output)


def test_the_social_image_in_the_context(workshop, tmp_path):
    generator = make_generator(workshop, tmp_path, SOCIAL_IMAGE="images/card.png")
    generator.generate_context()
    event = workshop.event
    assert generator.context["social_image"] == {
        "path": "images/card.png",
        "width": 1200,
        "height": 630,
        "alt": f"{event.name} ({event.short_name}): {event.tagline}",
    }
    assert generator.context["event_jsonld"]["url"] == f"{SITE}/"
    plain = make_generator(workshop, tmp_path)
    plain.generate_context()
    assert "social_image" not in plain.context
    assert "image" not in plain.context["event_jsonld"]
    local = make_generator(workshop, tmp_path, SITEURL="", SOCIAL_IMAGE="card.png")
    local.generate_context()
    assert "image" not in local.context["event_jsonld"]


def test_an_empty_icon_path_draws_no_icon(workshop, tmp_path, caplog):
    generator = make_generator(workshop, tmp_path, EVENT_META_TOUCH_ICON_PATH="")
    with caplog.at_level(logging.INFO, logger=event_meta.logger.name):
        generator.generate_output(writer=None)
    assert not list(tmp_path.rglob("*.png"))
    written = sorted(r.getMessage() for r in caplog.records)
    assert written == [
        f"Writing {tmp_path / 'calendar/schedule.ics'}",
        f"Writing {tmp_path / 'calendar/workshop.ics'}",
    ]


def test_missing_workshop_data_is_logged_as_a_finding(tmp_path, caplog):
    generator = make_generator(None, tmp_path / uuid.uuid4().hex)
    with caplog.at_level(logging.ERROR), pytest.raises(ConfigError) as error:
        generator.generate_output(writer=None)
    (record,) = [r for r in caplog.records if r.name == event_meta.logger.name]
    assert record.levelno == logging.ERROR
    assert (
        record.getMessage()
        == str(error.value)
        == (
            "pelicanconf.py: no workshop data; "
            "fix: add workshop_data to PLUGINS, before event_meta"
        )
    )
    assert record.finding == {
        "source": "pelicanconf.py",
        "line": None,
        "message": "no workshop data",
        "fix": "add workshop_data to PLUGINS, before event_meta",
    }


def test_register_wires_settings_filter_and_generator(workshop, tmp_path):
    event_meta.register()
    try:
        pelican = types.SimpleNamespace(settings={"EVENT_META_UID_DOMAIN": "x.org"})
        signals.initialized.send(pelican)
        assert pelican.settings["EVENT_META_UID_DOMAIN"] == "x.org"
        for name, value in DEFAULT_SETTINGS.items():
            if name != "EVENT_META_UID_DOMAIN":
                assert pelican.settings[name] == value
        generator = types.SimpleNamespace(env=types.SimpleNamespace(filters={}))
        signals.generator_init.send(generator)
        assert generator.env.filters["jsonld"] is jsonld
        answers = [value for _, value in signals.get_generators.send(pelican)]
        assert EventMetaGenerator in answers
    finally:
        signals.initialized.disconnect(event_meta.add_default_settings)
        signals.generator_init.disconnect(event_meta.add_jsonld_filter)
        signals.get_generators.disconnect(event_meta.get_generators)


# --- The pictures -------------------------------------------------------------------


def colours(image, box):
    return {colour for _, colour in image.crop(box).getcolors(maxcolors=1 << 20)}


def rgb(hex_colour):
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_the_social_card_shows_each_fact(workshop):
    event = workshop.event
    card = images.social_card(event)
    assert card.size == (1200, 630) and card.mode == "RGB"
    assert card.getpixel((10, 10)) == rgb(images.BACKGROUND)
    assert card.getpixel((88, 300)) == rgb(images.ACCENT)  # the bar
    assert rgb(images.TEXT) in colours(card, (130, 100, 1200, 400))
    assert rgb(images.ACCENT) in colours(card, (130, 430, 1200, 530))
    # Each fact is drawn: changing it changes the picture where it is.
    changes = {
        "short_name": "XYZ 1999",
        "name": "Another Workshop Entirely",
        "tagline": "Somewhere else",
        "attendance": "in person",
    }
    for name, value in changes.items():
        other = images.social_card(dataclasses.replace(event, **{name: value}))
        assert other.tobytes() != card.tobytes(), name
    later = dataclasses.replace(
        event, start=event.start + dt.timedelta(days=1, hours=1)
    )
    assert images.social_card(later).tobytes() != card.tobytes()


def test_the_touch_icon(workshop):
    event = workshop.event
    icon = images.touch_icon(event)
    assert icon.size == (180, 180)
    assert icon.getpixel((5, 5)) == rgb(images.BACKGROUND)
    assert icon.getpixel((90, 155)) == rgb(images.ACCENT)
    assert rgb(images.TEXT) in colours(icon, (0, 40, 180, 120))

    # The first word, at most five letters: "HAET 2021" and "HAETX 2022" differ,
    # "HAETXY" and "HAETXZ" do not.
    def icon_of(short):
        return images.touch_icon(dataclasses.replace(event, short_name=short))

    assert icon_of("HAET 2021").tobytes() != icon_of("HAETX 2021").tobytes()
    assert icon_of("HAET 2021").tobytes() == icon_of("HAET 2022").tobytes()
    assert icon_of("HAETXY").tobytes() == icon_of("HAETXZ").tobytes()


def test_png_files_are_the_same_for_the_same_picture(workshop, tmp_path):
    card = images.social_card(workshop.event)
    images.save_png(card, tmp_path / "a" / "card.png")
    for number in range(12):  # more pictures than the cache keeps
        images.save_png(Image.new("RGB", (4, 4), (number, 0, 0)), tmp_path / "x.png")
    images.save_png(card, tmp_path / "b" / "card.png")
    first = (tmp_path / "a/card.png").read_bytes()
    assert first == (tmp_path / "b/card.png").read_bytes()
    with Image.open(tmp_path / "a/card.png") as image:
        assert image.format == "PNG" and image.tobytes() == card.tobytes()
    with Image.open(tmp_path / "x.png") as image:
        assert image.getpixel((0, 0)) == (11, 0, 0)


def test_a_percent_sign_in_a_bad_value_is_logged_as_written(
    workshop, tmp_path, monkeypatch, caplog
):
    value = f"100%s{uuid.uuid4().hex[:6]}%d"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with caplog.at_level(logging.ERROR), pytest.raises(ConfigError) as error:
        make_generator(workshop, tmp_path).generate_output(writer=None)
    (record,) = [r for r in caplog.records if r.name == event_meta.logger.name]
    assert record.getMessage() == str(error.value)
    assert repr(value) in record.getMessage()
    assert record.finding["source"] == "SOURCE_DATE_EPOCH"


def test_nested_output_paths_are_created_and_each_file_logged(
    workshop, tmp_path, caplog
):
    generator = make_generator(
        workshop,
        tmp_path,
        EVENT_META_CALENDAR_PATH="a/b/all.ics",
        EVENT_META_SCHEDULE_CALENDAR_PATH="c/d/sessions.ics",
        SOCIAL_IMAGE="e/f/card.png",
        EVENT_META_TOUCH_ICON_PATH="g/h/icon.png",
    )
    with caplog.at_level(logging.INFO, logger=event_meta.logger.name):
        generator.generate_output(writer=None)
    paths = ["a/b/all.ics", "c/d/sessions.ics", "e/f/card.png", "g/h/icon.png"]
    assert all((tmp_path / path).is_file() for path in paths)
    assert [r.getMessage() for r in caplog.records] == [
        f"Writing {tmp_path / path}" for path in paths
    ]


def test_the_icons_word_is_centred(workshop):
    icon = images.touch_icon(workshop.event)
    white = [
        (x, y)
        for x in range(180)
        for y in range(150)
        if icon.getpixel((x, y)) == rgb(images.TEXT)
    ]
    middle = (min(x for x, _ in white) + max(x for x, _ in white)) / 2
    assert abs(middle - 90) <= 3


# The card's lines, top to bottom: (band of rows, colour, least glyph height).
CARD_LINES = {
    "short_name": ((95, 250), images.TEXT, 60),
    "name": ((255, 320), images.TEXT, 25),
    "tagline": ((320, 385), images.TEXT, 25),
    "day and time": ((425, 478), images.ACCENT, 20),
    "utc and format": ((478, 540), images.ACCENT, 20),
}


def band(card, rows):
    return card.crop((110, rows[0], 1200, rows[1]))


def test_each_line_of_the_social_card_is_drawn_large_in_its_colour(workshop):
    card = images.social_card(workshop.event)
    background = rgb(images.BACKGROUND)
    for line, (rows, colour, height) in CARD_LINES.items():
        part = band(card, rows)
        inked = [
            y
            for y in range(part.height)
            for x in range(0, part.width, 2)
            if part.getpixel((x, y)) != background
        ]
        assert max(inked) - min(inked) >= height, line
        assert rgb(colour) in colours(part, (0, 0, part.width, part.height)), line
        other = images.TEXT if colour == images.ACCENT else images.ACCENT
        assert rgb(other) not in colours(part, (0, 0, part.width, part.height)), line


def test_the_day_and_the_times_are_each_drawn(workshop):
    event = workshop.event
    card = images.social_card(event)
    day_rows, utc_rows = CARD_LINES["day and time"][0], CARD_LINES["utc and format"][0]
    next_day = dataclasses.replace(
        event,
        start=event.start + dt.timedelta(days=1),
        end=event.end + dt.timedelta(days=1),
    )
    later = dataclasses.replace(event, start=event.start + dt.timedelta(hours=1))
    for other in (next_day, later):
        drawn = images.social_card(other)
        assert band(drawn, day_rows).tobytes() != band(card, day_rows).tobytes()
    assert (
        band(images.social_card(later), utc_rows).tobytes()
        != band(card, utc_rows).tobytes()
    )


def test_uids_do_not_depend_on_the_build_machines_zone(workshop, monkeypatch):
    import time

    settings = {"SITEURL": SITE}
    before = [e["UID"] for e in schedule_calendar(workshop, settings, STAMP).walk()]
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        after = [e["UID"] for e in schedule_calendar(workshop, settings, STAMP).walk()]
    finally:
        monkeypatch.undo()
        time.tzset()
    assert after == before


def test_no_domain_is_a_clear_error():
    with pytest.raises(ConfigError) as error:
        event_meta.uid_domain({})
    assert str(error.value) == (
        "pelicanconf.py: calendar UIDs need a domain; "
        "fix: set SITEURL, FEED_DOMAIN or EVENT_META_UID_DOMAIN"
    )
