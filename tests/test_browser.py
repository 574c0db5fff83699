"""The development build in Debian's Chromium at a phone's, a tablet's and a
desktop's width: nothing scrolls sideways, no request leaves 127.0.0.1, the
console stays clean, the keyboard reaches the menu and the content, the menu
works without JavaScript, and the colour scheme, motion preference and print
stylesheet each do what they say."""

import functools
import http.server
import io
import re
import threading
from urllib.parse import urlsplit

import pytest
from sitetools import build_site, copy_project, html_pages, page_url, soup

pytestmark = pytest.mark.browser

WIDTHS = [320, 768, 1280]
# Pages with a bit of everything: the home page (facts, news, dates), an
# announcement (neighbours), the two wide tables, the keynotes.
SAMPLE = ["", "news/2021/schedule/", "schedule/", "papers/", "keynotes/"]


def new_page(browser, width, **options):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="en-GB", **options
    )
    return context.new_page()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_width_stays_local_and_logs_no_error(
    browser, served_site, dev_site, width
):
    """One visit of every page checks three things, so that each width costs
    a single tour: the page does not scroll sideways, no request leaves
    127.0.0.1 (any that would is refused), and the console shows no error."""
    # Auckland gives localtime.js its longest additions ("GMT+12", day markers).
    page = new_page(browser, width, timezone_id="Pacific/Auckland")
    local = urlsplit(served_site).netloc
    problems = {"wider than the window": [], "foreign requests": [], "errors": []}
    where = {"url": ""}

    def route(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            problems["foreign requests"].append(f"{where['url']}: {route.request.url}")
            route.abort()

    def on_console(message):
        if message.type == "error":
            problems["errors"].append(f"{where['url']}: {message.text}")

    def on_response(response):
        if response.status >= 400:
            problems["errors"].append(f"{response.url}: HTTP {response.status}")

    page.context.route("**/*", route)
    page.on("console", on_console)
    page.on(
        "pageerror", lambda error: problems["errors"].append(f"{where['url']}: {error}")
    )
    page.on("response", on_response)
    pages = html_pages(dev_site)
    try:
        for built in pages:
            where["url"] = url = page_url(dev_site, built, served_site)
            page.goto(url, wait_until="load")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                problems["wider than the window"].append(f"{url}: {scroll_width} px")
    finally:
        page.context.close()
    assert len(pages) > 30
    assert {kind: found for kind, found in problems.items() if found} == {}


def focused(page):
    return page.evaluate(
        """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
          href: el.getAttribute("href"), text: el.textContent.trim(),
          inMain: !!el.closest("main"), inNav: !!el.closest("nav.site-nav"),
          top: box.top, bottom: box.bottom, left: box.left, right: box.right,
          width: box.width, height: box.height,
          outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
}"""
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", SAMPLE)
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    browser, served_site, width, path
):
    page = new_page(browser, width)
    try:
        page.goto(f"{served_site}/{path}")
        page.keyboard.press("Tab")
        skip = focused(page)
        assert skip["cls"] == "skip-link" and skip["href"] == "#main"
        # Visible while focused: inside the viewport, with a focus ring.
        assert skip["top"] >= 0 and skip["bottom"] <= 800
        assert skip["left"] >= 0 and skip["right"] <= width
        assert skip["width"] > 40 and skip["height"] > 20
        assert skip["outline"] == "solid" and skip["outlineWidth"] >= 2
        page.keyboard.press("Enter")
        assert focused(page)["id"] == "main"
        page.keyboard.press("Tab")
        assert focused(page)["inMain"], "the next Tab stop is in the content"
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_reaches_every_menu_entry_with_a_visible_focus(
    browser, served_site, width
):
    page = new_page(browser, width)
    try:
        page.goto(f"{served_site}/schedule/")
        entries = page.eval_on_selector_all(
            "nav.site-nav a", "links => links.map(a => a.getAttribute('href'))"
        )
        reached = []
        for _ in range(len(entries) + 5):
            page.keyboard.press("Tab")
            now = focused(page)
            if now["inNav"]:
                assert now["outline"] == "solid" and now["outlineWidth"] >= 2, now
                assert now["left"] >= 0 and now["right"] <= width, now
                reached.append(now["href"])
            elif reached:
                break
        assert reached == entries
        assert len(entries) >= 10
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_menu_works_without_javascript(browser, served_site, width):
    page = new_page(browser, width, java_script_enabled=False)
    try:
        page.goto(f"{served_site}/")
        links = page.locator("nav.site-nav a")
        assert links.count() >= 10
        for index in range(links.count()):
            link = links.nth(index)
            assert link.is_visible()
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Schedule"
        ).click()
        page.wait_for_url(re.compile(r"/schedule/$"))
        assert page.locator("h1").inner_text() == "Schedule"
    finally:
        page.context.close()


COLOURS = """() => {
  const body = getComputedStyle(document.body);
  const link = getComputedStyle(document.querySelector("main a"));
  return [body.backgroundColor, body.color, link.color];
}"""


def luminance(css_colour):
    red, green, blue = (int(n) for n in re.findall(r"\d+", css_colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("path", SAMPLE)
def test_dark_scheme_changes_the_colours(browser, served_site, path):
    colours = {}
    for scheme in ("light", "dark"):
        page = new_page(browser, 1280, color_scheme=scheme)
        try:
            page.goto(f"{served_site}/{path}")
            colours[scheme] = page.evaluate(COLOURS)
        finally:
            page.context.close()
    light, dark = colours["light"], colours["dark"]
    assert all(a != b for a, b in zip(light, dark, strict=True)), colours
    # Dark text on a light page, light text on a dark one.
    assert luminance(light[0]) > 200 and luminance(light[1]) < 60
    assert luminance(dark[0]) < 60 and luminance(dark[1]) > 200


@pytest.mark.parametrize(
    ("path", "words"),
    [("schedule/", "td:nth-child(2)"), ("papers/", "td:nth-child(2)")],
)
def test_tables_stack_into_readable_rows_at_320_px(browser, served_site, path, words):
    page = new_page(browser, 320)
    try:
        page.goto(f"{served_site}/{path}")
        table = page.eval_on_selector("main table", "t => t.clientWidth")
        # The cells with the words (session, paper) get nearly the full width.
        widths = page.eval_on_selector_all(
            f"main table tbody {words}", "cells => cells.map(c => c.clientWidth)"
        )
        assert len(widths) >= 12 and min(widths) >= table - 40, (table, widths)
    finally:
        page.context.close()


def test_running_text_has_a_comfortable_measure(browser, served_site):
    page = new_page(browser, 1280)
    try:
        page.goto(f"{served_site}/aims/")
        characters_per_line = page.evaluate(
            """() => {
  const p = [...document.querySelectorAll("main p")]
    .sort((a, b) => b.textContent.length - a.textContent.length)[0];
  const context = document.createElement("canvas").getContext("2d");
  const style = getComputedStyle(p);
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = p.textContent.replace(/\\s+/g, " ");
  const average = context.measureText(text).width / text.length;
  return p.getBoundingClientRect().width / average;
}"""
        )
        assert 65 <= characters_per_line <= 75
    finally:
        page.context.close()


def test_smooth_scrolling_only_without_a_reduced_motion_preference(
    browser, served_site
):
    behaviours = {}
    for motion in ("no-preference", "reduce"):
        page = new_page(browser, 1280, reduced_motion=motion)
        try:
            page.goto(f"{served_site}/")
            behaviours[motion] = page.evaluate(
                "getComputedStyle(document.documentElement).scrollBehavior"
            )
        finally:
            page.context.close()
    assert behaviours == {"no-preference": "smooth", "reduce": "auto"}


def test_print_hides_the_menu_and_prints_link_targets(browser, served_site):
    page = new_page(browser, 1280)
    try:
        page.goto(f"{served_site}/papers/")
        page.emulate_media(media="print")
        assert not page.locator("nav.site-nav").is_visible()
        assert not page.locator(".skip-link").is_visible()
        printed = page.eval_on_selector(
            'main a[href^="https://"]',
            "a => [getComputedStyle(a, '::after').content, a.href]",
        )
        assert printed[1] in printed[0]
        page.emulate_media(media="screen")
        assert page.locator("nav.site-nav").is_visible()
    finally:
        page.context.close()


# --- The first screen of a phone ------------------------------------------------

PHONE = {"width": 320, "height": 568}
# What each page must show without scrolling: the fact a visitor came for.
MAIN_FACT = {
    "": "main .lead .actions a, main .lead .big, main .lead .deadlines",
    "schedule/": "main .lead-fact",
    "papers/": "main article > p",
}


@pytest.mark.parametrize("path", SAMPLE)
def test_phone_header_and_menu_take_at_most_a_quarter_of_the_screen(
    browser, served_site, path
):
    for javascript in (True, False):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        page = context.new_page()
        try:
            page.goto(f"{served_site}/{path}")
            bottom = page.eval_on_selector(
                ".site-header", "h => h.getBoundingClientRect().bottom"
            )
            assert page.locator("nav.site-nav a").count() >= 10
        finally:
            context.close()
        assert bottom <= 0.25 * PHONE["height"], (path, javascript, bottom)


@pytest.mark.parametrize("path", MAIN_FACT)
def test_phone_shows_the_main_fact_without_scrolling(browser, served_site, path):
    context = browser.new_context(viewport=PHONE, timezone_id="Pacific/Auckland")
    page = context.new_page()
    try:
        page.goto(f"{served_site}/{path}")
        box = page.locator(MAIN_FACT[path]).first.bounding_box()
    finally:
        context.close()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


# --- Bands -----------------------------------------------------------------------

CONTRAST = """() => {
  const rgb = (c) => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const page = lum(getComputedStyle(document.body).backgroundColor);
  const bands = document.querySelectorAll(".band, .site-header, .site-footer");
  return [...bands].map((el) => {
    const band = lum(getComputedStyle(el).backgroundColor);
    return (Math.max(page, band) + 0.05) / (Math.min(page, band) + 0.05);
  });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_section_bands_stand_out_from_the_page(browser, served_site, scheme):
    page = new_page(browser, 1280, color_scheme=scheme)
    try:
        page.goto(f"{served_site}/")
        ratios = page.evaluate(CONTRAST)
    finally:
        page.context.close()
    assert len(ratios) >= 4 and min(ratios) >= 1.25, ratios


# --- Print ------------------------------------------------------------------------


def printed(page):
    """The text of each A4 page when Chromium prints the page."""
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return [sheet.extract_text() or "" for sheet in pdf.pages]


def pdf_pages(page):
    return len(printed(page))


def test_papers_print_on_at_most_three_a4_pages(browser, served_site, dev_site):
    rows = len(soup(dev_site, "papers/").select("table.papers tbody tr"))
    page = new_page(browser, 1280)
    try:
        page.goto(f"{served_site}/papers/")
        pages = pdf_pages(page)
        page.emulate_media(media="print")
        video = page.eval_on_selector(
            "table.papers a[href*='you']",
            "a => [getComputedStyle(a, '::after').content, a.href]",
        )
    finally:
        page.context.close()
    assert rows >= 20 and 1 <= pages <= 3, pages
    assert video[1] in video[0]


@pytest.mark.parametrize("path", SAMPLE)
def test_print_leaves_no_empty_last_page(browser, served_site, path):
    page = new_page(browser, 1280)
    try:
        page.goto(f"{served_site}/{path}")
        sheets = printed(page)
        page.emulate_media(media="print")
        last_words = page.evaluate(
            """() => [...document.querySelectorAll("main *")]
                .filter((el) => el.offsetParent !== null && el.children.length === 0)
                .map((el) => el.textContent.trim()).filter(Boolean).slice(-3)"""
        )
    finally:
        page.context.close()
    text = " ".join(sheets[-1].split())
    assert last_words, path
    # The last sheet holds the end of the content, not just a footer or nothing.
    assert any(" ".join(w.split())[:20] in text for w in last_words), (path, text)


def test_printed_addresses_stay_whole_and_headings_print_none(browser, served_site):
    page = new_page(browser, 1280)
    try:
        page.goto(f"{served_site}/")
        page.emulate_media(media="print")
        styles = page.eval_on_selector_all(
            "main a[href]:not([href^='#'])",
            """links => links.map((a) => {
  const after = getComputedStyle(a, "::after");
  return {heading: !!a.closest("h1, h2, h3"), content: after.content,
          display: after.display, href: a.href};
})""",
        )
    finally:
        page.context.close()
    headings = [s for s in styles if s["heading"]]
    others = [s for s in styles if not s["heading"] and s["content"] != "none"]
    assert headings and all(s["content"] == "none" for s in headings)
    assert others and all(urlsplit(s["href"]).path in s["content"] for s in others), (
        others
    )
    # One box per address: it moves to the next line whole, not in pieces.
    assert all(s["display"] == "inline-block" for s in others)


# --- The archive ---------------------------------------------------------------------

LONG_TITLE = "Hyperparameterisationtransferabilityinvestigations " * 3


@pytest.fixture(scope="module")
def long_title_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("long") / "site")
    (project / "content/news/2021-03-03-long.md").write_text(
        f"Title: {LONG_TITLE.strip()}\nDate: 2021-03-03 10:00\n"
        "Summary: A post with one very long title.\n\nBody.\n",
        encoding="utf-8",
    )
    output = project / "output"
    result = build_site(output, project / "pelicanconf.py", project / "content")
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_archive_is_newest_first_within_each_year(dev_site):
    for year in soup(dev_site, "news/archive/").select("section"):
        stamps = [t["datetime"] for t in year.select("ul.archive time")]
        assert stamps and stamps == sorted(stamps, reverse=True)


def test_a_long_title_never_widens_the_archive_and_dates_never_wrap(
    browser, long_title_site
):
    handler = functools.partial(_Quiet, directory=str(long_title_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = new_page(browser, 320)
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/news/archive/")
        width = page.evaluate("document.documentElement.scrollWidth")
        lines = page.eval_on_selector_all(
            "ul.archive time",
            """times => times.map((t) => {
  const range = document.createRange();
  range.selectNodeContents(t);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
})""",
        )
    finally:
        page.context.close()
        server.shutdown()
        server.server_close()
    assert width <= 320
    assert lines and set(lines) == {1}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
