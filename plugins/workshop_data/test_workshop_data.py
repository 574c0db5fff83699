import datetime as dt
import shutil
from pathlib import Path

import pytest

from workshop_data.workshop_data import DataError, load_workshop

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
        DataError, match=r"ranking\.yaml:\d+ \(entry 1\): unknown paper id 81"
    ):
        load_workshop(data)


def test_not_utf8(data):
    (data / "papers.yaml").write_bytes("- id: 1\n  title: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"papers\.yaml: not UTF-8"):
        load_workshop(data)
