"""`pelican-sitecheck OUTPUT`: the plugin's findings and exit statuses for a
folder built before; GitHub annotations under GitHub Actions."""

import json
import os
import subprocess
import sys

import pytest
from pelican.plugins.sitecheck.command import main
from sitecheck_helpers import FOREIGN_DEFECTS, IMPORT_ROOT, html, write_foreign_site
from test_build import build


def command(project, *arguments, **env):
    """Run the command as a user does, in the project's folder."""
    paths = [str(IMPORT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    outer = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env = {**outer, "PYTHONPATH": os.pathsep.join(paths), **env}
    call = "import sys; from pelican.plugins.sitecheck.command import main; main()"
    return subprocess.run(
        [sys.executable, "-c", call.replace("main()", "sys.exit(main())"), *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = tmp_path_factory.mktemp("foreign")
    write_foreign_site(project)
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project, result


def findings_logged(log):
    return sorted(line for line in log.splitlines() if " (fix: " in line)


def test_the_command_finds_what_the_build_found(built):
    project, result = built
    in_build = json.loads((project / "report.json").read_text())
    checked = command(project, "output", "--settings", "pelicanconf.py")
    assert checked.returncode == 1, checked.stderr  # errors
    report = json.loads((project / "report.json").read_text())
    found = {(f["code"], f["source"], f["target"]) for f in report["findings"]}
    assert found == FOREIGN_DEFECTS
    assert report["findings"] == in_build["findings"]
    # The same records, lines and all; then one summary line.
    build_log = findings_logged(result.stderr)  # Pelican's plain handler: no level
    command_log = [line.split(" ", 1)[1] for line in findings_logged(checked.stderr)]
    assert sorted(command_log) == build_log
    *_, summary = checked.stderr.splitlines()
    assert summary.startswith("INFO sitecheck: 12 pages and ")


def test_github_actions_get_annotations(built):
    project, _ = built
    checked = command(project, "output", "-s", "pelicanconf.py", GITHUB_ACTIONS="true")
    annotations = checked.stdout.splitlines()
    assert len(annotations) == len(findings_logged(checked.stderr)) > 0
    assert (
        '::error file=content/first.rst,line=8::<a href="../pages/ABOUT.html"> in'
        " first-post.html (output line 42), feeds/all.atom.xml (output line 10):"
        " broken link: nothing at /pages/ABOUT.html in the output (fix: link to"
        " /pages/about.html)"
    ) in annotations


def test_without_settings_findings_name_the_output_files(output, capsys):
    output("index.html", html('<a href="/gone/">x</a>\n<a href="mailto:">y</a>'))
    assert main([str(output.root), "--format", "github"]) == 1
    root = str(output.root / "index.html").replace(":", "%3A").replace(",", "%2C")
    assert capsys.readouterr().out.splitlines() == [
        f'::error file={root},line=4::<a href="/gone/"> in index.html (output line'
        " 4): broken link: nothing at /gone/ in the output (fix: link to a file that"
        " exists (in content: a {filename} or {static} link to the source file))",
        f'::error file={root},line=5::<a href="mailto:"> in index.html (output line'
        " 5): empty URL (fix: set the URL or remove the element)",
    ]


def test_a_clean_folder_is_exit_status_0(output, caplog):
    output("index.html", html('<a href="/">home</a>'))
    caplog.set_level("INFO")
    assert main([str(output.root)]) == 0
    assert [r.levelname for r in caplog.records] == ["INFO"]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["nowhere"], "sitecheck: nowhere is not a folder: build the site first"),
        (["."] + ["-s", "none.py"], "sitecheck: no settings file none.py"),
    ],
)
def test_usage_errors_are_exit_status_2(tmp_path, monkeypatch, caplog, arguments, said):
    monkeypatch.chdir(tmp_path)
    assert main(arguments) == 2
    assert [r.getMessage() for r in caplog.records] == [said]


def test_the_console_script_is_installed():
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="pelican-sitecheck")
    assert script.value == "pelican.plugins.sitecheck.command:main"
