"""Build errors for organisers: a one-line message, never a Python traceback.

Pelican's main() logs any exception that stops a build at CRITICAL with the
full traceback, and `--fatal` stops builds by raising exactly such an exception
after the real message was logged. This filter drops the traceback (it stays
available with `pelican --debug`), says why the build stopped, and points a
template error at the template file and line.
"""

import logging
import traceback

from pelican import signals

FATAL_MESSAGE = "Warning or error encountered"


def template_location(exc_info):
    """The innermost template frame of a traceback, as "file:line", or ""."""
    frames = traceback.extract_tb(exc_info[2])
    templates = [f for f in frames if f.filename.endswith((".html", ".xml", ".txt"))]
    return f"{templates[-1].filename}:{templates[-1].lineno}" if templates else ""


class TracebackFilter(logging.Filter):
    def filter(self, record):
        if record.levelno < logging.CRITICAL or not record.exc_info:
            return True
        error = record.exc_info[1]
        if isinstance(error, RuntimeError) and str(error) == FATAL_MESSAGE:
            record.msg, record.args = (
                "Build stopped: fix the problem reported above and build again.",
                (),
            )
        else:
            where = template_location(record.exc_info)
            if where:
                record.msg = f"%s (in {where}): %s"
            record.msg += " (run with --debug for the traceback)"
        record.exc_info = record.exc_text = None
        return True


TRACEBACK_FILTER = TracebackFilter()


def install_filter(pelican):
    if pelican.settings.get("DEBUG") or logging.getLogger().level == logging.DEBUG:
        return
    for handler in logging.getLogger().handlers:
        if TRACEBACK_FILTER not in handler.filters:
            handler.addFilter(TRACEBACK_FILTER)


def register():
    signals.initialized.connect(install_filter)
