"""Facts written once: in a copy of the project the event moves to another day
and time, one keynote speaker is replaced and another dropped, one paper is
withdrawn, the papers' format and submission site change and the challenge
gets another time budget, machine, data and baseline; then no page but the
announcements (which are history) still states the old date, weekday, times,
counts, format or challenge, and the pages state the new ones."""

import dataclasses
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
# Every field of submission.yaml and challenge.yaml changed.
NEW_SUBMISSION = {
    "site": "OpenReview",
    "url": "https://openreview.example/group?id=HAET",
    "template": "HAET 2022 LaTeX template",
    "template_url": "https://templates.example/haet2022.zip",
    "page_limit": 6,
    "review": "single-blind",
}
NEW_CHALLENGE = {
    "minutes": 15,
    "gpu": "NVIDIA A100",
    "gpu_memory": "40 GB",
    "cpu": "AMD EPYC 7742",
    "cpu_clock": "2.25 GHz",
    "ram": "64 GB",
    "trial_dataset": "SVHN",
    "classes": 20,
    "image_size": 64,
    "train_images": 400,
    "test_images": 80,
    "evaluation_source": "the Tiny ImageNet train split",
    "runs": 3,
    "entry_pages": 2,
    "category": "Efficiency track",
    "baseline_url": "https://code.example/haet-baseline",
}


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
    edit("submission.yaml", lambda entry: {**entry, **NEW_SUBMISSION})
    edit("challenge.yaml", lambda entry: {**entry, **NEW_CHALLENGE})
    new = load_workshop(data)
    assert set(NEW_SUBMISSION) == {f.name for f in dataclasses.fields(new.submission)}
    assert set(NEW_CHALLENGE) == {f.name for f in dataclasses.fields(new.challenge)}
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


def format_phrases(workshop):
    """How the pages state the papers' format and the challenge: phrases
    built from the data, each specific enough to be found only where meant."""
    submission, challenge = workshop.submission, workshop.challenge
    size = f"{challenge.image_size}×{challenge.image_size}"
    return {
        submission.site,
        submission.template,
        f"{submission.page_limit} pages",
        submission.review,
        f"{challenge.minutes} minutes",
        challenge.gpu,
        f"{challenge.gpu_memory} of memory",
        f"{challenge.cpu} at {challenge.cpu_clock}",
        challenge.ram,
        challenge.trial_dataset,
        f"{challenge.classes} classes",
        f"{size} RGB",
        f"{challenge.train_images} training",
        f"{challenge.test_images} test",
        f"{challenge.runs} runs",
        f"{NUMBER_WORDS.split()[challenge.entry_pages]} page",
        challenge.category,
        challenge.evaluation_source,
    }


def format_links(workshop):
    return {
        workshop.submission.url,
        workshop.submission.template_url,
        workshop.challenge.baseline_url,
    }


def without_titles(text, workshop):
    """A page's text without the papers' titles: a title is the authors'
    ("... V100 in 10 Minutes"), not a statement of the site's."""
    for paper in workshop.papers:
        text = text.replace(re.sub(r"\s*–\s*", "–", paper.title), " ")
    return text


def test_no_page_states_the_old_format_or_challenge(moved):
    old, new, site = moved
    stale = format_phrases(old) - format_phrases(new)
    assert len(stale) == len(format_phrases(old))  # every value changed
    found = []
    for path in html_pages(site):
        page = path.relative_to(site).as_posix()
        if page.startswith(("news/", "drafts/")):
            continue
        text = without_titles(stated(site, page), old)
        found += [
            f"{page}: {fact}"
            for fact in sorted(stale)
            if re.search(rf"(?<![\w:]){re.escape(fact)}(?![\w:])", text)
        ]
        hrefs = {a["href"] for a in soup(site, page).find_all("a", href=True)}
        found += [f"{page}: {link}" for link in sorted(format_links(old) & hrefs)]
    assert found == []


def test_the_pages_state_the_new_format_and_challenge(moved):
    _, new, site = moved
    stated_on = {
        page: without_titles(stated(site, page), new)
        for page in ("call-for-papers/", "challenge/")
    }
    missing = [
        fact
        for fact in format_phrases(new)
        if not any(fact in text for text in stated_on.values())
    ]
    assert missing == []
    links = {
        a["href"]
        for page in stated_on
        for a in soup(site, page).find_all("a", href=True)
    }
    assert format_links(new) <= links
    challenge = new.challenge
    description = soup(site, "challenge/").find("meta", attrs={"name": "description"})
    assert f"{challenge.minutes} minutes" in description["content"]
    assert challenge.gpu in description["content"]


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
