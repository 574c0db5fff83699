"""What a visitor reads and takes away, from the data and the posts: papers to
cite, feeds and calendars that say what they are, and a site that is true on
the day it was built for."""

import datetime as dt
import re
import shutil

import feedparser
from icalendar import Calendar
from sitetools import (
    TOKEN,
    build_site,
    copy_project,
    posts,
    settings_of,
    soup,
    workshop,
)

WORKSHOP = workshop()
EVENT = WORKSHOP.event


def test_every_paper_has_an_anchor_and_a_citation(dev_site):
    page = soup(dev_site, "papers/")
    for paper in WORKSHOP.papers:
        row = page.find(id=f"paper-{paper.id}")
        cite = row.select_one("details.cite pre").get_text()
        assert cite.startswith("@inproceedings{")
        assert f"title = {{{paper.title}}}" in cite
        assert f"author = {{{' and '.join(paper.authors)}}}" in cite
        assert f"year = {{{EVENT.date.year}}}" in cite
        assert f"note = {{Poster {paper.id}}}" in cite
        assert (EVENT.proceedings_url in cite) == WORKSHOP.proceedings_out
        assert row.select_one(f'details.cite a[href="#paper-{paper.id}"]')


def test_feeds_say_their_language_and_each_posts_topics_in_plain_words(dev_site):
    published = {post["title"]: post for post in posts()}
    for name in ("all.atom.xml", "all.rss.xml"):
        feed = feedparser.parse((dev_site / "feeds" / name).read_bytes())
        assert feed.feed.language == settings_of()["DEFAULT_LANG"]
        for entry in feed.entries:
            post = published[entry.title]
            assert sorted(t.term for t in entry.get("tags", [])) == sorted(post["tags"])
    atom = (dev_site / "feeds/all.atom.xml").read_text()
    for summary in re.findall(r"<summary[^>]*>(.*?)</summary>", atom, re.S):
        assert "&lt;span" not in summary and "<span" not in summary


def test_the_calendar_links_the_schedule_and_names_the_workshop_as_the_site(dev_site):
    calendar = Calendar.from_ical((dev_site / "calendar/workshop.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    description = str(event["DESCRIPTION"])
    schedule = next(
        p.relative_to(dev_site).parent.as_posix()
        for p in dev_site.rglob("index.html")
        if soup(dev_site, p.relative_to(dev_site).as_posix()).select("table.schedule")
    )
    assert f"Programme: {settings_of()['FEED_DOMAIN']}/{schedule}/" in description
    assert f"{EVENT.name} ({EVENT.short_name})" in description


def test_a_build_for_an_earlier_day_shows_nothing_from_after_it(tmp_path):
    """Built for the day before the papers were out (a production build, every
    check on): no later post, no papers, no ranking, no videos; a link to a
    post not yet published is plain text, and the build passes."""
    project = copy_project(tmp_path / "site")
    day = min(EVENT.papers_date, EVENT.ranking_date) - dt.timedelta(days=1)
    news = project / "content/news"
    (news / f"later-{TOKEN}.md").write_text(
        f"Title: Later {TOKEN}\nDate: {day + dt.timedelta(days=2)}\n\nSoon.\n",
        encoding="utf-8",
    )
    (news / f"a-note-{TOKEN}.md").write_text(
        f"Title: A note {TOKEN}\nDate: {day - dt.timedelta(days=1)}\n\n"
        f"See [what comes later]({{filename}}/news/later-{TOKEN}.md).\n",
        encoding="utf-8",
    )
    later = [post for post in posts(project) if post["date"] > day.isoformat()]
    out = tmp_path / "out"
    built = build_site(
        out,
        project / "publishconf.py",
        project / "content",
        env={"SITE_TODAY": str(day)},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    shutil.rmtree(project / "cache", ignore_errors=True)
    for post in later:
        assert not (out / post["url"] / "index.html").exists(), post["url"]
    page = soup(out, "news/")
    assert f"A note {TOKEN}" in page.get_text()
    note_page = next(out.glob(f"news/*/a-note-{TOKEN}/index.html"))
    text = soup(out, note_page.relative_to(out).as_posix())
    assert "what comes later" in text.get_text()
    assert not text.find("a", string="what comes later")
    assert not soup(out, "papers/").select("tr[id^=paper-]")
    assert not soup(out, "challenge/").select("table.ranking")
