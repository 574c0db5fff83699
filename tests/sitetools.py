"""What tests share besides fixtures: building the site, copying the project,
and reading built pages. Imported by name (`from sitetools import ...`), since
several folders of this project have a conftest.py."""

import functools
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_site(
    output, settings="pelicanconf.py", content="content", *extra, fatal="warnings"
):
    """Build with Pelican in a subprocess (Pelican keeps global state between
    in-process builds) and return the finished process. Warnings are fatal
    unless `fatal` says otherwise (None: as the settings say)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-s",
            str(settings),
            "-o",
            str(output),
            *(["--fatal", fatal] if fatal else []),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_project(destination):
    """A throwaway copy of the project, for tests that break its content."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in (
        "pelicanconf.py",
        "publishconf.py",
        "tasks.py",
        "devserver.py",
        "content",
        "themes",
        "plugins",
    ):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / name)
    return destination


@functools.cache
def _parse(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


def soup(site, page=""):
    """Parse the page a visitor gets at URL path `page` (clean URLs)."""
    path = site / page
    if path.is_dir() or page.endswith("/") or page == "":
        path = path / "index.html"
    return _parse(path)


def html_pages(site):
    return sorted(site.rglob("*.html"))


def page_url(site, page, base=""):
    """The clean URL under `base` of the built file `page` (a path in `site`):
    news/index.html -> {base}/news/, 404.html -> {base}/404.html."""
    path = page.relative_to(site).as_posix()
    return f"{base}/{path.removesuffix('index.html')}"
