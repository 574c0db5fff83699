"""The site as a visitor sees it: every page, the facts on it and the
navigation, in each build of the `site` fixture, every expectation taken from
the build's own project (content/pages/, content/data/, the settings)."""

import re

from sitetools import html_pages, metadata, plain, read, soup, text, workshop


def pages(project):
    """The published pages of content/pages/ as Pelican reads them, in menu
    (file name) order: (address, title as typed, menu entry)."""
    files = sorted((project / "content/pages").glob("*.md"))
    found = []
    for path, page in read(project, files, "Page").items():
        title = metadata(path)["title"]
        menu = metadata(path).get("nav_title") or title
        if page.status == "published":
            found.append((page.url, plain(title), plain(menu)))
    return found


def nav_targets(html):
    nav = html.find("nav", {"aria-label": "Main"})
    return [re.sub(r"^https?://[^/]+", "", a["href"]) for a in nav.find_all("a")]


def test_pages_have_their_title_and_the_navigation_in_order(site):
    """Home, News, then each page in file-name order (Nav_title shortening
    its entry); each page has its title in one h1, the site's name in the
    head, and its own menu entry marked."""
    listed = pages(site.project)
    expected = ["/", "/news/", *(f"/{url}" for url, _, _ in listed if url)]
    for path in html_pages(site.out):
        html = soup(site.out, str(path.relative_to(site.out)))
        assert nav_targets(html) == expected, path
    name = workshop(site.project).event.short_name
    for url, title, menu in listed:
        html = soup(site.out, url)
        [h1] = html.find_all("h1")
        assert text(h1).startswith(title) and name in html.title.string, url
        current = html.select('nav[aria-label="Main"] [aria-current="page"]')
        assert [text(c) for c in current] == ["Home" if url == "" else menu], url


def test_home_page_says_when_in_the_workshops_zone_and_in_utc(site):
    event = workshop(site.project).event
    body = text(soup(site.out, "").main)
    assert f"{event.start:%A} {event.start.day} {event.start:%B %Y}" in body
    for clock in (event.start, event.end, event.utc_start, event.utc_end):
        assert f"{clock:%H:%M}" in body
    assert "UTC" in body and event.start.tzname() in body


def test_keynotes_show_every_speaker_with_their_talk(site):
    facts = workshop(site.project)
    sections = soup(site.out, "keynotes/").select("section.keynote")
    assert len(sections) == len(facts.speakers)
    for section, speaker in zip(sections, facts.speakers, strict=True):
        assert section["id"] == speaker.id
        assert plain(speaker.name) in text(section)
        assert plain(speaker.affiliation) in text(section)
        assert text(section.h2) == plain(speaker.talk)
        if slot := facts.slot_of(speaker):
            assert section.find("time", datetime=slot.start.isoformat()), speaker


def test_schedule_has_every_slot_in_order_in_both_zones(site):
    slots = workshop(site.project).schedule
    rows = soup(site.out, "schedule/").select("table.schedule tbody tr")
    assert len(rows) == len(slots)
    for row, slot in zip(rows, slots, strict=True):
        stamps = [t["datetime"] for t in row.find_all("time")]
        for moment in (slot.start, slot.end, slot.utc_start, slot.utc_end):
            assert moment.isoformat() in stamps, slot
        assert row["id"] == f"slot-{slot.start:%H%M}"
        label = slot.speaker.name if slot.speaker else slot.title
        assert plain(label) in text(row), slot


def test_papers_page_lists_every_paper(site):
    papers = workshop(site.project).papers
    rows = soup(site.out, "papers/").select("table.papers tbody tr")
    assert [r["id"] for r in rows] == [f"paper-{p.id}" for p in papers]
    for row, paper in zip(rows, papers, strict=True):
        cells = row.find_all("td")
        assert text(cells[0]) == str(paper.id)
        assert plain(paper.title) in text(cells[1])
        assert all(plain(author) in text(cells[1]) for author in paper.authors)
        video = cells[-1].find("a")
        assert (video["href"] if video else "") == paper.video


def test_challenge_page_gives_the_ranking_budget_machine_and_baseline(site):
    facts = workshop(site.project)
    page = soup(site.out, "challenge/")
    rows = page.select("table.ranking tbody tr")
    assert len(rows) == len(facts.ranking)
    for row, entry in zip(rows, facts.ranking, strict=True):
        cells = row.find_all("td")
        assert text(cells[0]) == str(entry.rank)
        assert plain(entry.team) in text(cells[1])
        assert text(cells[-1]) == f"{entry.accuracy:.1f}%"
    challenge = facts.challenge
    listed = text(page.select_one("dl.facts"))
    for value in ("gpu", "gpu_memory", "cpu", "cpu_clock", "ram", "trial_dataset"):
        assert plain(getattr(challenge, value)) in listed, value
    assert f"{challenge.minutes} minutes" in listed
    hrefs = {a["href"] for a in page.main.find_all("a")}
    assert {challenge.baseline_url, facts.submission.url} <= hrefs
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert f"{challenge.minutes} minutes" in description


def test_call_for_papers_gives_every_deadline_with_its_zone(site):
    facts = workshop(site.project)
    page = soup(site.out, "call-for-papers/")
    stamps = {t["datetime"] for t in page.main.find_all("time")}
    for entry in facts.dates:
        if entry.deadline:
            assert entry.deadline.isoformat() in stamps, entry.what
        elif entry.date != facts.event.date:
            assert f"{entry.date.day} {entry.date:%B %Y}" in text(page.main), entry
    submission = facts.submission
    hrefs = {a["href"] for a in page.main.find_all("a")}
    assert {submission.url, submission.template_url} <= hrefs
    instructions = text(page.find(id="submission-instructions").find_next("ul"))
    assert f"at most {submission.page_limit} pages" in instructions
    assert submission.review in instructions


def test_organisers_and_contact_addresses_that_open_mail(site):
    facts = workshop(site.project)
    page = soup(site.out, "organisers/")
    people = page.select("ul.people li")
    assert [text(li.span) for li in people] == [
        plain(f"{person.name} {person.affiliation}") for person in facts.organisers
    ]
    mail = page.find_all("a", href=re.compile("^mailto:"))
    assert [(a["href"], text(a)) for a in mail] == [
        (f"mailto:{address}", address) for address in facts.event.contact
    ]


def test_sponsors_in_their_order_linked_where_known(site):
    sponsors = workshop(site.project).sponsors
    items = soup(site.out, "sponsors/").select("main ol li, main ul.sponsors li")
    assert [li.find("svg")["aria-label"] for li in items] == [
        sponsor.name for sponsor in sponsors
    ]
    for li, sponsor in zip(items, sponsors, strict=True):
        link = li.find("a")
        assert (link["href"] if link else "") == sponsor.url


def test_images_are_the_sites_own_and_404_links_are_absolute(site):
    """No image comes from another site (a third-party request); the 404
    page, served at any address, links nothing relatively."""
    base = site.settings["SITEURL"]
    for page in html_pages(site.out):
        for img in soup(site.out, str(page.relative_to(site.out))).find_all("img"):
            assert img["src"].startswith(("/", f"{base}/", "data:")), page
            assert not img["src"].startswith("//"), page
    page = soup(site.out, "404.html")
    assert text(page.h1) == "Page not found"
    assert page.find("meta", {"name": "robots"})["content"] == "noindex"
    for link in page.find_all(["a", "link"], href=True):
        assert link["href"].startswith(("/", "#", "https://")), link["href"]
