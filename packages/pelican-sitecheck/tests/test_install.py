"""The package alone: installed with pip into a new virtual environment that
sees nothing of the site that ships it, it checks a foreign Pelican site.

pip installs it from its folder with its declared dependencies (Pelican, lxml,
Pillow) from the package index pip is set up with, at the versions this
environment has (so pip's cache serves them); Markdown and docutils are the
foreign site's own. About a minute, most of it pip.
"""

import os
import shutil
import subprocess
import sys
import venv
from importlib.metadata import version
from pathlib import Path

from sitecheck_helpers import (
    COMMAND,
    FOREIGN_DEFECTS,
    build,
    defects,
    logged_lines,
    run,
    write_foreign_site,
)

PACKAGE = Path(__file__).resolve().parents[1]  # the folder with pyproject.toml


def test_a_fresh_environment_with_only_pelican_and_the_package(tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)  # no system site packages
    python = str(environment / "bin" / "python")
    versions = tmp_path / "constraints.txt"
    names = ("pelican", "lxml", "Pillow", "Markdown", "docutils")
    versions.write_text("".join(f"{name}=={version(name)}\n" for name in names))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    # A copy: pip's in-tree build would leave build/ in the checkout.
    package = shutil.copytree(
        PACKAGE, tmp_path / "package", ignore=shutil.ignore_patterns("build", "*.egg*")
    )
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    pip += ["-c", str(versions), str(package), "Markdown", "docutils"]
    install = subprocess.run(
        pip, capture_output=True, text=True, env=env, timeout=600, check=False
    )
    assert install.returncode == 0, install.stderr
    check = (
        "import pelican.plugins.sitecheck as s, importlib.util as u;"
        " print(s.__file__, u.find_spec('bs4'), u.find_spec('typogrify'))"
    )
    where = subprocess.run(
        [python, "-c", check],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    # The installed copy, in the new environment; none of the site's packages.
    pyver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    installed = environment / "lib" / pyver / "site-packages/pelican/plugins/sitecheck"
    assert where == [str(installed / "__init__.py"), "None", "None"]
    assert not [
        p.name for p in installed.iterdir() if p.name.startswith(("test", "conf"))
    ]
    site = tmp_path / "site"
    site.mkdir()
    write_foreign_site(site)
    built = build(site, python=python, env=env)
    assert built.returncode == 0, built.stderr
    assert defects(logged_lines(built.stderr)) == FOREIGN_DEFECTS
    # The command line, from the same environment: the same findings.
    checked = run(site, *COMMAND, python=python, env=env)
    assert checked.returncode == 1, checked.stderr
    assert logged_lines(checked.stderr) == logged_lines(built.stderr)
    assert checked.stderr.splitlines()[-1].startswith("INFO sitecheck: 12 pages and")
    script = environment / "bin" / "pelican-sitecheck"  # the console script
    helped = subprocess.run(
        [script, "--help"], env=env, capture_output=True, check=True
    )
    assert "--external" in helped.stdout.decode()
