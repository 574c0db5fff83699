import logging
import sys

import jinja2

from friendly_errors.friendly_errors import FriendlyFilter, explain_unreadable


def record(level, msg, args=(), exc_info=None):
    return logging.LogRecord("pelican", level, __file__, 1, msg, args, exc_info)


def raised(error):
    try:
        raise error
    except type(error):
        return sys.exc_info()


def test_fatal_stop_repeats_the_problem_without_traceback():
    friendly = FriendlyFilter()
    friendly.filter(record(logging.ERROR, "news/a.md:2: 'x' is not a valid date"))
    fatal = record(
        logging.CRITICAL, "%s: %s", ("RuntimeError", "..."),
        raised(RuntimeError("Warning or error encountered")),
    )  # fmt: skip
    assert friendly.filter(fatal)
    assert fatal.exc_info is None
    assert fatal.getMessage() == (
        "Build stopped by: news/a.md:2: 'x' is not a valid date"
    )


def test_other_errors_keep_their_message_and_lose_the_traceback():
    error = record(
        logging.CRITICAL, "%s: %s", ("ValueError", "bad value"),
        raised(ValueError("bad value")),
    )  # fmt: skip
    FriendlyFilter().filter(error)
    assert error.exc_info is None
    assert error.getMessage() == (
        "ValueError: bad value (run with --debug for the traceback)"
    )


def test_template_errors_name_the_template_and_line(tmp_path):
    template = tmp_path / "page.html"
    template.write_text("line one\n{{ page.missing.attribute }}\n")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(tmp_path), undefined=jinja2.StrictUndefined
    )
    try:
        env.get_template("page.html").render(page={})
    except jinja2.UndefinedError:
        exc_info = sys.exc_info()
    error = record(
        logging.CRITICAL, "%s: %s", ("UndefinedError", exc_info[1]), exc_info
    )
    FriendlyFilter().filter(error)
    assert f"(in {template}:2)" in error.getMessage()


def test_could_not_process_gains_the_reason_and_line(tmp_path):
    friendly = FriendlyFilter()
    friendly.content_path = tmp_path
    (tmp_path / "news").mkdir()
    (tmp_path / "news/bad.md").write_text("Title: T\nDate: 2021-13-45\n\nText\n")
    try:
        raise ValueError("'2021-13-45' is not a valid date")
    except ValueError:
        # Pelican logs this inside its except block, without exc_info.
        unreadable = record(logging.ERROR, "Could not process %s", ("news/bad.md",))
        friendly.filter(unreadable)
    assert unreadable.getMessage() == (
        f"{tmp_path}/news/bad.md:2: '2021-13-45' is not a valid date"
    )


def test_not_utf8_names_the_line(tmp_path):
    data = "Title: Café\n\nOlé\n".encode("latin-1")
    error = UnicodeDecodeError("utf-8", data, data.index(b"\xe9", 12), 14, "invalid")
    assert explain_unreadable(tmp_path / "a.md", error) == (
        f"{tmp_path}/a.md:3: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    )


def test_lower_levels_pass_untouched():
    info = record(logging.INFO, "x")
    assert FriendlyFilter().filter(info)
    assert info.getMessage() == "x"


def test_plain_log_handler_still_shows_problems(tmp_path):
    """`pelican --log-handler plain` prints through Python's last-resort
    handler; installing the plugin must not silence it."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    (tmp_path / "news").mkdir()
    (tmp_path / "news/bad.md").write_text("Title: Bad\nDate: 2021-13-45\n\nText.\n")
    settings = tmp_path / "conf.py"
    settings.write_text(
        f"PLUGIN_PATHS = [{str(root / 'plugins')!r}]\nPLUGINS = ['friendly_errors']\n"
        "TIMEZONE = 'UTC'\nTHEME = 'simple'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(tmp_path), "-s", str(settings),
         "-o", str(tmp_path / "out"), "--log-handler", "plain"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "news/bad.md:2: '2021-13-45' is not a valid date" in result.stderr
