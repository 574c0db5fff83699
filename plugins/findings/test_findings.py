import json
import logging
import uuid

import jinja2
import pytest

from findings import findings
from findings.findings import (
    FindingsHandler,
    annotation,
    blocking,
    describe,
    finding_from_exception,
    finding_from_record,
    summary_table,
)

BROKEN = {
    "level": "error",
    "source": "content/news/2021-05-01-a,b:c.md",
    "line": 3,
    "message": "100% wrong\nsecond line",
    "fix": "write a date",
}


def record(message, *args, level=logging.WARNING, **extra):
    made = logging.LogRecord("x", level, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_annotation_escapes_as_github_documents():
    assert annotation(BROKEN) == (
        "::error file=content/news/2021-05-01-a%2Cb%3Ac.md,line=3::"
        "100%25 wrong%0Asecond line (fix: write a date)"
    )
    warning = {**BROKEN, "level": "warning", "source": None, "fix": None}
    assert annotation(warning) == "::warning::100%25 wrong%0Asecond line"


def test_summary_table_has_one_row_per_finding():
    table = summary_table([BROKEN, {**BROKEN, "message": "a | b", "line": None}])
    rows = [line for line in table.splitlines() if line.startswith("| error")]
    assert len(rows) == 2
    assert "content/news/2021-05-01-a,b:c.md:3" in rows[0]
    assert "a \\| b" in rows[1]
    assert "2 problem(s) block publication" in table
    assert "no problems" in summary_table([])


def test_a_structured_record_gives_its_own_fields():
    given = {"source": "content/data/x.yaml", "line": 4, "message": "bad", "fix": "ok"}
    found = finding_from_record(record("whatever", level=logging.ERROR, finding=given))
    assert found == {"level": "error", **given}
    assert describe(found) == "content/data/x.yaml:4: bad (fix: ok)"


def test_pelicans_record_names_the_file_of_its_arguments(tmp_path):
    (tmp_path / "content/news").mkdir(parents=True)
    (tmp_path / "content/news/x.md").write_text("Title: x\n")
    found = finding_from_record(
        record("Could not process %s\n\tmore", "news/x.md"),
        content=tmp_path / "content",
        root=tmp_path,
    )
    assert found["source"] == "content/news/x.md"
    assert found["message"] == "Could not process news/x.md more"  # one line
    assert found["level"] == "warning" and found["line"] is None


def test_handler_records_each_finding_once():
    # Unique per run: Pelican's loggers drop a warning already logged in this
    # process, so a second run of the tests would otherwise see nothing.
    run = uuid.uuid4().hex
    handler = FindingsHandler()
    log = logging.getLogger("test_findings")
    log.addHandler(handler)
    try:
        for _ in range(2):
            handler.handle(record("a %s", run))
        log.info("not a problem")
    finally:
        log.removeHandler(handler)
    assert [f["message"] for f in handler.findings] == [f"a {run}"]
    handler.reset()
    assert handler.findings == []


def test_annotations_are_printed_on_github_actions(monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    handler = FindingsHandler()
    handler.handle(record("x", level=logging.ERROR, finding=BROKEN))
    assert capsys.readouterr().out.startswith("::error file=content/news/")


def test_a_template_syntax_error_points_at_the_template(tmp_path):
    theme = tmp_path / "themes/t"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/base.html").write_text("<p>\n{{ oops }\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme / "templates"))
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        env.get_template("base.html")
    found = finding_from_exception(caught.value, tmp_path, theme)
    assert (found["source"], found["line"]) == ("themes/t/templates/base.html", 2)


def test_an_error_while_rendering_points_at_the_template_line(tmp_path):
    theme = tmp_path / "themes/t"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/page.html").write_text("<p>\n\n{{ 1 // 0 }}\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme / "templates"))
    with pytest.raises(ZeroDivisionError) as caught:
        env.get_template("page.html").render()
    found = finding_from_exception(caught.value, tmp_path, theme)
    assert (found["source"], found["line"]) == ("themes/t/templates/page.html", 3)
    assert found["message"].startswith("ZeroDivisionError")


def test_fatal_levels():
    warning = {**BROKEN, "level": "warning"}
    assert blocking([BROKEN, warning], "warnings") == [BROKEN, warning]
    assert blocking([BROKEN, warning], "errors") == [BROKEN]
    assert blocking([BROKEN], None) == []
    with pytest.raises(findings.SettingsError, match="FINDINGS_FATAL"):
        blocking([], "warning")


def test_one_problem_is_one_line():
    assert findings.blocked_message(1) == (
        "1 problem blocks publication; it is listed above"
    )
    assert findings.blocked_message(3).startswith("3 problems block publication")


def test_a_plugins_finding_about_a_file_replaces_pelicans_bare_note(tmp_path):
    (tmp_path / "content/news").mkdir(parents=True)
    (tmp_path / "content/news/x.md").write_text("Title: x\n")
    handler = FindingsHandler()
    handler.content, handler.root = tmp_path / "content", tmp_path
    given = {"source": "content/news/x.md", "line": 2, "message": "bad", "fix": "ok"}
    log = logging.getLogger("test_findings_replace")
    log.addHandler(handler)
    try:
        log.error("Could not process %s", "news/x.md")
        log.error("x.md:2: bad", extra={"finding": given})
        log.error("Could not process %s (again)", "news/x.md")
    finally:
        log.removeHandler(handler)
    assert handler.findings == [{"level": "error", **given}]


# --- a real build with the plugin -------------------------------------------


def build(tmp_path, monkeypatch, **settings):
    """Build a fixture site with one file Pelican cannot process, the findings
    plugin registered; return (the exception raised or None, the report path)."""
    from pelican import Pelican, signals
    from pelican import log as pelican_log
    from pelican.settings import read_settings

    content = tmp_path / "content"
    (content / "news").mkdir(parents=True)
    (content / "news/fine.md").write_text("Title: Fine\nDate: 2021-05-01\n\nText\n")
    # Unique per run: Pelican drops a warning it logged before in this process.
    broken = f"news/broken-{uuid.uuid4().hex[:8]}.md"
    (content / broken).write_text("Date: 2021-05-02\n\nNo title\n")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    root = logging.getLogger()
    handlers, soft_wrap = list(root.handlers), pelican_log.console.soft_wrap
    settings = read_settings(
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "PLUGINS": [findings],
            "ARTICLE_PATHS": ["news"],
            "CACHE_CONTENT": False,
            "SITEURL": "",
            "FEED_ALL_ATOM": None,
            **settings,
        }
    )
    error = None
    try:
        Pelican(settings).run()
    except Exception as raised:  # noqa: BLE001 (the test looks at it)
        error = raised
    finally:
        signals.initialized.disconnect(findings.install)
        signals.get_generators.disconnect(findings.start_build)
        signals.finalized.disconnect(findings.finish)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        logging.getLogger("pelican").removeFilter(findings.NO_TRACEBACK)
        pelican_log.console.soft_wrap = soft_wrap
    return error, broken, summary


def test_a_build_records_reports_and_blocks_on_warnings(tmp_path, monkeypatch, capsys):
    report = tmp_path / "reports/2021/findings.json"  # folders made as needed
    error, broken, summary = build(
        tmp_path,
        monkeypatch,
        FINDINGS_FATAL="warnings",
        FINDINGS_REPORT=str(report),
    )
    assert isinstance(error, findings.PublicationBlocked)
    assert str(error) == "1 problem blocks publication; it is listed above"
    recorded = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert [f["source"] for f in recorded] == [f"content/{broken}"]
    assert recorded == findings.current_findings()
    assert recorded[0]["level"] == "error"
    assert summary.read_text(encoding="utf-8") == (
        findings.summary_table(recorded) + "\n"
    )
    assert f"::error file=content/{broken}::" in capsys.readouterr().out


def test_a_build_without_fatal_goes_on_and_reports_in_the_cache(tmp_path, monkeypatch):
    error, broken, _ = build(tmp_path, monkeypatch)
    assert error is None
    report = json.loads((tmp_path / "cache/findings.json").read_text("utf-8"))
    assert [f["source"] for f in report["findings"]] == [f"content/{broken}"]
    assert (tmp_path / "out/fine.html").exists()


def test_fatal_errors_ignore_a_build_with_only_warnings(tmp_path, monkeypatch):
    warning = f"a warning {uuid.uuid4().hex}"

    def warn(_pelican):
        logging.getLogger("test_findings_build").warning(warning)

    from pelican import signals

    signals.all_generators_finalized.connect(warn)
    try:
        error, _, _ = build(tmp_path, monkeypatch, FINDINGS_FATAL="errors")
    finally:
        signals.all_generators_finalized.disconnect(warn)
    assert isinstance(error, findings.PublicationBlocked)  # the broken file
    messages = [f["message"] for f in findings.current_findings()]
    assert warning in messages
    assert str(error).startswith("1 problem blocks")


def test_a_build_keeps_the_exception_that_stops_it_to_one_line(tmp_path, monkeypatch):
    from pelican import signals

    seen = []

    def look(_pelican):
        seen.append(logging.getLogger("pelican").filters.count(findings.NO_TRACEBACK))

    signals.finalized.connect(look)
    try:
        build(tmp_path, monkeypatch)
        build(tmp_path / "again", monkeypatch)
    finally:
        signals.finalized.disconnect(look)
    assert seen == [1, 1]  # on the logger where Pelican's main() logs it, once


def test_a_warning_in_log_filter_is_not_a_finding(tmp_path, monkeypatch):
    """Pelican's loggers drop what LOG_FILTER names (pelican.log.LimitFilter),
    so it is never logged, and not recorded either."""
    kept, hidden = (f"{kind} warning {uuid.uuid4().hex}" for kind in ("kept", "hid"))

    def warn(_pelican):
        for message in (kept, hidden):
            logging.getLogger("test_findings_build").warning(message)

    from pelican import signals

    signals.all_generators_finalized.connect(warn)
    try:
        build(tmp_path, monkeypatch, LOG_FILTER=[(logging.WARNING, hidden)])
    finally:
        signals.all_generators_finalized.disconnect(warn)
    messages = [f["message"] for f in findings.current_findings()]
    assert kept in messages
    assert hidden not in messages


def test_a_build_that_stops_before_finalized_still_writes_its_report(
    tmp_path, monkeypatch
):
    def stop(_pelican):
        # What pelican's main() logs when an exception stops the build.
        logging.getLogger("pelican").critical("stopped: %s", "a plugin failed")
        raise RuntimeError("a plugin failed")

    from pelican import signals

    signals.all_generators_finalized.connect(stop)
    try:
        error, broken, _ = build(tmp_path, monkeypatch)
    finally:
        signals.all_generators_finalized.disconnect(stop)
    assert isinstance(error, RuntimeError)
    report = json.loads((tmp_path / "cache/findings.json").read_text("utf-8"))
    assert [(f["source"], f["level"]) for f in report["findings"]] == [
        (f"content/{broken}", "error"),
        (None, "error"),
    ]


def test_a_wrong_fatal_value_or_quiet_build_is_refused(tmp_path, monkeypatch):
    error, _, _ = build(tmp_path, monkeypatch, FINDINGS_FATAL="all")
    assert isinstance(error, findings.SettingsError)
    assert "FINDINGS_FATAL" in str(error)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # what `pelican -q` does
    try:
        error, _, _ = build(tmp_path / "q", monkeypatch, FINDINGS_FATAL="warnings")
    finally:
        root.setLevel(level)
    assert isinstance(error, findings.SettingsError)
    assert "without -q" in str(error)


# --- the one-line logs ------------------------------------------------------


def failing(error):
    try:
        raise error
    except type(error) as caught:
        return caught


def stopping_record(error):
    made = record("%s", "stopped", level=logging.CRITICAL)
    made.exc_info = (type(error), error, error.__traceback__)
    return made


def test_the_exception_that_stops_a_build_is_one_line(tmp_path):
    theme = tmp_path / "themes/t"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/page.html").write_text("<p>\n{{ 1 // 0 }}\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme / "templates"))
    with pytest.raises(ZeroDivisionError) as caught:
        env.get_template("page.html").render()
    no_traceback = findings.NoTraceback()
    no_traceback.root, no_traceback.theme = str(tmp_path), str(theme)
    made = stopping_record(caught.value)
    assert no_traceback.filter(made)
    assert made.exc_info is None
    assert made.getMessage() == (
        "themes/t/templates/page.html:2: ZeroDivisionError: integer division or"
        " modulo by zero"
    )
    assert made.finding["line"] == 2
    other = stopping_record(failing(ValueError("bad value")))
    assert no_traceback.filter(other)
    assert other.exc_info is None and other.getMessage() == "stopped"


def test_records_below_critical_and_debug_builds_keep_their_traceback():
    no_traceback = findings.NoTraceback()
    error = failing(ValueError("bad"))
    lesser = stopping_record(error)
    lesser.levelno = logging.ERROR
    assert no_traceback.filter(lesser) and lesser.exc_info is not None
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        debugged = stopping_record(error)
        assert no_traceback.filter(debugged) and debugged.exc_info is not None
    finally:
        root.setLevel(level)


def test_publication_blocked_is_the_count_without_traceback():
    blocked = findings.PublicationBlocked(findings.blocked_message(2))
    made = stopping_record(failing(blocked))
    assert findings.NoTraceback().filter(made)
    assert made.getMessage() == "2 problems block publication; they are listed above"
    assert made.exc_info is None and made.blocked
    handler = FindingsHandler()
    handler.handle(made)
    assert handler.findings == []  # the summary is not one more finding


def test_one_line_formatter_keeps_the_whole_record_on_one_line():
    formatter = findings.OneLineFormatter()
    assert formatter.format(record("a\n\tb %s", "c")) == "WARNING: a b c"
    made = record("oops", level=logging.ERROR)
    error = failing(ValueError("why"))
    made.exc_info = (ValueError, error, error.__traceback__)
    text = formatter.format(made)
    assert text.startswith("ERROR: oops\nTraceback")
    assert text.endswith("ValueError: why")


# --- the fields of a finding, exactly -----------------------------------------


def test_an_error_outside_the_theme_keeps_its_message_without_a_place():
    assert finding_from_exception(failing(ValueError("bad\nvalue"))) == {
        "level": "error",
        "source": None,
        "line": None,
        "message": "ValueError: bad value",
        "fix": None,
    }


def test_a_template_error_says_how_to_fix_it(tmp_path):
    theme = tmp_path / "themes/t"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/base.html").write_text("{{ oops }\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme / "templates"))
    with pytest.raises(jinja2.TemplateSyntaxError) as caught:
        env.get_template("base.html")
    found = finding_from_exception(caught.value, tmp_path, theme)
    assert found["level"] == "error"
    assert found["fix"] == "correct the template at this line"


def test_a_record_with_an_exception_points_at_the_template(tmp_path):
    theme = tmp_path / "themes/t"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates/page.html").write_text("\n{{ 1 // 0 }}\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme / "templates"))
    with pytest.raises(ZeroDivisionError) as caught:
        env.get_template("page.html").render()
    made = record("failed", level=logging.WARNING)
    made.exc_info = (ZeroDivisionError, caught.value, caught.value.__traceback__)
    found = finding_from_record(made, root=tmp_path, theme=theme)
    assert found == {
        "level": "warning",
        "source": "themes/t/templates/page.html",
        "line": 2,
        "message": "ZeroDivisionError: integer division or modulo by zero",
        "fix": "correct the template at this line",
    }


def test_a_structured_line_may_be_text_and_the_fix_is_optional():
    def given(**fields):
        made = record("text", finding={"source": "content/x.md", **fields})
        return finding_from_record(made)

    assert given(line="7", message="m")["line"] == 7
    assert given(line="seven", message="m")["line"] is None
    assert given(line=3.5, message="m")["line"] is None
    assert given(message="m")["fix"] is None
    assert given()["message"] == "text"  # the record's own text


def test_the_file_named_by_any_argument_is_found(tmp_path):
    (tmp_path / "content/news").mkdir(parents=True)
    (tmp_path / "content/news/x.md").write_text("Title: x\n")
    found = finding_from_record(
        record("%s problems in %s (%s)", 3, "news/x.md", ""),
        content=tmp_path / "content",
        root=tmp_path,
    )
    assert found["source"] == "content/news/x.md"


def test_a_finding_without_place_or_fix_is_its_message():
    bare = {"level": "warning", "source": None, "line": None, "message": "m"}
    assert describe({**bare, "fix": None}) == "m"
    assert describe({**bare, "fix": "f"}) == "m (fix: f)"
    assert describe({**bare, "source": "s.md", "fix": None}) == "s.md: m"
    assert findings.location({**bare, "source": "s.md"}) == "s.md"


def test_a_carriage_return_is_escaped_in_an_annotation():
    assert annotation({**BROKEN, "message": "a\r\nb", "fix": None}).endswith(
        "::a%0D%0Ab"
    )


def test_the_summary_table_is_a_markdown_table():
    assert summary_table([]) == "### Site build: no problems found\n"
    assert summary_table([{**BROKEN, "fix": None}]) == (
        "### Site build: 1 problem(s) block publication\n"
        "\n"
        "| Level | File:line | Problem | Fix |\n"
        "|---|---|---|---|\n"
        "| error | content/news/2021-05-01-a,b:c.md:3 | 100% wrong second line |  |\n"
    )
    with_fix = summary_table([BROKEN])
    assert "| 100% wrong second line | write a date |" in with_fix
    with pytest.raises(findings.SettingsError, match="warnings, errors or None"):
        blocking([], "all")


def test_a_structured_finding_replaces_only_pelicans_notes_on_its_file(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("Title: x\n")
    handler = FindingsHandler()
    handler.content = handler.root = tmp_path

    def bare(text, name):
        handler.handle(record(text, name, level=logging.ERROR))

    def given(name, message):
        fields = {"source": name, "line": None, "message": message, "fix": None}
        handler.handle(record(message, level=logging.ERROR, finding=fields))

    bare("Could not process %s", "b.md")
    bare("Could not read %s", "b.md")
    bare("Could not process %s", "a.md")
    given("a.md", "first")
    given("a.md", "second")
    given("a.md", "second")  # the same again: once
    bare("Could not process %s", "a.md")
    assert [(f["source"], f["message"]) for f in handler.findings] == [
        ("b.md", "Could not process b.md"),
        ("b.md", "Could not read b.md"),
        ("a.md", "first"),
        ("a.md", "second"),
    ]
    assert len(capsys.readouterr().out.splitlines()) == 5  # one annotation each


def test_a_build_that_stops_still_writes_its_report(tmp_path):
    handler = FindingsHandler()
    handler.report = tmp_path / "findings.json"
    handler.handle(record("one", level=logging.ERROR))
    assert not handler.report.exists()
    handler.handle(record("stopped", level=logging.CRITICAL))
    written = json.loads(handler.report.read_text(encoding="utf-8"))["findings"]
    assert [f["message"] for f in written] == ["one", "stopped"]
