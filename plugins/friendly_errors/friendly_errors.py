"""Build errors for organisers: one line that names the file (and line), never
a Python traceback, and a production build that fails on any of them.

- Pelican's main() logs the exception that stops a build at CRITICAL with its
  traceback, and `--fatal` stops builds by raising exactly such an exception
  after the real message was logged. The filter drops the traceback (kept with
  `--debug`), says why the build stopped, and points a template error at the
  template's file and line.
- Pelican reports an unreadable source as "Could not process FILE" and keeps the
  reason for `--debug`; the filter adds the reason and, where it can, the line.
- FRIENDLY_ERRORS_FATAL ("warnings" or "errors") makes the build fail like
  `--fatal`, from the settings file, so production builds fail however they are
  started, and even with `-q`, which otherwise switches `--fatal` off.
"""

import logging
import re
import sys
import traceback
from pathlib import Path

from pelican import signals
from pelican.log import FatalLogger

FATAL_MESSAGE = "Warning or error encountered"
FATAL_LEVELS = {"warnings": logging.WARNING, "errors": logging.ERROR}


def template_location(exc_info):
    """The innermost template frame of a traceback, as "file:line", or ""."""
    frames = traceback.extract_tb(exc_info[2])
    templates = [f for f in frames if f.filename.endswith((".html", ".xml", ".txt"))]
    return f"{templates[-1].filename}:{templates[-1].lineno}" if templates else ""


def explain_unreadable(source, error):
    """Why Pelican could not read `source`, as "FILE:LINE: reason"."""
    if isinstance(error, UnicodeDecodeError):
        line = error.object[: error.start].count(b"\n") + 1
        return (
            f"{source}:{line}: not UTF-8 text (byte 0x{error.object[error.start]:02x}"
            "); save the file as UTF-8"
        )
    reason = str(error) or type(error).__name__
    quoted = re.search(r"'([^']+)'", reason)
    if quoted and source.is_file():
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, text in enumerate(lines, 1):
            if quoted.group(1) in text:
                return f"{source}:{number}: {reason}"
    return f"{source}: {reason}"


class FriendlyFilter(logging.Filter):
    """Attached to the log handlers; rewrites records, never drops them."""

    def __init__(self):
        super().__init__()
        self.content_path = Path()
        self.last_problem = ""

    def filter(self, record):
        if record.msg == "Could not process %s" and sys.exc_info()[1] is not None:
            # Logged inside Pelican's `except` block: the error is still at hand.
            source = self.content_path / str(record.args[0])
            record.msg, record.args = (
                "%s",
                (explain_unreadable(source, sys.exc_info()[1]),),
            )
        if logging.WARNING <= record.levelno < logging.CRITICAL:
            self.last_problem = record.getMessage()
        if record.levelno < logging.CRITICAL or not record.exc_info:
            return True
        error = record.exc_info[1]
        if isinstance(error, RuntimeError) and str(error) == FATAL_MESSAGE:
            record.msg, record.args = "Build stopped by: %s", (self.last_problem,)
        else:
            where = template_location(record.exc_info)
            if where:
                record.msg = f"%s (in {where}): %s"
            record.msg += " (run with --debug for the traceback)"
        record.exc_info = record.exc_text = None
        return True


class ProblemKeeper(logging.Handler):
    """Remembers the last problem even when `-q` hides it from the screen."""

    def __init__(self, friendly_filter):
        super().__init__(logging.WARNING)
        self.addFilter(friendly_filter)

    def emit(self, record):
        pass


FRIENDLY_FILTER = FriendlyFilter()
PROBLEM_KEEPER = ProblemKeeper(FRIENDLY_FILTER)


def make_fatal(level):
    """Fail the build on records at `level` or above, like `--fatal`."""
    FatalLogger.fatal_lvl = min(FatalLogger.fatal_lvl, level)
    root, pelican_logger = logging.getLogger(), logging.getLogger("pelican")
    quiet_level = max(root.level, pelican_logger.level)
    if quiet_level > level:
        # -q raised the level so far that problems would not even be logged:
        # log them again, but keep the screen as quiet as it was asked to be.
        for handler in root.handlers:
            handler.setLevel(max(handler.level, quiet_level))
        root.setLevel(level)
        pelican_logger.setLevel(level)


def install(pelican):
    FRIENDLY_FILTER.content_path = Path(pelican.settings["PATH"])
    fatal = pelican.settings.get("FRIENDLY_ERRORS_FATAL")
    if fatal:
        if fatal not in FATAL_LEVELS:
            raise ValueError(
                f"FRIENDLY_ERRORS_FATAL must be one of {', '.join(FATAL_LEVELS)}, "
                f"not {fatal!r}"
            )
        make_fatal(FATAL_LEVELS[fatal])
    if logging.getLogger().level == logging.DEBUG:
        return  # developers debugging want the tracebacks
    root = logging.getLogger()
    if not root.handlers:
        # `--log-handler plain` leaves output to Python's last-resort handler,
        # which falls silent once any handler (ours) exists: make it explicit.
        root.addHandler(logging.StreamHandler())
        root.handlers[-1].setLevel(logging.lastResort.level)
    for handler in [*root.handlers, PROBLEM_KEEPER]:
        if FRIENDLY_FILTER not in handler.filters:
            handler.addFilter(FRIENDLY_FILTER)
    if PROBLEM_KEEPER not in root.handlers:
        root.addHandler(PROBLEM_KEEPER)


def register():
    signals.initialized.connect(install)
