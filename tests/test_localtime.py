"""The visitor's own time, added by themes/haet/static/js/localtime.js: checked in
Chromium with the browser's time zone set to places around the world (it comes
first, in bold, naming its zone; CEST and UTC follow, smaller), at widths from a
phone's to a desktop's (no column squeezes), and with JavaScript off (the page
must then still give every time, in CEST and UTC)."""

import contextlib
import re

import pytest
from sitetools import ROOT, html_pages, soup

SCRIPT = ROOT / "themes/haet/static/js/localtime.js"
PAGES_WITH_TIMES = ("", "schedule/", "keynotes/", "call-for-papers/", "challenge/")

# The opening, 13:45-14:00 CEST on Friday 7 May 2021, where each visitor lives.
OPENING = {
    "America/Los_Angeles": "04:45–05:00 PDT",
    "Asia/Tokyo": "20:45–21:00 GMT+9",
    "Pacific/Auckland": "23:45–00:00 GMT+12",
    "UTC": "11:45–12:00 UTC",
}
SAME_DAY, NEXT_DAY, ENDS_NEXT_DAY = "", "(Sat 8 May)", "(ends Sat 8 May)"
# The day marker of each of the 12 slots. Tokyo is 7 hours ahead of CEST: the
# 16:00 poster session runs to 00:30 there, and from 17:30 on it is Saturday.
# Auckland is 10 hours ahead: only the opening (23:45-00:00) is still Friday.
DAY_MARKERS = {
    "America/Los_Angeles": [SAME_DAY] * 12,
    "Asia/Tokyo": [SAME_DAY] * 5 + [ENDS_NEXT_DAY] + [NEXT_DAY] * 6,
    "Pacific/Auckland": [SAME_DAY] + [NEXT_DAY] * 11,
    "UTC": [SAME_DAY] * 12,
}


@contextlib.contextmanager
def visit(browser, url, timezone="UTC", width=390, javascript=True):
    """Open url in a fresh browser context; fail on any console error."""
    context = browser.new_context(
        timezone_id=timezone,
        locale="en-US",
        viewport={"width": width, "height": 800},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    if javascript:
        page.wait_for_load_state("load")  # deferred scripts have run
    try:
        yield page
    finally:
        context.close()
    assert errors == []


def local_times(page, selector=""):
    """The visitor's times added to each marked element, in page order."""
    texts = page.locator(f"{selector} [data-localtime] > .localtime").all_inner_texts()
    return [text.replace("\u2060", "").replace("\xa0", " ") for text in texts]


def day_marker(text):
    match = re.search(r"\((?:ends )?\w{3} \d+ \w{3}\)$", text)
    return match.group(0) if match else ""


@pytest.mark.browser
@pytest.mark.parametrize("timezone", OPENING)
def test_schedule_shows_each_slot_in_the_visitors_time(browser, served_site, timezone):
    with visit(browser, f"{served_site}/schedule/", timezone) as page:
        times = local_times(page, "table.schedule tbody")
        rows = page.locator("table.schedule tbody tr").count()
        heading = page.locator("table.schedule thead th").first.inner_text()
    assert len(times) == rows == 12
    assert times[0] == OPENING[timezone]
    zone = OPENING[timezone].split(" ")[1]
    assert heading == f"Your time ({zone}), then CEST (GMT+2) and UTC"
    assert [day_marker(text) for text in times] == DAY_MARKERS[timezone]


@pytest.mark.browser
def test_a_slot_across_midnight_says_when_it_ends(browser, served_site):
    with visit(browser, f"{served_site}/schedule/", "Asia/Tokyo") as page:
        posters = local_times(page, "#slot-1600")
    assert posters == ["23:00–00:30 GMT+9 (ends Sat 8 May)"]


@pytest.mark.browser
def test_home_page_gives_the_workshop_in_the_visitors_time(browser, served_site):
    with visit(browser, f"{served_site}/", "Asia/Tokyo") as page:
        when = local_times(page, ".facts")
    assert when == ["20:45–04:00 GMT+9 (ends Sat 8 May)"]


@pytest.mark.browser
def test_deadlines_keep_their_zone_and_gain_the_visitors(browser, served_site):
    with visit(
        browser, f"{served_site}/call-for-papers/", "America/Los_Angeles"
    ) as page:
        first = page.locator("table.dates tbody td").first.inner_text()
        times = local_times(page)
    # 28 February 23:59 UTC-11 is 1 March 10:59 UTC, 02:59 on 1 March in California.
    assert "28 February 2021, 23:59 UTC-11" in first
    assert "1 March 2021, 10:59 UTC" in first
    assert times == [
        "02:59 PST (Mon 1 Mar)",
        "02:59 PST (Tue 2 Mar)",
        "03:59 PDT (Sat 1 May)",
    ]


@pytest.mark.browser
def test_without_javascript_the_schedule_is_complete(browser, served_site):
    with visit(browser, f"{served_site}/schedule/", javascript=False) as page:
        header = page.locator("table.schedule thead").inner_text()
        opening = " ".join(page.locator("#slot-1345 td").first.inner_text().split())
        stamps = page.locator("#slot-1345 time").evaluate_all(
            "times => times.map(t => t.getAttribute('datetime'))"
        )
        added = page.locator(".localtime").count()
    assert "CEST (GMT+2)" in header and "UTC" in header
    assert opening == "13:45–14:00 CEST 11:45–12:00 UTC"
    assert stamps == [
        "2021-05-07T13:45:00+02:00",
        "2021-05-07T14:00:00+02:00",
        "2021-05-07T11:45:00+00:00",
        "2021-05-07T12:00:00+00:00",
    ]
    assert added == 0


@pytest.mark.browser
def test_without_javascript_home_and_deadlines_give_both_zones(browser, served_site):
    with visit(browser, f"{served_site}/", javascript=False) as page:
        when = page.locator(".facts dd").first.inner_text().replace("\n", " ")
    with visit(browser, f"{served_site}/call-for-papers/", javascript=False) as page:
        dates = page.locator("table.dates").inner_text()
    assert "13:45–21:00 CEST" in when and "11:45–19:00 UTC" in when
    assert "GMT" not in when + dates
    assert "30 April 2021, 23:59 UTC-11 (1 May 2021, 10:59 UTC)" in dates


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES_WITH_TIMES)
def test_no_sideways_scrolling_at_320_pixels(browser, served_site, path):
    # Auckland has the longest zone name ("GMT+12") and a day marker on most slots.
    with visit(browser, f"{served_site}/{path}", "Pacific/Auckland", 320) as page:
        added = page.locator(".localtime").count()
        width = page.evaluate("document.documentElement.scrollWidth")
    assert added > 0
    assert width <= 320


def test_script_is_small_and_loaded_only_where_there_are_times(dev_site):
    assert SCRIPT.stat().st_size <= 3072
    for page in html_files(dev_site):
        html = soup(dev_site, page)
        loads = html.select('script[src$="/js/localtime.js"]')
        marked = html.select("[data-localtime]")
        assert len(loads) == (1 if marked else 0), page
        assert all(script.has_attr("defer") for script in loads), page
    assert {
        page
        for page in PAGES_WITH_TIMES
        if soup(dev_site, page).select("[data-localtime]")
    } == set(PAGES_WITH_TIMES)


def test_no_inline_scripts_or_event_handlers(dev_site):
    for page in html_files(dev_site):
        html = soup(dev_site, page)
        for script in html.find_all("script"):
            # JSON-LD is data, never run; every script that runs has a src.
            assert script.get("src") or script.get("type") == "application/ld+json"
        handlers = [
            name
            for tag in html.find_all(True)
            for name in tag.attrs
            if name.startswith("on")
        ]
        assert handlers == [], page


def html_files(site):
    return [str(path.relative_to(site)) for path in html_pages(site)]


# The zones of the issue, at a phone's, two in-between and a desktop's width.
ZONES = ["Pacific/Auckland", "Asia/Kolkata", "America/Los_Angeles"]
WIDTHS = [320, 580, 700, 1280]
LAYOUT = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const local = el.querySelector(":scope > .localtime");
  const zones = el.querySelector(".zones");
  const style = (e) => getComputedStyle(e);
  const line = parseFloat(style(local).lineHeight);
  return {
    first: el.firstElementChild === local,
    localWeight: Number(style(local).fontWeight),
    localSize: parseFloat(style(local).fontSize),
    zonesSize: parseFloat(style(zones).fontSize),
    localLines: Math.round(local.getBoundingClientRect().height / line),
    text: local.innerText.replace(/[\u2060]/g, "").replace(/\u00a0/g, " "),
    cells: [...(el.closest("tr")?.cells || [])].map((c) => c.clientWidth),
  };
})"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("timezone", ZONES)
@pytest.mark.parametrize("path", ["schedule/", "keynotes/"])
def test_local_time_leads_and_no_column_squeezes(
    browser, served_site, path, timezone, width
):
    with visit(browser, f"{served_site}/{path}", timezone, width) as page:
        times = page.evaluate(LAYOUT, "main [data-localtime]")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        table_width = page.evaluate(
            "document.querySelector('main table')?.clientWidth || 0"
        )
    assert scroll_width <= width
    assert len(times) >= 6
    for time in times:
        # First, bolder and larger than CEST and UTC, naming its zone.
        assert time["first"] and time["localWeight"] >= 700, time
        assert time["localSize"] > time["zonesSize"], time
        assert re.search(r"\d\d:\d\d [A-Z]{2,}[+-]?[\d:]*", time["text"]), time
        # The time and its zone on one line; a day marker may take a second.
        assert time["localLines"] <= 2, time
        # A stacked row's cells take the whole width; side by side, the
        # session keeps room for a phrase per line, never a word.
        for cell in time["cells"]:
            assert cell >= min(180, table_width - 1), (time, table_width)


@pytest.mark.browser
@pytest.mark.parametrize("timezone", ZONES)
def test_the_row_where_the_visitors_day_changes_is_marked(
    browser, served_site, timezone
):
    with visit(browser, f"{served_site}/schedule/", timezone) as page:
        marked = page.locator("table.schedule tbody tr.new-day").evaluate_all(
            "rows => rows.map(r => r.id)"
        )
        days = page.locator("table.schedule tbody tr").evaluate_all(
            """rows => rows.map(r => new Date(r.querySelector("[data-localtime]")
                 .dataset.localtime.split("/")[0]).toDateString())"""
        )
        ids = page.locator("table.schedule tbody tr").evaluate_all(
            "rows => rows.map(r => r.id)"
        )
    expected = [ids[n] for n in range(1, len(days)) if days[n] != days[n - 1]]
    assert marked == expected
    # Auckland and Kolkata cross midnight during the day; Los Angeles does not.
    assert bool(marked) == (timezone != "America/Los_Angeles")
