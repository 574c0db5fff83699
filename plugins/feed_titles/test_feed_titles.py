from feedgenerator import Atom1Feed, Rss201rev2Feed

from feed_titles.feed_titles import feed_title, retitle


def test_all_posts_feeds_get_distinct_titles():
    assert feed_title("HAET 2021", "HAET 2021", "Atom") == (
        "HAET 2021: announcements (Atom)"
    )
    assert feed_title("HAET 2021 - papers", "HAET 2021", "RSS") == (
        "HAET 2021 - papers (RSS)"
    )


def test_the_written_feeds_carry_the_new_titles():
    context = {"SITENAME": "HAET 2021"}
    written = []
    for kind in (Atom1Feed, Rss201rev2Feed):
        feed = kind(title="HAET 2021", link="https://example.org/", description="")
        retitle(context, feed)
        written.append(feed.writeString("utf-8"))
    assert "<title>HAET 2021: announcements (Atom)</title>" in written[0]
    assert "<title>HAET 2021: announcements (RSS)</title>" in written[1]
