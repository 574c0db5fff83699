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


def test_the_name_comes_from_feed_titles_name():
    feed = Atom1Feed(title="S", link="https://example.org/", description="")
    retitle({"SITENAME": "S", "FEED_TITLES_NAME": "news"}, feed)
    assert feed.feed["title"] == "S: news (Atom)"


def test_a_built_feed_has_its_own_title(tmp_path):
    import uuid

    from pelican import Pelican, signals
    from pelican.settings import read_settings

    from feed_titles import feed_titles

    content = tmp_path / "content"
    content.mkdir()
    (content / "post.md").write_text("Title: Post\nDate: 2021-05-01\n\nText\n")
    site = f"Site {uuid.uuid4().hex[:8]}"
    settings = read_settings(
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "PLUGINS": [feed_titles],
            "SITENAME": site,
            "SITEURL": "https://example.org",
            "FEED_ALL_ATOM": "all.atom.xml",
            "CACHE_CONTENT": False,
        }
    )
    try:
        Pelican(settings).run()
    finally:
        signals.feed_generated.disconnect(feed_titles.retitle)
    feed = (tmp_path / "out/all.atom.xml").read_text(encoding="utf-8")
    assert f"<title>{site}: announcements (Atom)</title>" in feed
