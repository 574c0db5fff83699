"""The site follows the workshop's phase: the production build at a date in
each phase (SITE_TODAY) passes its checks, and its home page leads with what a
visitor needs then. Dates and expectations come from content/data.

Which posts are due depends on the real clock (WITH_FUTURE_DATES = False), so
each build runs under `faketime` (Debian package) at noon of its day: the
build a daily rebuild makes that day, posts not yet due left as drafts."""

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest
from sitetools import ROOT, soup
from workshop_data.workshop_data import load_workshop

WORKSHOP = load_workshop(ROOT / "content" / "data")
EVENT = WORKSHOP.event
DAY = dt.timedelta(days=1)
DATES = {
    "open": WORKSHOP.submissions_close,
    "upcoming": EVENT.date - 7 * DAY,
    "live": EVENT.date,
    "over": EVENT.proceedings_date + DAY,
}


def build(output, today, project=ROOT, settings="publishconf.py"):
    """The production build as the daily rebuild on `today` makes it."""
    faketime = shutil.which("faketime") or pytest.fail(
        "faketime is missing: install the Debian package faketime"
    )
    command = [faketime, f"{today.isoformat()} 12:00:00"]
    command += [sys.executable, "-m", "pelican", str(project / "content")]
    command += ["-s", str(project / settings), "-o", str(output)]
    command += ["--fatal", "warnings"]
    env = {**os.environ, "SITE_TODAY": today.isoformat()}
    result = subprocess.run(
        command, cwd=project, capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module", params=list(DATES))
def phase_site(request, tmp_path_factory):
    phase = request.param
    output = tmp_path_factory.mktemp(f"phase-{phase}")
    return phase, build(output, DATES[phase])


def lead(site):
    return soup(site, "").select_one("main .lead")


def hrefs(node):
    return {a["href"] for a in node.find_all("a")}


def datetimes(node):
    return {time["datetime"] for time in node.find_all("time")}


def test_the_phase_of_each_date_is_the_one_tested():
    for phase, today in DATES.items():
        assert load_workshop(ROOT / "content" / "data", today).phase == phase


def test_home_page_leads_with_what_a_visitor_needs_now(phase_site):
    phase, site = phase_site
    top = lead(site)
    words = top.get_text(" ")
    assert "phase-" + phase in top["class"]
    site_url = "https://haet2021.github.io"
    if phase == "open":
        assert {f"{site_url}/call-for-papers/", f"{site_url}/challenge/"} <= hrefs(top)
        deadlines = [d for d in WORKSHOP.dates if d.kind == "submission"]
        assert {(d.deadline or d.date).isoformat() for d in deadlines} <= datetimes(top)
        assert "open" in words
    if phase in ("upcoming", "live"):
        assert EVENT.start.isoformat() in datetimes(top)
        assert {EVENT.registration_url, EVENT.iclr_page_url} <= hrefs(top)
        assert EVENT.poster_room_url in hrefs(top)
    if phase == "upcoming":
        assert any(href.endswith(".ics") for href in hrefs(top))
    if phase == "live":
        assert "Live" in words
    if phase == "over":
        assert {EVENT.iclr_page_url, f"{site_url}/papers/"} <= hrefs(top)
        assert EVENT.proceedings_url in hrefs(top)
        assert "took place" in words and "replay" in words.lower()
    else:
        assert "took place" not in words
        assert EVENT.proceedings_url not in hrefs(soup(site, "").main)


def test_tense_follows_the_phase(phase_site):
    phase, site = phase_site
    past = phase == "over"
    keynotes = soup(site, "keynotes/").main.get_text(" ")
    organisers = soup(site, "organisers/").main.get_text(" ")
    assert (" gave keynotes" in keynotes) == past
    assert (" give keynotes" in keynotes) == (not past)
    assert (" was organised" in organisers) == past
    cfp = soup(site, "call-for-papers/").select_one(".lead-fact").get_text(" ")
    assert ("open" in cfp) == (phase == "open")


def test_before_the_proceedings_the_site_does_not_announce_them(tmp_path):
    site = build(tmp_path / "out", EVENT.proceedings_date - DAY)
    assert EVENT.proceedings_url not in hrefs(lead(site))
    assert "phase-over" in lead(site)["class"]


def test_posts_not_yet_due_are_not_published(phase_site):
    phase, site = phase_site
    today = DATES[phase].isoformat()
    published = [
        time["datetime"][:10]
        for time in soup(site, "news/archive/").select("ul.archive time")
    ]
    assert published and max(published) <= today
