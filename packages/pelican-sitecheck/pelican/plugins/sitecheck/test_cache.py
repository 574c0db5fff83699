"""Rebuilds: pages that passed are not checked again while nothing they read
changed; whatever changed is found as in a check from scratch."""

import dataclasses
import logging

import PIL
import pytest
from pelican.plugins.sitecheck._testing import html
from pelican.plugins.sitecheck.cache import PageCache
from pelican.plugins.sitecheck.internal import check_site


@pytest.fixture
def site(output):
    """B links to an id of A; C shows an image."""
    output("a/index.html", html('<h2 id="dates">Dates</h2>'))
    output("b/index.html", html('<a href="/a/#dates">the dates</a>'))
    output("c/index.html", html('<img src="/p.png" alt="p" width="40" height="30">'))
    output("p.png", (40, 30))
    return output


def check(output, config, reuse=True):
    """Check like a development rebuild does; return (codes, pages reused)."""
    cache = PageCache(config.pages_cache_path, reuse)
    found, _ = check_site(output.root, config, cache=cache)
    cache.save()
    return sorted((f.page, f.code) for f in found), cache.reused


def test_unchanged_pages_are_not_checked_again(site, config):
    assert check(site, config) == ([], 0)
    assert check(site, config) == ([], 3)
    site("d/index.html", html("<p>New</p>"))  # another file: all checked
    assert check(site, config) == ([], 0)
    assert check(site, config, reuse=False) == ([], 0)
    assert check(site, config) == ([], 4)


def test_a_changed_id_fails_the_unchanged_page_that_links_to_it(site, config):
    check(site, config)
    site("a/index.html", html('<h2 id="key-dates">Dates</h2>'))
    assert check(site, config) == ([("b/index.html", "missing-fragment")], 1)
    site("a/index.html", html('<h2 id="dates">Dates</h2>'))
    assert check(site, config) == ([], 1)  # C still passed; A and B checked


def test_a_removed_page_fails_the_pages_that_link_to_it(site, config):
    check(site, config)
    (site.root / "a/index.html").unlink()
    assert check(site, config) == ([("b/index.html", "broken-link")], 0)


def test_a_changed_image_is_checked_again(site, config):
    check(site, config)
    site("p.png", (40, 40))  # same name, other shape
    assert check(site, config) == ([("c/index.html", "img-distorted")], 2)


def test_pages_with_findings_are_checked_every_time(site, config):
    site("e/index.html", html('<a href="/gone/">x</a>'))
    assert check(site, config) == ([("e/index.html", "broken-link")], 0)
    assert check(site, config) == ([("e/index.html", "broken-link")], 3)


def test_other_settings_check_every_page(site, config):
    check(site, config)
    stricter = dataclasses.replace(config, image_max_bytes=10)
    assert check(site, stricter) == ([("c/index.html", "img-heavy")], 0)


def test_an_unreadable_cache_is_a_check_from_scratch(site, config, caplog):
    check(site, config)
    with open(config.pages_cache_path, "wb") as file:
        file.write(b"garbage")
    caplog.set_level(logging.DEBUG, logger="pelican.plugins.sitecheck")
    assert check(site, config) == ([], 0)
    # Said only with `pelican -D`: a missing cache is normal. (The message
    # names the file: Pelican's loggers drop a message said before.)
    (record,) = [r for r in caplog.records if "page cache" in r.getMessage()]
    assert record.levelno == logging.DEBUG
    prefix = f"sitecheck: no page cache {config.pages_cache_path} ("
    assert record.getMessage().startswith(prefix)
    why = record.getMessage().removeprefix(prefix)
    assert why.endswith(")") and why[:-1] not in ("", "None", "%s")


def test_the_cache_may_be_in_a_folder_that_does_not_exist_yet(site, config, tmp_path):
    deep = str(tmp_path / "not" / "yet" / "pages.pickle")
    elsewhere = dataclasses.replace(config, pages_cache_path=deep)
    assert check(site, elsewhere) == ([], 0)
    assert check(site, elsewhere) == ([], 3)


def test_another_version_of_a_library_checks_every_page(site, config, monkeypatch):
    """Pillow reads the image sizes: its next version may read them otherwise."""
    check(site, config)
    monkeypatch.setattr(PIL, "__version__", PIL.__version__ + ".post1")
    assert check(site, config) == ([], 0)
