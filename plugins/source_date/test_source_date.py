import datetime as dt
from types import SimpleNamespace

import pytest
from pelican.plugins.sitemap import sitemap

from source_date.source_date import SourceDateError, source_date, stamp_sitemap


def test_source_date_is_the_epoch_in_utc_or_none():
    assert source_date({}) is None
    assert source_date({"SOURCE_DATE_EPOCH": ""}) is None
    assert source_date({"SOURCE_DATE_EPOCH": "1620345600"}) == dt.datetime(
        2021, 5, 7, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5"])
def test_a_value_that_is_not_seconds_is_refused_naming_the_variable(value):
    with pytest.raises(SourceDateError, match=f"SOURCE_DATE_EPOCH .*{value!r}"):
        source_date({"SOURCE_DATE_EPOCH": value})


def test_the_sitemap_dates_pages_without_a_date_from_the_commit(monkeypatch):
    # The one reach into pelican-sitemap: if a release renames `generator.now`,
    # this fails before a build quietly goes back to the clock.
    assert isinstance(sitemap.generator.now, dt.datetime)
    monkeypatch.setattr(sitemap.generator, "now", sitemap.generator.now)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1620345600")
    stamp_sitemap(SimpleNamespace(settings={}))
    assert sitemap.format_date(sitemap.generator.now) == "2021-05-07T00:00:00+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    clock = sitemap.generator.now
    stamp_sitemap(SimpleNamespace(settings={}))
    assert sitemap.generator.now is clock  # without it, nothing changes


def test_a_build_with_the_plugin_dates_the_sitemap(tmp_path, monkeypatch):
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    from source_date import source_date as plugin

    monkeypatch.setattr(sitemap.generator, "now", sitemap.generator.now)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1620345600")
    (tmp_path / "content").mkdir()
    settings = read_settings(
        override={
            "PATH": str(tmp_path / "content"),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "PLUGINS": [plugin],
        }
    )
    try:
        Pelican(settings)  # `initialized` is sent here
    finally:
        signals.initialized.disconnect(plugin.stamp_sitemap)
    assert sitemap.generator.now == dt.datetime(2021, 5, 7, tzinfo=dt.UTC)
