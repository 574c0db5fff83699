"""What the site tells calendars, search engines and link previews, from the
workshop data (haet/data.py), so next year's data changes it all:

- two iCalendar files: the whole workshop (one event) and every session (one
  event each), in UTC with stable UIDs;
- schema.org JSON-LD for the templates (`event_jsonld`, `papers_jsonld`) and
  a `jsonld` filter that serialises it safely inside <script>;
- the social card and the touch icon, drawn with Pillow;
- reproducible dates: SOURCE_DATE_EPOCH (the commit's time, set by `invoke
  deploy`) dates what no content dates: calendar stamps, the sitemap's index pages.
"""

import datetime as dt
import hashlib
import io
import json
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from markupsafe import Markup
from pelican.plugins.sitemap import sitemap
from PIL import Image, ImageDraw, ImageFont

from .findings import Finding

logger = logging.getLogger(__name__)

SCHEMA_ORG = "https://schema.org"
# event.yaml's `attendance` and the schema.org mode each one means.
ATTENDANCE_MODES = {
    "virtual": "OnlineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
    "in person": "OfflineEventAttendanceMode",
}
# Slots that are no session to attend: no calendar event, no online room.
PAUSES = ("break",)
# Characters that could end the <script> element or open a comment in it.
# JSON allows any character as a \u escape, so the data keeps its meaning.
HTML_UNSAFE_IN_SCRIPT = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


# --- Facts shared by the calendar and the JSON-LD ------------------------------


def event_title(event):
    """The workshop's full name: "Hardware Aware Efficient Training (HAET 2021)"."""
    return f"{event.name} ({event.short_name})"


def event_summary(event):
    """What the workshop is, in the words the site shows."""
    return f"{event_title(event)}, {event.tagline}"


def slot_description(slot):
    """What a slot is, in plain text: the talk and its speaker, then the
    slot's own description."""
    lines = []
    if speaker := slot.speaker:
        lines.append(f"Talk: {speaker.talk}")
        lines.append(f"Speaker: {speaker.name} ({speaker.affiliation})")
    if slot.description:
        lines.append(slot.description)
    return "\n".join(lines)


def site_url(settings):
    """The site's absolute URL: SITEURL, or in development (where SITEURL is
    empty) FEED_DOMAIN, the dev server. "" when neither is set."""
    return (settings.get("SITEURL") or settings.get("FEED_DOMAIN") or "").rstrip("/")


def uid_domain(settings):
    domain = urlsplit(site_url(settings)).hostname
    if not domain:
        raise Finding(
            "pelicanconf.py",
            None,
            "calendar UIDs need a domain",
            "set SITEURL or FEED_DOMAIN",
        )
    return domain


def build_time():
    """Now, or SOURCE_DATE_EPOCH for reproducible builds (reproducible-builds.org)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not epoch.isdigit():
        raise Finding(
            "SOURCE_DATE_EPOCH",
            None,
            f"must be seconds since 1970, got {epoch!r}",
            "set SOURCE_DATE_EPOCH to a whole number, e.g. $(date +%s)",
        )
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


# --- iCalendar -------------------------------------------------------------------


def _uid(kind, start, domain):
    """Stable across builds: the same slot always gets the same UID, so a
    re-imported calendar updates its events instead of adding copies."""
    return f"{kind}-{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}@{domain}"


def _calendar(name, uid, event, entries):
    """A calendar named like the site (SITENAME), so it reads the same in a
    calendar application as in the browser's tab."""
    return Calendar.new(
        prodid=f"-//{event.short_name}//Pelican haet//EN",
        name=name,
        description=event_summary(event),
        url=event.iclr_page_url,
        method="PUBLISH",
        uid=uid,
        subcomponents=entries,
    )


def workshop_calendar(workshop, settings, stamp, programme=""):
    """An iCalendar with one event: the whole workshop; `programme` is the
    schedule page's address."""
    event = workshop.event
    domain = uid_domain(settings)
    lines = [
        event_summary(event),
        f"Talks, panel and live stream: {event.iclr_page_url}",
        f"Poster session: {event.poster_room_url}",
    ]
    if site_url(settings) and programme:
        lines.append(f"Programme: {site_url(settings)}/{programme}")
    entry = CalendarEvent.new(
        uid=_uid("workshop", event.start, domain),
        stamp=stamp,
        start=event.utc_start,
        end=event.utc_end,
        summary=event_title(event),
        description="\n".join(lines),
        url=event.iclr_page_url,
        location=event.iclr_page_url,
    )
    name = settings.get("SITENAME") or event.short_name
    return _calendar(name, f"workshop@{domain}", event, [entry])


def schedule_calendar(workshop, settings, stamp, programme=""):
    """An iCalendar with one event per session; breaks are no session."""
    event = workshop.event
    domain = uid_domain(settings)
    entries = []
    for slot in workshop.schedule:
        if slot.kind in PAUSES:
            continue
        room = workshop.room(slot)
        parts = [slot_description(slot), f"Online: {room}"]
        entries.append(
            CalendarEvent.new(
                uid=_uid("slot", slot.start, domain),
                stamp=stamp,
                start=slot.utc_start,
                end=slot.utc_end,
                summary=f"{event.short_name} · {slot.title}",
                description="\n\n".join(part for part in parts if part),
                url=event.iclr_page_url,
                location=room,
            )
        )
    name = f"{settings.get('SITENAME') or event.short_name}: programme"
    return _calendar(name, f"schedule@{domain}", event, entries)


# --- schema.org JSON-LD ------------------------------------------------------------


def _person(name, affiliation="", url=""):
    person = {"@type": "Person", "name": name}
    if affiliation:
        person["affiliation"] = {"@type": "Organization", "name": affiliation}
    if url:
        person["url"] = url
    return person


def _attendance_mode(event):
    return f"{SCHEMA_ORG}/{ATTENDANCE_MODES[event.attendance]}"


def _event(name, start, end, room, mode):
    """The fields every Event has here, whole workshop or single slot."""
    return {
        "@type": "Event",
        "name": name,
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventAttendanceMode": mode,
        "eventStatus": f"{SCHEMA_ORG}/EventScheduled",
        "location": {"@type": "VirtualLocation", "url": room},
    }


def event_schema(workshop, base_url="", image_url=""):
    """The workshop as a schema.org Event, with Google's required fields (name,
    startDate, location) and the recommended ones the data has; no `offers`, as
    the data has no price. base_url and image_url are absolute, or "" to omit."""
    event = workshop.event
    mode = _attendance_mode(event)
    speakers = {s.id: _person(s.name, s.affiliation, s.url) for s in workshop.speakers}
    data = {
        "@context": SCHEMA_ORG,
        **_event(event_title(event), event.start, event.end, event.iclr_page_url, mode),
        "description": event_summary(event),
    }
    if base_url:
        data["url"] = f"{base_url}/"
    if image_url:
        data["image"] = [image_url]
    data["organizer"] = [
        _person(person.name, person.affiliation, person.url)
        for person in workshop.organisers
    ]
    data["performer"] = list(speakers.values())
    data["sponsor"] = [
        {"@type": "Organization", "name": sponsor.name} for sponsor in workshop.sponsors
    ]
    data["superEvent"] = {"@type": "Event", **event.super_event}
    data["subEvent"] = []
    for slot in workshop.schedule:
        room = workshop.room(slot)
        sub_event = _event(slot.title, slot.start, slot.end, room, mode)
        if description := slot_description(slot):
            sub_event["description"] = description
        if slot.speaker:
            sub_event["performer"] = speakers[slot.speaker.id]
        data["subEvent"].append(sub_event)
    return data


def papers_schema(workshop):
    """The accepted papers, in order, as a schema.org ItemList of ScholarlyArticles."""
    items = []
    for position, paper in enumerate(workshop.papers, 1):
        article = {
            "@type": "ScholarlyArticle",
            "name": paper.title,
            "headline": paper.title,
            "author": [_person(author) for author in paper.authors],
        }
        if paper.award:
            article["award"] = paper.award
        items.append({"@type": "ListItem", "position": position, "item": article})
    return {
        "@context": SCHEMA_ORG,
        "@type": "ItemList",
        "name": f"Papers accepted at {workshop.event.short_name}",
        "numberOfItems": len(items),
        "itemListElement": items,
    }


def jsonld(data):
    """Serialise data as JSON to put between <script> tags, as markup.

    Escaping `<`, `>` and `&` as \\u escapes means no value (a title holding
    "</script>" or "<!--") can end the script element early; the JSON means the
    same. Returned as Markup so autoescaping leaves it alone: HTML entities are
    not decoded inside <script>, so escaping it as HTML would break the JSON.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in HTML_UNSAFE_IN_SCRIPT.items():
        text = text.replace(character, escape)
    return Markup(text)  # noqa: S704 (every character that could end <script> is escaped)


# --- Pictures -----------------------------------------------------------------------

CARD_SIZE = (1200, 630)
ICON_SIZE = 180
BACKGROUND, ACCENT, TEXT = "#0b3d6e", "#ffb15c", "#ffffff"


def _font(size):
    return ImageFont.load_default(size)


def social_card(event):
    """1200×630: the short name big, the full name, the day, time and format."""
    image = Image.new("RGB", CARD_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 110, 96, 520), fill=ACCENT)
    draw.text((130, 100), event.short_name, font=_font(110), fill=TEXT)
    draw.text((130, 260), event.name, font=_font(46), fill=TEXT)
    draw.text((130, 325), event.tagline, font=_font(46), fill=TEXT)
    day = f"{event.start:%A} {event.start.day} {event.start:%B %Y}"
    # Pillow's built-in font has no en dash.
    span = f"{event.start:%H:%M} to {event.end:%H:%M} {event.start.tzname()}"
    draw.text((130, 430), f"{day} · {span}", font=_font(40), fill=ACCENT)
    utc = f"{event.utc_start:%H:%M} to {event.utc_end:%H:%M} UTC"
    draw.text((130, 480), f"{utc} · {event.attendance}", font=_font(40), fill=ACCENT)
    return image


def touch_icon(event):
    """180×180: the short name's first word on the site's colours."""
    image = Image.new("RGB", (ICON_SIZE, ICON_SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    word = event.short_name.split()[0][:5]
    draw.rectangle((0, 150, ICON_SIZE, 162), fill=ACCENT)
    draw.text((ICON_SIZE / 2, 78), word, font=_font(56), fill=TEXT, anchor="mm")
    return image


# PNG encoding (optimize=True) is most of the cost of a development rebuild:
# the same pixels are encoded once per process.
_encoded = {}


def save_png(image, path):
    """Write a PNG that is the same for the same picture (no timestamps)."""
    key = (image.size, hashlib.blake2b(image.tobytes(), digest_size=16).digest())
    if key not in _encoded:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        if len(_encoded) > 8:
            _encoded.clear()
        _encoded[key] = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encoded[key])


# --- Pelican wiring ------------------------------------------------------------------


class EventGenerator:
    """Puts the JSON-LD and the social image in the shared context before any
    page is written, and writes the calendars and pictures with the rest of
    the output, before the checks at `finalized`."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.context = context
        self.settings = settings
        self.output_path = Path(output_path)

    def generate_context(self):
        workshop = self.context["workshop"]
        base_url = site_url(self.settings)
        image = self.settings["SOCIAL_IMAGE"]
        self.context["event_jsonld"] = event_schema(
            workshop, base_url, f"{base_url}/{image}" if base_url else ""
        )
        self.context["papers_jsonld"] = papers_schema(workshop)
        width, height = CARD_SIZE
        alt = f"{event_title(workshop.event)}: {workshop.event.tagline}"
        self.context["social_image"] = {
            "path": image,
            "width": width,
            "height": height,
            "alt": alt,
        }

    def generate_output(self, writer):
        workshop = self.context["workshop"]
        stamp = build_time()
        for setting, build in (
            ("CALENDAR_PATH", workshop_calendar),
            ("SCHEDULE_CALENDAR_PATH", schedule_calendar),
        ):
            path = self.output_path / self.settings[setting]
            path.parent.mkdir(parents=True, exist_ok=True)
            programme = self.context["page_url"].get("schedule", "")
            calendar = build(workshop, self.settings, stamp, programme)
            path.write_bytes(calendar.to_ical())
        for setting, draw in (
            ("SOCIAL_IMAGE", social_card),
            ("TOUCH_ICON_PATH", touch_icon),
        ):
            save_png(draw(workshop.event), self.output_path / self.settings[setting])


def add_jsonld_filter(generator):
    generator.env.filters["jsonld"] = jsonld


def get_generators(pelican):
    return EventGenerator


def stamp_sitemap(pelican):
    """pelican-sitemap dates index pages (home, news, tags) with the time it
    was imported (`generator.now`) and has no setting for it: with
    SOURCE_DATE_EPOCH set, give it the commit's time (README.md, "Reach")."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        sitemap.generator.now = build_time()
