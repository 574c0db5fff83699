"""Facts written once: in a copy of the project the event moves to another day
and time, one keynote speaker is replaced and another dropped, one paper is
withdrawn; then no page but the announcements (which are history) still states
the old date, weekday, times or counts, and the pages state the new ones."""

import datetime as dt
import re

import pytest
import yaml
from sitetools import ROOT, build_site, copy_project, html_pages, soup
from workshop_data.workshop_data import load_workshop

NEW_DATE = dt.date(2022, 6, 14)  # a Tuesday
SHIFT = dt.timedelta(hours=-4, minutes=-45)  # 13:45 becomes 09:00
NEW_SPEAKER = {
    "id": "example",
    "name": "Ada Example",
    "affiliation": "Example University",
    "talk": "Training on a Budget",
    "summary": "A talk given only in this test's copy of the site.",
}
NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve"


def shifted(clock):
    moment = dt.datetime.combine(NEW_DATE, dt.time.fromisoformat(clock)) + SHIFT
    return moment.strftime("%H:%M")


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """(old workshop, new workshop, built site) for the moved event."""
    project = copy_project(tmp_path_factory.mktemp("moved") / "site")
    data = project / "content" / "data"
    old = load_workshop(data)

    def edit(name, change):
        path = data / name
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(change(entries), allow_unicode=True), "utf-8")

    def event(entry):
        entry["date"] = NEW_DATE
        entry["start"], entry["end"] = shifted(entry["start"]), shifted(entry["end"])
        return entry

    def speakers(entries):
        return [NEW_SPEAKER, *entries[1:-1]]

    def schedule(entries):
        first, last = entries[1]["speaker"], entries[-2]["speaker"]
        for entry in entries:
            entry["start"], entry["end"] = (
                shifted(entry["start"]),
                shifted(entry["end"]),
            )
            if entry.get("speaker") == first:
                entry["speaker"] = NEW_SPEAKER["id"]
        return [e for e in entries if e.get("speaker") != last]

    def papers(entries):
        ranked = {
            rank["paper"]
            for rank in yaml.safe_load((data / "ranking.yaml").read_text())
        }
        withdrawn = next(p for p in entries if p["id"] not in ranked)
        return [p for p in entries if p is not withdrawn]

    edit("event.yaml", event)
    edit("speakers.yaml", speakers)
    edit("schedule.yaml", schedule)
    edit("papers.yaml", papers)
    new = load_workshop(data)
    output = project / "output"
    result = build_site(output, project / "pelicanconf.py", project / "content")
    assert result.returncode == 0, result.stdout + result.stderr
    return old, new, output


def stated(site, page):
    """What a page says, head included (title, description, share preview),
    announcement summaries left out (the home page lists the latest)."""
    html = soup(site, page)
    for news in html.select(".news-list"):
        news.decompose()
    metas = " ".join(m.get("content", "") for m in html.head.find_all("meta"))
    words = " ".join(html.get_text(" ").split()) + " " + metas
    return re.sub(r"\s*–\s*", "–", words)  # 13:45–14:00 as a reader sees it


def count_phrases(workshop):
    words = NUMBER_WORDS.split()
    return {
        f"{words[len(workshop.speakers)]} keynote",
        f"{words[len(workshop.speakers)]} invited",
        f"{len(workshop.papers)} papers",
        f"{len(workshop.papers)} accepted",
    }


def test_no_page_states_the_old_date_time_or_counts(moved):
    old, new, site = moved
    start, end = old.event.start, old.event.end
    stale = {
        f"{start:%-d %B}",
        f"{start:%B} {start.day}",
        start.strftime("%A"),
        f"{start:%H:%M}",
        f"{end:%H:%M}",
        f"{old.event.utc_start:%H:%M}",
        f"{old.event.utc_end:%H:%M}",
        old.speakers[0].name,
        old.speakers[-1].name,
        *count_phrases(old),
    } - {  # what the new data states too is no stale fact
        f"{new.event.start:%A}",
        *(speaker.name for speaker in new.speakers),
        *(
            f"{moment:%H:%M}"
            for slot in new.schedule
            for moment in (slot.start, slot.end, slot.utc_start, slot.utc_end)
        ),
        *count_phrases(new),
    }
    pages = [p.relative_to(site).as_posix() for p in html_pages(site)]
    pages = [p for p in pages if not p.startswith(("news/", "drafts/"))]
    assert len(pages) >= 10
    found = [
        f"{page}: {fact}"
        for page in pages
        for fact in sorted(stale)
        if re.search(rf"(?<![\w:]){re.escape(fact)}(?![\w:])", stated(site, page))
    ]
    assert found == []


def test_the_pages_state_the_new_facts(moved):
    _, new, site = moved
    home = stated(site, "")
    assert f"{new.event.start:%A} {new.event.start.day} {new.event.start:%B %Y}" in home
    assert f"{new.event.start:%H:%M}–{new.event.end:%H:%M}" in home
    assert NEW_SPEAKER["name"] in stated(site, "keynotes/")
    assert f"{len(new.papers)} papers" in stated(site, "papers/")
    schedule = stated(site, "schedule/")
    assert f"{new.schedule[0].start:%H:%M}–{new.schedule[0].end:%H:%M}" in schedule


def test_a_modified_announcement_says_so_and_links_the_change(dev_site):
    """A post with `Modified:` metadata shows the date it was updated and
    links to the announcement of that day, which says what changed."""
    posts = {}
    for path in sorted((ROOT / "content" / "news").glob("*.md")):
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
        fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        posts[path.name] = fields
    modified = {name: fields for name, fields in posts.items() if "Modified" in fields}
    assert modified, "no announcement carries a Modified: date"
    for fields in modified.values():
        url = f"news/{fields['Date'][:4]}/{fields['Slug']}/"
        page = soup(dev_site, url)
        stamp = page.find("meta", property="article:modified_time")["content"]
        assert stamp.startswith(fields["Modified"][:10].replace(" ", "T"))
        assert "last updated" in page.select_one("article .meta").get_text()
        day = fields["Modified"][:10]
        changes = [
            f"/news/{f['Date'][:4]}/{f['Slug']}/"
            for f in posts.values()
            if f["Date"].startswith(day) and f is not fields
        ]
        links = {a["href"] for a in page.select("article a")}
        assert changes and any(link.endswith(tuple(changes)) for link in links)


def test_quotes_are_typographic_in_data_and_prose_alike(dev_site):
    """Names from the data get curly apostrophes like the typogrified prose:
    no page shows a straight quote outside code."""
    straight = []
    for built in html_pages(dev_site):
        html = soup(dev_site, built.relative_to(dev_site).as_posix())
        body = html.body
        text = " ".join(
            piece
            for piece in body.find_all(string=True)
            if not piece.find_parent(["script", "style", "code", "pre"])
        )
        straight += [f"{built.relative_to(dev_site)}: {q}" for q in "'\"" if q in text]
    assert straight == []
    assert "\u2019" in soup(dev_site, "organisers/").main.get_text()
