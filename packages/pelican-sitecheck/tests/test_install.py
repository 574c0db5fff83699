"""The package alone: installed with pip into a new virtual environment that
sees nothing of the site that ships it, it checks a foreign Pelican site.

pip installs it from its folder with its declared dependencies (Pelican, lxml,
Pillow) from the package index pip is set up with, at the versions this
environment has (so pip's cache serves them); Markdown and docutils are the
foreign site's own. About a minute, most of it pip.
"""

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from sitecheck_helpers import write_foreign_site
from test_build import assert_foreign_site_checked, build

PACKAGE = Path(__file__).resolve().parents[1]  # the folder with pyproject.toml


def test_a_fresh_environment_with_only_pelican_and_the_package(tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)  # no system site packages
    python = str(environment / "bin" / "python")
    versions = tmp_path / "constraints.txt"
    versions.write_text(
        "".join(
            f"{name}=={importlib.metadata.version(name)}\n"
            for name in ("pelican", "lxml", "Pillow", "Markdown", "docutils")
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    # A copy: pip's in-tree build would leave build/ in the checkout.
    package = shutil.copytree(
        PACKAGE,
        tmp_path / "package",
        ignore=shutil.ignore_patterns("build", "*.egg-info"),
    )
    install = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-c",
            str(versions),
            str(package),
            "Markdown",
            "docutils",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=env,
    )
    assert install.returncode == 0, install.stderr
    where = subprocess.run(
        [
            python,
            "-c",
            "import pelican.plugins.sitecheck as s, importlib.util as u;"
            " print(s.__file__, u.find_spec('bs4'), u.find_spec('typogrify'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    ).stdout.split()
    # The installed copy, in the new environment; none of the site's packages.
    assert where == [
        str(
            environment / "lib" / f"python{sys.version_info.major}."
            f"{sys.version_info.minor}"
            / "site-packages"
            / "pelican"
            / "plugins"
            / "sitecheck"
            / "__init__.py"
        ),
        "None",
        "None",
    ]
    installed = Path(where[0]).parent
    assert not [
        p.name for p in installed.iterdir() if p.name.startswith(("test", "conftest"))
    ]
    site = tmp_path / "site"
    site.mkdir()
    write_foreign_site(site)
    built = build(site, python=python, env=env)
    assert_foreign_site_checked(site, built)
    in_build = (site / "report.json").read_text()
    # The command line, from the same environment: the same findings.
    checked = subprocess.run(
        [environment / "bin" / "pelican-sitecheck", "output", "-s", "pelicanconf.py"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    assert checked.returncode == 1, checked.stderr
    assert (
        json.loads((site / "report.json").read_text())["findings"]
        == (json.loads(in_build)["findings"])
    )
    assert checked.stderr.splitlines()[-1].startswith("INFO sitecheck: 12 pages and")
