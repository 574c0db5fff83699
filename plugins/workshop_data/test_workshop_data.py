import datetime as dt
import shutil
from pathlib import Path

import pytest

from workshop_data.workshop_data import (
    PHASES,
    DataError,
    Paper,
    Slot,
    load_workshop,
    schema,
    site_today,
)

DATA = Path(__file__).resolve().parents[2] / "content" / "data"


def test_the_real_data_loads_with_times_in_the_event_zone():
    workshop = load_workshop(DATA)
    assert len(workshop.schedule) == 12 and len(workshop.papers) == 20
    opening = workshop.schedule[0]
    assert opening.start.isoformat() == "2021-05-07T13:45:00+02:00"
    assert opening.utc_start == dt.datetime(2021, 5, 7, 11, 45, tzinfo=dt.UTC)
    assert workshop.event.zone_label == "CEST (GMT+2)"
    assert workshop.schedule[1].speaker.name == "Warren Gross"
    deadline = workshop.dates[0].deadline
    assert deadline.isoformat() == "2021-02-28T23:59:00-11:00"
    assert deadline.tzname() == "UTC-11"
    assert workshop.ranking[0].paper.id == 18


@pytest.fixture
def data(tmp_path):
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def test_missing_file_is_named(data):
    (data / "sponsors.yaml").unlink()
    with pytest.raises(DataError, match=r"sponsors\.yaml: missing data file"):
        load_workshop(data)


def test_empty_list_is_refused(data):
    (data / "organisers.yaml").write_text("# nobody yet\n")
    with pytest.raises(DataError, match="expected a non-empty list"):
        load_workshop(data)


def test_ranking_must_name_a_known_paper(data):
    path = data / "ranking.yaml"
    path.write_text(path.read_text().replace("paper: 18", "paper: 81"))
    with pytest.raises(
        DataError, match=r"ranking\.yaml:\d+: unknown paper id 81; fix: "
    ):
        load_workshop(data)


def test_not_utf8(data):
    (data / "papers.yaml").write_bytes("- id: 1\n  title: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"papers\.yaml: not UTF-8"):
        load_workshop(data)


def test_schema_is_derived_from_the_dataclasses():
    slot = schema(Slot)
    assert list(slot) == ["start", "end", "kind", "title", "description", "speaker"]
    assert slot["start"].kind is str and slot["start"].required
    assert not slot["title"].required and slot["speaker"].kind is str
    assert "opening" in slot["kind"].choices
    paper = schema(Paper)
    assert paper["authors"].kind is list and paper["id"].kind is int
    assert paper["track"].choices == ("workshop", "challenge")


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("papers.yaml", "track: challenge", "track: chalenge", "track must be one of"),
        ("schedule.yaml", "kind: panel", "kind: pannel", "kind must be one of"),
        ("event.yaml", "attendance: virtual", "attendance: online", "attendance"),
        ("dates.yaml", "kind: notification", "kind: news", "kind must be one of"),
    ],
)
def test_enumerated_fields_accept_only_their_values(data, name, old, new, message):
    path = data / name
    text = path.read_text()
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataError, match=message) as error:
        load_workshop(data)
    assert error.value.line == line
    assert "write one of" in error.value.fix


def test_an_unclosed_quote_is_reported_where_it_opens(data):
    path = data / "papers.yaml"
    text = path.read_text()
    old = 'title: "GradMax: Gradient Maximizing Neural Network Growth"'
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, old[:-1], 1))
    with pytest.raises(DataError, match="quote opens on this line") as error:
        load_workshop(data)
    assert error.value.line == line


def test_other_syntax_errors_keep_yamls_line(data):
    path = data / "sponsors.yaml"
    text = path.read_text().replace("- name: Intel\n", "- name: Intel\n  - oops: [\n")
    path.write_text(text)
    with pytest.raises(DataError, match="YAML syntax error") as error:
        load_workshop(data)
    assert error.value.line is not None


def test_the_workshop_day_comes_from_event_yaml(data):
    workshop = load_workshop(data)
    (day,) = [d for d in workshop.dates if d.what == "Workshop"]
    assert day.date == workshop.event.date
    assert [d.date for d in workshop.dates] == sorted(d.date for d in workshop.dates)
    path = data / "dates.yaml"
    path.write_text(path.read_text() + "- what: Workshop\n  date: 2021-05-08\n")
    with pytest.raises(DataError, match="comes from event.yaml"):
        load_workshop(data)


def test_the_phase_follows_today_and_the_data():
    workshop = load_workshop(DATA)
    closes = workshop.submissions_close
    day = workshop.event.date
    one = dt.timedelta(days=1)

    def phase(today):
        return load_workshop(DATA, today).phase

    assert [phase(closes), phase(closes + one), phase(day - one)] == [
        "open",
        "upcoming",
        "upcoming",
    ]
    assert [phase(day), phase(day + one)] == ["live", "over"]
    assert set(PHASES) == {"open", "upcoming", "live", "over"}


def test_site_today_from_the_environment_then_the_settings():
    assert site_today({"SITE_TODAY": "2021-05-07"}, {}) == dt.date(2021, 5, 7)
    assert site_today({"SITE_TODAY": "2021-05-07"}, {"SITE_TODAY": "2021-01-02"}) == (
        dt.date(2021, 1, 2)
    )
    real = site_today({"TIMEZONE": "Pacific/Kiritimati"}, {})
    assert abs((real - dt.date.today()).days) <= 1
    with pytest.raises(DataError, match="YYYY-MM-DD"):
        site_today({}, {"SITE_TODAY": "7 May"})


def test_derived_values_live_in_the_model():
    workshop = load_workshop(DATA)
    gross = workshop.speakers[0]
    assert workshop.slot_of(gross).anchor == "slot-1400"
    assert gross.initials == "WG"
    assert all(slot.anchor.startswith("slot-") for slot in workshop.schedule)


def test_names_get_typographic_apostrophes_addresses_do_not():
    workshop = load_workshop(DATA)
    affiliations = {person.affiliation for person in workshop.organisers}
    assert "Huawei Noah\u2019s Ark Canada" in affiliations
    assert all("'" not in person.affiliation for person in workshop.organisers)
    assert workshop.event.iclr_page_url.startswith("https://")
