"""Findings: the problems a build finds, in one shape.

A Finding says where (the file and line an organiser wrote), how bad (error
or warning), what is wrong and what to write instead. Site code raises one
(it is an exception) or logs it with `report()`. Every log record at WARNING
or above, from any logger, becomes one finding: Pelican's own notes and the
site checker's findings (`extra={"finding": {...}}`) included. The list is
reset when a build starts; at `finalized` it is written as JSON, summarised
for GitHub, and, with FINDINGS_FATAL, fails the build.
"""

import dataclasses
import json
import logging
import os
import re
import sys
import traceback
from pathlib import Path

import jinja2
from pelican import log as pelican_log

logger = logging.getLogger(__name__)
# FINDINGS_FATAL: which findings' levels fail a build.
BLOCKING = {"warnings": {"error", "warning"}, "errors": {"error"}}


@dataclasses.dataclass
class Finding(Exception):  # noqa: N818 (a finding, raised or logged)
    source: str | None
    line: int | None
    message: str
    fix: str | None = None
    level: str = "error"

    def __str__(self):
        return describe(self)


class Blocked(Exception):
    """Raised at the end of a build that FINDINGS_FATAL refuses."""


def one_line(text):
    """`text` with its line breaks and tabs turned into single spaces."""
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def location(finding):
    """`source:line`, `source` or ""."""
    if not finding.source:
        return ""
    return f"{finding.source}:{finding.line}" if finding.line else finding.source


def what(finding):
    """`message (fix: ...)`: what is wrong and what to write instead."""
    return f"{finding.message} (fix: {finding.fix})" if finding.fix else finding.message


def describe(finding):
    """The one text of a finding: `where: message (fix: ...)`."""
    where = location(finding)
    return f"{where}: {what(finding)}" if where else what(finding)


def project_path(path, settings):
    """`path` as the organiser knows it, relative to the project (the folder
    that holds content/): content/news/x.md."""
    project = Path(os.path.abspath(settings["PATH"])).parent
    try:
        return Path(os.path.abspath(path)).relative_to(project).as_posix()
    except ValueError:
        return str(path)


def report(finding):
    """Log `finding` at its level (the handler below records it). A note
    (level "note": nothing to fix, e.g. a link shown as text until its post is
    published) is only recorded, for the banner: it blocks nothing."""
    if finding.level == "note":
        RECORDER.add(finding)
        return
    level = logging.ERROR if finding.level == "error" else logging.WARNING
    logger.log(level, "%s", finding, extra={"finding": finding})


# --- Findings from log records ---------------------------------------------------


def from_exception(error, settings):
    """The finding for an exception that stopped a build: a template error
    points at the template's file and line; others keep their message."""
    if isinstance(error, Finding):
        return error
    source = line = None
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        source, line = error.filename, error.lineno
    elif error.__traceback__ is not None:
        theme = Path(settings["THEME"]).resolve()
        frames = traceback.extract_tb(error.__traceback__)
        inside = [f for f in frames if theme in Path(f.filename).resolve().parents]
        if inside:
            source, line = inside[-1].filename, inside[-1].lineno
    return Finding(
        project_path(source, settings) if source else None,
        line,
        one_line(f"{type(error).__name__}: {error}"),
        "correct the template at this line" if source else None,
    )


def named_file(args, settings):
    """The first argument of a Pelican record that names an existing file (a
    path, or a content object by its `source_path`), relative to the project."""
    content = Path(settings["PATH"])
    for arg in args if isinstance(args, tuple) else ():
        path = getattr(arg, "source_path", arg)
        if not isinstance(path, str | os.PathLike) or not str(path).strip():
            continue
        for candidate in (Path(path), content / path, content.parent / path):
            try:
                if candidate.is_file():
                    return project_path(candidate, settings)
            except OSError:
                continue
    return None


def from_record(record, settings):
    level = "error" if record.levelno >= logging.ERROR else "warning"
    given = getattr(record, "finding", None)
    if isinstance(given, Finding):
        return dataclasses.replace(given, level=level)
    if isinstance(given, dict):  # the site checker's
        line = given.get("line")
        return Finding(
            given.get("source"),
            int(line) if str(line).isdigit() else None,
            one_line(given.get("message") or record.getMessage()),
            one_line(given["fix"]) if given.get("fix") else None,
            level,
        )
    if record.exc_info and record.exc_info[1] is not None:
        return dataclasses.replace(
            from_exception(record.exc_info[1], settings), level=level
        )
    return Finding(
        named_file(record.args, settings),
        None,
        one_line(record.getMessage()),
        None,
        level,
    )


class Recorder(logging.Handler):
    """Collects every record at WARNING or above as a finding, once each.
    Prints nothing itself, except annotations on GitHub Actions."""

    def seen(self, finding):
        """Known already: the same finding; the same line's mistake found again
        in another output file (its feed entry); Pelican's bare note ("Could
        not process x.md") on a file whose mistake is known."""
        for known in self.findings:
            if known.source != finding.source:
                continue
            if known == finding or (
                finding.line and (known.line, known.fix) == (finding.line, finding.fix)
            ):
                return True
            if not (finding.line or finding.fix) and (known.line or known.fix):
                return True
        return False

    def __init__(self):
        super().__init__(logging.WARNING)
        self.settings = None
        self.findings = []

    def add(self, finding):
        if self.seen(finding):
            return
        self.findings.append(finding)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            print(annotation(finding), flush=True)

    def emit(self, record):
        if getattr(record, "blocked", False):
            return
        try:
            self.add(from_record(record, self.settings or NO_SETTINGS))
            if record.levelno >= logging.CRITICAL and self.settings:  # it stopped
                write_outputs(self.settings, self.findings)
        except Exception:  # noqa: BLE001 (logging's own convention)
            self.handleError(record)


class OneLine(logging.Filter):
    """On Pelican's logger: the exception that stops a build is logged with
    its traceback; keep it to one line naming the file, unless debugging."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if error is None or logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
            return True
        if isinstance(error, Blocked):
            record.blocked = True  # the outcome, not one more finding
            record.msg, record.args = "%s", (str(error),)
        else:
            record.finding = from_exception(error, RECORDER.settings or NO_SETTINGS)
            record.msg, record.args = "%s", (describe(record.finding),)
        record.exc_info = record.exc_text = None
        return True


# Before the settings are read (a broken settings file): paths as given.
NO_SETTINGS = {"PATH": "content", "THEME": "themes"}
RECORDER = Recorder()
ONE_LINE = OneLine()


def current():
    """The findings of the build that ran last (or is running), in order."""
    return list(RECORDER.findings)


# --- Outputs -----------------------------------------------------------------------


def _escape(text, properties=False):
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def annotation(finding):
    """A GitHub Actions workflow command that annotates the finding's line."""
    where = []
    if finding.source:
        where.append(f"file={_escape(finding.source, properties=True)}")
        if finding.line:
            where.append(f"line={finding.line}")
    command = {"error": "error", "note": "notice"}.get(finding.level, "warning")
    head = f"{command} {','.join(where)}" if where else command
    return f"::{head}::{_escape(what(finding))}"


def code(text):
    """`text` as a Markdown code span: GitHub shows it as typed, never as a link."""
    text = one_line(text).replace("|", "\\|")
    if not text:
        return ""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def summary_table(findings):
    """Markdown for GitHub's job summary: what to do, then one row a finding."""
    problems = len([f for f in findings if f.level != "note"])
    if not findings:
        return "### Site build: no problems found\n"
    rows = [
        f"| {f.level} | {code(location(f))} | {code(f.message)} | {code(f.fix or '')} |"
        for f in findings
    ]
    return "\n".join(
        [
            f"### Site build: {problems} problem(s) block publication"
            if problems
            else "### Site build: no problems found, notes only",
            "",
            "Fix each line below in the file it names, then push again."
            if problems
            else "Nothing to fix: each note says what the site does meanwhile.",
            "",
            "| Level | File:line | Problem | Fix |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def write_outputs(settings, findings):
    """The JSON report (FINDINGS_REPORT) and, on GitHub Actions, the summary."""
    path = Path(
        settings.get("FINDINGS_REPORT") or Path(settings["CACHE_PATH"], "findings.json")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [dataclasses.asdict(f) for f in findings]
    path.write_text(json.dumps({"findings": rows}, indent=2) + "\n", "utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if os.environ.get("GITHUB_ACTIONS") == "true" and summary:
        with open(summary, "a", encoding="utf-8") as file:
            file.write(summary_table(findings) + "\n")


# --- Pelican wiring ------------------------------------------------------------------


def install(pelican):
    """At `initialized`: record from now on, one line per record."""
    settings = pelican.settings
    fatal = settings.get("FINDINGS_FATAL")
    if fatal and fatal not in BLOCKING:
        raise Finding(
            "publishconf.py",
            None,
            f"FINDINGS_FATAL is {fatal!r}",
            "write 'warnings', 'errors' or None",
        )
    RECORDER.settings = settings
    RECORDER.findings = []
    root = logging.getLogger()
    if RECORDER not in root.handlers:
        root.addHandler(RECORDER)
    if not pelican_log.console.is_terminal:  # piped: Rich wraps at 80 columns
        root.removeHandler(pelican_log.DEFAULT_LOG_HANDLER)
        pelican_log.console.soft_wrap = True  # Pelican's "Done: ..." line whole too
    if len(root.handlers) == 1:  # --log-handler plain: Python's last resort,
        # which any handler (ours) silences: print each record whole instead
        plain = logging.StreamHandler(sys.stderr)
        plain.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        root.addHandler(plain)
    pelican_logger = logging.getLogger("pelican")
    if ONE_LINE not in pelican_logger.filters:
        pelican_logger.addFilter(ONE_LINE)


def start_build():
    """Forget the last build's findings (install does it too, at `initialized`)."""
    RECORDER.findings = []


def finish(pelican):
    """At `finalized`, after every other plugin's checks (see register)."""
    findings = current()
    write_outputs(pelican.settings, findings)
    blocking = BLOCKING.get(pelican.settings.get("FINDINGS_FATAL"), set())
    count = len([f for f in findings if f.level in blocking])
    if count:
        problems = "1 problem blocks" if count == 1 else f"{count} problems block"
        raise Blocked(f"{problems} publication; see the list above")
