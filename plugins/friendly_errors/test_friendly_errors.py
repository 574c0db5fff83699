import logging
import sys

from friendly_errors.friendly_errors import TracebackFilter


def record_for(error, msg="%s: %s"):
    try:
        raise error
    except type(error):
        exc_info = sys.exc_info()
    return logging.LogRecord(
        "pelican", logging.CRITICAL, __file__, 1, msg,
        (type(error).__name__, error), exc_info,
    )  # fmt: skip


def test_fatal_stop_is_explained_without_traceback():
    record = record_for(RuntimeError("Warning or error encountered"))
    assert TracebackFilter().filter(record)
    assert record.exc_info is None
    assert record.getMessage().startswith("Build stopped: fix the problem")


def test_other_errors_keep_their_message_and_lose_the_traceback():
    record = record_for(ValueError("bad value"))
    TracebackFilter().filter(record)
    assert record.exc_info is None
    assert record.getMessage() == (
        "ValueError: bad value (run with --debug for the traceback)"
    )


def test_template_errors_name_the_template_and_line(tmp_path):
    import jinja2

    template = tmp_path / "page.html"
    template.write_text("line one\n{{ page.missing.attribute }}\n")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(tmp_path), undefined=jinja2.StrictUndefined
    )
    try:
        env.get_template("page.html").render(page={})
    except jinja2.UndefinedError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "pelican", logging.CRITICAL, __file__, 1, "%s: %s",
        ("UndefinedError", exc_info[1]), exc_info,
    )  # fmt: skip
    TracebackFilter().filter(record)
    assert f"(in {template}:2)" in record.getMessage()


def test_lower_levels_pass_untouched():
    record = logging.LogRecord("pelican", logging.ERROR, __file__, 1, "x", (), None)
    assert TracebackFilter().filter(record)
    assert record.getMessage() == "x"
