"""Report lines, grouping, JSON, and how the build ends."""

import dataclasses
import json
import logging
import types
from pathlib import Path

import pytest
from pelican.plugins.sitecheck._testing import html
from pelican.plugins.sitecheck.report import (
    CHECKS,
    THEME,
    findings,
    issue,
    log_lines,
    report_lines,
)
from pelican.plugins.sitecheck.settings import Config

from sitecheck import plugin


def finding(page, source, element='<a href="/x/">'):
    problem = issue("broken-link", element, 7, path="x/", suggestion="link to /y/")
    return findings(page, source, [problem], {})[0]


def test_one_line_per_finding_sorted_by_page():
    found = [finding("b.html", "content/b.md"), finding("a.html", THEME)]
    assert report_lines(found) == [
        (
            "error",
            'a.html (theme) line 7 <a href="/x/">: broken link: nothing at'
            " /x/ in the output; fix: link to /y/",
        ),
        (
            "error",
            'b.html (content/b.md) line 7 <a href="/x/">: broken link:'
            " nothing at /x/ in the output; fix: link to /y/",
        ),
    ]


@pytest.mark.parametrize(
    ("sources", "shown"),
    [
        # An image in one article, shown in the index and tag pages too.
        (["content/a.md", THEME, THEME, THEME], "content/a.md"),
        # The same link on every page: the theme's.
        (["content/a.md", "content/b.md", THEME, THEME], THEME),
    ],
)
def test_a_finding_on_more_than_three_pages_is_reported_once(sources, shown):
    found = [finding(f"p{i}.html", source) for i, source in enumerate(sources)]
    ((level, text),) = report_lines(found)
    assert text.startswith(f"4 pages (p0.html, p1.html, p2.html, ...) ({shown}) <a")


def test_log_lines_goes_on_after_pelicans_fatal_exception():
    class FatalLikePelican(logging.Logger):
        def _log(self, level, *args, **kwargs):
            super()._log(level, *args, **kwargs)
            raise RuntimeError("Warning or error encountered")

    logger = FatalLikePelican("fatal-test")
    records = []
    logger.addHandler(logging.Handler())
    logger.handlers[0].emit = records.append
    assert log_lines(logger, [("warning", "one"), ("error", "two")]) is True
    assert [r.getMessage() for r in records] == ["one", "two"]


@pytest.fixture
def built(tmp_path):
    """A fake Pelican after writing one page with a broken link."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text(html('<a href="/gone/">x</a>'))
    plugin.reset()
    plugin.collect_written(str(output / "index.html"), {"page": None})
    settings = {"SITEURL": "", "SITECHECK_REPORT_PATH": str(tmp_path / "r.json")}
    return types.SimpleNamespace(settings=settings, output_path=str(output))


def test_development_build_logs_and_goes_on(built, caplog, tmp_path):
    plugin.check_output(built)
    assert "index.html (theme) line 4" in caplog.text
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["errors"], report["pages"]) == (1, {"index.html": "theme"})


def test_strict_build_exits_with_status_1(built, caplog):
    built.settings["SITECHECK_STRICT"] = True
    with pytest.raises(SystemExit) as stop:
        plugin.check_output(built)
    assert stop.value.code == 1
    assert "Build stopped by: sitecheck (SITECHECK_STRICT)" in caplog.text


def test_a_mistyped_setting_stops_the_build_with_its_name(built, caplog):
    built.settings["SITECHECK_STRICT"] = "yes"
    with pytest.raises(SystemExit):
        plugin.check_output(built)
    assert "SITECHECK_STRICT must be True or False, not 'yes'" in caplog.text


def test_the_readme_documents_every_check_and_setting():
    readme = (Path(__file__).parent / "README.md").read_text()
    settings = [
        f"`SITECHECK_{spec.name.upper()}`"
        for spec in dataclasses.fields(Config)
        if spec.name not in ("site_urls", "base_path")
    ]
    missing = [f"`{code}`" for code in CHECKS] + settings
    assert [name for name in missing if name not in readme] == []
