"""The visitor's own time, added by themes/haet/static/js/localtime.js: checked in
Chromium with the browser's time zone set to places around the world (it comes
first, in bold, naming its zone; CEST and UTC follow, smaller), at widths from a
phone's to a desktop's (no column squeezes), and with JavaScript off (the page
must then still give every time, in CEST and UTC)."""

import contextlib
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sitetools import ROOT, html_pages, soup
from workshop_data.workshop_data import load_workshop

SCRIPT = ROOT / "themes/haet/static/js/localtime.js"
PAGES_WITH_TIMES = ("", "schedule/", "keynotes/", "call-for-papers/", "challenge/")
WORKSHOP = load_workshop(ROOT / "content" / "data")
EVENT = WORKSHOP.event
# Visitors around the world: behind the workshop's zone, on it, far ahead.
VISITOR_ZONES = ["America/Los_Angeles", "UTC", "Asia/Tokyo", "Pacific/Auckland"]


def clock(moment):
    return f"{moment:%H:%M}"


def day_name(moment):
    return f"{moment:%a} {moment.day} {moment:%b}"


def expected_local(start, end, zone, label):
    """What the visitor in `zone` should read, computed here with zoneinfo
    from the data: "04:45–05:00 PDT", "(Sat 8 May)" where their day differs
    from the one the page states, "(ends Sun 9 May)" where the span crosses
    their midnight. `label` is the zone's short name as the browser says it."""
    here = ZoneInfo(zone)
    local_start = start.astimezone(here)
    text = clock(local_start)
    marks = []
    if local_start.date() != start.date():
        marks.append(day_name(local_start))
    if end:
        local_end = end.astimezone(here)
        text += f"–{clock(local_end)}"
        if (local_end - dt.timedelta(minutes=1)).date() != local_start.date():
            marks.append(f"ends {day_name(local_end)}")
    text += f" {label}"
    return text + (f" ({', '.join(marks)})" if marks else "")


def zone_label(zone, moment):
    """The visitor's zone as localtime.js names it at `moment`: its offset
    from UTC, like the site's own "GMT+2" (GMT-7, GMT+5:30, GMT+12), or UTC."""
    offset = int(moment.astimezone(ZoneInfo(zone)).utcoffset().total_seconds()) // 60
    if not offset:
        return "UTC"
    hours, minutes = divmod(abs(offset), 60)
    sign = "-" if offset < 0 else "+"
    return f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


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


@pytest.mark.browser
@pytest.mark.parametrize("timezone", VISITOR_ZONES)
def test_schedule_shows_each_slot_in_the_visitors_time(browser, served_site, timezone):
    with visit(browser, f"{served_site}/schedule/", timezone) as page:
        times = local_times(page, "table.schedule tbody")
        heading = page.locator("table.schedule thead th").first.inner_text()
        expected = [
            expected_local(
                slot.start, slot.end, timezone, zone_label(timezone, slot.start)
            )
            for slot in WORKSHOP.schedule
        ]
    assert times == expected
    assert heading == f"Your time, then {EVENT.zone_label} and UTC"


@pytest.mark.browser
def test_a_slot_across_midnight_says_when_it_ends(browser, served_site):
    """In the first zone (of many) where a slot starts before midnight and
    ends after it, its row says on which day it ends."""
    for zone in (f"Etc/GMT{-hours:+d}" for hours in range(-12, 15)):
        here = ZoneInfo(zone)
        crossing = [
            slot
            for slot in WORKSHOP.schedule
            if (slot.end.astimezone(here) - dt.timedelta(minutes=1)).date()
            != slot.start.astimezone(here).date()
        ]
        if crossing:
            break
    slot = crossing[0]
    with visit(browser, f"{served_site}/schedule/", zone) as page:
        shown = local_times(page, f"#{slot.anchor}")
    label = zone_label(zone, slot.start)
    assert shown == [expected_local(slot.start, slot.end, zone, label)]
    assert "(ends " in shown[0] or ", ends " in shown[0]


@pytest.mark.browser
@pytest.mark.parametrize("timezone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_home_page_gives_the_workshop_in_the_visitors_time(
    browser, served_site, timezone
):
    with visit(browser, f"{served_site}/", timezone) as page:
        when = local_times(page, ".facts")
    label = zone_label(timezone, EVENT.start)
    assert when == [expected_local(EVENT.start, EVENT.end, timezone, label)]


@pytest.mark.browser
def test_deadlines_keep_their_zone_and_gain_the_visitors(browser, served_site):
    deadlines = [item for item in WORKSHOP.dates if item.deadline]
    zone = "America/Los_Angeles"
    with visit(browser, f"{served_site}/call-for-papers/", zone) as page:
        cells = page.locator("table.dates tbody td[data-localtime]").all_inner_texts()
        times = local_times(page, "table.dates")
    labels = [zone_label(zone, item.deadline) for item in deadlines]
    assert times == [
        expected_local(item.deadline, None, zone, label)
        for item, label in zip(deadlines, labels, strict=True)
    ]
    for cell, item in zip(cells, deadlines, strict=True):
        own, in_utc = item.deadline, item.deadline.astimezone(dt.UTC)
        assert f"{own.day} {own:%B %Y}, {clock(own)} {own.tzname()}" in cell
        assert f"{in_utc.day} {in_utc:%B %Y}, {clock(in_utc)} UTC" in cell


@pytest.mark.browser
def test_without_javascript_the_schedule_is_complete(browser, served_site):
    first = WORKSHOP.schedule[0]
    with visit(browser, f"{served_site}/schedule/", javascript=False) as page:
        header = page.locator("table.schedule thead th").first.inner_text()
        cell = page.locator(f"#{first.anchor} td").first
        opening = " ".join(cell.inner_text().split())
        stamps = page.locator(f"#{first.anchor} time").evaluate_all(
            "times => times.map(t => t.getAttribute('datetime'))"
        )
        added = page.locator(".localtime").count()
    assert header == f"Time in {EVENT.zone_label} and UTC"
    assert opening == (
        f"{clock(first.start)}–{clock(first.end)} {first.start.tzname()} "
        f"{clock(first.utc_start)}–{clock(first.utc_end)} UTC"
    )
    assert stamps == [
        moment.isoformat()
        for moment in (first.start, first.end, first.utc_start, first.utc_end)
    ]
    assert added == 0


@pytest.mark.browser
def test_without_javascript_home_and_deadlines_give_both_zones(browser, served_site):
    with visit(browser, f"{served_site}/", javascript=False) as page:
        when = page.locator(".facts dd").first.inner_text().replace("\n", " ")
    with visit(browser, f"{served_site}/call-for-papers/", javascript=False) as page:
        dates = page.locator("table.dates").inner_text()
    start, end = EVENT.start, EVENT.end
    assert f"{clock(start)}–{clock(end)} {start.tzname()}" in when
    assert f"{clock(EVENT.utc_start)}–{clock(EVENT.utc_end)} UTC" in when
    assert "GMT" not in when + dates  # no visitor's zone without JavaScript
    last = [item for item in WORKSHOP.dates if item.deadline][-1].deadline
    in_utc = last.astimezone(dt.UTC)
    assert (
        f"{last.day} {last:%B %Y}, {clock(last)} {last.tzname()} "
        f"({in_utc.day} {in_utc:%B %Y}, {clock(in_utc)} UTC)"
    ) in dates


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES_WITH_TIMES)
def test_no_sideways_scrolling_at_320_pixels(browser, served_site, path):
    # Auckland has the longest zone name ("GMT+12") and a day marker on most slots.
    with visit(browser, f"{served_site}/{path}", "Pacific/Auckland", 320) as page:
        added = page.locator(".localtime").count()
        width = page.evaluate("document.documentElement.scrollWidth")
    assert added > 0
    assert width <= 320


# The sum of the page's layout shifts so far (Chromium keeps them for a late
# observer), as Lighthouse's cumulative layout shift counts them.
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let shift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) shift += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve(shift), 100);
})"""


def held_back(page, milliseconds=300):
    """A route handler that answers once the page has had time to paint."""

    def answer(route):
        page.wait_for_timeout(milliseconds)
        route.continue_()

    return answer


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 412, 1280])
@pytest.mark.parametrize("timezone", ["UTC", "America/Los_Angeles"])
def test_the_local_time_arrives_without_moving_the_page(
    browser, served_site, timezone, width
):
    """The stylesheet keeps the local time's line from the first paint. The
    script is held back until the page has painted, as on a slow phone; where
    the visitor's time fits its line (no day marker), nothing moves."""
    for path in PAGES_WITH_TIMES:
        context = browser.new_context(
            timezone_id=timezone, viewport={"width": width, "height": 823}
        )
        page = context.new_page()
        page.route("**/js/localtime.js", held_back(page))
        page.goto(f"{served_site}/{path}")
        page.wait_for_load_state("load")
        added = page.locator(".localtime").count()
        shift = page.evaluate(LAYOUT_SHIFT)
        context.close()
        assert added > 0, path
        assert shift < 0.001, (path, shift)


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
