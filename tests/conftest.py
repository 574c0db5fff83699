"""Shared fixtures: the real site, built once per test session with each
settings file, parsed as a visitor's browser would get it; and a changed copy
of it with fixtures the tests wrote (sitetools.write_fixtures)."""

import dataclasses
import functools
import http.server
import threading
from pathlib import Path

import pytest
from sitetools import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SITE,
    build_site,
    settings_of,
    write_fixtures,
)


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


@dataclasses.dataclass(frozen=True)
class Built:
    """A build (`out`) of a project (`project`, whose content says what the
    build must show); `production` when built with publishconf.py."""

    out: Path
    project: Path
    production: bool

    @property
    def settings(self):
        name = "publishconf.py" if self.production else "pelicanconf.py"
        return settings_of(name, self.project)


@pytest.fixture(scope="session")
def changed(tmp_path_factory):
    """A copy of the project with fixtures written into it, built with both
    settings: see sitetools.write_fixtures for what it holds and logs."""
    return write_fixtures(tmp_path_factory.mktemp("changed") / "site")


@pytest.fixture(scope="session", params=["dev", "prod", "changed-dev", "changed-prod"])
def site(request):
    """Each build whose pages the site tests check against its own project:
    the real site and the changed copy, in development and production."""
    production = request.param.endswith("prod")
    if request.param.startswith("changed"):
        copy = request.getfixturevalue("changed")
        return Built(copy.prod if production else copy.dev, copy.project, production)
    out = request.getfixturevalue("prod_site" if production else "dev_site")
    return Built(out, SITE, production)


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
