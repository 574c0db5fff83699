from feedgenerator import Atom1Feed

from feed_links.feed_links import absolutise_feed, make_links_absolute

BASE = "https://example.org/news/2021/post/"


def test_relative_links_and_images_become_absolute():
    html = (
        '<p>See <a href="/schedule/">the schedule</a>, <a href="../other/">this</a>'
        ' and <a href="#part">a part</a>.</p>'
        '<img src="img.png" srcset="a.png 1x, /b.png 2x" alt="">'
    )
    out = make_links_absolute(html, BASE)
    assert 'href="https://example.org/schedule/"' in out
    assert 'href="https://example.org/news/2021/other/"' in out
    assert 'href="https://example.org/news/2021/post/#part"' in out
    assert 'src="https://example.org/news/2021/post/img.png"' in out
    assert (
        'srcset="https://example.org/news/2021/post/a.png 1x, '
        'https://example.org/b.png 2x"'
    ) in out


def test_absolute_links_text_and_entities_are_kept():
    html = (
        'Tom &amp; Jerry <a href="https://iclr.cc/">ICLR</a> <a href="mailto:a">m</a>'
    )
    out = make_links_absolute(html, BASE)
    assert out.startswith("Tom &amp; Jerry ")
    assert 'href="https://iclr.cc/"' in out and 'href="mailto:a"' in out


def test_development_feed_items_get_absolute_links_and_ids():
    import datetime as dt

    feed = Atom1Feed(title="t", link="/", description="d")
    feed.add_item(
        title="x",
        link="/news/2021/x/",
        description=None,
        content='<a href="/papers/">papers</a>',
        unique_id="tag:None,2021-01-01:/news/2021/x/",
        pubdate=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    absolutise_feed({"SITEURL": "", "FEED_DOMAIN": "http://127.0.0.1:8000"}, feed)
    item = feed.items[0]
    assert feed.feed["link"] == "http://127.0.0.1:8000/"
    assert item["link"] == "http://127.0.0.1:8000/news/2021/x/"
    assert item["unique_id"].startswith("tag:127.0.0.1,2021-01-01:")
    assert 'href="http://127.0.0.1:8000/papers/"' in item["content"]


def test_absolute_urls_are_left_as_they_are():
    html = (
        '<p><a href="https://iclr.cc/">ICLR</a> <a href="mailto:a">m</a>'
        ' <img src="data:image/png;base64,AA" alt=""></p>'
    )
    assert make_links_absolute(html, BASE) == html


def test_the_fragment_comes_back_whole_and_in_order():
    html = 'Intro <a href="/a/">a</a> and <b>bold</b>, <i>then</i> a tail'
    assert make_links_absolute(html, BASE) == (
        'Intro <a href="https://example.org/a/">a</a> and <b>bold</b>,'
        " <i>then</i> a tail"
    )


def test_every_kind_of_relative_url_is_resolved():
    for html, expected in [
        ('<a href = "/x/">x</a>', 'href="https://example.org/x/"'),
        ("<a href='#part'>p</a>", 'href="https://example.org/news/2021/post/#part"'),
        ("<a href=//cdn.example/x>x</a>", 'href="https://cdn.example/x"'),
        (
            '<img src="https://x/a.png" srcset="https://x/a.png 1x, b.png 2x">',
            "https://example.org/news/2021/post/b.png 2x",
        ),
        ('<blockquote cite="q.html">q</blockquote>', "/news/2021/post/q.html"),
        ('<svg><a xlink:href="/s/">s</a></svg>', "https://example.org/s/"),
        (f'<a href{" " * 30}="/far/">x</a>', "https://example.org/far/"),
        ('<p style="background: url(/b.png)">b</p>', "url(https://example.org/b.png)"),
        (
            '<object archive="https://x/a.jar b.jar">o</object>',
            "https://example.org/news/2021/post/b.jar",
        ),
    ]:
        assert expected in make_links_absolute(html, BASE), html


def test_published_items_keep_their_absolute_links_and_ids():
    import datetime as dt

    feed = Atom1Feed(title="t", link="/", description="d")
    common = {"pubdate": dt.datetime(2021, 1, 1, tzinfo=dt.UTC), "title": "x"}
    feed.add_item(
        link="https://example.org/news/x/",
        description='<a href="../y/">y</a>',
        content=None,
        unique_id="tag:example.org,2021-01-01:first",
        **common,
    )
    feed.add_item(
        link="http://example.org/news/z/",
        description="",
        content="<p>plain</p>",
        unique_id="kept",
        **common,
    )
    context = {"SITEURL": "https://example.org", "FEED_DOMAIN": "http://127.0.0.1"}
    absolutise_feed(context, feed)
    first, second = feed.items
    assert feed.feed["link"] == "https://example.org/"
    assert first["link"] == "https://example.org/news/x/"
    # Published ids never change, or feed readers show the items again.
    assert first["unique_id"] == "tag:example.org,2021-01-01:first"
    assert first["description"] == '<a href="https://example.org/news/y/">y</a>'
    assert first["content"] is None
    assert second["unique_id"] == "kept" and second["description"] == ""
    assert second["content"] == "<p>plain</p>"


def test_empty_html_is_returned_as_it_is():
    assert make_links_absolute("", BASE) == ""
    assert make_links_absolute(None, BASE) is None


def test_a_built_feed_has_absolute_links(tmp_path):
    import uuid

    from pelican import Pelican, signals
    from pelican.settings import read_settings

    from feed_links import feed_links

    content = tmp_path / "content"
    content.mkdir()
    slug = f"post-{uuid.uuid4().hex[:8]}"
    (content / f"{slug}.md").write_text(
        f"Title: Post\nDate: 2021-05-01\nSlug: {slug}\n\n"
        "See [the schedule](/schedule/) and ![a map](map.png).\n"
    )
    settings = read_settings(
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "PLUGINS": [feed_links],
            "SITEURL": "https://example.org",
            "FEED_ALL_ATOM": "all.atom.xml",
            "ARTICLE_URL": "news/{slug}/",
            "ARTICLE_SAVE_AS": "news/{slug}/index.html",
            "CACHE_CONTENT": False,
        }
    )
    try:
        Pelican(settings).run()
    finally:
        signals.feed_generated.disconnect(feed_links.absolutise_feed)
    feed = (tmp_path / "out/all.atom.xml").read_text(encoding="utf-8")
    assert 'href="https://example.org/schedule/"' in feed
    assert f'src="https://example.org/news/{slug}/map.png"' in feed
