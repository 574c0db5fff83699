"""Shared fixtures: the real site, built once per test session with each
settings file, parsed as a visitor's browser would get it."""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
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
        env={**os.environ, "COLUMNS": "250"},  # keep each log record on one line
    )


def copy_project(destination):
    """A throwaway copy of the project, for tests that break its content."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in (
        "pelicanconf.py",
        "publishconf.py",
        "tasks.py",
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


def _built(tmp_path_factory, settings):
    output = tmp_path_factory.mktemp(settings.removesuffix(".py"))
    result = build_site(output, settings)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory):
    """Output of `pelican content -s pelicanconf.py`."""
    return _built(tmp_path_factory, "pelicanconf.py")


@pytest.fixture(scope="session")
def prod_site(tmp_path_factory):
    """Output of `pelican content -s publishconf.py`."""
    return _built(tmp_path_factory, "publishconf.py")


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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(dev_site):
    """The development build served on 127.0.0.1 (a free port); yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(dev_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
