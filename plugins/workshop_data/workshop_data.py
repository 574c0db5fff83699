"""Load the workshop's YAML data lists, validate them, and hand them to templates.

Every generator shares one context dict per build, so the data is loaded once
per build (and again on every rebuild, so edits show up under livereload).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pelican import signals

logger = logging.getLogger(__name__)

CONTEXT_KEY = "workshop"
SLOT_KINDS = ("opening", "keynote", "break", "posters", "panel", "closing")


class DataError(Exception):
    """Bad data: the message names the file and the line."""


# --- Reading YAML with line numbers ----------------------------------------


class Entry(dict):
    """A YAML mapping that remembers its line and the line of each field."""

    line = 0
    field_lines: dict


# libyaml's parser when PyYAML has it: ten times faster, which every rebuild of
# the development server feels; the same marks (lines) and errors.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A SafeLoader whose mappings are Entries."""


def _construct_mapping(loader, node):
    entry = Entry(loader.construct_mapping(node, deep=True))
    entry.line = node.start_mark.line + 1
    entry.field_lines = {
        key.value: key.start_mark.line + 1 for key, _ in node.value if key.tag
    }
    return entry


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


class Where:
    """Where an entry is, for messages: where() is the entry's first line,
    where("field") the line of that field."""

    def __init__(self, path, entry, index=None):
        self.path, self.entry, self.index = path, entry, index

    def __call__(self, field=None):
        lines = getattr(self.entry, "field_lines", {})
        line = lines.get(field) or getattr(self.entry, "line", 0)
        place = f"{self.path}:{line}" if line else str(self.path)
        return f"{place} (entry {self.index})" if self.index else place


def read_yaml(path):
    """Parse one data file; syntax errors become a DataError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader)
    except FileNotFoundError:
        raise DataError(f"{path}: missing data file") from None
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text ({error.reason})") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataError(f"{where}: YAML syntax error: {error.problem}") from None


# --- The data model ----------------------------------------------------------


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    affiliation: str
    talk: str
    summary: str
    url: str = ""


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    kind: str
    title: str
    description: str = ""
    speaker: Speaker | None = None

    @property
    def utc_start(self):
        return self.start.astimezone(dt.UTC)

    @property
    def utc_end(self):
        return self.end.astimezone(dt.UTC)


@dataclass(frozen=True)
class Paper:
    id: int
    title: str
    authors: tuple[str, ...]
    track: str
    award: str = ""
    video: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    affiliation: str
    url: str = ""


@dataclass(frozen=True)
class Sponsor:
    name: str


@dataclass(frozen=True)
class KeyDate:
    what: str
    date: dt.date
    deadline: dt.datetime | None = None  # when a time (and zone) is given
    note: str = ""


@dataclass(frozen=True)
class Rank:
    rank: int
    team: str
    accuracy: float
    members: tuple[str, ...]
    code: str
    paper: Paper


@dataclass(frozen=True)
class Event:
    name: str
    short_name: str
    iclr_title: str
    tagline: str
    start: dt.datetime
    end: dt.datetime
    timezone: ZoneInfo
    attendance: str
    registration_url: str
    iclr_page_url: str
    poster_room_url: str
    proceedings_url: str
    proceedings_date: dt.date
    contact: tuple[str, ...]
    super_event: dict

    @property
    def zone_label(self):
        """The workshop's zone as people say it, e.g. "CEST (GMT+2)"."""
        hours = self.start.utcoffset().total_seconds() / 3600
        return f"{self.start.tzname()} (GMT{hours:+g})"

    @property
    def utc_start(self):
        return self.start.astimezone(dt.UTC)

    @property
    def utc_end(self):
        return self.end.astimezone(dt.UTC)


@dataclass(frozen=True)
class Workshop:
    event: Event
    speakers: tuple[Speaker, ...]
    schedule: tuple[Slot, ...]
    papers: tuple[Paper, ...]
    organisers: tuple[Person, ...]
    sponsors: tuple[Sponsor, ...]
    dates: tuple[KeyDate, ...]
    ranking: tuple[Rank, ...]


# --- Validation --------------------------------------------------------------

# field: (type, required). Unknown fields are errors, to catch typos.
SCHEMAS = {
    "event": {
        "name": (str, True),
        "short_name": (str, True),
        "iclr_title": (str, True),
        "tagline": (str, True),
        "date": (dt.date, True),
        "start": (str, True),
        "end": (str, True),
        "timezone": (str, True),
        "attendance": (str, True),
        "registration_url": (str, True),
        "iclr_page_url": (str, True),
        "poster_room_url": (str, True),
        "proceedings_url": (str, True),
        "proceedings_date": (dt.date, True),
        "contact": (list, True),
        "super_event": (dict, True),
    },
    "speakers": {
        "id": (str, True),
        "name": (str, True),
        "affiliation": (str, True),
        "talk": (str, True),
        "summary": (str, True),
        "url": (str, False),
    },
    "schedule": {
        "start": (str, True),
        "end": (str, True),
        "kind": (str, True),
        "title": (str, False),
        "description": (str, False),
        "speaker": (str, False),
    },
    "papers": {
        "id": (int, True),
        "title": (str, True),
        "authors": (list, True),
        "track": (str, True),
        "award": (str, False),
        "video": (str, False),
    },
    "organisers": {
        "name": (str, True),
        "affiliation": (str, True),
        "url": (str, False),
    },
    "sponsors": {"name": (str, True)},
    "dates": {
        "what": (str, True),
        "date": (dt.date, True),
        "time": (str, False),
        "zone": (str, False),
        "note": (str, False),
    },
    "ranking": {
        "rank": (int, True),
        "team": (str, True),
        "accuracy": (float, True),
        "members": (list, True),
        "code": (str, True),
        "paper": (int, True),
    },
}
TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    list: "a list",
    dict: "a mapping",
    dt.date: "a date (YYYY-MM-DD)",
}


def check_entry(entry, schema, where):
    """Return the entry, or raise a DataError naming what is wrong and where."""
    if not isinstance(entry, dict):
        raise DataError(f"{where()}: expected a mapping of fields, got {entry!r}")
    unknown = sorted(set(entry) - set(schema))
    if unknown:
        raise DataError(
            f"{where(unknown[0])}: unknown field {', '.join(unknown)} "
            f"(known fields: {', '.join(schema)})"
        )
    for name, (kind, required) in schema.items():
        value = entry.get(name)
        if value is None or value == "":
            if required:
                raise DataError(f"{where()}: missing field '{name}'")
            continue
        if isinstance(value, bool) or not isinstance(value, kind):
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                continue
            if kind is str and isinstance(value, int):
                # YAML 1.1 reads an unquoted 13:45 as the number 825.
                raise DataError(
                    f"{where(name)}: field '{name}' must be text; write numbers "
                    f'and times in quotes, like "13:45"'
                )
            raise DataError(
                f"{where(name)}: field '{name}' must be {TYPE_NAMES[kind]}, "
                f"got {value!r}"
            )
    return entry


def read_list(path, schema):
    """Read a data file holding a list of entries; yield (where, entry) pairs."""
    data = read_yaml(path)
    if not isinstance(data, list) or not data:
        raise DataError(f"{path}: expected a non-empty list of entries")
    for index, entry in enumerate(data, 1):
        where = Where(path, entry, index)
        yield where, check_entry(entry, schema, where)


def parse_time(day, entry, name, zone, where):
    try:
        clock = dt.time.fromisoformat(entry[name])
    except ValueError:
        raise DataError(
            f"{where(name)}: field '{name}' must be a time like 13:45, "
            f"got {entry[name]!r}"
        ) from None
    return dt.datetime.combine(day, clock, tzinfo=zone)


def parse_zone(entry, name, where):
    """An IANA name (Europe/Paris) or a fixed offset (+02:00, -11:00)."""
    text = entry[name]
    if text[:1] in "+-":
        try:
            offset = dt.datetime.strptime(text, "%z").utcoffset()
        except ValueError:
            raise DataError(
                f"{where(name)}: zone must look like -11:00, got {text!r}"
            ) from None
        return dt.timezone(offset, f"UTC{text[0]}{int(text[1:3])}")
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise DataError(f"{where(name)}: unknown time zone {text!r}") from None


def check_span(start, end, where):
    if end <= start:
        raise DataError(
            f"{where('end')}: ends ({end:%H:%M}) before it starts ({start:%H:%M})"
        )


EVENT_FIELDS = ("name", "short_name", "iclr_title", "tagline", "attendance",
                "registration_url", "iclr_page_url", "poster_room_url",
                "proceedings_url", "proceedings_date", "super_event")  # fmt: skip


def load_event(path):
    raw = read_yaml(path)
    where = Where(path, raw)
    check_entry(raw, SCHEMAS["event"], where)
    zone = parse_zone(raw, "timezone", where)
    event = Event(
        **{name: raw[name] for name in EVENT_FIELDS},
        start=parse_time(raw["date"], raw, "start", zone, where),
        end=parse_time(raw["date"], raw, "end", zone, where),
        timezone=zone,
        contact=tuple(raw["contact"]),
    )
    check_span(event.start, event.end, where)
    return event


def load_schedule(path, event, speakers):
    schedule = []
    for where, entry in read_list(path, SCHEMAS["schedule"]):
        if entry["kind"] not in SLOT_KINDS:
            raise DataError(
                f"{where('kind')}: kind must be one of {', '.join(SLOT_KINDS)}, "
                f"got {entry['kind']!r}"
            )
        speaker = None
        if "speaker" in entry:
            speaker = speakers.get(entry["speaker"])
            if speaker is None:
                raise DataError(
                    f"{where('speaker')}: unknown speaker '{entry['speaker']}' "
                    f"(not an id in speakers.yaml)"
                )
        elif entry["kind"] == "keynote":
            raise DataError(f"{where()}: a keynote needs a 'speaker'")
        title = entry.get("title") or (speaker and f"Keynote: {speaker.name}")
        if not title:
            raise DataError(f"{where()}: missing field 'title'")
        day, zone = event.start.date(), event.timezone
        slot = Slot(
            start=parse_time(day, entry, "start", zone, where),
            end=parse_time(day, entry, "end", zone, where),
            kind=entry["kind"],
            title=title,
            description=entry.get("description", ""),
            speaker=speaker,
        )
        check_span(slot.start, slot.end, where)
        if schedule and slot.start < schedule[-1].end:
            raise DataError(
                f"{where('start')}: starts at {slot.start:%H:%M}, before the "
                f"previous slot ends ({schedule[-1].end:%H:%M})"
            )
        schedule.append(slot)
    return tuple(schedule)


def load_dates(path, event):
    dates = []
    for where, entry in read_list(path, SCHEMAS["dates"]):
        deadline = None
        if "time" in entry:
            zone = (
                parse_zone(entry, "zone", where) if "zone" in entry else event.timezone
            )
            deadline = parse_time(entry["date"], entry, "time", zone, where)
        dates.append(
            KeyDate(entry["what"], entry["date"], deadline, entry.get("note", ""))
        )
    return tuple(dates)


def unique(path, schema, key, kind):
    """Entries of a list file by their `key` field, refusing duplicates."""
    entries = {}
    for where, entry in read_list(path, schema):
        if entry[key] in entries:
            raise DataError(f"{where(key)}: duplicate {kind} {key} {entry[key]!r}")
        entries[entry[key]] = entry
    return entries


def load_workshop(data_dir):
    """Read and validate every data file under data_dir into a Workshop."""
    data_dir = Path(data_dir)
    event = load_event(data_dir / "event.yaml")
    speakers = {
        id_: Speaker(**entry)
        for id_, entry in unique(
            data_dir / "speakers.yaml", SCHEMAS["speakers"], "id", "speaker"
        ).items()
    }
    papers = {
        id_: Paper(**{**entry, "authors": tuple(entry["authors"])})
        for id_, entry in unique(
            data_dir / "papers.yaml", SCHEMAS["papers"], "id", "paper"
        ).items()
    }
    ranking = []
    for where, entry in read_list(data_dir / "ranking.yaml", SCHEMAS["ranking"]):
        if entry["paper"] not in papers:
            raise DataError(f"{where('paper')}: unknown paper id {entry['paper']}")
        members, paper = tuple(entry["members"]), papers[entry["paper"]]
        ranking.append(Rank(**{**entry, "members": members, "paper": paper}))

    def plain_list(name, model):
        return tuple(
            model(**e) for _, e in read_list(data_dir / name, SCHEMAS[name[:-5]])
        )

    return Workshop(
        event=event,
        speakers=tuple(speakers.values()),
        schedule=load_schedule(data_dir / "schedule.yaml", event, speakers),
        papers=tuple(papers.values()),
        organisers=plain_list("organisers.yaml", Person),
        sponsors=plain_list("sponsors.yaml", Sponsor),
        dates=load_dates(data_dir / "dates.yaml", event),
        ranking=tuple(ranking),
    )


# --- Pelican wiring ------------------------------------------------------------


def add_workshop_to_context(generator):
    """Load the data once per build into the context every generator shares."""
    if CONTEXT_KEY in generator.context:
        return
    settings = generator.settings
    data_dir = Path(settings["PATH"]) / settings.get("WORKSHOP_DATA_PATH", "data")
    if data_dir.is_relative_to(Path.cwd()):
        data_dir = data_dir.relative_to(Path.cwd())  # shorter messages
    try:
        generator.context[CONTEXT_KEY] = load_workshop(data_dir)
    except DataError as error:
        # Pelican prints a traceback for exceptions; a data error is the
        # organiser's to fix, so say where and stop without one.
        logger.error("Workshop data: %s", error)
        raise SystemExit(1) from None


def register():
    signals.generator_init.connect(add_workshop_to_context)
