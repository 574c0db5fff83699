"""The visitor's own time, added by themes/haet/static/js/localtime.js, in
Chromium with the browser's time zone set elsewhere: every time of the data
(content/data/*.yaml) in the visitor's zone, without moving the page; and with
JavaScript off, every time in the workshop's zone and UTC."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sitetools import SITE, html_pages, page_url, soup

from haet.data import load_workshop

pytestmark = pytest.mark.browser
WORKSHOP = load_workshop(SITE / "content" / "data")
EVENT = WORKSHOP.event
DEADLINES = [item.deadline for item in WORKSHOP.dates if item.deadline]
# Behind the workshop's zone; and far ahead, with the longest name a zone has
# (GMT+12:45 or GMT+13:45) and the visitor's day changing during the workshop.
ZONES = ["America/Los_Angeles", "Pacific/Chatham"]


def clock(moment):
    return f"{moment:%H:%M}"


def day_name(moment):
    return f"{moment:%a} {moment.day} {moment:%b}"


def zone_label(zone, moment):
    """The visitor's zone as localtime.js names it: GMT-7, GMT+12:45, UTC."""
    offset = int(moment.astimezone(ZoneInfo(zone)).utcoffset().total_seconds()) // 60
    if not offset:
        return "UTC"
    hours, minutes = divmod(abs(offset), 60)
    sign = "-" if offset < 0 else "+"
    return f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def same_zone(start, zone):
    """A visitor whose clock reads as the workshop's zone or UTC does there."""
    offset = start.astimezone(ZoneInfo(zone)).utcoffset()
    return offset in (start.utcoffset(), dt.timedelta(0))


def expected_local(start, end, zone):
    """What the visitor in `zone` reads, from the data with zoneinfo: "04:45–05:00
    GMT-7", then "(Sat 8 May)" where their day is not the one the page states
    and "ends Sun 9 May" where the span crosses their midnight; None where the
    visitor's zone reads as the page's own too (the page's then give way)."""
    local_start = start.astimezone(ZoneInfo(zone))
    text, marks = clock(local_start), []
    if local_start.date() != start.date():
        marks.append(day_name(local_start))
    if end:
        local_end = end.astimezone(ZoneInfo(zone))
        text += f"–{clock(local_end)}"
        if (local_end - dt.timedelta(minutes=1)).date() != local_start.date():
            marks.append(f"ends {day_name(local_end)}")
    text += f" {zone_label(zone, start)}"
    return text + (f" ({', '.join(marks)})" if marks else "")


def page_span(start, end, stated=None):
    """A span as the page writes it: the day first where it is not the stated
    one's, "(next day)" where it ends after midnight."""
    other_day = stated and start.date() != stated.date()
    day = f"{start.day} {start:%B}, " if other_day else ""
    next_day = " (next day)" if end.date() > start.date() else ""
    return f"{day}{clock(start)}–{clock(end)}{next_day}"


def pages_with_times(site):
    return [
        page
        for page in html_pages(site)
        if soup(site, page.relative_to(site).as_posix()).select("[data-localtime]")
    ]


# Two frames after the parser finished (deferred scripts not yet run): one was
# painted.
PAINTED = """() => new Promise((resolve) => {
  const painted = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
  if (document.readyState !== "loading") painted();
  else document.addEventListener("readystatechange", painted, {once: true});
})"""
# The sum of the layout shifts so far, as Lighthouse's cumulative layout shift
# counts them, two frames after now.
LAYOUT_SHIFT = """() => new Promise((resolve) => requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    const observer = new PerformanceObserver(() => {});
    observer.observe({type: "layout-shift", buffered: true});
    resolve(observer.takeRecords().reduce((sum, entry) => sum + entry.value, 0));
  })))"""
LOCAL_TIMES = """(els) => els.map((el) => el.querySelector(":scope > .localtime")
  ?.innerText.replace(/\\u2060/g, "").replace(/\\u00a0/g, " "))"""


def held_back_visit(page, url):
    """Open `url` with localtime.js held back until the page has painted, as
    on a slow phone; return the layout shift once it has run."""
    held = []
    hold = lambda route: held.append(route)  # noqa: E731, PLW0108 (not a method)
    page.route("**/js/localtime.js", hold)
    page.goto(url, wait_until="commit")
    page.evaluate(PAINTED)
    assert held, f"{url}: localtime.js was not asked for"
    for route in held:
        route.continue_()
    page.wait_for_load_state("load")
    page.unroute("**/js/localtime.js")
    return page.evaluate(LAYOUT_SHIFT)


@pytest.mark.parametrize(
    ("zone", "width"), [(ZONES[0], 320), (ZONES[1], 1280), ("UTC", 390)]
)
def test_every_time_is_in_the_visitors_zone_and_nothing_moves(
    browser, served_site, dev_site, zone, width
):
    context = browser.new_context(
        timezone_id=zone, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    seen, shifts = set(), {}
    try:
        for built in pages_with_times(dev_site):
            url = page_url(dev_site, built, served_site)
            shifts[url] = held_back_visit(page, url)
            if page.locator("table.schedule").count():
                seen.add("schedule")
                rows = page.locator("table.schedule tbody [data-localtime]")
                assert rows.evaluate_all(LOCAL_TIMES) == [
                    expected_local(slot.start, slot.end, zone)
                    for slot in WORKSHOP.schedule
                ], url
                heading = page.locator("table.schedule thead th").first.inner_text()
                assert heading == f"Your time, then {EVENT.zone_label} and UTC"
            if page.locator(".facts [data-localtime]").count():
                seen.add("event")
                when = page.locator(".facts [data-localtime]").evaluate_all(LOCAL_TIMES)
                assert when == [expected_local(EVENT.start, EVENT.end, zone)], url
            if page.locator("table.dates").count():
                seen.add("deadlines")
                dates = page.locator("table.dates [data-localtime]")
                assert dates.evaluate_all(LOCAL_TIMES) == [
                    expected_local(deadline, None, zone) for deadline in DEADLINES
                ], url
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
    assert seen == {"schedule", "event", "deadlines"}
    assert not errors, errors
    # Where the visitor's time fits the line kept for it (no day marker),
    # nothing moves.
    spans = [(s.start, s.end) for s in WORKSHOP.schedule] + [(EVENT.start, EVENT.end)]
    spans += [(deadline, None) for deadline in DEADLINES]
    if not any("(" in expected_local(*span, zone) for span in spans):
        assert max(shifts.values()) < 0.001, shifts


@pytest.mark.parametrize("zone", ["UTC", EVENT.timezone.key])
def test_a_visitor_in_utc_or_the_workshops_zone_reads_their_time_once(
    browser, served_site, dev_site, zone
):
    schedule = next(p for p in pages_with_times(dev_site) if "schedule" in str(p))
    context = browser.new_context(timezone_id=zone)
    page = context.new_page()
    try:
        page.goto(page_url(dev_site, schedule, served_site))
        cells = page.locator("table.schedule tbody [data-localtime]").all_inner_texts()
    finally:
        context.close()
    in_utc = zone == "UTC"
    for cell, slot in zip(cells, WORKSHOP.schedule, strict=True):
        start, end = (
            (slot.utc_start, slot.utc_end) if in_utc else (slot.start, slot.end)
        )
        shown = " ".join(cell.replace("\u2060", "").split())
        assert shown.count(f"{clock(start)}–{clock(end)}") == 1, shown  # not twice


def test_without_javascript_every_time_is_given_in_both_zones(
    browser, served_site, dev_site
):
    context = browser.new_context(java_script_enabled=False, timezone_id=ZONES[1])
    page = context.new_page()
    texts = {}
    try:
        for built in pages_with_times(dev_site):
            page.goto(page_url(dev_site, built, served_site))
            assert page.locator(".localtime").count() == 0
            assert page.locator("nav a").first.is_visible()
            for selector in ("table.schedule", ".facts dd", "table.dates"):
                if page.locator(selector).count():
                    texts[selector] = " ".join(
                        page.locator(selector).first.inner_text().split()
                    )
    finally:
        context.close()
    schedule = texts["table.schedule"]
    assert f"Time in {EVENT.zone_label} and UTC Session" in schedule
    for slot in WORKSHOP.schedule:
        assert (
            f"{page_span(slot.start, slot.end)} {slot.start.tzname()} · "
            f"{page_span(slot.utc_start, slot.utc_end, slot.start)} UTC"
        ) in schedule
    assert (
        f"{clock(EVENT.start)}–{clock(EVENT.end)} {EVENT.start.tzname()}"
        in (texts[".facts dd"])
    )
    utc_span = page_span(EVENT.utc_start, EVENT.utc_end, EVENT.start)
    assert f"{utc_span} UTC" in texts[".facts dd"]
    for deadline in DEADLINES:
        utc = deadline.astimezone(dt.UTC)
        assert (
            f"{deadline.day} {deadline:%B %Y}, {clock(deadline)} {deadline.tzname()} "
            f"({utc.day} {utc:%B %Y}, {clock(utc)} UTC)"
        ) in texts["table.dates"]
    assert "GMT" not in texts[".facts dd"] + texts["table.dates"]


@pytest.fixture(scope="module")
def day_site(tmp_path_factory):
    """The development build as the hourly build on the workshop's day makes
    it, served on 127.0.0.1; yields its URL."""
    import functools
    import http.server
    import threading

    from sitetools import build_site

    out = tmp_path_factory.mktemp("day")
    built = build_site(out, env={"SITE_TODAY": EVENT.date.isoformat()})
    assert built.returncode == 0, built.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=out)
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


VISIBLE_ITEMS = """(items) => items.filter((li) => !li.hidden).map((li) =>
  [li.dataset.state, li.innerText.replace(/\u2060/g, "").replace(/\\s+/g, " ")])"""


def test_on_the_day_the_first_screen_says_what_is_on_now_and_next(browser, day_site):
    on, following = WORKSHOP.schedule[1], WORKSHOP.schedule[2]
    moment = on.start + (on.end - on.start) / 2
    visitor = next(z for z in (*ZONES, "Asia/Kolkata") if not same_zone(on.start, z))
    local = expected_local(on.start, on.end, visitor)
    for width, height in ((1280, 720), (390, 844), (640, 360)):
        context = browser.new_context(
            timezone_id=visitor,
            viewport={"width": width, "height": height},
        )
        page = context.new_page()
        page.clock.install(time=moment)
        for address in ("/", "/schedule/"):
            page.goto(day_site + address)
            items = page.locator("[data-now-next] li")
            (now, now_text), (state, next_text) = items.evaluate_all(VISIBLE_ITEMS)
            assert (now, state) == ("now", "next"), (width, address)
            assert on.title in now_text and local in now_text, now_text
            assert following.title in next_text, next_text
            join = page.locator("[data-now-next] li[data-state=now] a")
            assert join.get_attribute("href") == WORKSHOP.room(on)
            assert join.bounding_box()["y"] < height, (width, address)  # first screen
        # Half an hour on, without a reload, the next session is on.
        page.clock.run_for((on.end - moment).total_seconds() * 1000 + 31_000)
        (now, now_text), _ = page.locator("[data-now-next] li").evaluate_all(
            VISIBLE_ITEMS
        )
        assert now == "now" and following.title in now_text, now_text
        context.close()
    # Without JavaScript: the day's whole programme, in the workshop's zone.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(day_site + "/")
    items = page.locator("[data-now-next] li").all_inner_texts()
    context.close()
    assert len(items) == len(WORKSHOP.schedule)
    for text, slot in zip(items, WORKSHOP.schedule, strict=True):
        assert f"{clock(slot.start)}–{clock(slot.end)} {slot.start.tzname()}" in text


def test_the_days_first_screen_has_no_accessibility_violation(browser, day_site):
    from test_quality import AXE_JS, AXE_RUN, AXE_TAGS, npm_tool

    on = WORKSHOP.schedule[1]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script(path=npm_tool(AXE_JS))
    page = context.new_page()
    page.clock.install(time=on.start + (on.end - on.start) / 2)
    found = []
    try:
        for address in ("/", "/schedule/"):
            page.goto(day_site + address)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                found += [
                    f"{address} {scheme}: {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)
                ]
    finally:
        context.close()
    assert not found, "\n".join(found)
