"""Give every feed a title of its own, so that a feed reader subscribed to
several can tell them apart: Pelican titles the all-posts Atom and RSS feeds
both SITENAME. The title becomes e.g. "HAET 2021: announcements (Atom)" or,
for a tag feed, "HAET 2021 - papers (RSS)".

Pelican has no setting for these titles; the `feed_generated` signal hands
plugins the feed object, whose `feed["title"]` is the title feedgenerator
writes (the one reach into feedgenerator; see README)."""

from feedgenerator import Atom1Feed
from pelican import signals

DEFAULT_NAME = "announcements"


def feed_title(title, site_name, kind, name=DEFAULT_NAME):
    """The distinct title of a feed Pelican titled `title`."""
    base = f"{site_name}: {name}" if title == site_name else title
    return f"{base} ({kind})"


def retitle(context, feed):
    kind = "Atom" if isinstance(feed, Atom1Feed) else "RSS"
    name = context.get("FEED_TITLES_NAME", DEFAULT_NAME)
    feed.feed["title"] = feed_title(feed.feed["title"], context["SITENAME"], kind, name)


def register():
    signals.feed_generated.connect(retitle)
