"""A mistake in a data file stops the build with a message that names the file
and the line to fix, never a traceback."""

import pytest
from sitetools import build_site, copy_project

# file, text to replace, its replacement, which line of the replacement the
# message must point at, and what the message must say.
CASES = {
    "missing field": (
        "organisers.yaml",
        "- name: Yoshua Bengio\n  affiliation: Mila, Montréal\n",
        "- name: Yoshua Bengio\n",
        0,
        "missing field 'affiliation'",
    ),
    "unknown speaker": (
        "schedule.yaml",
        "  speaker: grollier\n",
        "  speaker: grolier\n",
        0,
        "unknown speaker 'grolier' (not an id in speakers.yaml)",
    ),
    "end before start": (
        "schedule.yaml",
        '- start: "16:00"\n  end: "17:30"\n',
        '- start: "16:00"\n  end: "15:30"\n',
        1,
        "ends (15:30) before it starts (16:00)",
    ),
    "overlapping slots": (
        "schedule.yaml",
        '- start: "16:00"\n',
        '- start: "15:45"\n',
        0,
        "starts at 15:45, before the previous slot ends (16:00)",
    ),
    "duplicate paper id": (
        "papers.yaml",
        "- id: 7\n",
        "- id: 6\n",
        0,
        "duplicate paper id 6",
    ),
    "wrong type": (
        "papers.yaml",
        "- id: 3\n",
        "- id: three\n",
        0,
        "field 'id' must be a whole number, got 'three'",
    ),
    "unquoted time": (
        "schedule.yaml",
        '- start: "19:00"\n',
        "- start: 19:00\n",
        0,
        'must be text; fix: write numbers and times in quotes, like "13:45"',
    ),
    "misspelt field": (
        "speakers.yaml",
        "  talk: Stochastic",
        "  title: Stochastic",
        0,
        "unknown field title (known fields: id, name, affiliation, talk, summary, url)",
    ),
    "unknown time zone": (
        "event.yaml",
        "timezone: Europe/Paris\n",
        "timezone: Europe/Pariss\n",
        0,
        "unknown time zone 'Europe/Pariss'",
    ),
    "unknown track": (
        "papers.yaml",
        "  track: challenge\n",
        "  track: competition\n",
        0,
        "track must be one of workshop, challenge, got 'competition'",
    ),
    # YAML reads on to the next quote, lines below; the message points at the
    # line where the quote opens.
    "unclosed quote": (
        "papers.yaml",
        '  title: "GradMax: Gradient Maximizing Neural Network Growth"\n',
        '  title: "GradMax: Gradient Maximizing Neural Network Growth\n',
        0,
        "a quote opens on this line and is not closed",
    ),
    "workshop date twice": (
        "dates.yaml",
        "- what: Acceptance notification\n",
        "- what: Workshop\n  date: 2021-05-08\n- what: Acceptance notification\n",
        0,
        "the workshop's own date comes from event.yaml",
    ),
    "yaml syntax": (
        "sponsors.yaml",
        "- name: Intel\n",
        "- name: Intel\n  - oops: [\n",
        1,
        "YAML syntax error",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_data_stops_the_build_naming_file_and_line(tmp_path, case):
    name, old, new, line_in_new, message = CASES[case]
    project = copy_project(tmp_path / "site")
    path = project / "content" / "data" / name
    original = path.read_text(encoding="utf-8")
    assert old in original, f"the test's text is no longer in {name}"
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    line = original[: original.index(old)].count("\n") + 1 + line_in_new

    result = build_site(
        tmp_path / "out", project / "pelicanconf.py", project / "content"
    )
    output = result.stdout + result.stderr

    assert result.returncode != 0
    assert f"content/data/{name}:{line}" in output, output
    assert message in output, output
    assert "Traceback" not in output
    assert "; fix: " in output
    assert not (tmp_path / "out" / "index.html").exists()
