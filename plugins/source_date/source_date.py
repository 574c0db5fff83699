"""Reproducible builds: a date that no content gives is the commit's.

`invoke deploy` and the workflow set SOURCE_DATE_EPOCH to the time of the
commit they build (reproducible-builds.org), so two builds of one commit are
byte-identical. Calendars read it in event_meta; this plugin gives it to
pelican-sitemap, whose index pages (home, news, tags) otherwise carry the
time of the build as <lastmod>. Without SOURCE_DATE_EPOCH nothing changes.
"""

import datetime as dt
import os

from pelican import signals
from pelican.plugins.sitemap import sitemap


class SourceDateError(Exception):
    """SOURCE_DATE_EPOCH is set but is not a time."""


def source_date(environ=os.environ):
    """SOURCE_DATE_EPOCH as an aware UTC datetime, or None when it is unset."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch:
        return None
    if not epoch.isdigit():
        raise SourceDateError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
        )
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC)


def stamp_sitemap(pelican):
    """pelican-sitemap has no setting for the date of pages without one, only
    the time it was imported (`generator.now`): set it to the commit's."""
    date = source_date()
    if date is not None:
        sitemap.generator.now = date


def register():
    signals.initialized.connect(stamp_sitemap)
