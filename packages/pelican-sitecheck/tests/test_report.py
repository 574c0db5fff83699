"""Report lines, grouping, JSON, and how the build ends."""

import dataclasses
import json
import logging
import os
import re
import threading
import types

import pytest
from pelican.plugins.sitecheck import plugin
from pelican.plugins.sitecheck.report import (
    CHECKS,
    THEME,
    attribute,
    findings,
    issue,
    log_findings,
    records,
    replace_file,
    source_line,
)
from pelican.plugins.sitecheck.settings import Config
from sitecheck_helpers import IMPORT_ROOT, html


def finding(page, source, element='<a href="/x/">', line=None):
    problem = issue("broken-link", element, 7, path="x/", suggestion="link to /y/")
    return findings(page, source, [problem], {}, lambda _: line)[0]


def test_one_record_per_finding_sorted_by_source():
    found = [finding("b.html", "content/b.md", line=3), finding("a.html", THEME)]
    assert records(found) == [
        (
            "error",
            "content/b.md",
            3,
            '<a href="/x/"> in b.html (output line 7):'
            " broken link: nothing at /x/ in the output",
            "link to /y/",
        ),
        (
            "error",
            "theme",
            None,
            '<a href="/x/"> in a.html (output line 7):'
            " broken link: nothing at /x/ in the output",
            "link to /y/",
        ),
    ]


def test_each_record_carries_the_finding_in_extra(caplog):
    caplog.set_level(logging.WARNING)
    log_findings(logging.getLogger("t"), [finding("b.html", "content/b.md", line=3)])
    (record,) = caplog.records
    assert record.getMessage() == (
        'content/b.md:3: <a href="/x/"> in b.html (output line 7): broken link:'
        " nothing at /x/ in the output (fix: link to /y/)"
    )
    assert record.finding == {
        "source": "content/b.md",
        "line": 3,
        "message": '<a href="/x/"> in b.html (output line 7): broken link:'
        " nothing at /x/ in the output",
        "fix": "link to /y/",
    }
    assert "\n" not in record.getMessage()


def test_a_problem_on_many_pages_is_one_record_and_summaries_are_the_contents():
    def on(page, source):
        problem = issue("img-heavy", "<img>", 1, "/a.png", size="1 MB", budget="1 KB")
        return findings(
            page,
            source,
            [problem],
            {},
            lambda _: 4,
            from_theme=source == THEME,
            target_of=lambda _: "a.png",
        )[0]

    # An image in one article's page, and in its summary on listing pages.
    found = [on("a.html", "content/a.md")] + [on(f"p{i}.html", THEME) for i in range(4)]
    ((_, source, line, message, _),) = records(attribute(found))
    assert (source, line) == ("content/a.md", 4)
    assert message.startswith("<img> on 5 pages (a.html, p0.html, p1.html, ...)")
    # Two articles show the same image: the listing pages' copies stay the theme's.
    found.append(on("b.html", "content/b.md"))
    assert [source for _, source, *_ in records(attribute(found))] == [
        "content/a.md",
        "content/b.md",
        THEME,
    ]


def test_a_content_files_own_findings_keep_their_lines():
    def at(line, page, source):
        problem = issue("broken-link", "<a>", line, "/x/", path="x/", suggestion="")
        return findings(
            page,
            source,
            [problem],
            {},
            lambda item: item.line,
            from_theme=source == THEME,
            target_of=lambda _: "x/",
        )[0]

    found = attribute(
        [
            at(2, "a.html", "content/a.html"),
            at(5, "a.html", "content/a.html"),
            at(9, "index.html", THEME),
        ]
    )
    assert [(f.source, f.line, f.from_theme) for f in found] == [
        ("content/a.html", 2, False),
        ("content/a.html", 5, False),
        ("content/a.html", 2, False),  # the listing's copy: the content file's
    ]


@pytest.mark.parametrize(
    ("url", "line"),
    [
        ("/nope/", 3),  # as written
        ("/news/second/#part", 4),  # a {filename} link: its fragment
        ("/images/photo.png", 5),  # {static}/images/photo.png: its path
        ("/images/twice.png", None),  # two places: no guess
        ("/elsewhere/", None),
        ("https://example.org/images/photo.png", 5),  # its path, as {static} has it
        ("/media/2021/poster.pdf", 7),  # {attach}poster.pdf: its file name
        ("/slides/talk.v2/", 8),  # a folder's name with a dot is a name too
        ("/about/", None),  # a word of the text is not where a link is
    ],
)
def test_source_line_finds_the_url_as_the_author_wrote_it(url, line):
    text = (
        "Title: x\n\n[a](/nope/)\n[b]({filename}second.md#part)\n"
        "![c]({static}/images/photo.png)\n"
        "![d](/images/twice.png) ![e](/images/twice.png)\n"
        "[The poster]({attach}poster.pdf), with a photo.png beside it.\n"
        "[Slides](talk.v2/), or read about them.\n"
    )
    assert source_line(text, url) == line


def test_source_line_of_the_sites_root_is_not_a_guess():
    """Its path, "/", is no clue, even where the text has one "/"."""
    text = "Title: x\n\nSee the home page and/or the news.\n"
    assert source_line(text, "https://example.org/") is None


@pytest.fixture
def built(tmp_path):
    """A fake Pelican after writing one page with a broken link."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text(html('<a href="/gone/">x</a>'))
    plugin.reset()
    plugin.collect_written(str(output / "index.html"), {"page": None})
    settings = {
        "SITEURL": "",
        "PATH": str(tmp_path / "content"),
        "THEME": str(tmp_path / "theme"),
        "SITECHECK_REPORT_PATH": str(tmp_path / "r.json"),
    }
    return types.SimpleNamespace(settings=settings, output_path=str(output))


def test_development_build_logs_and_goes_on(built, caplog, tmp_path):
    plugin.check_output(built)
    assert (
        'theme/templates: <a href="/gone/"> in index.html (output line 4)'
        in caplog.text
    )
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["errors"], report["pages"]) == (1, {"index.html": "theme/templates"})
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o666 & ~umask  # not 0600
    # When: an aware UTC time, to the second.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", report["generated"])


def test_a_link_broken_on_two_lines_of_a_page_names_both():
    twice = [finding("a.html", THEME), finding("a.html", THEME)]
    twice[1] = dataclasses.replace(twice[1], page_line=12)
    ((*_, message, _),) = records(twice)
    assert message.startswith('<a href="/x/"> in a.html (output lines 7, 12):')


def test_a_clean_build_says_so_in_one_info_line(built, caplog, tmp_path):
    (tmp_path / "output/index.html").write_text(html("<p>Fine</p>"))
    caplog.set_level(logging.INFO)
    plugin.check_output(built)
    (record,) = [r for r in caplog.records if r.name == plugin.__name__]
    assert record.levelno == logging.INFO
    assert re.fullmatch(
        r"sitecheck: 1 pages and 0 feeds, sitemaps and style sheets checked in"
        r" \d+\.\d s: 0 errors, 0 warnings",
        record.getMessage(),
    )


def test_strict_build_raises_one_ordinary_exception_after_the_findings(built, caplog):
    built.settings["SITECHECK_STRICT"] = True
    with pytest.raises(plugin.SiteCheckError, match="1 errors in the built site"):
        plugin.check_output(built)
    assert "broken link" in caplog.text


def test_wrong_settings_are_one_line_each_before_the_build(built, caplog):
    built.settings["SITECHECK_STRICT"] = "yes"
    built.settings["SITECHECK_STICT"] = True
    plugin.read_settings(built)  # at `initialized`, before the build's work
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",
            "sitecheck: SITECHECK_STICT is not a sitecheck setting: did"
            " you mean SITECHECK_STRICT?",
        ),
        (
            "ERROR",
            "sitecheck: SITECHECK_STRICT must be True or False, not 'yes'"
            " (default: False); the site will not be checked",
        ),
    ]
    caplog.clear()
    plugin.check_output(built)
    assert caplog.records == []


def test_the_readme_documents_every_check_and_setting():
    readme = (IMPORT_ROOT / "README.md").read_text()
    settings = [
        f"`SITECHECK_{spec.name.upper()}`"
        for spec in dataclasses.fields(Config)
        if spec.name not in ("site_urls", "base_path")
    ]
    missing = [f"`{code}`" for code in CHECKS] + settings
    assert [name for name in missing if name not in readme] == []


def test_reports_written_at_once_are_whole_and_leave_no_temporary_file(tmp_path):
    """Two builds of one project at once (the dev server and `invoke build`)
    write the same reports: neither fails, and the file is always whole."""
    path = tmp_path / "cache/report.json"
    failures = []

    def write(writer):
        try:
            for n in range(30):
                replace_file(str(path), json.dumps({"writer": writer, "n": n}))
                json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            failures.append(error)

    writers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert failures == []
    assert json.loads(path.read_text(encoding="utf-8"))["n"] == 29
    assert list(path.parent.iterdir()) == [path]
