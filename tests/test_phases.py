"""The site follows the workshop's phase: the production build on a day of
each phase (SITE_TODAY, days computed from content/data by haet.data) passes
its checks, and its home page leads with what a visitor needs then.

Which posts are due depends on the real clock (WITH_FUTURE_DATES = False), so
each build runs under `faketime` (Debian package) at noon of its day: the
build that day's scheduled rebuild makes, posts not yet due left out."""

import concurrent.futures
import datetime as dt
import shutil

import pytest
from sitetools import SITE, build_site, settings_of, soup, text, workshop

DAY = dt.timedelta(days=1)
FACTS = workshop()
EVENT = FACTS.event
BASE = settings_of("publishconf.py")["SITEURL"]
# A day of each phase, and the days before and after the proceedings appear.
DAYS = {
    "open": FACTS.submissions_close,
    "upcoming": EVENT.date - 7 * DAY,
    "live": EVENT.date,
    "over": EVENT.proceedings_date - DAY,
    "proceedings": EVENT.proceedings_date,
}


def build(output, today):
    faketime = shutil.which("faketime") or pytest.fail(
        "faketime is missing: install the Debian package faketime"
    )
    result = build_site(
        output,
        SITE / "publishconf.py",
        SITE / "content",
        env={"SITE_TODAY": f"{today}"},
        prefix=[faketime, f"{today} 12:00:00"],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """{phase: build}, the builds made side by side."""
    folder = tmp_path_factory.mktemp("phases")
    with concurrent.futures.ThreadPoolExecutor(len(DAYS)) as pool:
        outputs = pool.map(build, [folder / name for name in DAYS], DAYS.values())
        return dict(zip(DAYS, outputs, strict=True))


def test_each_day_is_in_the_phase_it_stands_for():
    phases = {name: workshop(today=day).phase for name, day in DAYS.items()}
    assert phases == {**{name: name for name in DAYS}, "proceedings": "over"}
    assert EVENT.proceedings_date - DAY > EVENT.date


def lead(site):
    return soup(site, "").select_one("main .lead")


def hrefs(node):
    return {a["href"] for a in node.find_all("a")}


@pytest.mark.parametrize("name", DAYS)
def test_home_page_leads_with_what_a_visitor_needs_that_day(builds, name):
    site, phase = builds[name], workshop(today=DAYS[name]).phase
    top = lead(site)
    words, links = text(top), hrefs(top)
    stamps = {time["datetime"] for time in top.find_all("time")}
    assert f"phase-{phase}" in top["class"]
    if phase == "open":
        assert {f"{BASE}/call-for-papers/", f"{BASE}/challenge/"} <= links
        deadlines = [d for d in FACTS.dates if d.kind == "submission"]
        assert {(d.deadline or d.date).isoformat() for d in deadlines} <= stamps
        assert "open" in words
    if phase in ("upcoming", "live"):
        assert EVENT.start.isoformat() in stamps
        assert {EVENT.registration_url, EVENT.iclr_page_url} <= links
        assert EVENT.poster_room_url in links
    assert any(href.endswith(".ics") for href in links) == (phase == "upcoming")
    assert ("Live" in words) == (phase == "live")
    assert ("took place" in words) == (phase == "over")
    if phase == "over":
        assert {EVENT.iclr_page_url, f"{BASE}/papers/"} <= links
        assert "replay" in words.lower()
    # The proceedings only from their day on.
    assert (EVENT.proceedings_url in hrefs(soup(site, "").main)) == (
        name == "proceedings"
    )


@pytest.mark.parametrize("name", DAYS)
def test_tense_follows_the_phase_and_only_due_posts_are_out(builds, name):
    site, today = builds[name], DAYS[name]
    past = workshop(today=today).past
    keynotes = text(soup(site, "keynotes/").main)
    assert (" gave keynotes" in keynotes, " give keynotes" in keynotes) == (
        past,
        not past,
    )
    assert (" was organised" in text(soup(site, "organisers/").main)) == past
    cfp = text(soup(site, "call-for-papers/").select_one(".lead-fact"))
    assert ("open" in cfp) == (workshop(today=today).phase == "open")
    published = [
        time["datetime"][:10]
        for time in soup(site, "news/archive/").select("ul.archive time")
    ]
    assert max(published, default=f"{today}") <= f"{today}"
