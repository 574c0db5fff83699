"""One mistake, one finding (haet/findings.py): printed on one line naming the
file and line, one annotation on GitHub, one row in the job summary and one
entry in the JSON report. Posts and pages with mistakes are each refused and
the build goes on, so one build reports them all; a data file or template
mistake stops the build, and says so once."""

import json
import re
from pathlib import Path

import feedparser
import pytest
from sitetools import settings_of, soup
from test_tasks import INVOKE, PELICAN, copy_of_project, invoke, run

HOSTILE = "Tom & Jerry <script>alert(1)</script>"
# file in content/: (its bytes, level, line, message, fix); None: no finding.
LONG = "2000-05-01-" + "-".join(["a-long-announcement-name"] * 4) + ".md"
POSTS = {
    "news/2000-05-01-stauts.md": (
        b"Title: Not ready\nDate: 2000-05-01\nStauts: draft\n\nText.\n",
        "error",
        3,
        "unknown metadata 'Stauts:'",
        "did you mean Status:?",
    ),
    "news/2000-05-01-day-first.md": (
        b"Title: Day first\nDate: 05/07/2000\n\nText.\n",
        "error",
        2,
        "'05/07/2000' is not a date in the form YYYY-MM-DD",
        "write Date: 2000-07-05 or 2000-05-07, whichever you meant",
    ),
    "news/2000-05-01-status.md": (
        b"Title: Status\nDate: 2000-05-01\nStatus: publised\n\nText.\n",
        "error",
        3,
        "unknown status 'publised'",
        "write Status: published",
    ),
    "news/2000-05-01-untitled.md": (
        b"Date: 2000-05-01\n\nText.\n",
        "error",
        1,
        "no Title: line",
        "start the file with 'Title: The title'",
    ),
    "news/2000-05-01-latin.md": (
        "Title: Latin-1\nDate: 2000-05-01\n\nCaf\xe9.\n".encode("latin-1"),
        "error",
        4,
        "not UTF-8 text (byte 0xe9)",
        "save the file as UTF-8",
    ),
    "news/2000-05-01-same-a.md": (
        b"Title: First of two\nDate: 2000-05-01\nSlug: same\n\nText.\n",
        None,
    ),
    "news/2000-05-02-same-b.md": (
        b"Title: Second of two\nDate: 2000-05-02\nSlug: same\n\nText.\n",
        "error",
        None,
        "its address /news/2000/same/ is already used by "
        "content/news/2000-05-01-same-a.md",
        "give one of them another Slug:",
    ),
    "news/2000-05-01-notes.txt": (
        b"Title: Notes\nDate: 2000-05-01\n\nText.\n",
        "warning",
        None,
        "Pelican does not read this file",
        "rename it to 2000-05-01-notes.md",
    ),
    f"news/{LONG}": (
        b"Title: Links\nDate: 2000-05-01\n\n[Venue]({filename}/pages/99-venue.md)"
        b"\n\n![The team]({static}/images/team.jpg)\n",
        "error",
        4,
        "broken link: nothing at",
        "no file content/pages/99-venue.md",
    ),
    # The same file's second mistake, on its own line.
    f"news/{LONG} (image)": (
        None,
        "error",
        6,
        "image not found: nothing at /images/team.jpg",
        "link to a file that exists",
    ),
    "news/2000-05-01-bom.md": (
        b"\xef\xbb\xbfTitle: With a BOM\nDate: 2000-05-01\nSlug: bom\n\nText.\n",
        None,
    ),
    "news/2000-05-01-hostile.md": (
        f"Title: {HOSTILE}\nDate: 2000-05-01\nSlug: hostile\n\nText.\n".encode(),
        None,
    ),
    "pages/98-nav.md": (
        b"Title: A page\nNav_tilte: Page\n\nText.\n",
        "error",
        2,
        "unknown metadata 'Nav_tilte:'",
        "did you mean Nav_title:?",
    ),
    # One slug in two years is two addresses.
    "news/2000-05-01-meetup.md": (
        b"Title: Meetup 2000\nDate: 2000-05-01\nSlug: meetup\n\nText.\n",
        None,
    ),
    "news/2001-05-01-meetup.md": (
        b"Title: Meetup 2001\nDate: 2001-05-01\nSlug: meetup\n\nText.\n",
        None,
    ),
}
MISTAKES = [(name.split(" ")[0], *case[1:]) for name, case in POSTS.items() if case[1]]
GITHUB = {"GITHUB_ACTIONS": "true"}


def annotations(output):
    return [line for line in output.splitlines() if line.startswith("::")]


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A copy of the project with every post above, built by `invoke build` on
    GitHub Actions: (project, exit code, its log (stdout and stderr, as GitHub
    shows them), the job summary)."""
    tmp_path = tmp_path_factory.mktemp("findings")
    project = copy_of_project(tmp_path / "site")
    for name, (data, *_) in POSTS.items():
        if data is not None:
            (project / "content" / name).write_bytes(data)
    summary = tmp_path / "summary.md"
    result = run(
        [INVOKE, "build"],
        project,
        merged=True,
        **GITHUB,
        GITHUB_STEP_SUMMARY=str(summary),
    )
    return project, result.returncode, result.stdout, summary.read_text("utf-8")


def test_each_mistake_is_one_annotation_on_its_line(broken):
    _, code, log, _ = broken
    assert code == 1
    found = annotations(log)
    for name, level, line, message, fix in MISTAKES:
        where = f"file=content/{name}" + (f",line={line}" if line else "")
        [annotation] = [a for a in found if a.startswith(f"::{level} {where}::")]
        assert message in annotation and f"(fix: {fix}" in annotation, annotation
    located = [a for a in found if " file=" in a]
    assert len(located) == len(MISTAKES), "\n".join(located)
    # What else is annotated (a count) repeats no mistake's file, and no
    # printed record ends up inside an annotation's line.
    assert not [a for a in found if "content/" in a and a not in located]
    assert not [a for a in found if re.search("(ERROR|WARNING|CRITICAL): ", a)]


def test_each_mistake_is_printed_whole_and_the_rest_is_built(broken):
    project, _, log, _ = broken
    assert "Traceback" not in log
    for name, level, line, message, fix in MISTAKES:
        where = f"content/{name}" + (f":{line}" if line else "")
        start = f"{level.upper()}: {where}: "
        printed = [x for x in log.splitlines() if x.startswith(start) and message in x]
        assert printed and fix in printed[0], start
    errors = len([m for m in MISTAKES if m[1] == "error"])
    assert f"{errors} problems block publication; see the list above\n" in log
    # The rest is built: each post that has no mistake, at its address.
    site = project / "output"
    for year, slug, title in [
        ("2000", "bom", "With a BOM"),
        ("2000", "same", "First of two"),
        ("2000", "meetup", "Meetup 2000"),
        ("2001", "meetup", "Meetup 2001"),
        ("2000", "hostile", HOSTILE),
    ]:
        page = soup(site, f"news/{year}/{slug}/")
        assert page.h1.get_text(strip=True) == title
    assert not [
        s
        for s in soup(site, "news/2000/hostile/").find_all("script")
        if "alert" in s.get_text()
    ]
    feed = feedparser.parse((site / "feeds/all.atom.xml").read_bytes())
    assert HOSTILE in [entry.title for entry in feed.entries]


def test_the_summary_and_the_report_list_the_same_findings(broken):
    project, _, _, summary = broken
    report = json.loads(
        (Path(settings_of(site=project)["CACHE_PATH"]) / "findings.json").read_text()
    )
    listed = {(f["source"], f["line"], f["level"]) for f in report["findings"]}
    expected = {(f"content/{n}", line, level) for n, level, line, *_ in MISTAKES}
    assert {f for f in listed if f[0]} == expected
    rows = [
        row for row in summary.splitlines() if re.match(r"\| (error|warning) \|", row)
    ]
    assert len(rows) == len(report["findings"])
    for name, level, line, *_ in MISTAKES:
        where = f"content/{name}" + (f":{line}" if line else "")
        assert [r for r in rows if r.startswith(f"| {level} | ` {where} ` |")], where
    assert "Fix each line below in the file it names, then push again." in summary
    # Everything organisers wrote is quoted: a link is shown, never followed.
    outside = re.sub(r"(`+) .*? \1", "", summary)
    assert "<" not in outside and "<a href" in summary


def test_build_starts_afresh_and_fails_after_an_error(broken):
    project, *_ = broken
    (project / "output/left-over.html").write_text("from an older build")
    code, printed = invoke(project, "build")
    assert code == 1 and "problems block publication" in printed
    assert (project / "output/index.html").exists()
    assert not (project / "output/left-over.html").exists()


def test_a_data_mistake_is_one_finding_and_the_rest_is_built(tmp_path):
    project = copy_of_project(tmp_path / "site")
    schedule = project / "content/data/schedule.yaml"
    text = schedule.read_text()
    match = re.search(r"^( +speaker: )(\w+)$", text, re.M)
    schedule.write_text(text[: match.end()] + "x" + text[match.end() :])
    line = text[: match.start()].count("\n") + 1
    summary = tmp_path / "summary.md"
    result = run(
        [*PELICAN, "-s", "publishconf.py", "--log-handler", "plain"],
        project,
        **GITHUB,
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert result.returncode == 1
    where = f"content/data/schedule.yaml:{line}"
    message = f"unknown speaker id '{match[2]}x'"
    fix = f"did you mean {match[2]}?"
    assert annotations(result.stdout) == [
        f"::error file=content/data/schedule.yaml,line={line}::{message} (fix: {fix})"
    ]
    assert f"ERROR: {where}: {message} (fix: {fix})\n" in result.stderr
    assert "1 problem blocks publication" in result.stderr
    assert "Traceback" not in result.stderr
    rows = [r for r in summary.read_text().splitlines() if r.startswith("| error")]
    assert len(rows) == 1
    report = json.loads((project / "cache/findings.json").read_text())
    assert [(f["source"], f["line"]) for f in report["findings"]] == [
        ("content/data/schedule.yaml", line)
    ]
    # Every post and page was read and built: the next mistake shows too.
    assert (project / "output/index.html").exists()


def test_a_template_error_names_the_template_line(tmp_path):
    project = copy_of_project(tmp_path / "site")
    template = project / "themes/haet/templates/base.html"
    lines = template.read_text().splitlines()
    body = next(n for n, line in enumerate(lines) if line.startswith("<body"))
    lines.insert(body + 1, "{{ no_such_thing.at_all }}")
    template.write_text("\n".join(lines) + "\n")
    code, printed = invoke(project, "build", **GITHUB)
    assert code == 1
    where = f"themes/haet/templates/base.html:{body + 2}"
    assert f"{where}: UndefinedError: 'no_such_thing' is undefined" in printed
    assert len(annotations(printed)) == 1


def test_bare_pelican_piped_prints_each_record_whole(tmp_path):
    project = copy_of_project(tmp_path / "site")
    name = "content/news/2000-05-01-" + "a-long-announcement-name-" * 4 + "end.md"
    (project / name).write_text("Title: Long\nStauts: draft\n\nText.\n")
    result = run([*PELICAN, "-s", "pelicanconf.py"], project)
    assert f"ERROR: {name}:2: unknown metadata 'Stauts:'" in result.stderr, (
        result.stderr
    )
