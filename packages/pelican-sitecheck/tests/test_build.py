"""Pelican builds with the plugin (in a subprocess: Pelican's logging and signals
are process-global), and the command: what is found, where, and exit statuses."""

import json
import os
import re

import pytest
from sitecheck_helpers import (
    COMMAND,
    DRAFT,
    FOREIGN_DEFECTS,
    FOREIGN_ERRORS,
    FOREIGN_FIXES,
    GENERIC,
    NOTHING_AT,
    build,
    defects,
    html,
    logged,
    logged_lines,
    run,
    run_command,
    split,
    table,
    write_foreign_site,
)

SUMMARY = (
    r"sitecheck: {} pages and {} feeds, sitemaps and style sheets checked in"
    r" \d+\.\d s: {} errors, {} warnings"
)


def built(folder, settings="", **content):
    """(project, pelican's result) of the foreign site with more settings and
    content, built in `folder`."""
    write_foreign_site(folder, **content)
    with open(folder / "pelicanconf.py", "a") as file:
        file.write(settings)
    result = build(folder)
    assert result.returncode == 0, result.stderr
    return folder, result


@pytest.fixture(scope="module")
def foreign(tmp_path_factory):
    return built(tmp_path_factory.mktemp("foreign"))


def test_a_foreign_site_is_checked(foreign):
    project, result = foreign
    found = logged_lines(result.stderr)
    # Every seeded defect, nothing else: the theme and the correct cases pass.
    assert defects(found) == FOREIGN_DEFECTS
    fixes = table(FOREIGN_FIXES.replace(" | -", f" | {GENERIC}"))
    assert set(fixes) <= {(element, fix) for *_, element, _, fix in found}
    assert not [source for source, *_ in found if "site-packages" in source]
    # A feed entry's finding is its content file's, with the page's.
    assert (
        'content/first.rst:8: <a href="../pages/ABOUT.html"> in first-post.html'
        " (output line 42), feeds/all.atom.xml (output line 10): broken link"
    ) in result.stderr
    assert "content/extra/site.css:3: url(../images/nope.png) in" in result.stderr
    (summary,) = [line for line in result.stdout.splitlines() if "style sheets" in line]
    assert re.fullmatch(SUMMARY.format(12, 11, FOREIGN_ERRORS, 3), summary)
    page = (project / "output/second-post.html").read_text()
    assert 'width="400" height="300"' not in page  # not filled by default
    # Nothing written in the project but the output (no cache/, no report).
    assert sorted(os.listdir(project)) == ["content", "output", "pelicanconf.py"]


STRICT = (
    f"SiteCheckError: sitecheck: {FOREIGN_ERRORS} errors in the built site"
    " (SITECHECK_STRICT): fix the findings above"
)


@pytest.mark.parametrize("options", ["-e SITECHECK_STRICT=true", "--fatal errors"])
def test_a_failing_build_stops_after_every_finding_is_logged(tmp_path, options):
    write_foreign_site(tmp_path)
    result = build(tmp_path, *options.split())
    last = STRICT if "STRICT" in options else ""
    assert result.returncode == 1
    assert defects(logged_lines(result.stderr)) == FOREIGN_DEFECTS
    assert last in result.stderr
    after = result.stderr.split(last)[-1] if last else ""
    assert " (fix: " not in after


def test_the_command_finds_what_the_build_found(foreign):
    project, result = foreign
    checked = run(project, *COMMAND)
    assert checked.returncode == 1, checked.stderr  # errors
    assert logged_lines(checked.stderr) == logged_lines(result.stderr)
    *_, summary = checked.stderr.splitlines()
    assert re.fullmatch("INFO " + SUMMARY.format(12, 11, FOREIGN_ERRORS, 3), summary)
    annotations = run(project, *COMMAND, "--format", "github").stdout.splitlines()
    assert len(annotations) == len(FOREIGN_DEFECTS)
    assert (
        '::error file=content/first.rst,line=8::<a href="../pages/ABOUT.html"> in'
        " first-post.html (output line 42), feeds/all.atom.xml (output line 10):"
        " broken link: nothing at /pages/ABOUT.html in the output (fix: link to"
        " /pages/about.html)"
    ) in annotations


def test_the_command_writes_sarif_for_code_scanning(foreign):
    """The build's findings, each a result with its rule, level and place."""
    project, result = foreign
    checked = run(project, *COMMAND, "--format", "sarif")
    (sarif,) = json.loads(checked.stdout)["runs"]
    rules = {rule["id"] for rule in sarif["tool"]["driver"]["rules"]}
    found, levels = [], []
    for finding in sarif["results"]:
        assert finding["ruleId"] in rules
        (location,) = finding["locations"]  # every one is a content file's
        where = location["physicalLocation"]
        line = where.get("region", {}).get("startLine")
        message, fix = finding["message"]["text"].rsplit(" (fix: ", 1)
        source = where["artifactLocation"]["uri"]
        found.append(split(source, line, message, fix[:-1]))
        levels.append(finding["level"])
    assert sorted(found, key=str) == logged_lines(result.stderr)
    assert levels.count("error") == FOREIGN_ERRORS
    assert {"external-broken", "img-empty-alt"} <= rules


ENTRY = (
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
    '<entry><link href="https://example.org/post.html" rel="alternate"/>\n'
    '<content type="html">&lt;a href="https://example.org/{filename}/gone.md"&gt;'
    '&lt;img src="https://example.org/gone.png" alt="x"&gt;</content></entry></feed>'
)


def test_a_mistake_is_one_record_for_its_page_and_its_feed_entry(tmp_path):
    """Even where a feed makes the entry's links absolute."""
    post = "Title: Post\nDate: 2021-01-01\n\n[x]({filename}/gone.md) ![x](/gone.png)\n"
    (tmp_path / "content").mkdir()
    (tmp_path / "content/post.md").write_text(post)
    (tmp_path / "pelicanconf.py").write_text(
        'PATH = "content"\nSITEURL = "https://example.org"\nTIMEZONE = "UTC"\n'
    )
    (tmp_path / "output/feeds").mkdir(parents=True)
    (tmp_path / "output/feeds/all.atom.xml").write_text(ENTRY)
    links = '<a href="{filename}/gone.md">x</a> <img src="/gone.png" alt="x">'
    (tmp_path / "output/post.html").write_text(html(links))
    found = logged_lines(run(tmp_path, *COMMAND).stderr)
    assert [(source, line, check[:24]) for source, line, _, check, _ in found] == [
        ("content/post.md", 4, "broken link: nothing at "),
        ("content/post.md", 4, "image not found: nothing"),
    ]


# More content for a second build of the foreign site.
MORE = {
    "third.md": "Title: Third\nDate: 2020-03-03\nSummary: See ![A chart]"
    "(/images/chart.png)\n\nThe article itself has no image.\n",
    "dup.md": "Title: Dup\nDate: 2020-03-04\n\n## Dates {#dates}\n\n"
    '<p id="dates">Again</p>\n',
    "twice.md": "Title: Twice\nDate: 2020-03-05\nTemplate: twice\n\n"
    '<h2 id="once">Once</h2>\n',
    "extra/legacy.htm": html('<a href="/gone-for-good/">x</a>').replace("\n<body>", ""),
    "extra/list.html": html('<a href="work-in-progress/">Soon</a>'),
}
MORE_SETTINGS = """
LINKS = (("Old site", "/retired-site/"),)
SITECHECK_FILL_IMAGE_SIZES = True
READERS = {"html": None, "htm": None}
EXTRA_PATH_METADATA["extra/list.html"] = {"path": "previews/list.html"}
DRAFT_SAVE_AS = "previews/{slug}/index.html"
DRAFT_URL = "previews/{slug}/"
THEME_TEMPLATES_OVERRIDES = ["overrides"]
"""
DUP = "id used 2 times (lines 41, 42): #dates links are ambiguous"
TWICE = (
    '{% extends "article.html" %}{% block content %}{{ super() }}'
    "<aside>{{ article.content }}</aside>{% endblock %}"
)


@pytest.fixture(scope="module")
def more(tmp_path_factory):
    project = tmp_path_factory.mktemp("more")
    (project / "overrides").mkdir()
    (project / "overrides/twice.html").write_text(TWICE)
    return built(project, MORE_SETTINGS, **MORE)


def test_what_the_theme_writes_is_the_themes(more):
    _, result = more
    found = logged_lines(result.stderr)
    # A link from LINKS, on article pages too; an id the theme repeats.
    assert ("theme notmyidea", None, '<a href="/retired-site/">') in {
        finding[:3] for finding in found
    }
    (twice,) = [f for f in found if f[2] == 'id="once"']
    assert not twice[0].startswith("content/")
    assert twice[3] == "id used 2 times (lines 41, 46): #once links are ambiguous"


def test_findings_name_the_content_file_and_line(more):
    project, result = more
    found = logged_lines(result.stderr)
    # Every seeded defect is still there: filling sizes hides none.
    assert defects(found) >= FOREIGN_DEFECTS
    assert {
        ("content/extra/legacy.htm", 3, NOTHING_AT.format("/gone-for-good/")),
        ("content/dup.md", 6, DUP),
    } <= defects(found)
    # An image only in a summary: the article's, on the listing pages.
    (chart,) = [
        line for line in result.stderr.splitlines() if "image not found" in line
    ]
    # One record for the listing pages and the feed that show the summary.
    assert chart.startswith('content/third.md:3: <img src="/images/chart.png"> on ')
    page = (project / "output/second-post.html").read_text()
    assert 'width="400" height="300"' in page  # filled; as written in the content:
    assert 'width="40" height="40"' in page
    # The list of drafts in the drafts' folder may link to them.
    assert [f[0] for f in found if f[3] == DRAFT] == ["content/first.rst"]


LIST = 'EXTRA_PATH_METADATA["extra/list.html"] = {"path": "previews/list.html"}\n'
DRAFTS = """
DRAFT_SAVE_AS | previews/{slug}.html | work-in-progress.html | no
DRAFT_PAGE_SAVE_AS | previews/{slug}.html | ../drafts/work-in-progress.html | no
# Drafts in previews/2021/: a page in previews/ is published.
DRAFT_SAVE_AS | previews/2021/{slug}.html | 2021/work-in-progress.html | yes
"""


@pytest.mark.parametrize(("setting", "path", "link", "published"), table(DRAFTS))
def test_pages_in_the_drafts_folder_may_link_to_drafts(
    tmp_path, setting, path, link, published
):
    """A list of drafts for previews, in the folder of DRAFT_SAVE_AS (or
    DRAFT_PAGE_SAVE_AS) up to its first {...}, is not a published page."""
    url = f"DRAFT_URL = {path!r}\n" * (setting == "DRAFT_SAVE_AS")
    page = {"extra/list.html": html(f'<a href="{link}">x</a>')}
    _, result = built(tmp_path, f"{setting} = {path!r}\n{url}{LIST}", **page)
    sources = [f[0] for f in logged_lines(result.stderr) if f[3] == DRAFT]
    listed = ["content/extra/list.html"] * (published == "yes")
    assert sources == [*listed, "content/first.rst"]


def test_without_settings_findings_name_the_output_files(site, capsys):
    site("index.html", html('<a href="/gone/">x</a>\n<a href="mailto:">y</a>'))
    assert run_command(site.root, "--format", "github")[0] == 1
    root = str(site.root / "index.html").replace(":", "%3A").replace(",", "%2C")
    assert capsys.readouterr().out.splitlines() == [
        f'::error file={root},line=4::<a href="/gone/"> in index.html (output line'
        f" 4): broken link: nothing at /gone/ in the output (fix: {GENERIC})",
        f'::error file={root},line=5::<a href="mailto:"> in index.html (output line'
        " 5): empty URL (fix: set the URL or remove the element)",
    ]


def test_a_clean_folder_is_exit_status_0_and_one_info_line(site):
    site("index.html", html('<a href="/">home</a>'))
    status, records = run_command(site.root)
    assert status == 0
    assert [record.levelname for record in records] == ["INFO"]
    assert re.fullmatch(SUMMARY.format(1, 0, 0, 0), records[0].getMessage())
    assert logged(records) == []


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["nowhere"], "sitecheck: nowhere is not a folder: build the site first"),
        ([".", "-s", "none.py"], "sitecheck: no settings file none.py"),
    ],
)
def test_usage_errors_are_exit_status_2(tmp_path, monkeypatch, arguments, said):
    monkeypatch.chdir(tmp_path)
    status, records = run_command(*arguments)
    assert (status, [r.getMessage() for r in records]) == (2, [said])
