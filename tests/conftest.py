"""Shared fixtures: the real site, built once per test session with each
settings file, parsed as a visitor's browser would get it."""

import functools
import http.server
import threading
from pathlib import Path

import pytest
from sitetools import CHROMIUM, CHROMIUM_ARGS, SITE, build_site


def _built(tmp_path_factory, settings):
    output = tmp_path_factory.mktemp(settings.removesuffix(".py"))
    result = build_site(output, SITE / settings, SITE / "content")
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
