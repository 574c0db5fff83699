"""What organisers get wrong: each mistake gives one clear message naming the
file (and line), never a traceback. A development build carries on and shows
the rest of the site; a production build stops."""

import json
import re

import feedparser
import pytest
from sitetools import build_site, copy_project, soup

GOOD_POST = "Title: {title}\nDate: 2021-05-01 10:00\nSummary: {summary}\n\nSome text.\n"

# name: (file under content/news, its bytes, what the message must say). Each
# message names the file and line the organiser wrote, and what to write.
BAD_POSTS = {
    "invalid date": (
        "2021-05-01-bad-date.md",
        b"Title: Bad date\nDate: 2021-13-45\n\nText.\n",
        "content/news/2021-05-01-bad-date.md:2: '2021-13-45' is not a valid date;"
        " fix: write Date: 2021-05-07",
    ),
    "ambiguous date": (
        "2021-05-01-day-first.md",
        b"Title: Day first\nDate: 05/07/2021\n\nText.\n",
        "content/news/2021-05-01-day-first.md:2: '05/07/2021' is not a date in the"
        " form YYYY-MM-DD; fix: write Date: 2021-07-05 or 2021-05-07",
    ),
    "misspelt Title": (
        "2021-05-01-untitled.md",
        b"Tittle: Untitled\nDate: 2021-05-01\n\nText.\n",
        "content/news/2021-05-01-untitled.md:1: unknown metadata 'Tittle:'; fix: did"
        " you mean Title:?",
    ),
    "misspelt Status": (
        "2021-05-01-stauts.md",
        b"Title: Not ready\nDate: 2021-05-01\nStauts: draft\n\nText.\n",
        "content/news/2021-05-01-stauts.md:3: unknown metadata 'Stauts:'; fix: did"
        " you mean Status:?",
    ),
    "misspelt Summary": (
        "2021-05-01-sumary.md",
        b"Title: Summary\nDate: 2021-05-01\nSumary: One line.\n\nText.\n",
        "content/news/2021-05-01-sumary.md:3: unknown metadata 'Sumary:'; fix: did"
        " you mean Summary:?",
    ),
    "no title": (
        "2021-05-01-no-title.md",
        b"Date: 2021-05-01\n\nText.\n",
        "content/news/2021-05-01-no-title.md:1: no Title: line; fix: start the file"
        " with 'Title: The title'",
    ),
    "unknown status": (
        "2021-05-01-status.md",
        b"Title: Status\nDate: 2021-05-01\nStatus: publised\n\nText.\n",
        "content/news/2021-05-01-status.md:3: unknown status 'publised'; fix: write"
        " Status: published",
    ),
    "empty file": (
        "2021-05-01-empty.md",
        b"",
        "content/news/2021-05-01-empty.md: the file is empty; fix: write a Title:",
    ),
    "not UTF-8": (
        "2021-05-01-latin.md",
        "Title: Caf\xe9\nDate: 2021-05-01\n\nOl\xe9.\n".encode("latin-1"),
        "content/news/2021-05-01-latin.md:1: not UTF-8 text (byte 0xe9); fix: save"
        " the file as UTF-8",
    ),
    "saved as .txt": (
        "2021-05-01-notes.txt",
        b"Title: Notes\nDate: 2021-05-01\n\nText.\n",
        "content/news/2021-05-01-notes.txt: Pelican does not read this file; fix:"
        " rename it to 2021-05-01-notes.md",
    ),
    "same slug as another post": (
        "2021-05-01-schedule-again.md",
        b"Title: Schedule again\nDate: 2021-04-14\nSlug: schedule\n\nText.\n",
        "content/news/2021-05-01-schedule-again.md: its address /news/2021/schedule/"
        " is already used by content/news/2021-04-13-schedule.md",
    ),
    "link to a missing file": (
        "2021-05-01-link.md",
        b"Title: Link\nDate: 2021-05-01\n\n[Venue]({filename}/pages/99-venue.md)\n",
        "content/news/2021-05-01-link.md:4: ",
    ),
    "missing image": (
        "2021-05-01-photo.md",
        b"Title: Photo\nDate: 2021-05-01\n\n![The team]({static}/images/team.jpg)\n",
        "content/news/2021-05-01-photo.md:4: ",
    ),
}
# What else the message says, for the checker's findings.
FIXES = {
    "link to a missing file": "fix: no file content/pages/99-venue.md exists",
    "missing image": "image not found: nothing at /images/team.jpg",
}


def build_with(tmp_path, settings, name, data):
    """Build as `pelican content -s SETTINGS` would: strict only if it says so."""
    project = copy_project(tmp_path / "site")
    (project / "content/news" / name).write_bytes(data)
    output = tmp_path / "out"
    result = build_site(output, project / settings, project / "content", fatal=None)
    log = result.stdout + result.stderr  # piped: one line per record, whole
    return result, log, output


@pytest.mark.parametrize("case", BAD_POSTS)
def test_development_build_reports_and_carries_on(tmp_path, case):
    name, data, message = BAD_POSTS[case]
    result, log, output = build_with(tmp_path, "pelicanconf.py", name, data)
    assert result.returncode == 0
    assert message in log, log
    assert FIXES.get(case, "") in log, log
    assert "Traceback" not in log
    assert (output / "index.html").exists() and (
        output / "schedule/index.html"
    ).exists()


@pytest.mark.parametrize("case", BAD_POSTS)
def test_production_build_stops(tmp_path, case):
    name, data, message = BAD_POSTS[case]
    result, log, output = build_with(tmp_path, "publishconf.py", name, data)
    assert result.returncode != 0
    assert message in log, log
    assert re.search(r"\d+ problems? blocks? publication", log), log
    assert "Traceback" not in log


def test_production_build_stops_even_when_quiet(tmp_path):
    name, data, message = BAD_POSTS["invalid date"]
    result, log, output = build_with(tmp_path, "publishconf.py", name, data)
    project = tmp_path / "site"
    quiet = build_site(
        tmp_path / "q",
        project / "publishconf.py",
        project / "content",
        "-q",
        fatal=None,
    )
    # -q would hide the problems that must fail it: refused in one line.
    assert quiet.returncode != 0
    assert "FINDINGS_FATAL needs the problems to be logged: build without -q" in (
        quiet.stdout + quiet.stderr
    )


def test_a_clashing_post_is_left_out_and_the_first_kept(tmp_path):
    name, data, _ = BAD_POSTS["same slug as another post"]
    project = copy_project(tmp_path / "site")
    (project / "content/news" / name).write_bytes(data)
    build_site(
        tmp_path / "out", project / "pelicanconf.py", project / "content", fatal=None
    )
    page = soup(tmp_path / "out", "news/2021/schedule/")
    assert "Schedule again" not in page.h1.get_text()


HOSTILE = 'Tom & Jerry <script>alert(1)</script> "onmouseover=alert(2) <3'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """Hostile text in a post's title, summary and tag, in a page's title and
    menu entry, and in a talk and a paper title of the data; built for production."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    project = copy_project(tmp_path / "site")
    post = GOOD_POST.format(title=HOSTILE, summary=HOSTILE)
    tags = f"Slug: hostile\nTags: {HOSTILE}\nSummary:"
    (project / "content/news/2021-05-01-hostile.md").write_text(
        post.replace("Summary:", tags)
    )
    (project / "content/pages/90-hostile.md").write_text(
        f"Title: {HOSTILE}\nNav_title: {HOSTILE}\nSlug: hostile\n\nText.\n"
    )
    data = project / "content/data"
    for name, old in (("speakers.yaml", "  talk: Stochastic Computing for Machine "
                       "Learning towards an Intelligent Edge"),
                      ("papers.yaml", '  title: "GradMax: Gradient Maximizing Neural '
                       'Network Growth"')):  # fmt: skip
        text = (data / name).read_text()
        assert old in text
        field = old.split(":")[0]
        (data / name).write_text(text.replace(old, f"{field}: {json.dumps(HOSTILE)}"))
    result = build_site(
        tmp_path / "out", project / "publishconf.py", project / "content"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path / "out"


def visible(node):
    return " ".join(node.get_text().split())


@pytest.mark.parametrize(
    "page",
    ["news/2021/hostile/", "news/", "news/archive/", "", "news/tag/", "hostile/",
     "keynotes/", "schedule/", "papers/"],
)  # fmt: skip
def test_hostile_metadata_arrives_as_text(hostile_site, page):
    html = soup(hostile_site, page)
    # No element or attribute came from the metadata...
    scripts = html.find_all("script", type=lambda kind: kind != "application/ld+json")
    assert not [s for s in scripts if "alert" in s.get_text()]
    assert not html.find_all(attrs={"onmouseover": True})
    # ...and what a visitor reads is what the organiser typed (quotes curled).
    typed = HOSTILE.replace('"', "\u201c")  # typogrify curls the quote
    assert typed in visible(html) or HOSTILE in visible(html) or page == "news/tag/"


def strings(value):
    """Every string inside parsed JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings(item)


def test_hostile_data_in_json_ld_and_calendars(hostile_site):
    from icalendar import Calendar

    for page in ("", "papers/"):
        [block] = soup(hostile_site, page).find_all(
            "script", type="application/ld+json"
        )
        assert "<" not in block.string  # nothing can close the script element
        assert any(HOSTILE in text for text in strings(json.loads(block.string))), page
    schedule = Calendar.from_ical(
        (hostile_site / "calendar/haet2021-schedule.ics").read_bytes()
    )
    descriptions = [str(e["DESCRIPTION"]) for e in schedule.walk("VEVENT")]
    assert any(f"Talk: {HOSTILE}" in d for d in descriptions)


def test_hostile_title_in_head_and_feeds(hostile_site):
    head = soup(hostile_site, "news/2021/hostile/").head
    assert "<script>alert(1)</script>" in head.title.string
    assert (
        "<script>alert(1)</script>" in head.find("meta", property="og:title")["content"]
    )
    for feed_path in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        feed = feedparser.parse((hostile_site / feed_path).read_bytes())
        assert not feed.bozo
        [entry] = [e for e in feed.entries if e.link.endswith("/hostile/")]
        assert "<script>alert(1)</script>" in entry.title


def test_future_post_waits_for_its_date(tmp_path):
    project = copy_project(tmp_path / "site")
    (project / "content/news/2099-01-01-future.md").write_text(
        GOOD_POST.format(title="From the future", summary="Later.").replace(
            "2021-05-01", "2099-01-01"
        )
    )
    result = build_site(
        tmp_path / "out", project / "publishconf.py", project / "content"
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert not list((out / "news").glob("2099/*"))
    assert "From the future" not in (out / "feeds/all.atom.xml").read_text()
    assert "From the future" not in (out / "news/index.html").read_text()


def test_drafts_and_hidden_posts_stay_out_of_lists_feeds_and_sitemap(tmp_path):
    project = copy_project(tmp_path / "site")
    for status in ("draft", "hidden"):
        post = GOOD_POST.format(title=f"Not listed {status}", summary="No.")
        (project / f"content/news/2021-05-01-{status}.md").write_text(
            post.replace("Summary:", f"Status: {status}\nSummary:")
        )
    result = build_site(
        tmp_path / "out", project / "publishconf.py", project / "content"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "out"
    assert (out / "news/2021/not-listed-hidden/index.html").exists()
    listed = [out / "news/index.html", out / "news/archive/index.html",
              out / "feeds/all.atom.xml", out / "feeds/all.rss.xml",
              out / "sitemap.xml", out / "index.html"]  # fmt: skip
    for path in listed:
        assert not re.search(r"not[- ]listed", path.read_text(), re.I), path


def test_a_page_left_by_an_earlier_build_hides_no_broken_link(tmp_path):
    """A page deleted from content/ is gone from output/ at the next build, so
    a link to it is reported, in development as in production."""
    project = copy_project(tmp_path / "site")
    venue = project / "content/pages/95-venue.md"
    venue.write_text("Title: Venue\nSlug: venue\n\nWhere.\n")
    output = tmp_path / "out"
    first = build_site(output, project / "pelicanconf.py", project / "content")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (output / "venue/index.html").exists()
    venue.unlink()
    (project / "content/news/2021-05-01-venue.md").write_text(
        "Title: Venue\nDate: 2021-05-01 10:00\nSummary: Where.\n\n[Venue](/venue/)\n"
    )
    second = build_site(
        output, project / "pelicanconf.py", project / "content", fatal=None
    )
    log = " ".join((second.stdout + second.stderr).split())
    assert not (output / "venue/index.html").exists()
    assert "content/news/2021-05-01-venue.md" in log and "/venue/" in log, log


def test_one_slug_in_two_years_is_two_posts_in_both_builds(tmp_path):
    project = copy_project(tmp_path / "site")
    for year in ("2021", "2022"):
        (project / f"content/news/{year}-05-01-meetup.md").write_text(
            f"Title: Meetup {year}\nDate: {year}-05-01 10:00\nSlug: meetup\n"
            "Summary: We meet.\n\nText.\n"
        )
    for settings in ("pelicanconf.py", "publishconf.py"):
        output = tmp_path / settings
        result = build_site(output, project / settings, project / "content")
        assert result.returncode == 0, result.stdout + result.stderr
        for year in ("2021", "2022"):
            page = soup(output, f"news/{year}/meetup/")
            assert f"Meetup {year}" in page.h1.get_text()
