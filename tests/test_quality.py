"""The quality bars of the theme, on the pages both builds produce: the Nu HTML
Checker finds nothing wrong; axe-core finds no violation of WCAG 2.x A and AA
nor of its best practices, in light and dark; every page has the head a
browser, a feed reader and a link preview need; and every page with what it
loads fits 14 KB compressed.

vnu.jar and axe-core come from npm, locked in package-lock.json, into
node_modules/: `bash scripts/test.sh` installs them."""

import json
import re
import shutil
import subprocess
from collections import Counter

import pytest
from page_weight import BUDGET, page_weight
from sitetools import ROOT, html_pages, page_url, settings_of, soup, workshop

# The site is named by its data (event.yaml), as the build names it.
SITENAME = workshop(ROOT).event.short_name
SITE_URL = settings_of("publishconf.py")["SITEURL"]
VNU_JAR = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
# The JIT's quick tier only halves vnu's time; its frames need a larger stack.
JVM_FAST_START = ["-XX:TieredStopAtLevel=1", "-Xss16m"]
VNU_OPTIONS = ["--format", "json", "--also-check-css", "--also-check-svg"]
AXE_JS = ROOT / "node_modules/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# An invalid page, in which the validator and axe must find something, so that
# a broken set-up cannot pass for a clean site.
BROKEN_PAGE = (
    "<!DOCTYPE html><html><head><title>Broken</title></head>"
    '<body><p><div>Unclosed</p><img src="x.png"><a href="#"></a></body></html>'
)


def npm_tool(path):
    if not path.is_file():
        pytest.fail(f"{path} is missing: `bash scripts/test.sh` installs it from npm")
    return path


@pytest.fixture(scope="module", params=["dev", "prod"])
def site(request):
    """A build and the address its links start with."""
    if request.param == "dev":
        return request.getfixturevalue("dev_site"), ""
    return request.getfixturevalue("prod_site"), SITE_URL


def is_problem(message):
    """Errors, and warnings but those about the Content-Security-Policy: vnu
    judges it against the file: origin of a file read from disk, where the
    site's own stylesheet counts as foreign. The browser tests see real CSP
    violations as console errors."""
    if message["type"] in ("error", "non-document-error"):
        return True
    return message.get("subType") == "warning" and (
        "Content Security Policy" not in message["message"]
    )


def test_nu_html_checker_finds_nothing_in_either_build(dev_site, prod_site, tmp_path):
    java = shutil.which("java") or pytest.fail(
        "java is missing: install the Debian package default-jre-headless"
    )
    canary = tmp_path / "broken.html"
    canary.write_text(BROKEN_PAGE, encoding="utf-8")
    files = [canary]
    for site in (dev_site, prod_site):
        files += [*html_pages(site), *site.rglob("*.css"), *site.rglob("*.svg")]
    # One JVM for every file: starting vnu.jar costs more than checking a page.
    result = subprocess.run(
        [java, *JVM_FAST_START, "-jar", npm_tool(VNU_JAR), *VNU_OPTIONS, *files],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [m for m in json.loads(result.stderr)["messages"] if is_problem(m)]
    assert any(canary.name in m.get("url", "") for m in problems), result.stderr
    report = [
        f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}"
        for m in problems
        if canary.name not in m.get("url", "")
    ]
    assert not report, "\n".join(report)


def representative_pages(site):
    """A few pages with most kinds of element the build writes (each tag with
    each of its classes): the page with most kinds, then the page that adds
    most of the rest, and so on while a page adds more than one."""
    kinds = {
        page: {
            (tag.name, name)
            for tag in soup(site, page.relative_to(site).as_posix()).body(True)
            for name in tag.get("class") or [""]
        }
        for page in html_pages(site)
    }
    left, chosen = set().union(*kinds.values()), []
    while True:
        best = max(kinds, key=lambda page: len(kinds[page] & left))
        if len(kinds[best] & left) < 2:
            return chosen
        chosen.append(best)
        left -= kinds[best]


# axe.run over the whole document, violations only: incomplete results are
# for a person to review.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) =>
    `${v.id} (${v.help}) at ${v.nodes.slice(0, 3).map((n) => n.target).join(", ")}`);
}"""


BODY_COLOURS = (
    "getComputedStyle(document.body).color"
    " + getComputedStyle(document.body).backgroundColor"
)


@pytest.mark.browser
def test_axe_finds_no_violation_in_light_or_dark(browser, served_site, dev_site):
    # An init script, not a <script> tag: the pages' Content-Security-Policy
    # refuses an inline one.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(path=npm_tool(AXE_JS))
    page = context.new_page()
    found = []
    pages = representative_pages(dev_site)
    try:
        page.set_content(BROKEN_PAGE)
        assert page.evaluate(AXE_RUN, AXE_TAGS), "axe found nothing in a broken page"
        for built in pages:
            url = page_url(dev_site, built, served_site)
            page.goto(url)
            # Light on a desktop, dark on a phone (the stacked tables).
            colours = set()
            for scheme, width in (("light", 1280), ("dark", 320)):
                page.emulate_media(color_scheme=scheme)
                page.set_viewport_size({"width": width, "height": 800})
                found += [
                    f"{url} {scheme}: {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)
                ]
                colours.add(page.evaluate(BODY_COLOURS))
            if len(colours) != 2:
                found.append(f"{url}: the same colours in light and dark")
    finally:
        context.close()
    assert len(pages) >= 3
    assert not found, "\n".join(found)


class Head:
    """A built page's <head>, read as a link preview or a browser reads it."""

    def __init__(self, site, built):
        self.page = soup(site, built.relative_to(site).as_posix())
        self.head, self.where = self.page.head, built.relative_to(site)

    def meta(self, **attrs):
        tag = self.head.find("meta", attrs=attrs)
        assert tag and tag.get("content", "").strip(), f"{self.where}: no meta {attrs}"
        return tag["content"]

    def link(self, rel, **attrs):
        tags = self.head.find_all("link", rel=rel, attrs=attrs)
        assert tags, f"{self.where}: no link rel={rel} {attrs}"
        return [tag["href"] for tag in tags]


def check_basics(head, site_url):
    """Language, viewport, title, description; returns (title, description)."""
    where = head.where
    assert head.page.html["lang"] == "en" and head.head.find("meta", charset="utf-8")
    assert "width=device-width" in head.meta(name="viewport")
    title = head.head.title.get_text(strip=True)
    assert SITENAME in title, where
    description = head.meta(name="description")
    assert len(description) <= 300, f"{where}: {description!r}"  # a search result's
    assert head.link("icon", type="image/svg+xml") == [f"{site_url}/favicon.svg"]
    assert len(head.link("stylesheet")) == 1, f"{where}: one stylesheet only"
    feeds = {tag["type"] for tag in head.head.find_all("link", rel="alternate")}
    assert feeds == {"application/atom+xml", "application/rss+xml"}, where
    assert all(h.startswith(site_url + "/") for h in head.link("alternate")), where
    return title, description


def check_preview(head, site, site_url, shown):
    """What a link preview shows (`shown`: the page's title, description and
    address): Open Graph, the card, the touch icon."""
    (title, description, address), meta, where = shown, head.meta, head.where
    assert meta(property="og:url") == address, where
    assert meta(property="og:locale"), where
    assert meta(property="og:title") == title, where
    assert meta(property="og:description") == description, where
    assert meta(property="og:site_name") == SITENAME, where
    assert meta(property="og:type") in ("website", "article"), where
    image = meta(property="og:image")
    assert image.startswith(site_url + "/"), where
    assert SITENAME in meta(property="og:image:alt"), where
    assert (site / image.removeprefix(site_url).lstrip("/")).is_file(), where
    size = (meta(property="og:image:width"), meta(property="og:image:height"))
    assert size == ("1200", "630"), where
    (touch_icon,) = head.link("apple-touch-icon")
    assert (site / touch_icon.removeprefix(site_url).lstrip("/")).is_file(), where
    assert meta(name="twitter:card") == "summary_large_image", where


def check_theme_colours(head):
    colours = {
        tag.get("media"): tag["content"]
        for tag in head.head.find_all("meta", attrs={"name": "theme-color"})
    }
    assert set(colours) == {
        "(prefers-color-scheme: light)",
        "(prefers-color-scheme: dark)",
    }, head.where
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours.values())


def test_every_page_has_a_complete_head(site):
    site, site_url = site
    titles, canonicals = Counter(), Counter()
    for built in html_pages(site):
        head = Head(site, built)
        title, description = check_basics(head, site_url)
        titles[title] += 1
        address = page_url(site, built, site_url)
        if built.name == "404.html":  # served at any missing address: none of its own
            assert not head.head.find_all("link", rel="canonical"), head.where
        else:
            (canonical,) = head.link("canonical")
            assert canonical == address, head.where
            canonicals[canonical] += 1
        check_preview(head, site, site_url, (title, description, address))
        check_theme_colours(head)
    assert (site / "favicon.svg").is_file()
    assert max(titles.values()) == 1, titles.most_common(3)
    assert max(canonicals.values()) == 1, canonicals.most_common(3)


def test_every_page_with_what_it_loads_fits_14_kb_compressed(site):
    site, site_url = site
    pages = html_pages(site)
    weights = {page: page_weight(site, page, site_url) for page in pages}
    assert pages and all(len(w.files) > 1 for w in weights.values())  # CSS counted
    heavy = [
        f"{page.relative_to(site)}: {weight.compressed} bytes"
        for page, weight in weights.items()
        if weight.compressed > BUDGET
    ]
    assert not heavy, f"over {BUDGET} bytes gzip -9:\n" + "\n".join(heavy)


def test_page_weight_counts_the_html_and_what_it_loads(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css/style.css").write_text(
        '@import "more.css"; @font-face { src: url(f.woff2) }'
        " a { background: url(i.png) }"
    )
    for name, size in (("more.css", 10), ("f.woff2", 5000), ("i.png", 100)):
        (tmp_path / "css" / name).write_bytes(b"\0" * size)
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="/css/style.css"><script src="/app.js"></script>'
    )
    (tmp_path / "app.js").write_text("1")
    weight = page_weight(tmp_path, tmp_path / "page.html")
    loaded = ["css/style.css", "app.js", "css/more.css", "css/f.woff2", "css/i.png"]
    assert [f.relative_to(tmp_path).as_posix() for f in weight.files] == [
        "page.html",
        *loaded,
    ]
    assert weight.raw == sum(f.stat().st_size for f in weight.files)
    assert 0 < weight.compressed < weight.raw
    (tmp_path / "page.html").write_text('<script src="https://cdn.example/x.js">')
    with pytest.raises(ValueError, match="another site"):
        page_weight(tmp_path, tmp_path / "page.html")


def test_each_feed_has_its_own_title_as_its_link_says(site):
    import feedparser

    site, site_url = site
    titles = {}
    for link in soup(site, "").head.find_all("link", rel="alternate"):
        path = link["href"].removeprefix(site_url).lstrip("/")
        feed = feedparser.parse((site / path).read_bytes())
        assert feed.feed.title == link["title"], path
        titles[path] = feed.feed.title
    assert len(titles) == len(set(titles.values())) >= 2, titles
