"""Fixtures for sitecheck's tests: small output trees written on the spot."""

from collections import defaultdict

import pytest
from pelican.log import LimitFilter
from pelican.plugins.sitecheck.settings import Config
from PIL import Image
from sitecheck_helpers import SITEURL


@pytest.fixture
def config(tmp_path):
    """Defaults, with reports and caches in the test's own folder."""
    return Config.from_settings(
        {"SITEURL": SITEURL, "CACHE_PATH": str(tmp_path / "cache")}
    )


@pytest.fixture
def output(tmp_path):
    """write(path, text | (width, height[, format])) adds a page or an image."""
    root = tmp_path / "output"

    def write(path, content, **save_options):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            width, height = content
            Image.new("RGB", (width, height), "teal").save(target, **save_options)
        return target

    write.root = root
    root.mkdir()
    return write


@pytest.fixture(autouse=True)
def fresh_pelican_log_memory(monkeypatch):
    """Pelican's loggers drop a message logged before in the process (its
    LimitFilter): each test starts with none, whatever ran before it."""
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())
    monkeypatch.setattr(LimitFilter, "_group_count", defaultdict(int))
