"""The site tests follow the content: they pass on a copy where organisers
have done what organisers do, and on a copy moved to a next edition as
README.md's "A next edition" says, whose build keeps no trace of the old name."""

import concurrent.futures
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import sitetools
from sitetools import POST, ROOT, TOKEN, copy_project, edit_yaml, settings_of, workshop

NAMES = "site news facts_once phases event_meta security sitecheck_site"
SITE_TESTS = [f"tests/test_{name}.py" for name in NAMES.split()]
RUN = {"capture_output": True, "text": True}
NEXT_SPEAKER = {**sitetools.NEW_SPEAKER, "id": "lovelace", "name": "Grace Lovelace"}
TEXT_FILES = {".html", ".xml", ".ics", ".txt", ".css", ".js", ".json", ""}


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def post(project, name, title, date, more=""):
    body = "What happens next.\n\nMore to come."
    text = POST.format(title=title, date=date, more=more, body=body)
    (project / "content/news" / name).write_text(text, encoding="utf-8")


def organisers_at_work(project):
    """A post made with `invoke new` and published under a new tag; a draft, a
    hidden post and a post dated in the future; a post saved as
    call-for-reviewers.md (as GitHub's web editor makes it: no date in the
    name, no Slug:); one more organiser."""
    invoke = str(Path(sys.executable).parent / "invoke")
    made = subprocess.run(
        [invoke, "new", f"Reviewers wanted {TOKEN}"], cwd=project, check=False, **RUN
    )
    assert made.returncode == 0, made.stderr
    [new] = (project / "content/news").glob(f"*-reviewers-wanted-{TOKEN}.md")
    edit(new, "Status: draft\n", "")
    edit(new, "Tags: \n", "Tags: reviewing\n")
    now = dt.datetime.now(ZoneInfo(settings_of(site=project)["TIMEZONE"]))
    day = dt.timedelta(days=1)
    draft, hidden = "Status: draft\n", "Status: hidden\nTags: secret\n"
    post(project, f"{now:%Y-%m-%d}-agenda-{TOKEN}.md", f"Agenda {TOKEN}", now, draft)
    post(
        project,
        f"{now - day:%Y-%m-%d}-room-{TOKEN}.md",
        f"Room {TOKEN}",
        now - day,
        hidden,
    )
    post(
        project,
        f"{now + 9 * day:%Y-%m-%d}-later-{TOKEN}.md",
        f"Later {TOKEN}",
        now + 9 * day,
    )
    post(
        project,
        f"call-for-reviewers-{TOKEN}.md",
        f"Call for reviewers {TOKEN}",
        now - day,
    )
    with (project / "content/data/organisers.yaml").open("a", encoding="utf-8") as f:
        f.write("- name: Ada Organiser\n  affiliation: Example University\n")


def next_edition(project):
    """README.md's "A next edition": the data, SITEURL, the pages' prose (here
    only the name), last year's news replaced by an announcement."""
    data, old = project / "content/data", workshop(project).event
    year, later = str(old.date.year), str(old.date.year + 1)

    def bump(value):
        if isinstance(value, dict):
            return {key: bump(item) for key, item in value.items()}
        if isinstance(value, dt.date):
            return value.replace(year=value.year + 1)
        return value.replace(year, later) if isinstance(value, str) else value

    def event(entry):
        entry = bump(entry)
        entry["name"] = f"{entry['name']}, next edition"
        return {**entry, "timezone": "America/Vancouver"}

    edit_yaml(data / "event.yaml", event)
    edit_yaml(data / "dates.yaml", lambda entries: [bump(e) for e in entries])
    first = workshop(project).speakers[0].id
    edit_yaml(data / "speakers.yaml", lambda entries: [NEXT_SPEAKER, *entries[1:]])
    edit_yaml(
        data / "schedule.yaml",
        lambda slots: [
            {**s, "speaker": NEXT_SPEAKER["id"]} if s.get("speaker") == first else s
            for s in slots
        ],
    )
    site_url = settings_of("publishconf.py", project)["SITEURL"]
    edit(project / "publishconf.py", f'"{site_url}"', f'"{bump(site_url)}"')
    for page in (project / "content/pages").glob("*.md"):  # prose: only the name
        page.write_text(page.read_text().replace(old.short_name, bump(old.short_name)))
    for news in (project / "content/news").glob("*.md"):
        news.unlink()
    now = dt.datetime.now(ZoneInfo(settings_of(site=project)["TIMEZONE"]))
    title, date = f"{bump(old.short_name)} announced", now - dt.timedelta(hours=1)
    post(project, f"{date:%Y-%m-%d}-announced.md", title, date, "Tags: cfp\n")
    return old.short_name, site_url


def run_site_tests(project, tests=SITE_TESTS):
    """The site tests on `project` (HAET_SITE_ROOT); builds kept in its tmp."""
    options = ["-q", "-x", "-p", "no:cacheprovider", "-n", "0"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *options, "--basetemp", project.parent / "tmp"]
        + tests,
        cwd=ROOT,
        env={**os.environ, "HAET_SITE_ROOT": str(project)},
        check=False,
        **RUN,
    )


def test_site_tests_pass_on_changed_sites_and_a_next_edition_keeps_no_old_name(
    tmp_path,
):
    at_work = copy_project(tmp_path / "at-work" / "site")
    organisers_at_work(at_work)
    following = copy_project(tmp_path / "next" / "site")
    old_name, old_url = next_edition(following)
    # The phases follow the data alone, which only the next edition moves.
    fewer = [name for name in SITE_TESTS if "phases" not in name]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = pool.map(run_site_tests, (at_work, following), (fewer, SITE_TESTS))
    for result in runs:
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert "skipped" not in result.stdout, result.stdout[-500:]
    # The old name (however its words are spaced or cased) and the old address.
    old = re.compile(r"\s+".join(map(re.escape, old_name.split())), re.I)
    old = re.compile(f"{old.pattern}|{re.escape(old_url)}", re.I)
    leaks = [
        f"{path.relative_to(tmp_path)}: {found[0]}"
        for build in ("pelicanconf0", "publishconf0")
        for path in sorted((tmp_path / "next/tmp" / build).rglob("*"))
        if path.is_file() and path.suffix in TEXT_FILES
        for found in old.finditer(path.read_text(encoding="utf-8"))
    ]
    assert leaks == []
    home = (tmp_path / "next/tmp/publishconf0/index.html").read_text(encoding="utf-8")
    assert workshop(following).event.short_name in home
