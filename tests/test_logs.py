"""Logs that survive a pipe, and what CI shows: run as CI and an editor's task
runner do, with output captured (not a terminal) and no COLUMNS set."""

import os
import subprocess
import sys
from pathlib import Path

from sitetools import copy_project

# Long enough that an 80-column layout would have to break it.
LONG_NAME = "2021-05-01-" + "-".join(["a-very-long-announcement-name"] * 4) + ".md"
BROKEN = b"Title: Broken\nDate: 2021-13-45\n\nText.\n"
INVOKE = str(Path(sys.executable).parent / "invoke")


def environment(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.pop("GITHUB_ACTIONS", None)
    return {**env, **extra}


def broken_project(tmp_path):
    project = copy_project(tmp_path / "site")
    (project / "content/news" / LONG_NAME).write_bytes(BROKEN)
    return project


def run(command, project, **env):
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, check=False,
        env=environment(**env),
    )  # fmt: skip


def problem_lines(log):
    return [line for line in log.splitlines() if "ERROR" in line or "WARNING" in line]


def test_bare_pelican_piped_prints_each_record_whole_on_one_line(tmp_path):
    project = broken_project(tmp_path)
    result = run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"],
                 project)  # fmt: skip
    log = result.stdout + result.stderr
    lines = [line for line in problem_lines(log) if "very-long" in line]
    assert lines and all(f"news/{LONG_NAME}" in line for line in lines), log
    assert f"content/news/{LONG_NAME}:2: '2021-13-45'" in log, log
    assert "Traceback" not in log


def test_invoke_build_piped_is_whole_and_fails_after_an_error(tmp_path):
    project = broken_project(tmp_path)
    result = run([INVOKE, "build"], project)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert any(f"news/{LONG_NAME}" in line for line in problem_lines(log)), log
    assert "1 problem blocks publication" in log
    assert (project / "output/index.html").exists()  # the rest was built
    assert "Traceback" not in log


def test_github_actions_annotates_the_file_and_summarises(tmp_path):
    project = broken_project(tmp_path)
    summary = tmp_path / "summary.md"
    result = run(
        [sys.executable, "-m", "pelican", "content", "-s", "publishconf.py"],
        project, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    assert result.returncode == 1
    annotations = [
        line for line in result.stdout.splitlines() if line.startswith("::error ")
    ]
    assert any(
        line.startswith(f"::error file=content/news/{LONG_NAME},line=2::'2021-13-45'")
        for line in annotations
    ), result.stdout
    table = summary.read_text()
    assert "block publication" in table
    assert f"| error | content/news/{LONG_NAME}:2 |" in table
    assert "Traceback" not in result.stdout + result.stderr


def test_the_json_report_lists_the_findings_of_the_last_build(tmp_path):
    import json

    project = broken_project(tmp_path)
    run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"], project)
    report = json.loads((project / "cache/findings.json").read_text())
    assert {f["source"] for f in report["findings"]} == {f"content/news/{LONG_NAME}"}
    (project / "content/news" / LONG_NAME).unlink()
    run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"], project)
    report = json.loads((project / "cache/findings.json").read_text())
    assert report["findings"] == []


def test_a_template_error_names_the_template_line_without_a_traceback(tmp_path):
    project = copy_project(tmp_path / "site")
    template = project / "themes/haet/templates/base.html"
    lines = template.read_text().splitlines()
    body = next(n for n, line in enumerate(lines) if line.startswith("<body"))
    lines.insert(body + 1, "{{ no_such_thing.at_all }}")
    template.write_text("\n".join(lines) + "\n")
    result = run([INVOKE, "build"], project)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"themes/haet/templates/base.html:{body + 2}: UndefinedError" in log, log
    assert "no_such_thing" in log
    assert "Traceback" not in log
