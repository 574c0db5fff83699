"""Every page of the development build in Debian's Chromium, at a phone's, a
tablet's and a desktop's width: nothing scrolls sideways, no request leaves the
site's origin (the Content-Security-Policy allows only 'self'), and neither the
console nor the network reports an error."""

from urllib.parse import urlsplit

import pytest
from sitetools import html_pages, page_url

pytestmark = pytest.mark.browser
WIDTHS = [320, 768, 1280]
# The visitor's zone with the longest name localtime.js writes (GMT+12:45 or
# GMT+13:45), and a day that is not the workshop's: the widest local times.
ZONE = "Pacific/Chatham"


def test_every_page_fits_each_width_stays_on_its_origin_and_logs_no_error(
    browser, served_site, dev_site
):
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 800}, timezone_id=ZONE
    )
    page = context.new_page()
    origin = urlsplit(served_site).netloc
    problems, where = [], [""]

    def route(route):
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            problems.append(f"{where[0]}: asks {route.request.url}")
            route.abort()

    context.route("**/*", route)

    def on_console(message):
        if message.type == "error":
            problems.append(f"{where[0]}: {message.text}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"{response.url}: HTTP {response.status}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{where[0]}: {error}"))
    page.on("response", on_response)
    pages = html_pages(dev_site)
    try:
        for number, built in enumerate(pages):
            where[0] = url = page_url(dev_site, built, served_site)
            page.goto(url, wait_until="load")
            # One load, laid out again at each width (from the width it has).
            for width in WIDTHS[:: -1 if number % 2 else 1]:
                page.set_viewport_size({"width": width, "height": 800})
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    problems.append(f"{url}: {scroll} px wide at {width} px")
    finally:
        context.close()
    assert len(pages) == len(list(dev_site.rglob("*.html"))) > 1
    assert not problems, "\n".join(problems)
