"""A seeded fuzzer of the real content: a mutated data file, post or page is
either read as written or refused with a Finding that names its file; nothing
else is raised, nothing hangs, and what is read keeps the schema's types.

FUZZ_CASES=N sets the number of cases of each kind (default 40, what CI runs;
thousands by hand), FUZZ_SEED another seed; a failure names its seed and case.
"""

import dataclasses
import os
import random
import shutil
import signal
import typing
from contextlib import contextmanager

import pytest
from pelican import signals
from pelican.contents import Article
from pelican.readers import Readers
from sitetools import ROOT, copy_project, settings_of
from test_tasks import PELICAN, run

from haet import content as content_checks
from haet.data import Workshop, load_workshop
from haet.findings import Finding

CASES = int(os.environ.get("FUZZ_CASES", "40"))
SEED = int(os.environ.get("FUZZ_SEED", "2021"))
SECONDS = 10  # for one case: a hang fails it
PAYLOADS = [
    "\x00",
    "\x1b[31m",
    "\t",
    "\u202e",
    "\ufeff",
    "é",
    "'",
    '"',
    ": ",
    "#",
    "&a",
    "*a",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "data:text/html,x",
    '<img src=x onerror="alert(1)">',
    "[[Alice, Bob], {x: 1}, 3, null, true]",
    "{filename}/nowhere.md",
    "9" * 400,
    "- " * 60 + "x",
    "    " * 40 + "x",
    "2021-02-30",
    "13:45",
    "null",
    "yes",
    "x" * 300,
    "\n",
    "Status: draft",
]


def mutate(text, rng):
    """`text` with one or two random edits: a line lost, doubled or swapped,
    a payload put in, a value replaced, the end cut off."""
    for _ in range(rng.randint(1, 2)):
        lines = text.splitlines(keepends=True) or [""]
        at = rng.randrange(len(lines))
        payload = rng.choice(PAYLOADS)
        match rng.randrange(6):
            case 0:
                del lines[at]
            case 1:
                lines.insert(at, lines[at])
            case 2:
                other = rng.randrange(len(lines))
                lines[at], lines[other] = lines[other], lines[at]
            case 3:
                cut = rng.randint(0, len(lines[at]))
                lines[at] = lines[at][:cut] + payload + lines[at][cut:]
            case 4:
                key, colon, _ = lines[at].partition(":")
                lines[at] = f"{key}: {payload}\n" if colon else payload + "\n"
            case 5:
                lines = lines[:at]
        text = "".join(lines)
    return text


@contextmanager
def deadline(case):
    def hang(*_):
        raise TimeoutError(f"{case}: still running after {SECONDS} s")

    signal.signal(signal.SIGALRM, hang)
    signal.alarm(SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)


def typed_as_declared(value, hint, where):
    """Every field of the data keeps its declared type (no list shown as text)."""
    if dataclasses.is_dataclass(value):
        hints = typing.get_type_hints(type(value))
        for field in dataclasses.fields(value):
            typed_as_declared(getattr(value, field.name), hints[field.name], where)
        return
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        assert isinstance(value, tuple), where
        for item in value:
            typed_as_declared(item, args[0], where)
    elif hint in (str, int, float):
        assert isinstance(value, hint) and not isinstance(value, bool), (where, value)


def cases(kind, files):
    rng = random.Random(f"{SEED}-{kind}")
    for number in range(CASES):
        path = rng.choice(files)
        yield f"seed {SEED}, {kind} case {number}, {path.name}", path, rng


def test_mutated_data_is_read_or_refused_naming_its_file(tmp_path):
    source = ROOT / "content" / "data"
    for case, path, rng in cases("data", sorted(source.glob("*.yaml"))):
        folder = tmp_path / str(abs(hash(case)))
        shutil.copytree(source, folder)
        mutated = folder / path.name
        mutated.write_text(mutate(path.read_text(encoding="utf-8"), rng), "utf-8")
        found = []
        with deadline(case):
            try:
                workshop = load_workshop(folder, report=found.append)
            except Finding as finding:
                found.append(finding)
            else:
                typed_as_declared(workshop, Workshop, case)
        for finding in found:
            assert finding.source and finding.source.startswith(str(folder)), case
            assert finding.message, case


def test_mutated_posts_and_pages_are_read_or_refused_naming_their_file(tmp_path):
    project = copy_project(tmp_path / "site")
    settings = settings_of(site=project)
    signals.readers_init.connect(content_checks.use_checked_reader)  # as a build does
    readers = Readers(settings)
    files = sorted((project / "content").glob("[np]*/*.md"))
    originals = {path: path.read_text(encoding="utf-8") for path in files}
    for case, path, rng in cases("markdown", files):
        path.write_text(mutate(originals[path], rng), "utf-8")
        with deadline(case):
            try:
                readers.read_file(
                    base_path=settings["PATH"],
                    path=str(path.relative_to(settings["PATH"])),
                    content_class=Article,
                )
            except Finding as finding:
                assert finding.source == path.relative_to(project).as_posix(), case
        path.write_text(originals[path], "utf-8")


@pytest.mark.parametrize("number", range(max(2, CASES // 20)))
def test_a_mutated_project_builds_or_fails_naming_files_without_traceback(
    tmp_path, number
):
    rng = random.Random(f"{SEED}-build-{number}")
    project = copy_project(tmp_path / "site")
    files = sorted((project / "content").glob("*/*.*"))
    for path in rng.sample([f for f in files if f.suffix in (".md", ".yaml")], 3):
        path.write_text(mutate(path.read_text(encoding="utf-8"), rng), "utf-8")
    options = ["-s", "publishconf.py", "-o", str(tmp_path / "out")]
    built = run([*PELICAN, *options, "--log-handler", "plain"], project, timeout=120)
    output = built.stdout + built.stderr
    assert "Traceback" not in output, output
    problems = [
        line
        for line in output.splitlines()
        if line.startswith(("ERROR:", "CRITICAL:"))
        and "publication; see the list" not in line
    ]
    assert built.returncode == (1 if problems else 0), output
    # Each mistake is named in its file; what follows from it (a refused home
    # page leaves every "Home" link broken) may name the theme besides.
    named = [line for line in problems if "content/" in line]
    assert named or not problems, output
    for line in problems:
        assert "Could not process" in line or "content/" in line or "themes/" in line
