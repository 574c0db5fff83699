"""One record of the problems a build finds, drawn from the log.

Every record at WARNING or above, from any logger, is one finding. Plugins give
it structure with `extra={"finding": {"source", "line", "message", "fix"}}`;
Pelican's own records get the file that their arguments name. The record is
reset when a build starts (`get_generators` fires once per `Pelican.run()`), so
`pelican -r` and the development server see what a fresh build would. At
`finalized` it is written as JSON, appended to GitHub's step summary, and, with
FINDINGS_FATAL, fails the build with one ordinary exception.
"""

import json
import logging
import os
import sys
import traceback
from pathlib import Path

import jinja2
from pelican import log as pelican_log
from pelican import signals
from pelican.log import console

LEVELS = {"warnings": logging.WARNING, "errors": logging.ERROR}
FIELDS = ("level", "source", "line", "message", "fix")  # of every finding


class PublicationBlocked(Exception):
    """Raised at `finalized` when FINDINGS_FATAL finds problems."""


class SettingsError(Exception):
    pass


# --- plain functions -------------------------------------------------------


def one_line(text):
    """`text` with its line breaks and tabs turned into single spaces."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def relative(path, root):
    """`path` relative to the project `root` when it is inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def named_file(args, content, root):
    """The first argument of a log record that names an existing file (a
    path, or a Pelican content object by its public `source_path`)."""
    for arg in args if isinstance(args, tuple) else ():
        path = getattr(arg, "source_path", arg)
        if not isinstance(path, str | os.PathLike) or not str(path).strip():
            continue
        for candidate in (Path(path), Path(content) / path, Path(root) / path):
            try:
                if candidate.is_file():
                    return relative(candidate, root)
            except OSError:
                continue
    return None


def finding_from_exception(error, root=".", theme=None):
    """The finding for an exception that stopped a build: a template error
    points at the template's file and line; other errors keep their message."""
    source = line = None
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        source, line = error.filename, error.lineno
    elif error.__traceback__ is not None:
        frames = traceback.extract_tb(error.__traceback__)
        inside = [f for f in frames if theme and _inside(f.filename, theme)]
        if inside:
            source, line = inside[-1].filename, inside[-1].lineno
    message = one_line(f"{type(error).__name__}: {error}")
    fix = "correct the template at this line" if source else None
    return {
        "level": "error",
        "source": relative(source, root) if source else None,
        "line": line,
        "message": message,
        "fix": fix,
    }


def _inside(path, folder):
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
        return True
    except (ValueError, OSError):
        return False


def finding_from_record(record, content=".", root=".", theme=None):
    """The finding a log record describes, as a dict of FIELDS."""
    level = "error" if record.levelno >= logging.ERROR else "warning"
    given = getattr(record, "finding", None)
    if isinstance(given, dict):
        line = given.get("line")
        return {
            "level": level,
            "source": given.get("source"),
            "line": int(line)
            if isinstance(line, int | str) and str(line).isdigit()
            else None,
            "message": one_line(given.get("message") or record.getMessage()),
            "fix": one_line(given["fix"]) if given.get("fix") else None,
        }
    if record.exc_info and record.exc_info[1] is not None:
        return {
            **finding_from_exception(record.exc_info[1], root, theme),
            "level": level,
        }
    return {
        "level": level,
        "source": named_file(record.args, content, root),
        "line": None,
        "message": one_line(record.getMessage()),
        "fix": None,
    }


def location(finding):
    """`source:line`, `source` or "" for a finding."""
    if not finding.get("source"):
        return ""
    line = finding.get("line")
    return f"{finding['source']}:{line}" if line else finding["source"]


def describe(finding):
    """A finding as one line: `where: message (fix: ...)`."""
    where = location(finding)
    text = f"{where}: {finding['message']}" if where else finding["message"]
    return f"{text} (fix: {finding['fix']})" if finding.get("fix") else text


def _escape_data(text):
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text):
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding):
    """A GitHub Actions workflow command that annotates the finding's line."""
    properties = []
    if finding.get("source"):
        properties.append(f"file={_escape_property(finding['source'])}")
        if finding.get("line"):
            properties.append(f"line={int(finding['line'])}")
    message = finding["message"]
    if finding.get("fix"):
        message += f" (fix: {finding['fix']})"
    command = "error" if finding["level"] == "error" else "warning"
    head = f"{command} {','.join(properties)}" if properties else command
    return f"::{head}::{_escape_data(message)}"


def summary_table(findings):
    """A Markdown table of the findings, for GitHub's step summary."""
    if not findings:
        return "### Site build: no problems found\n"

    def cell(value):
        return one_line(value or "").replace("|", "\\|")

    rows = [
        f"| {f['level']} | {cell(location(f))} | {cell(f['message'])} "
        f"| {cell(f['fix'])} |"
        for f in findings
    ]
    return "\n".join(
        [
            f"### Site build: {len(findings)} problem(s) block publication",
            "",
            "| Level | File:line | Problem | Fix |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def blocking(findings, fatal):
    """The findings at or above the FINDINGS_FATAL level."""
    if not fatal:
        return []
    if fatal not in LEVELS:
        raise SettingsError(
            f"FINDINGS_FATAL must be one of {', '.join(LEVELS)} or None, not {fatal!r}"
        )
    wanted = {"warning", "error"} if fatal == "warnings" else {"error"}
    return [f for f in findings if f["level"] in wanted]


def blocked_message(count):
    if count == 1:
        return "1 problem blocks publication; it is listed above"
    return f"{count} problems block publication; they are listed above"


def write_report(path, findings):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"findings": findings}, indent=2) + "\n", "utf-8")


# --- the record of the current build ---------------------------------------


class FindingsHandler(logging.Handler):
    """Collects every record at WARNING or above into the current build's
    findings, once each. Emits nothing itself, except annotations on GitHub."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.reset()
        self.content, self.root, self.theme = ".", ".", None
        self.report = None  # written here if the build stops before finalized

    def reset(self):
        self.findings = []
        self.structured = []  # findings that a plugin gave with their fields
        self.explained = set()  # the sources they are about

    def add(self, finding, structured):
        """Record `finding` unless it is known; a structured finding about a
        file replaces Pelican's bare note on it ("Could not process x.md")."""
        source = finding["source"]
        if finding in self.findings or (not structured and source in self.explained):
            return False
        if structured and source:
            self.explained.add(source)
            self.findings = [
                f
                for f in self.findings
                if f["source"] != source or f in self.structured
            ]
        if structured:
            self.structured.append(finding)
        self.findings.append(finding)
        return True

    def emit(self, record):
        try:
            if getattr(record, "blocked", False):
                return  # the summary of the findings, not one more
            finding = finding_from_record(record, self.content, self.root, self.theme)
            if not self.add(finding, structured=hasattr(record, "finding")):
                return
            if os.environ.get("GITHUB_ACTIONS") == "true":
                print(annotation(finding), flush=True)
            if record.levelno >= logging.CRITICAL and self.report:
                write_outputs(self.report, self.findings)  # the build stopped
        except Exception:  # noqa: BLE001 (logging's own convention)
            self.handleError(record)


class OneLineFormatter(logging.Formatter):
    """`LEVEL: message`, the whole record on one line."""

    def format(self, record):
        text = f"{record.levelname}: {one_line(record.getMessage())}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class NoTraceback(logging.Filter):
    """On the `pelican` logger: Pelican's main() logs the exception that stops
    a build with its traceback; keep it to one line (a template error names
    the template's file and line), unless debugging."""

    def __init__(self):
        super().__init__()
        self.root, self.theme = ".", None

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if record.levelno < logging.CRITICAL or error is None:
            return True
        if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
            return True
        if isinstance(error, PublicationBlocked):  # its text is the count
            record.msg, record.args = "%s", (str(error),)
            record.exc_info = record.exc_text = None
            record.blocked = True
            return True
        record.finding = finding_from_exception(error, self.root, self.theme)
        where = location(record.finding)
        if where:
            record.msg, record.args = "%s: %s", (where, record.finding["message"])
        record.exc_info = record.exc_text = None
        return True


HANDLER = FindingsHandler()
NO_TRACEBACK = NoTraceback()
ONE_LINE = logging.StreamHandler(sys.stderr)
ONE_LINE.setFormatter(OneLineFormatter())


def current_findings():
    """The findings of the build that ran last (or is running), in order."""
    return list(HANDLER.findings)


def one_line_logs():
    """When output is not a terminal (CI, `| tee`, an editor), Rich would wrap
    records at 80 columns: print every record whole on one line instead, in
    place of Pelican's Rich handler (`pelican.log.DEFAULT_LOG_HANDLER`). With
    `--log-handler plain` (no handler: Python's last resort, which any handler,
    ours included, silences), print the same lines."""
    root = logging.getLogger()
    if not console.is_terminal:
        root.removeHandler(pelican_log.DEFAULT_LOG_HANDLER)
        console.soft_wrap = True  # Pelican's "Done: ..." line, whole too
    others = [h for h in root.handlers if h not in (HANDLER, ONE_LINE)]
    if not others and ONE_LINE not in root.handlers:
        root.addHandler(ONE_LINE)


def install(pelican):
    settings = pelican.settings
    one_line_logs()
    blocking([], settings.get("FINDINGS_FATAL"))  # a wrong value fails now
    if (
        settings.get("FINDINGS_FATAL")
        and logging.getLogger().getEffectiveLevel()
        > (LEVELS[settings["FINDINGS_FATAL"]])
    ):
        raise SettingsError(
            "FINDINGS_FATAL needs the problems to be logged: build without -q"
        )
    HANDLER.content = settings["PATH"]
    HANDLER.root = NO_TRACEBACK.root = str(Path(settings["PATH"]).parent)
    HANDLER.theme = NO_TRACEBACK.theme = settings["THEME"]
    HANDLER.report = report_path(settings)
    root = logging.getLogger()
    if HANDLER not in root.handlers:
        root.addHandler(HANDLER)
    pelican_logger = logging.getLogger("pelican")
    if NO_TRACEBACK not in pelican_logger.filters:
        pelican_logger.addFilter(NO_TRACEBACK)


def start_build(_pelican):
    HANDLER.reset()


def report_path(settings):
    return settings.get("FINDINGS_REPORT") or os.path.join(
        settings["CACHE_PATH"], "findings.json"
    )


def write_outputs(report, findings):
    """The JSON report and, on GitHub Actions, the step summary."""
    write_report(report, findings)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if os.environ.get("GITHUB_ACTIONS") == "true" and summary:
        with open(summary, "a", encoding="utf-8") as file:
            file.write(summary_table(findings) + "\n")


def finish(pelican):
    settings = pelican.settings
    findings = current_findings()
    write_outputs(report_path(settings), findings)
    fatal = settings.get("FINDINGS_FATAL")
    problems = blocking(findings, fatal)
    if problems:
        # Last in PLUGINS, so every other plugin's `finalized` check has logged
        # (Pelican calls receivers in plugin order).
        raise PublicationBlocked(blocked_message(len(problems)))


def register():
    signals.initialized.connect(install)
    signals.get_generators.connect(start_build)
    signals.finalized.connect(finish)
