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


def test_handler_records_each_finding_once_and_honours_log_filter():
    # Unique per run: Pelican's loggers drop a warning already logged in this
    # process, so a second run of the tests would otherwise see nothing.
    run = uuid.uuid4().hex
    handler = FindingsHandler()
    handler.ignored = {(logging.WARNING, "Skipped %s")}
    log = logging.getLogger("test_findings")
    log.addHandler(handler)
    try:
        for _ in range(2):
            handler.handle(record("a %s", run))
        handler.handle(record("Skipped %s", "x"))
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
