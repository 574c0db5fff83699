"""Fixtures for sitecheck's tests: small output folders written on the spot."""

from collections import defaultdict

import pytest
from pelican.log import LimitFilter
from PIL import Image


@pytest.fixture
def site(tmp_path):
    """site(path, text | (width, height)) writes a file in the folder site.root."""
    root = tmp_path / "output"
    root.mkdir()

    def write(path, content):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            Image.new("RGB", content, "teal").save(target)
        return target

    write.root = root
    return write


@pytest.fixture(autouse=True)
def fresh_pelican_log_memory(monkeypatch):
    """Pelican's loggers drop a message logged before in the process (its
    LimitFilter): each test starts with none, whatever ran before it."""
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())
    monkeypatch.setattr(LimitFilter, "_group_count", defaultdict(int))
