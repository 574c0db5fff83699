"""What an organiser reads when a data file is wrong: the file as they know it
(content/data/...), the line of the mistake, what is wrong and what to write
(the README's promise), and how a build hands the workshop to templates."""

import dataclasses
import datetime as dt
import logging
import shutil
import types
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican import signals

from workshop_data import workshop_data
from workshop_data.workshop_data import (
    DataError,
    KeyDate,
    Rank,
    add_workshop_to_context,
    load_workshop,
    schema,
    site_today,
)

DATA = Path(__file__).resolve().parents[2] / "content" / "data"
SHOWN = "content/data"


@pytest.fixture
def data(tmp_path):
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def edit(data, name, old, new):
    """Replace `old` (once) in a data file; the line where `old` began."""
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is no longer in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def refused(data):
    with pytest.raises(DataError) as error:
        load_workshop(data, source_dir=SHOWN)
    return error.value


def speaker_ids():
    return ", ".join(speaker.id for speaker in load_workshop(DATA).speakers)


# (file, old text, new text, message after "file:line: "; None: no line)
CASES = [
    (
        "schedule.yaml",
        "speaker: grollier",
        "speaker: grolier",
        "unknown speaker 'grolier' (not an id in speakers.yaml); "
        "fix: use one of the ids: {ids}",
    ),
    (
        "schedule.yaml",
        '- start: "14:00"\n  end: "14:30"\n  kind: keynote\n  speaker: gross\n',
        '- start: "14:00"\n  end: "14:30"\n  kind: keynote\n',
        "a keynote needs a 'speaker'; fix: add `speaker: ID` (an id in speakers.yaml)",
    ),
    (
        "schedule.yaml",
        '- start: "13:45"\n  end: "14:00"\n  kind: opening\n  title: Opening\n',
        '- start: "13:45"\n  end: "14:00"\n  kind: opening\n',
        "missing field 'title'; fix: add a line `title: ...`",
    ),
    (
        "schedule.yaml",
        'start: "14:00"',
        'start: "13:50"',
        "starts at 13:50, before the previous slot ends (14:00); "
        "fix: make it start at or after the previous slot's end",
    ),
    (
        "schedule.yaml",
        'end: "14:30"',
        'end: "14:00"',
        "ends (14:00) before it starts (14:00); fix: make `end` later than `start`",
    ),
    (
        "event.yaml",
        'end: "21:00"',
        'end: "13:00"',
        "ends (13:00) before it starts (13:45); fix: make `end` later than `start`",
    ),
    (
        "event.yaml",
        'start: "13:45"',
        'start: "1:45pm"',
        "field 'start' must be a time like 13:45, got '1:45pm'; "
        'fix: write the time as "HH:MM", in quotes',
    ),
    (
        "schedule.yaml",
        'start: "14:30"',
        'start: "2:30pm"',
        "field 'start' must be a time like 13:45, got '2:30pm'; "
        'fix: write the time as "HH:MM", in quotes',
    ),
    (
        "schedule.yaml",
        'end: "14:30"',
        'end: "2:30pm"',
        "field 'end' must be a time like 13:45, got '2:30pm'; "
        'fix: write the time as "HH:MM", in quotes',
    ),
    (
        "event.yaml",
        'end: "21:00"',
        'end: "9pm"',
        "field 'end' must be a time like 13:45, got '9pm'; "
        'fix: write the time as "HH:MM", in quotes',
    ),
    (
        "event.yaml",
        'start: "13:45"',
        "start: 13:45",
        "field 'start' must be text; "
        'fix: write numbers and times in quotes, like "13:45"',
    ),
    (
        "event.yaml",
        "timezone: Europe/Paris",
        "timezone: Europe/Pariss",
        "unknown time zone 'Europe/Pariss'; "
        "fix: write an IANA zone name such as Europe/Paris",
    ),
    (
        "event.yaml",
        "timezone: Europe/Paris",
        "timezone: Xanadu/Capital",
        "unknown time zone 'Xanadu/Capital'; "
        "fix: write an IANA zone name such as Europe/Paris",
    ),
    (
        "event.yaml",
        "attendance: virtual",
        "attendance: online",
        "attendance must be one of virtual, hybrid, in person, got 'online'; "
        "fix: write one of: virtual, hybrid, in person",
    ),
    (
        "dates.yaml",
        'zone: "-11:00"',
        'zone: "-11h"',
        "zone must look like -11:00, got '-11h'; "
        'fix: write the offset from UTC as "+HH:MM" or "-HH:MM"',
    ),
    (
        "dates.yaml",
        'time: "23:59"',
        'time: "midnight"',
        "field 'time' must be a time like 13:45, got 'midnight'; "
        'fix: write the time as "HH:MM", in quotes',
    ),
    (
        "dates.yaml",
        "what: Acceptance notification",
        "what: workshop",
        "the workshop's own date comes from event.yaml; "
        "fix: remove this entry; change `date:` in event.yaml instead",
    ),
    (
        "dates.yaml",
        "what: Acceptance notification\n  kind: notification\n  date: 2021-03-26",
        "what: Acceptance notification\n  kind: notification\n  date: 2021-05-07",
        "the workshop's own date comes from event.yaml; "
        "fix: remove this entry; change `date:` in event.yaml instead",
    ),
    (
        "papers.yaml",
        "  track: workshop\n",
        "  track: chalenge\n",
        "track must be one of workshop, challenge, got 'chalenge'; "
        "fix: write one of: workshop, challenge",
    ),
    (
        "papers.yaml",
        "id: 1\n",
        "id: one\n",
        "field 'id' must be a whole number, got 'one'; fix: write a whole number",
    ),
    (
        "papers.yaml",
        "id: 1\n",
        "id: yes\n",
        "field 'id' must be a whole number, got True; fix: write a whole number",
    ),
    (
        "papers.yaml",
        "id: 2\n",
        "id: 1\n",
        "duplicate paper id 1; fix: give each paper its own id",
    ),
    (
        "speakers.yaml",
        "id: grollier",
        "id: gross",
        "duplicate speaker id 'gross'; fix: give each speaker its own id",
    ),
    (
        "ranking.yaml",
        "paper: 18",
        "paper: 81",
        "unknown paper id 81; fix: use the id of a paper in papers.yaml",
    ),
    (
        "ranking.yaml",
        "accuracy: 88.0",
        "accuracy: high",
        "field 'accuracy' must be a number, got 'high'; fix: write a number",
    ),
    (
        "sponsors.yaml",
        "- name: Intel\n",
        "- name: Intel\n  logo: intel.png\n",
        "unknown field logo (known fields: name, url); "
        "fix: use one of the known field names",
    ),
    (
        "organisers.yaml",
        "- name: Yoshua Bengio\n  affiliation: Mila, Montréal\n",
        "- name: Yoshua Bengio\n",
        "missing field 'affiliation'; fix: add a line `affiliation: ...` to the entry",
    ),
    (
        "organisers.yaml",
        "- name: Yoshua Bengio\n  affiliation: Mila, Montréal\n",
        '- name: Yoshua Bengio\n  affiliation: ""\n',
        "missing field 'affiliation'; fix: add a line `affiliation: ...` to the entry",
    ),
    (
        "submission.yaml",
        "page_limit: 4",
        "page_limit: 0",
        "page_limit must be at least 1, got 0; fix: write a number of 1 or more",
    ),
    (
        "submission.yaml",
        "page_limit: 4",
        "page_limit: four",
        "field 'page_limit' must be a whole number, got 'four'; "
        "fix: write a whole number",
    ),
    (
        "submission.yaml",
        "review: double-blind",
        "review: double blind",
        "review must be one of double-blind, single-blind, open, got 'double blind'; "
        "fix: write one of: double-blind, single-blind, open",
    ),
    (
        "challenge.yaml",
        "minutes: 10",
        "minutes: -10",
        "minutes must be at least 1, got -10; fix: write a number of 1 or more",
    ),
    (
        "challenge.yaml",
        "ram: 12 GB",
        "ram: 12",
        "field 'ram' must be text; "
        'fix: write numbers and times in quotes, like "13:45"',
    ),
    (
        "challenge.yaml",
        "classes: 10",
        "classes: 1",
        "classes must be at least 2, got 1; fix: write a number of 2 or more",
    ),
    (
        "challenge.yaml",
        "gpu: NVIDIA V100\n",
        "gpu: NVIDIA V100\ngpus: 2\n",
        "unknown field gpus (known fields: "
        + ", ".join(schema(workshop_data.Challenge))
        + "); fix: use one of the known field names",
    ),
    (
        "event.yaml",
        "super_event:\n",
        "super_event: ICLR\nold_super_event:\n",
        "unknown field old_super_event (known fields: "
        + ", ".join(schema(workshop_data.Event))
        + "); fix: use one of the known field names",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), CASES)
def test_each_mistake_is_named_at_its_line_with_a_fix(data, name, old, new, message):
    first = edit(data, name, old, new)
    # The line of the mistake; a missing field is reported at its entry's line.
    line = first + 1 if "unknown field" in message else first
    error = refused(data)
    expected = f"{SHOWN}/{name}:{line}: " + message.format(ids=speaker_ids())
    assert str(error) == expected
    assert (error.source, error.line) == (f"{SHOWN}/{name}", line)


def test_an_entry_that_is_no_mapping_names_the_fields_to_write(data):
    edit(data, "sponsors.yaml", "- name: Intel\n", "- Intel\n")
    assert str(refused(data)) == (
        f"{SHOWN}/sponsors.yaml: expected a mapping of fields, got 'Intel'; "
        "fix: write the fields as `name: value` lines (name, url)"
    )


def test_file_level_problems_name_the_file(data):
    (data / "sponsors.yaml").unlink()
    assert str(refused(data)) == (
        f"{SHOWN}/sponsors.yaml: missing data file; "
        "fix: create sponsors.yaml (see its README)"
    )
    shutil.copy(DATA / "sponsors.yaml", data)
    (data / "organisers.yaml").write_text("name: Ghouthi\n")
    assert str(refused(data)) == (
        f"{SHOWN}/organisers.yaml: expected a non-empty list of entries; "
        "fix: start each entry with `- ` followed by its first field"
    )
    (data / "organisers.yaml").write_bytes("- name: Andr\xe9\n".encode("latin-1"))
    error = refused(data)
    assert str(error).startswith(f"{SHOWN}/organisers.yaml: not UTF-8 text (")
    assert error.fix == "save the file as UTF-8" and error.line is None


def test_single_entry_files_name_the_file(data):
    """submission.yaml and challenge.yaml hold one mapping each, like
    event.yaml: a missing file, a list or an empty file is named."""
    (data / "submission.yaml").unlink()
    assert str(refused(data)) == (
        f"{SHOWN}/submission.yaml: missing data file; "
        "fix: create submission.yaml (see its README)"
    )
    shutil.copy(DATA / "submission.yaml", data)
    (data / "challenge.yaml").write_text("- minutes: 10\n")
    error = refused(data)
    assert str(error).startswith(
        f"{SHOWN}/challenge.yaml: expected a mapping of fields, got ["
    )
    assert error.fix.startswith("write the fields as `name: value` lines (minutes, ")
    (data / "challenge.yaml").write_text("# nothing yet\n")
    assert str(refused(data)).startswith(
        f"{SHOWN}/challenge.yaml: expected a mapping of fields, got None"
    )


def test_the_format_and_the_challenge_reach_the_model(data):
    edit(data, "submission.yaml", "page_limit: 4", "page_limit: 8")
    edit(data, "challenge.yaml", "gpu: NVIDIA V100", "gpu: Noah's GPU")
    workshop = load_workshop(data)
    assert workshop.submission.page_limit == 8
    assert workshop.challenge.gpu == "Noah\u2019s GPU"  # typeset like names
    assert workshop.challenge.baseline_url.startswith("https://")


def test_yaml_syntax_errors(data):
    line = edit(data, "sponsors.yaml", "- name: Intel\n", "- name: Intel\n  - oops\n")
    error = refused(data)
    assert error.message.startswith("YAML syntax error: ")
    assert error.fix == (
        "check the indentation and the colons of this line and the one above"
    )
    assert error.line in (line, line + 1)
    assert "quote" not in error.message
    # A quote left open further down is not blamed for the mistake above it.
    edit(data, "sponsors.yaml", "- name: NVIDIA", '- name: "NVIDIA')
    assert refused(data).line == error.line


@pytest.mark.parametrize(
    "broken",
    ["  title: 'GradMax: it''s growing", '  title: "GradMax: \\"growing\\"'],
)
def test_an_unclosed_quote_is_found_however_it_is_written(data, broken):
    old = '  title: "GradMax: Gradient Maximizing Neural Network Growth"'
    line = edit(data, "papers.yaml", old, broken)
    error = refused(data)
    assert str(error) == (
        f"{SHOWN}/papers.yaml:{line}: YAML syntax error: a quote opens on this "
        "line and is not closed; fix: end the value with the same quote mark on "
        "this line"
    )


def test_an_unclosed_quote_in_a_lists_first_field(data):
    old = '- start: "14:00"'
    line = edit(data, "schedule.yaml", old, '- start: "14:00')
    assert refused(data).line == line


def test_a_closed_quote_with_escapes_is_no_mistake(data):
    edit(data, "sponsors.yaml", "- name: Intel", '- name: "Intel \\"labs\\""')
    edit(data, "organisers.yaml", "Noah's", "Noah''s")
    edit(data, "sponsors.yaml", "- name: NVIDIA", "- name: 'NVIDIA''s'")
    sponsors = [s.name for s in load_workshop(data).sponsors]
    assert 'Intel "labs"' in sponsors and "NVIDIA\u2019s" in sponsors


def test_deadlines_take_their_zone_or_the_events(data):
    edit(
        data,
        "dates.yaml",
        "date: 2021-03-26\n",
        'date: 2021-03-26\n  time: "12:00"\n',
    )
    edit(data, "dates.yaml", 'zone: "-11:00"', 'zone: "+05:30"')
    workshop = load_workshop(data)
    dates = {d.what: d for d in workshop.dates}
    notification = dates["Acceptance notification"].deadline
    assert notification == dt.datetime(2021, 3, 26, 12, tzinfo=workshop.event.timezone)
    assert notification.utcoffset() == dt.timedelta(hours=1)  # Paris in March
    first = workshop.dates[0].deadline
    assert first.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert first.tzname() == "UTC+5"
    assert dates["Workshop"].deadline is None and dates["Workshop"].kind == ""
    assert dates["Camera-ready deadline"].deadline is not None
    untimed = [d for d in load_workshop(DATA).dates if not d.time]
    assert len(untimed) > 1 and all(d.deadline is None for d in untimed)
    assert [d.date for d in workshop.dates] == sorted(d.date for d in workshop.dates)
    assert workshop.dates[-1].what == "Workshop"  # the last of the key dates


def test_a_deadline_cannot_be_set_by_hand(data):
    edit(data, "dates.yaml", "date: 2021-03-26\n", "date: 2021-03-26\n  deadline: x\n")
    assert "unknown field deadline" in refused(data).message
    assert "deadline" not in schema(KeyDate)


def test_numbers_where_the_model_wants_them(data):
    edit(data, "ranking.yaml", "accuracy: 88.0", "accuracy: 88")
    rank = load_workshop(data).ranking[0]
    assert rank.accuracy == 88 and rank.paper.id == 18
    assert schema(Rank)["paper"].kind is int and schema(Rank)["accuracy"].kind is float


def test_typographic_apostrophes_in_text_and_lists_not_in_addresses(data):
    edit(data, "papers.yaml", "- Utku Evci", "- Utku O'Evci")
    edit(data, "papers.yaml", "video: https://youtu.be/", "video: https://you'tu.be/")
    workshop = load_workshop(data)
    paper = workshop.papers[0]
    assert paper.authors[0] == "Utku O\u2019Evci"
    assert paper.video.startswith("https://you'tu.be/")
    assert "Noah\u2019s Ark Lab" in workshop.ranking[1].team
    # A quote opening a word is no apostrophe.
    assert workshop_data.typographic("'quoted' it's") == "'quoted\u2019 it\u2019s"


def test_entries_remember_their_lines(data):
    text = (DATA / "speakers.yaml").read_text(encoding="utf-8")
    entries = workshop_data.read_yaml(DATA / "speakers.yaml")
    lines = text.splitlines()
    for entry in entries:
        assert lines[entry.line - 1].startswith(f"- id: {entry['id']}")
        for name, number in entry.field_lines.items():
            assert lines[number - 1].lstrip("- ").startswith(f"{name}:")


def test_phase_without_a_submission_date_is_upcoming(data):
    path = data / "dates.yaml"
    path.write_text(path.read_text().replace("kind: submission", "kind: notification"))
    workshop = load_workshop(data, dt.date(2021, 1, 1))
    assert workshop.submissions_close is None and workshop.phase == "upcoming"
    assert not workshop.past and not workshop.proceedings_out
    event = workshop.event
    later = load_workshop(data, event.proceedings_date)
    assert later.past and later.proceedings_out
    day_before = load_workshop(data, event.proceedings_date - dt.timedelta(days=1))
    assert not day_before.proceedings_out


def test_derived_values(data):
    workshop = load_workshop(DATA)
    keynotes = workshop.keynotes
    assert keynotes and all(slot.kind == "keynote" for slot in keynotes)
    assert len(keynotes) == sum(s.kind == "keynote" for s in workshop.schedule)
    for slot in keynotes:
        assert workshop.slot_of(slot.speaker) is slot
        assert slot.title == f"Keynote: {slot.speaker.name}"
        assert slot.utc_end == slot.end.astimezone(dt.UTC)
    assert workshop.slot_of(None).speaker is None  # the first slot without one
    stranger = dataclasses.replace(keynotes[0].speaker, id="nobody", name="No Body")
    assert workshop.slot_of(stranger) is None
    assert workshop.videos == tuple(p for p in workshop.papers if p.video)
    assert 0 < len(workshop.videos) < len(workshop.papers)
    assert workshop.event.utc_end == workshop.event.end.astimezone(dt.UTC)
    person = workshop.organisers[0]
    words = person.name.split()
    assert person.initials == words[0][0] + words[-1][0]


def test_site_today_defaults_and_errors():
    assert site_today({}, {}) in {
        dt.datetime.now(dt.UTC).date() + dt.timedelta(days=d) for d in (-1, 0, 1)
    }
    assert site_today({"TIMEZONE": None}, {}) == dt.datetime.now(dt.UTC).date()
    # The real date where the site is: one of these differs from UTC's at any hour.
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        there = {dt.datetime.now(ZoneInfo(zone)).date()}
        assert site_today({"TIMEZONE": zone}, {}) in there | {
            dt.datetime.now(ZoneInfo(zone)).date()
        }
    assert site_today({"SITE_TODAY": dt.date(2021, 5, 7)}, {}) == dt.date(2021, 5, 7)
    assert site_today({}, {"SITE_TODAY": "2021-05-08"}) == dt.date(2021, 5, 8)
    with pytest.raises(DataError) as error:
        site_today({"SITE_TODAY": "7 May"}, {})
    assert str(error.value) == (
        "SITE_TODAY: not a date: '7 May'; "
        "fix: write the date as YYYY-MM-DD, e.g. SITE_TODAY=2021-05-07"
    )


# --- As Pelican runs it -----------------------------------------------------------


def generator(content, **settings):
    settings = {"PATH": str(content), "TIMEZONE": "UTC", **settings}
    return types.SimpleNamespace(context={}, settings=settings)


def test_a_build_gets_the_workshop_once(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(DATA, content / "yaml")
    first = generator(content, WORKSHOP_DATA_PATH="yaml", SITE_TODAY="2021-05-07")
    add_workshop_to_context(first)
    workshop = first.context["workshop"]
    assert workshop.today == dt.date(2021, 5, 7) and workshop.phase == "live"
    # The other generators share the context: the data is not read again.
    (content / "yaml" / "event.yaml").unlink()
    add_workshop_to_context(first)
    assert first.context["workshop"] is workshop


def test_bad_data_is_logged_as_a_finding_then_stops_the_build(tmp_path, caplog):
    content = tmp_path / "content"
    data = Path(shutil.copytree(DATA, content / "data"))
    wrong = f"grolier{uuid.uuid4().hex[:8]}"
    line = edit(data, "schedule.yaml", "speaker: grollier", f"speaker: {wrong}")
    build = generator(content)
    with caplog.at_level(logging.ERROR), pytest.raises(DataError) as error:
        add_workshop_to_context(build)
    assert "workshop" not in build.context
    (record,) = [r for r in caplog.records if wrong in r.getMessage()]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == str(error.value)
    assert record.getMessage().startswith(f"content/data/schedule.yaml:{line}: ")
    assert record.finding == {
        "source": "content/data/schedule.yaml",
        "line": line,
        "message": error.value.message,
        "fix": error.value.fix,
    }


def test_a_problem_without_a_line_is_logged_without_one(tmp_path, caplog):
    content = tmp_path / "content"
    shutil.copytree(DATA, content / "data")
    build = generator(content, SITE_TODAY=f"soon-{uuid.uuid4().hex[:8]}")
    with caplog.at_level(logging.ERROR), pytest.raises(DataError):
        add_workshop_to_context(build)
    (record,) = [r for r in caplog.records if "SITE_TODAY" in r.getMessage()]
    assert record.getMessage().startswith("SITE_TODAY: not a date")
    assert record.finding["line"] is None and record.finding["source"] == "SITE_TODAY"


def test_register_loads_the_data_for_every_generator():
    workshop_data.register()
    try:
        receivers = signals.generator_init.receivers_for(object())
        assert add_workshop_to_context in list(receivers)
    finally:
        signals.generator_init.disconnect(add_workshop_to_context)


def test_a_new_model_declares_each_field_once():
    """The README's "one schema": a field's YAML type, whether it is required
    and its allowed values come from its declaration alone."""
    data = workshop_data.data

    @dataclasses.dataclass(frozen=True)
    class Talk:
        id: str = data(plain=True)
        when: dt.datetime = data(str, plain=True)
        title: str = data()
        room: str | None = data(choices=("main", "posters"), default=None)
        tags: tuple[str, ...] = data(default_factory=tuple)
        length: float | None = data(default=None)
        seats: int = data(minimum=1, default=1)
        computed: int = data(derived=True, default=0)

    rule = workshop_data.Rule
    assert schema(Talk) == {
        "id": rule(str, True, (), True),
        "when": rule(str, True, (), True),
        "title": rule(str, True, (), False),
        "room": rule(str, False, ("main", "posters"), False),
        "tags": rule(list, False, (), False),
        "length": rule(float, False, (), False),
        "seats": rule(int, False, (), False, 1),
    }
    where = workshop_data.Where("talks.yaml", {})
    entry = {"id": "it's", "when": "10:00", "title": "Noah's", "tags": ["a's"]}
    assert workshop_data.check_entry(entry, Talk, where) == {
        "id": "it's",
        "when": "10:00",
        "title": "Noah\u2019s",
        "tags": ["a\u2019s"],
    }
    with pytest.raises(DataError, match="room must be one of main, posters") as error:
        workshop_data.check_entry({**entry, "room": "hall"}, Talk, where)
    assert error.value.line is None  # a plain dict knows no lines
    with pytest.raises(DataError, match="seats must be at least 1, got 0"):
        workshop_data.check_entry({**entry, "seats": 0}, Talk, where)


def test_a_relative_content_path_is_named_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = Path(shutil.copytree(DATA, tmp_path / "site" / "content" / "data"))
    edit(data, "sponsors.yaml", "- name: Intel\n", "- Intel\n")
    with pytest.raises(DataError) as error:
        add_workshop_to_context(generator(Path("site/content")))
    assert error.value.source == "site/content/data/sponsors.yaml"
