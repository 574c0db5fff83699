"""The quality bars of the theme, on every page both builds produce: the Nu HTML
Checker finds nothing wrong; axe-core finds no violation of WCAG 2.0, 2.1 and
2.2 A and AA nor of its best practices, in light and dark, on a phone and a
desktop; every page has the head a browser, a feed reader and a link preview
need; and every page with what it loads fits 14 KB compressed.

vnu.jar and axe-core come from npm, locked in package-lock.json, into
node_modules/: `bash scripts/test.sh` installs them."""

import json
import re
import shutil
import subprocess
from collections import Counter

import pytest
from page_weight import BUDGET, page_weight
from sitetools import ROOT, html_pages, page_url, soup

SITE_URL = "https://haet2021.github.io"
NPM_TOOLS = ROOT / "node_modules"
VNU_JAR = NPM_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NPM_TOOLS / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# An invalid page that an axe violation and validator errors must be found in,
# so that a broken set-up cannot pass for a clean site.
BROKEN_PAGE = (
    "<!DOCTYPE html><html><head><title>Broken</title></head>"
    '<body><p><div>Unclosed</p><img src="x.png"><a href="#"></a></body></html>'
)


def npm_tool(path):
    if not path.is_file():
        pytest.fail(f"{path} is missing: `bash scripts/test.sh` installs it from npm")
    return path


@pytest.fixture(
    scope="module",
    params=[("dev_site", ""), ("prod_site", SITE_URL)],
    ids=["dev", "prod"],
)
def site(request):
    """A build and the address its links start with."""
    fixture, site_url = request.param
    return request.getfixturevalue(fixture), site_url


def is_problem(message):
    """Errors, and warnings but those about the Content-Security-Policy: vnu
    judges it against the file: origin of a file read from disk, where the
    site's own stylesheet counts as foreign, and applies it to JSON-LD, which
    browsers never run. The browser tests see real CSP violations as console
    errors."""
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
        [java, "-jar", npm_tool(VNU_JAR), "--format", "json", "--also-check-css"]
        + ["--also-check-svg", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    problems = [m for m in messages if is_problem(m)]
    assert any(canary.name in m.get("url", "") for m in problems), result.stderr
    report = [
        f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}"
        for m in problems
        if canary.name not in m.get("url", "")
    ]
    assert not report, "\n".join(report)


# axe.run over the whole document, violations only: incomplete results are
# for a person to review and would only slow the run.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    help: v.help,
    targets: v.nodes.map((node) => node.target.join(" ")),
  }));
}"""


# Each scheme once, and each layout once: colours do not change with the
# width, and the stacked tables of the phone layout are checked in dark.
@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 320)])
def test_axe_finds_no_violation_on_any_page(
    browser, served_site, dev_site, scheme, width
):
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": 800}
    )
    # An init script, not a <script> tag: the pages' Content-Security-Policy
    # would refuse an inline one.
    context.add_init_script(path=npm_tool(AXE_JS))
    page = context.new_page()
    try:
        page.set_content(BROKEN_PAGE)
        assert page.evaluate(AXE_RUN, AXE_TAGS), "axe found nothing in a broken page"
        found = []
        for built in html_pages(dev_site):
            url = page_url(dev_site, built, served_site)
            page.goto(url)
            found += [
                f"{url}: {v['id']} ({v['help']}) at {', '.join(v['targets'][:3])}"
                for v in page.evaluate(AXE_RUN, AXE_TAGS)
            ]
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_every_page_has_a_complete_head(site):
    site, site_url = site
    titles, canonicals = Counter(), Counter()
    for built in html_pages(site):
        page = soup(site, str(built.relative_to(site)))
        head, where = page.head, built.relative_to(site)

        def meta(where=where, head=head, **attrs):
            tag = head.find("meta", attrs=attrs)
            assert tag and tag.get("content", "").strip(), f"{where}: no meta {attrs}"
            return tag["content"]

        def link(rel, where=where, head=head, **attrs):
            tags = head.find_all("link", rel=rel, attrs=attrs)
            assert tags, f"{where}: no link rel={rel} {attrs}"
            return [tag["href"] for tag in tags]

        assert page.html["lang"] == "en", where
        assert head.find("meta", charset="utf-8"), where
        assert "width=device-width" in meta(name="viewport")
        title = head.title.get_text(strip=True)
        assert title and "HAET 2021" in title, where
        titles[title] += 1
        description = meta(name="description")
        assert 30 <= len(description) <= 200, f"{where}: {description!r}"
        (canonical,) = link("canonical")
        assert canonical == page_url(site, built, site_url), where
        if site_url:
            assert canonical.startswith(SITE_URL + "/"), where
        canonicals[canonical] += 1
        assert meta(property="og:url") == canonical, where
        assert meta(property="og:title") == title, where
        assert meta(property="og:description") == description, where
        assert meta(property="og:site_name") == "HAET 2021", where
        assert meta(property="og:type") in ("website", "article"), where
        assert meta(property="og:image").startswith(site_url + "/images/"), where
        meta(property="og:image:alt")
        assert meta(name="twitter:card") == "summary_large_image", where
        feeds = {tag["type"] for tag in head.find_all("link", rel="alternate")}
        assert feeds == {"application/atom+xml", "application/rss+xml"}, where
        for href in link("alternate"):
            assert href.startswith(site_url + "/feeds/"), where
        colours = {
            tag.get("media"): tag["content"]
            for tag in head.find_all("meta", attrs={"name": "theme-color"})
        }
        assert set(colours) == {
            "(prefers-color-scheme: light)",
            "(prefers-color-scheme: dark)",
        }, where
        assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours.values()), where
        assert link("icon", type="image/svg+xml") == [f"{site_url}/favicon.svg"], where
        assert len(link("stylesheet")) == 1, f"{where}: one stylesheet only"
    assert (site / "favicon.svg").is_file()
    assert max(titles.values()) == 1, titles.most_common(3)
    assert max(canonicals.values()) == 1, canonicals.most_common(3)


def test_every_page_with_what_it_loads_fits_14_kb_compressed(site):
    site, site_url = site
    heavy = []
    for built in html_pages(site):
        weight = page_weight(site, built, site_url)
        assert weight.files[1].name == "style.css", built
        if weight.compressed > BUDGET:
            heavy.append(f"{built.relative_to(site)}: {weight.compressed} bytes")
    assert not heavy, f"over {BUDGET} bytes gzip -9:\n" + "\n".join(heavy)


def test_page_weight_counts_the_html_and_what_it_loads(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "style.css").write_text(
        '@import "more.css"; @font-face { src: url(f.woff2) }'
        " a { background: url(i.png) }"
    )
    (tmp_path / "css" / "more.css").write_text("p { color: red }")
    (tmp_path / "css" / "f.woff2").write_bytes(b"\0" * 5000)
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="/css/style.css"><script src="/app.js"></script>'
    )
    (tmp_path / "app.js").write_text("1")
    weight = page_weight(tmp_path, tmp_path / "page.html")
    assert [f.relative_to(tmp_path).as_posix() for f in weight.files] == [
        "page.html",
        "css/style.css",
        "app.js",
        "css/more.css",
        "css/f.woff2",
    ]
    assert weight.raw == sum(f.stat().st_size for f in weight.files)
    (tmp_path / "page.html").write_text('<script src="https://cdn.example/x.js">')
    with pytest.raises(ValueError, match="another site"):
        page_weight(tmp_path, tmp_path / "page.html")
