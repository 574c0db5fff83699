"""A mistake in a data file (content/data/*.yaml) is one Finding on the file
and line to fix, with what to write instead. Each case edits one line of a
copy of today's data (found by its shape, not its text) and loads it with
haet.data.load_workshop, in this process."""

import re
import shutil

import pytest
from sitetools import SITE

from haet.data import load_workshop
from haet.findings import Finding

DATA = SITE / "content" / "data"

# name: (file, regex of the line to edit, its replacement, message, fix, regex
# of the line the Finding names, searched upwards from the edited line (None:
# the edited line itself)). Message and fix are formatted with the match's
# groups ({0} is the whole line edited).
CASES = {
    "unknown field": (
        "speakers.yaml",
        r"^( +)talk:",
        r"\1tlak:",
        "unknown field 'tlak' (known fields: ",
        "did you mean talk?",
        None,
    ),
    "wrong type": (
        "papers.yaml",
        r"^- id: \d+$",
        "- id: three",
        "field 'id' must be a whole number, got 'three'",
        "write a whole number",
        None,
    ),
    "unquoted time": (
        "schedule.yaml",
        r'^(- start: )"(\d\d:\d\d)"$',
        r"\1\2",
        "field 'start' must be text",
        "write numbers and times in quotes",
        None,
    ),
    "missing field": (
        "organisers.yaml",
        r"^ +affiliation: .*\n",
        "",
        "missing field 'affiliation'",
        "add a line `affiliation: ...`",
        r"^- ",
    ),
    "unknown speaker": (
        "schedule.yaml",
        r"^( +speaker: )(\w+)$",
        r"\1\2x",
        "unknown speaker id '{2}x'",
        "did you mean {2}?",
        None,
    ),
    "list item not text": (
        "papers.yaml",
        r"^( +- )[A-Za-z].*$",
        r"\g<1>42",
        "each item of 'authors' must be text",
        "one name per",
        r"^ +authors:",
    ),
    "url without scheme": (
        "organisers.yaml",
        r"^( +url: )https://(\S+)$",
        r"\1\2",
        "url must be a web address, got '{2}'",
        "write https://{2}",
        None,
    ),
    "javascript url": (
        "organisers.yaml",
        r"^( +url: )https://\S+$",
        r"\1javascript:alert(1)",
        "url must be a web address, got 'javascript:alert(1)'",
        None,
        None,
    ),
    "unclosed quote": (
        "papers.yaml",
        r'^( +title: ")(.*)"$',
        r"\1\2",
        "YAML syntax error: a quote opens on this line and is not closed",
        "end the value with the same quote mark",
        None,
    ),
    "overlapping slots": (
        "schedule.yaml",
        r'^(- start: )"\d\d:\d\d"$',
        r'\1"00:00"',
        "starts at 00:00, before the previous slot ends",
        None,
        None,
    ),
    "unknown zone": (
        "event.yaml",
        r"^timezone: .*$",
        "timezone: Europe/Nowhere",
        "unknown time zone 'Europe/Nowhere'",
        None,
        None,
    ),
}


def edit(folder, name, pattern, replacement, nth=1):
    """Edit the nth line of data file `name` that matches; return the match,
    and the line number (1-based) of the edit."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    matches = list(re.finditer(pattern, text, re.M))
    assert len(matches) >= nth, f"no line like {pattern} in {name} any more"
    match = matches[nth - 1]
    changed = text[: match.start()] + match.expand(replacement) + text[match.end() :]
    path.write_text(changed, encoding="utf-8")
    return match, text[: match.start()].count("\n") + 1, text


@pytest.fixture
def data(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


def finding_of(folder):
    with pytest.raises(Finding) as raised:
        load_workshop(folder, source_dir="content/data")
    return raised.value


def test_the_data_as_it_is_loads(data):
    workshop = load_workshop(data)
    assert workshop.schedule and workshop.speakers and workshop.papers


@pytest.mark.parametrize("case", CASES)
def test_a_mistake_is_one_finding_on_its_line(data, case):
    name, pattern, replacement, message, fix, named_line = CASES[case]
    # The overlap case moves the second slot's start before the first's end.
    nth = 2 if "overlap" in case else 1
    match, line, text = edit(data, name, pattern, replacement, nth)
    if named_line:
        above = text.splitlines()[:line]
        line = max(n for n, t in enumerate(above, 1) if re.match(named_line, t))
    groups = [match[0], *match.groups()]
    found = finding_of(data)
    assert (found.source, found.line) == (f"content/data/{name}", line), found
    assert message.format(*groups) in found.message, found
    if fix:
        assert fix.format(*groups) in found.fix, found
    else:
        assert not found.fix or "https://" not in found.fix, found


def test_a_key_given_twice_names_both_lines(data):
    match, line, _ = edit(data, "event.yaml", r"^(timezone: .*)$", r"\1\n\1")
    found = finding_of(data)
    assert (found.source, found.line) == ("content/data/event.yaml", line + 1)
    assert f"'timezone' is given twice (also on line {line})" in found.message
    assert found.fix == "keep one of them"
