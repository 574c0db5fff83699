"""A small broken site built by Pelican with the plugin: findings and exit status.

Pelican runs in a subprocess: its logging and signals are process-global.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

PLUGINS = Path(__file__).resolve().parent.parent
SETTINGS = f"""
PATH = "content"
THEME = "simple"
PLUGIN_PATHS = [{str(PLUGINS)!r}]
PLUGINS = ["sitecheck"]
TIMEZONE = "UTC"
SITEURL = ""
STATIC_PATHS = ["images"]
ARTICLE_URL = "news/{{slug}}/"
ARTICLE_SAVE_AS = "news/{{slug}}/index.html"
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
MARKDOWN = {{"extension_configs": {{"markdown.extensions.extra": {{}},
            "markdown.extensions.toc": {{}}}}, "output_format": "html5"}}
CACHE_PATH = "cache"
SITECHECK_REPORT_PATH = "report.json"
MENUITEMS = [("Old page", "/menu-gone/")]
"""
FIRST = """Title: First
Date: 2021-03-01
Summary: The first one.

See [the second]({filename}second.md#intro), [gone](/nope/),
[a missing part]({filename}second.md#missing) and [http](http://example.com/).

![A photo]({static}/images/photo.png)

<img src="{static}/images/photo.png">
"""
SECOND = """Title: Second
Date: 2021-03-02
Summary: The second one.

## Intro

<span id="intro">Same id as the heading.</span>
"""
EXPECTED = [
    ("error", "broken-link", "news/first/index.html", "content/first.md",
     '<a href="/nope/">'),
    ("error", "img-no-alt", "news/first/index.html", "content/first.md",
     '<img src="/images/photo.png">'),
    ("error", "missing-fragment", "news/first/index.html", "content/first.md",
     '<a href="/news/second/#missing">'),
    ("warning", "insecure-link", "news/first/index.html", "content/first.md",
     '<a href="http://example.com/">'),
    ("error", "duplicate-id", "news/second/index.html", "content/second.md",
     'id="intro"'),
]  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "content" / "images").mkdir(parents=True)
    (root / "content" / "first.md").write_text(FIRST)
    (root / "content" / "second.md").write_text(SECOND)
    Image.new("RGB", (320, 240), "teal").save(root / "content" / "images" / "photo.png")
    (root / "pelicanconf.py").write_text(SETTINGS)
    return root


def build(project, *options):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            "-s",
            "pelicanconf.py",
            "-o",
            "output",
            "--log-handler",
            "plain",
            *options,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def findings(project):
    """The content's findings; asserts the theme's broken menu link is on every
    page, even the articles', and is the theme's."""
    report = json.loads((project / "report.json").read_text())
    menu = {
        f["page"]: f["source"]
        for f in report["findings"]
        if f["element"] == '<a href="/menu-gone/">'
    }
    assert menu == dict.fromkeys(report["pages"], "theme")
    return sorted(
        (f["level"], f["code"], f["page"], f["source"], f["element"])
        for f in report["findings"]
        if f["page"] not in menu or f["element"] != '<a href="/menu-gone/">'
    )


def menu_pages(project):
    return json.loads((project / "report.json").read_text())["pages"]


def test_development_build_reports_and_goes_on(project):
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert findings(project) == sorted(EXPECTED)
    log = result.stdout + result.stderr
    assert (
        'news/first/index.html (content/first.md) line 31 <a href="/nope/">: broken'
        " link: nothing at /nope/ in the output; fix: link to a file that exists"
    ) in log
    assert f"{4 + len(menu_pages(project))} errors, 1 warnings" in log
    assert (
        f"{len(menu_pages(project))} pages (archives.html, authors.html,"
        ' categories.html, ...) (theme) <a href="/menu-gone/">: broken link'
    ) in log
    # width/height were filled in from the file
    page = (project / "output/news/first/index.html").read_text()
    assert page.count('src="/images/photo.png" width="320" height="240"') == 2


def test_strict_build_fails_without_a_traceback(project):
    result = build(project, "-e", "SITECHECK_STRICT=true")
    log = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Build stopped by: sitecheck (SITECHECK_STRICT)" in log
    assert "Traceback" not in log
    assert findings(project) == sorted(EXPECTED)


def test_fatal_errors_lists_every_finding_then_fails_cleanly(project):
    result = build(project, "--fatal", "errors")
    log = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Build stopped by: sitecheck (a finding was logged at the build's" in log
    assert "Traceback" not in log
    assert log.count("; fix: ") == len(EXPECTED) + 1  # + the grouped menu link
