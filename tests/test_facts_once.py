"""Facts written once, in content/data: in the changed copy of the project
(sitetools.move_event: another day, times, speakers, papers, format and
challenge) no page but the announcements (history) states an old fact."""

import re

from sitetools import SITE, data, html_pages, posts, soup

NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve"


def stated(site, page):
    """What a page says, head included (title, description, share preview),
    announcement summaries left out (the home page lists the latest)."""
    html = soup(site, page)
    for news in html.select(".news-list"):
        news.decompose()
    metas = " ".join(m.get("content", "") for m in html.head.find_all("meta"))
    words = " ".join(html.get_text(" ").split()) + " " + metas
    return re.sub(r"\s*–\s*", "–", words)  # 13:45–14:00 as a reader sees it


def dated_facts(workshop):
    """The event's day, times, speakers and counts, as the pages state them."""
    event, words = workshop.event, NUMBER_WORDS.split()
    times = [(s.start, s.end, s.utc_start, s.utc_end) for s in workshop.schedule]
    return {
        f"{event.start:%-d %B}",
        f"{event.start:%B} {event.start.day}",
        f"{event.start:%A}",
        *(f"{moment:%H:%M}" for slot in times for moment in slot),
        *(speaker.name for speaker in workshop.speakers),
        f"{words[len(workshop.speakers)]} keynote",
        f"{words[len(workshop.speakers)]} invited",
        f"{len(workshop.papers)} papers",
        f"{len(workshop.papers)} accepted",
    }


def format_facts(workshop):
    """How the pages state the papers' format and the challenge: phrases
    built from the data, each specific enough to be found only where meant."""
    submission, challenge = workshop.submission, workshop.challenge
    as_typed = ["gpu", "ram", "trial_dataset", "category", "evaluation_source"]
    return {
        *(getattr(challenge, name) for name in as_typed),
        *(submission.site, submission.template, submission.review),
        f"{submission.page_limit} pages",
        f"{challenge.minutes} minutes",
        f"{challenge.gpu_memory} of memory",
        f"{challenge.cpu} at {challenge.cpu_clock}",
        f"{challenge.classes} classes",
        f"{challenge.image_size}×{challenge.image_size} RGB",
        f"{challenge.train_images} training",
        f"{challenge.test_images} test",
        f"{challenge.runs} runs",
        f"{NUMBER_WORDS.split()[challenge.entry_pages]} page",
    }


def links(workshop):
    submission = workshop.submission
    return {submission.url, submission.template_url, workshop.challenge.baseline_url}


def without_titles(words, workshop):
    """A page's text without the papers' titles: a title is the authors'
    ("... V100 in 10 Minutes"), not a statement of the site's."""
    for paper in workshop.papers:
        words = words.replace(re.sub(r"\s*–\s*", "–", paper.title), " ")
    return words


def states(words, fact):
    return re.search(rf"(?<![\w:]){re.escape(fact)}(?![\w:])", words)


def test_no_page_states_an_old_fact(changed):
    old, new, site = changed.old, changed.new, changed.dev
    changed_format = format_facts(old) - format_facts(new)
    assert len(changed_format) == len(format_facts(old))
    stale = (dated_facts(old) - dated_facts(new)) | changed_format
    pages = [p.relative_to(site).as_posix() for p in html_pages(site)]
    pages = [p for p in pages if not p.startswith(("news/", "drafts/"))]
    assert len(pages) >= 10
    found = []
    for page in pages:
        words = without_titles(stated(site, page), old)
        found += [f"{page}: {fact}" for fact in sorted(stale) if states(words, fact)]
        hrefs = {a["href"] for a in soup(site, page).find_all("a", href=True)}
        found += [f"{page}: {link}" for link in sorted(links(old) & hrefs)]
    assert found == []


def test_the_pages_state_the_new_facts(changed):
    new, site = changed.new, changed.dev
    on_pages = {
        page: without_titles(stated(site, page), new)
        for page in ("call-for-papers/", "challenge/")
    }
    missing = [
        fact
        for fact in format_facts(new)
        if not any(fact in words for words in on_pages.values())
    ]
    assert missing == []
    found = [soup(site, page).find_all("a", href=True) for page in on_pages]
    assert links(new) <= {a["href"] for anchors in found for a in anchors}
    description = soup(site, "challenge/").find("meta", attrs={"name": "description"})
    assert f"{new.challenge.minutes} minutes" in description["content"]
    assert new.challenge.gpu in description["content"]
    start, end = new.event.start, new.event.end
    home = stated(site, "")
    assert f"{start:%A} {start.day} {start:%B %Y}" in home
    assert f"{start:%H:%M}–{end:%H:%M}" in home
    assert new.speakers[0].name in stated(site, "keynotes/")
    assert f"{len(new.papers)} papers" in stated(site, "papers/")
    first = new.schedule[0]
    assert f"{first.start:%H:%M}–{first.end:%H:%M}" in stated(site, "schedule/")


def test_a_modified_announcement_says_so(site):
    """A post with `Modified:` shows the day it was last updated (the changed
    copy has one: sitetools.write_fixtures)."""
    modified = [post for post in posts(site.project) if "modified" in post]
    assert modified or site.project == SITE, "the changed copy has a modified post"
    for post in modified:
        page = soup(site.out, post["url"])
        stamp = page.find("meta", property="article:modified_time")["content"]
        assert stamp.startswith(post["modified"][:10])
        assert "last updated" in page.select_one("article .meta").get_text()


def test_quotes_are_typographic_in_data_and_prose_alike(site):
    """Names from the data get curly apostrophes like the typogrified prose:
    no page shows a straight quote outside code."""
    straight = []
    for built in html_pages(site.out):
        html = soup(site.out, built.relative_to(site.out).as_posix())
        words = " ".join(
            piece
            for piece in html.body.find_all(string=True)
            if not piece.find_parent(["script", "style", "code", "pre"])
        )
        straight += [f"{built.relative_to(site.out)}: {q}" for q in "'\"" if q in words]
    assert straight == []
    people = soup(site.out, "organisers/").select_one("ul.people").get_text()
    for person in data("organisers", site.project):
        assert person["name"].replace("'", "\u2019") in people
