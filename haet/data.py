"""Load the workshop's YAML data lists, validate them, and hand them to templates.

One schema: the dataclasses below. Each field's YAML form (type, whether it is
required, its allowed values) is derived from the field's annotation, default
and metadata, so a field is declared once. Every generator shares one context
dict per build, so the data is loaded once per build (and again on every
rebuild, so edits show up under livereload).
"""

import dataclasses
import datetime as dt
import difflib
import functools
import logging
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .findings import Finding, project_path, report

logger = logging.getLogger(__name__)

CONTEXT_KEY = "workshop"
SLOT_KINDS = ("opening", "keynote", "break", "posters", "panel", "closing")
PAPER_TRACKS = ("workshop", "challenge")
ATTENDANCE = ("virtual", "hybrid", "in person")
DATE_KINDS = ("submission", "notification", "camera-ready")
REVIEW_KINDS = ("double-blind", "single-blind", "open")
# The workshop's phases, in order: submissions open, then the weeks before the
# day, the day itself, and afterwards.
PHASES = ("open", "upcoming", "live", "over")


# --- Reading YAML with line numbers ----------------------------------------


class Entry(dict):
    """A YAML mapping that remembers its line and the line of each field."""

    line = 0
    field_lines: dict


# libyaml's parser when PyYAML has it: ten times faster, which every rebuild of
# the development server feels; the same marks (lines) and errors.
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A SafeLoader whose mappings are Entries."""


class Mistake(yaml.constructor.ConstructorError):
    """A mistake found while reading: `problem` is what, `context` the fix."""


def _construct_mapping(loader, node):
    lines = {}
    for key, _ in node.value:
        if key.value in lines:
            raise Mistake(
                "keep one of them",
                None,
                f"'{key.value}' is given twice (also on line {lines[key.value]})",
                key.start_mark,
            )
        lines[key.value] = key.start_mark.line + 1
    entry = Entry(loader.construct_mapping(node, deep=True))
    entry.line = node.start_mark.line + 1
    entry.field_lines = {
        key.value: key.start_mark.line + 1 for key, _ in node.value if key.tag
    }
    return entry


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def _construct_timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:  # 2021-02-30: a date that does not exist
        raise Mistake(
            "write a date that exists, YYYY-MM-DD",
            None,
            f"{node.value} is not a real date ({error})",
            node.start_mark,
        ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

# A value that opens a quote and does not close it on its own line.
UNCLOSED_QUOTE = re.compile(
    r"""^\s*(?:-\s+)?[\w-]+:\s+(?:"(?:[^"\\]|\\.)*|'(?:[^']|'')*)$"""
)


def unclosed_quote_line(text, before):
    """The first line (1-based) up to line `before` whose value opens a quote
    it does not close: YAML reads on to the next quote, often many lines
    below, and reports the error there."""
    for number, line in enumerate(text.splitlines()[:before], 1):
        if UNCLOSED_QUOTE.match(line):
            return number
    return None


def refuse_aliases(text, source):
    """YAML's anchors and aliases (&a, *a) can make a few bytes expand into
    megabytes of page; these files never need them."""
    for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
            raise Finding(
                source,
                token.start_mark.line + 1,
                "YAML anchors and aliases (&name, *name) are not used in these files",
                "write the value out in full",
            )


def read_yaml(path, source=None):
    """Parse one data file; syntax errors become a Finding at the line of
    the mistake. `source` is the path that messages give (default `path`)."""
    source = str(source or path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Finding(
            source, None, "missing data file", f"create {path.name} (see its README)"
        ) from None
    except UnicodeDecodeError as error:
        raise Finding(
            source, None, f"not UTF-8 text ({error.reason})", "save the file as UTF-8"
        ) from None
    try:
        refuse_aliases(text, source)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader)
    except RecursionError:
        raise Finding(
            source, None, "nested too deeply to read", "write it as a flat list"
        ) from None
    except yaml.reader.ReaderError as error:  # a character YAML refuses
        line = text[: error.position].count("\n") + 1
        raise Finding(
            source, line, f"a character YAML cannot hold ({error.reason})", "retype it"
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        quote = unclosed_quote_line(text, line or len(text.splitlines()))
        if quote:
            raise Finding(
                source,
                quote,
                "YAML syntax error: a quote opens on this line and is not closed",
                "end the value with the same quote mark on this line",
            ) from None
        if isinstance(error, Mistake):
            raise Finding(source, line, error.problem, error.context) from None
        raise Finding(
            str(source),
            line,
            f"YAML syntax error: {error.problem}",
            "check the indentation and the colons of this line and the one above",
        ) from None


# --- The data model: one declaration per field ----------------------------------


def data(
    yaml_type=None, choices=(), plain=False, derived=False, minimum=None, **options
):
    """A dataclass field with what its YAML form needs: the type written in the
    file when it differs from the model's (a time "13:45" for a datetime), the
    allowed values, `plain` for text kept as typed (ids, addresses, times),
    `derived` for fields the loader computes and the file may not set,
    `minimum` for the smallest number allowed."""
    meta = {
        "yaml": yaml_type,
        "choices": choices,
        "plain": plain,
        "derived": derived,
        "minimum": minimum,
    }
    return field(metadata=meta, **options)


@dataclass(frozen=True)
class Speaker:
    id: str = data(plain=True)
    name: str = data()
    affiliation: str = data()
    talk: str = data()
    summary: str = data()
    url: str = data(plain=True, default="")

    @property
    def initials(self):
        """For the monogram: "Warren Gross" -> "WG"."""
        return "".join(
            word[0] for word in self.name.split()[:1] + self.name.split()[-1:]
        )


class Span:
    """What has a `start` and an `end`: the same in UTC."""

    @property
    def utc_start(self):
        return self.start.astimezone(dt.UTC)

    @property
    def utc_end(self):
        return self.end.astimezone(dt.UTC)


@dataclass(frozen=True)
class Slot(Span):
    start: dt.datetime = data(str, plain=True)
    end: dt.datetime = data(str, plain=True)
    kind: str = data(choices=SLOT_KINDS)
    title: str = data(default="")
    description: str = data(default="")
    speaker: Speaker | None = data(str, plain=True, default=None)

    @property
    def anchor(self):
        """The slot's id on the schedule page: slot-1345."""
        return f"slot-{self.start:%H%M}"


@dataclass(frozen=True)
class Paper:
    id: int = data()
    title: str = data()
    authors: tuple[str, ...] = data()
    track: str = data(choices=PAPER_TRACKS)
    award: str = data(default="")
    video: str = data(plain=True, default="")


@dataclass(frozen=True)
class Person:
    name: str = data()
    affiliation: str = data()
    url: str = data(plain=True, default="")

    @property
    def initials(self):
        return Speaker.initials.fget(self)


@dataclass(frozen=True)
class Sponsor:
    name: str = data()
    url: str = data(plain=True, default="")


@dataclass(frozen=True)
class KeyDate:
    what: str = data()
    date: dt.date = data()
    kind: str = data(choices=DATE_KINDS, default="")
    time: str = data(plain=True, default="")
    zone: str = data(plain=True, default="")
    note: str = data(default="")
    # When a time (and zone) is given: the deadline as an aware datetime.
    deadline: dt.datetime | None = data(derived=True, default=None)


@dataclass(frozen=True)
class Rank:
    rank: int = data()
    team: str = data()
    accuracy: float = data()
    members: tuple[str, ...] = data()
    code: str = data(plain=True)
    paper: Paper = data(int)


@dataclass(frozen=True)
class Event(Span):
    name: str = data()
    short_name: str = data()
    iclr_title: str = data()
    tagline: str = data()
    date: dt.date = data()
    start: dt.datetime = data(str, plain=True)
    end: dt.datetime = data(str, plain=True)
    timezone: ZoneInfo = data(str, plain=True)
    attendance: str = data(choices=ATTENDANCE)
    registration_url: str = data(plain=True)
    iclr_page_url: str = data(plain=True)
    poster_room_url: str = data(plain=True)
    proceedings_url: str = data(plain=True)
    proceedings_date: dt.date = data()
    # From when the site shows them (a build for an earlier day does not).
    papers_date: dt.date = data()
    ranking_date: dt.date = data()
    videos_date: dt.date = data()
    contact: tuple[str, ...] = data(plain=True)
    super_event: dict = data(plain=True)

    @property
    def zone_label(self):
        """The workshop's zone as people say it, e.g. "CEST (GMT+2)"."""
        hours = self.start.utcoffset().total_seconds() / 3600
        return f"{self.start.tzname()} (GMT{hours:+g})"


@dataclass(frozen=True)
class Submission:
    """How papers are sent (submission.yaml): the call for papers states it."""

    site: str = data()
    url: str = data(plain=True)
    template: str = data()
    template_url: str = data(plain=True)
    page_limit: int = data(minimum=1)
    review: str = data(choices=REVIEW_KINDS)


@dataclass(frozen=True)
class Challenge:
    """The challenge (challenge.yaml): its time budget, machine and data."""

    minutes: int = data(minimum=1)
    gpu: str = data()
    gpu_memory: str = data()
    cpu: str = data()
    cpu_clock: str = data()
    ram: str = data()
    trial_dataset: str = data()
    classes: int = data(minimum=2)
    image_size: int = data(minimum=1)
    train_images: int = data(minimum=1)
    test_images: int = data(minimum=1)
    evaluation_source: str = data()
    runs: int = data(minimum=1)
    entry_pages: int = data(minimum=1)
    category: str = data()
    baseline_url: str = data(plain=True)


@dataclass(frozen=True)
class Workshop:
    event: Event
    submission: Submission
    challenge: Challenge
    speakers: tuple[Speaker, ...]
    schedule: tuple[Slot, ...]
    papers: tuple[Paper, ...]
    organisers: tuple[Person, ...]
    sponsors: tuple[Sponsor, ...]
    dates: tuple[KeyDate, ...]
    ranking: tuple[Rank, ...]
    today: dt.date

    def slot_of(self, speaker):
        """The schedule slot where `speaker` speaks, or None."""
        return next((s for s in self.schedule if s.speaker == speaker), None)

    def room(self, slot):
        """Where a slot happens online: the poster session in its own room,
        the rest on the conference's workshop page (stream and Zoom)."""
        if slot.kind == "posters":
            return self.event.poster_room_url
        return self.event.iclr_page_url

    @property
    def keynotes(self):
        return tuple(slot for slot in self.schedule if slot.kind == "keynote")

    @property
    def submissions_close(self):
        """The last submission deadline's date, or None."""
        dates = [d.date for d in self.dates if d.kind == "submission"]
        return max(dates, default=None)

    @property
    def phase(self):
        """open, upcoming, live or over, from `today` and the data's dates."""
        day = self.event.date
        if self.today > day:
            return "over"
        if self.today == day:
            return "live"
        closes = self.submissions_close
        return "open" if closes and self.today <= closes else "upcoming"

    @property
    def past(self):
        """True once the workshop's day has passed: pages speak of it in the past."""
        return self.phase == "over"

    def citation(self, paper):
        """BibTeX for `paper`, from the data: the workshop, its year, the
        poster id and, once published, the proceedings."""
        event = self.event
        fields = {
            "title": paper.title,
            "author": " and ".join(paper.authors),
            "booktitle": f"{event.name} ({event.short_name}), {event.tagline}",
            "year": event.date.year,
            "note": f"Poster {paper.id}",
        }
        if self.proceedings_out:
            fields["url"] = event.proceedings_url
        body = ",\n".join(
            f"  {name} = {{{value if name == 'url' else bibtex_text(value)}}}"
            for name, value in fields.items()
        )
        key = re.sub(r"\W", "", event.short_name).lower()
        return f"@inproceedings{{{key}-{paper.id},\n{body}\n}}"

    def tense(self, present, past):
        """The wording for the build's day: tense("is", "was")."""
        return past if self.past else present

    @property
    def proceedings_out(self):
        return self.today >= self.event.proceedings_date

    @property
    def videos(self):
        return tuple(paper for paper in self.papers if paper.video)


# --- The schema, derived from the dataclasses ----------------------------------


@dataclass(frozen=True)
class Rule:
    kind: type
    required: bool
    choices: tuple = ()
    plain: bool = False
    minimum: int | None = None


def _yaml_type(hint):
    """The YAML type of a model annotation: tuple[str, ...] is a list."""
    if isinstance(hint, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    origin = typing.get_origin(hint) or hint
    return list if origin is tuple else origin


@functools.cache
def schema(model):
    """{field: Rule} for one dataclass: what its YAML entries may hold."""
    hints = typing.get_type_hints(model)
    rules = {}
    for item in dataclasses.fields(model):
        meta = item.metadata
        if meta.get("derived"):
            continue
        required = (
            item.default is dataclasses.MISSING
            and item.default_factory is dataclasses.MISSING
        )
        kind = meta.get("yaml") or _yaml_type(hints[item.name])
        rules[item.name] = Rule(
            kind, required, meta["choices"], meta["plain"], meta.get("minimum")
        )
    return rules


# What an address in the data may start with: no javascript: or data: URL
# reaches a link (http:// only where SITECHECK_HTTP_LINKS_ALLOWED lets it).
WEB_ADDRESS = ("https://", "http://")

TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    list: "a list",
    dict: "a mapping",
    dt.date: "a date (YYYY-MM-DD)",
}


def bibtex_text(value):
    """`value` with the characters TeX reads as commands escaped."""
    return re.sub(r"([&%$#_{}])", r"\\\1", str(value))


def typographic(text):
    """Curly apostrophes, as the prose gets from typogrify: Noah's -> Noah’s."""
    return re.sub(r"(?<=\w)'", "\u2019", text)


def _typeset(value):
    """Text as one line (calendars and feeds take no line breaks in a name;
    HTML shows none), with typographic apostrophes."""
    if isinstance(value, str):
        return typographic(" ".join(value.split()))
    if isinstance(value, list):
        return [_typeset(item) for item in value]
    return value


class Where:
    """Where an entry is: line() is the entry's first line, line("field") the
    line of that field; `source` is the file."""

    def __init__(self, path, entry):
        self.source, self.entry = str(path), entry

    def line(self, name=None):
        lines = getattr(self.entry, "field_lines", {})
        return lines.get(name) or getattr(self.entry, "line", 0) or None

    def error(self, message, fix, name=None):
        return Finding(self.source, self.line(name), message, fix)


def check_entry(entry, model, where):
    """Return the entry's fields checked against the model's schema (text
    typeset), or raise a Finding naming what is wrong and where."""
    rules = schema(model)
    if not isinstance(entry, dict):
        raise where.error(
            f"expected a mapping of fields, got {entry!r}",
            f"write the fields as `name: value` lines ({', '.join(rules)})",
        )
    unknown = sorted(map(str, set(entry) - set(rules)))
    if unknown:
        near = difflib.get_close_matches(str(unknown[0]), rules, n=1)
        raise where.error(
            f"unknown field '{unknown[0]}' (known fields: {', '.join(rules)})",
            f"did you mean {near[0]}?" if near else None,
            unknown[0],
        )
    checked = {}
    for name, rule in rules.items():
        value = entry.get(name)
        if value is None or value == "":
            if rule.required:
                raise where.error(
                    f"missing field '{name}'", f"add a line `{name}: ...` to the entry"
                )
            continue
        check_value(name, value, rule, where)
        checked[name] = value if rule.plain else _typeset(value)
    return checked


def check_value(name, value, rule, where):
    """Raise a Finding if `value` does not fit the field's rule."""
    if isinstance(value, bool) or not isinstance(value, rule.kind):
        if rule.kind is float and isinstance(value, int):
            return
        if rule.kind is str and isinstance(value, int):
            # YAML 1.1 reads an unquoted 13:45 as the number 825.
            raise where.error(
                f"field '{name}' must be text",
                'write numbers and times in quotes, like "13:45"',
                name,
            )
        raise where.error(
            f"field '{name}' must be {TYPE_NAMES[rule.kind]}, got {value!r}",
            f"write {TYPE_NAMES[rule.kind]}",
            name,
        )
    if rule.minimum is not None and value < rule.minimum:
        raise where.error(
            f"{name} must be at least {rule.minimum}, got {value!r}",
            f"write a number of {rule.minimum} or more",
            name,
        )
    if rule.choices and value not in rule.choices:
        near = difflib.get_close_matches(str(value), rule.choices, n=1)
        raise where.error(
            f"{name} must be one of {', '.join(rule.choices)}, got {value!r}",
            f"did you mean {near[0]}?" if near else None,
            name,
        )
    if rule.kind is list and not all(isinstance(item, str) and item for item in value):
        raise where.error(
            f"each item of '{name}' must be text", "write one name per `- ` line", name
        )
    if isinstance(value, str):
        check_text(name, value, where)


def check_text(name, value, where):
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value):
        raise where.error(f"a control character in '{name}'", "retype the value", name)
    if name.endswith("url") and not value.startswith(WEB_ADDRESS):
        raise where.error(
            f"{name} must be a web address, got {value!r}",
            f"write https://{value}" if ":" not in value else None,
            name,
        )


def parse_time(day, text, name, zone, where):
    try:
        clock = dt.time.fromisoformat(text)
    except ValueError:
        raise where.error(
            f"field '{name}' must be a time like 13:45, got {text!r}",
            'write the time as "HH:MM", in quotes',
            name,
        ) from None
    return dt.datetime.combine(day, clock, tzinfo=zone)


def parse_zone(text, name, where):
    """An IANA name (Europe/Paris) or a fixed offset (+02:00, -11:00)."""
    if text[:1] in "+-":
        try:
            offset = dt.datetime.strptime(text, "%z").utcoffset()
        except ValueError:
            raise where.error(
                f"zone must look like -11:00, got {text!r}",
                'write the offset from UTC as "+HH:MM" or "-HH:MM"',
                name,
            ) from None
        return dt.timezone(offset, f"UTC{text[0]}{int(text[1:3])}")
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise where.error(
            f"unknown time zone {text!r}",
            "write an IANA zone name such as Europe/Paris",
            name,
        ) from None


def check_span(start, end, where):
    if end <= start:
        raise where.error(
            f"ends ({end:%H:%M}) before it starts ({start:%H:%M})",
            "make `end` later than `start`",
            "end",
        )


def load_event(path, source=None):
    raw = read_yaml(path, source)
    where = Where(source or path, raw)
    fields = check_entry(raw, Event, where)
    for key, value in fields["super_event"].items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise where.error("super_event holds text only", "write `name:` and `url:`")
        check_text(key, value, where)
    zone = parse_zone(fields["timezone"], "timezone", where)
    day = fields["date"]
    event = Event(
        **{
            **fields,
            "start": parse_time(day, fields["start"], "start", zone, where),
            "end": parse_time(day, fields["end"], "end", zone, where),
            "timezone": zone,
            "contact": tuple(fields["contact"]),
        }
    )
    check_span(event.start, event.end, where)
    return event


def load_mapping(model, path, source):
    """A data file holding one entry (a mapping of fields) of `model`."""
    raw = read_yaml(path, source)
    return model(**check_entry(raw, model, Where(source or path, raw)))


class LeftOut(Exception):  # noqa: N818 (not an error: its cause is reported)
    """An entry that refers to an entry left out."""


class Loader:
    """Reads the data files of one folder. A bad entry in a list is reported
    and left out, and the build goes on, so one build names every mistake
    (references to an entry left out are left out silently: one mistake, one
    finding). Without `report` (scripts, tests) the first mistake is raised."""

    def __init__(self, data_dir, shown, report=None):
        self.data_dir, self.shown, self.report = Path(data_dir), Path(shown), report
        self.left_out = set()

    def entries(self, name, model, make):
        """[make(where, fields)] for each entry of the list file `name`."""
        source = str(self.shown / name)
        raw = read_yaml(self.data_dir / name, source)
        if not isinstance(raw, list):
            raise Finding(
                source,
                None,
                "expected a list of entries",
                "start each entry with `- ` and its first field; `[]` for none yet",
            )
        made = []
        for entry in raw:
            where = Where(source, entry)
            try:
                made.append(make(where, check_entry(entry, model, where)))
            except LeftOut:
                continue
            except Finding as finding:
                if self.report is None:
                    raise
                self.report(finding)
                if isinstance(entry, dict) and isinstance(entry.get("id"), str | int):
                    self.left_out.add(entry["id"])
        return made

    def known(self, table, key, where, name, kind):
        """table[key], or a Finding naming the near key."""
        if key in table:
            return table[key]
        if key in self.left_out:
            raise LeftOut
        near = difflib.get_close_matches(str(key), list(map(str, table)), n=1)
        raise where.error(
            f"unknown {kind} {key!r}",
            f"did you mean {near[0]}?" if near else None,
            name,
        )


def unique(key, kind):
    """A make() that refuses a second entry with the same `key`."""
    seen = set()

    def check(where, entry):
        if entry[key] in seen:
            raise where.error(
                f"duplicate {kind} {key} {entry[key]!r}",
                f"give each {kind} its own {key}",
                key,
            )
        seen.add(entry[key])
        return entry

    return check


def make_slot(event, speakers, loader):
    schedule = []

    def make(where, entry):
        speaker = None
        if "speaker" in entry:
            speaker = loader.known(
                speakers, entry["speaker"], where, "speaker", "speaker id"
            )
        elif entry["kind"] == "keynote":
            raise where.error(
                "a keynote needs a 'speaker'",
                "add `speaker: ID` (an id in speakers.yaml)",
            )
        title = entry.get("title") or (speaker and f"Keynote: {speaker.name}")
        if not title:
            raise where.error("missing field 'title'", "add a line `title: ...`")
        day, zone = event.date, event.timezone
        slot = Slot(
            **{
                **entry,
                "start": parse_time(day, entry["start"], "start", zone, where),
                "end": parse_time(day, entry["end"], "end", zone, where),
                "title": title,
                "speaker": speaker,
            }
        )
        check_span(slot.start, slot.end, where)
        if schedule and slot.start < schedule[-1].end:
            raise where.error(
                f"starts at {slot.start:%H:%M}, before the previous slot ends "
                f"({schedule[-1].end:%H:%M})",
                "make it start at or after the previous slot's end",
                "start",
            )
        schedule.append(slot)
        return slot

    return make


def make_date(event):
    def make(where, entry):
        deadline = None
        if "time" in entry:
            zone = (
                parse_zone(entry["zone"], "zone", where)
                if "zone" in entry
                else event.timezone
            )
            deadline = parse_time(entry["date"], entry["time"], "time", zone, where)
        if entry["what"].lower() == "workshop" or entry["date"] == event.date:
            raise where.error(
                "the workshop's own date comes from event.yaml",
                "remove this entry; change `date:` in event.yaml instead",
                "what",
            )
        return KeyDate(**entry, deadline=deadline)

    return make


def load_workshop(data_dir, today=None, source_dir=None, report=None):
    """Read and check every data file under data_dir into a Workshop; `today`
    (default: the real date) decides the phase. Messages name files under
    `source_dir` (default data_dir), as an organiser knows them: content/data.
    A bad list entry goes to `report(finding)` and is left out (see Loader);
    a bad event.yaml, submission.yaml or challenge.yaml stops the build."""
    loader = Loader(data_dir, source_dir or data_dir, report)
    event = load_event(loader.data_dir / "event.yaml", loader.shown / "event.yaml")

    def mapping(model, name):
        return load_mapping(model, loader.data_dir / name, loader.shown / name)

    speakers = {
        entry["id"]: Speaker(**entry)
        for entry in loader.entries("speakers.yaml", Speaker, unique("id", "speaker"))
    }
    papers = {
        entry["id"]: Paper(**{**entry, "authors": tuple(entry["authors"])})
        for entry in loader.entries("papers.yaml", Paper, unique("id", "paper"))
    }

    def make_rank(where, entry):
        paper = loader.known(papers, entry["paper"], where, "paper", "paper id")
        return Rank(**{**entry, "members": tuple(entry["members"]), "paper": paper})

    def plain(name, model):
        return tuple(loader.entries(name, model, lambda where, entry: model(**entry)))

    ranking = loader.entries("ranking.yaml", Rank, make_rank)
    today = today or dt.date.today()
    if today < event.papers_date:  # a build for a day shows what was out then
        papers = {}
    elif today < event.videos_date:
        papers = {k: dataclasses.replace(p, video="") for k, p in papers.items()}
    dates = loader.entries("dates.yaml", KeyDate, make_date(event))
    dates.append(KeyDate(what="Workshop", date=event.date))
    schedule = make_slot(event, speakers, loader)
    return Workshop(
        event=event,
        submission=mapping(Submission, "submission.yaml"),
        challenge=mapping(Challenge, "challenge.yaml"),
        speakers=tuple(speakers.values()),
        schedule=tuple(loader.entries("schedule.yaml", Slot, schedule)),
        papers=tuple(papers.values()),
        organisers=plain("organisers.yaml", Person),
        sponsors=plain("sponsors.yaml", Sponsor),
        dates=tuple(sorted(dates, key=lambda d: d.date)),
        ranking=tuple(ranking) if today >= event.ranking_date else (),
        today=today,
    )


# --- The build's "today" ------------------------------------------------------------


def site_now(settings, environ=os.environ):
    """The build's moment, in the site's TIMEZONE: the real time, or with
    SITE_TODAY (YYYY-MM-DD; the environment wins over the setting) the end of
    that day, so a build for a day shows what existed on it."""
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    text = environ.get("SITE_TODAY") or settings.get("SITE_TODAY")
    if not text:
        return dt.datetime.now(zone)
    try:
        day = dt.date.fromisoformat(str(text))
    except ValueError:
        raise Finding(
            "SITE_TODAY",
            None,
            f"not a date: {text!r}",
            "write the date as YYYY-MM-DD, e.g. SITE_TODAY=2021-05-07",
        ) from None
    return dt.datetime.combine(day, dt.time.max, zone)


# --- Pelican wiring ------------------------------------------------------------------


def load_edition(pelican):
    """At `initialized`, once per build: the data, for every template as
    `workshop` (Pelican copies the settings into each generator's context), and
    the edition's names from event.yaml, so a next edition is made by data."""
    settings = pelican.settings
    content = Path(settings["PATH"])
    data_dir = content / settings["WORKSHOP_DATA_PATH"]
    # Messages name the file as the organiser sees it: content/data/x.yaml.
    source_dir = project_path(data_dir, settings)
    today = site_now(settings).date()
    workshop = load_workshop(data_dir, today, source_dir, report)
    event = workshop.event
    settings[CONTEXT_KEY] = workshop
    settings["SITENAME"] = event.short_name
    settings["SITESUBTITLE"] = (
        f"{event.name}, a workshop at {event.super_event['name']}"
    )
    settings["AUTHOR"] = f"{event.short_name} organisers"
