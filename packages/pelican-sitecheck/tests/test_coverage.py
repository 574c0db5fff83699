"""URLs outside <a href> and <img src>: CSS, refresh, object, form, svg use,
input image, cite, feeds and sitemaps; links to drafts; |filename|; and the
fix each kind of broken reference gets."""

import pytest
from pelican.plugins.sitecheck.internal import Sources, check_site
from sitecheck_helpers import SITEURL, html


@pytest.fixture
def site(output):
    output("about/index.html", html('<h1 id="team">About</h1>'))
    output("aims/index.html", html("<p>Aims</p>"))
    output("news/2021/cfp/index.html", html('<h2 id="dates">Dates</h2>'))
    output("news/2021/grants/index.html", html("<p>Grants</p>"))
    output("images/photo.jpg", (40, 30))
    output("images/figure-12.png", (40, 30))
    output("images/icons.svg", '<svg xmlns="http://www.w3.org/2000/svg" id="x"/>')
    output("talks/keynote.vtt", "WEBVTT")
    output("talks/keynote.mp4", "mp4")
    output("theme/css/main.css", "body {}")
    output("drafts/soon/index.html", html("<p>Soon</p>"))
    return output


def problems(output, config, sources=None):
    found, _ = check_site(output.root, config, sources)
    return sorted((f.code, f.page, f.element, f.fix) for f in found)


GENERIC = (
    "link to a file that exists (in content: a {filename} or {static} link to"
    " the source file)"
)


@pytest.mark.parametrize(
    ("markup", "element"),
    [
        (
            '<p style="background: url(/images/gone.png)">x</p>',
            '<p style="... url(/images/gone.png) ...">',
        ),
        (
            "<style>\nh1 { background: url('/images/gone.png') }</style>",
            "<style> url(/images/gone.png)",
        ),
        (
            '<meta http-equiv="refresh" content="0; URL=\'/images/gone.png\'">',
            '<meta content="/images/gone.png">',
        ),
        (
            '<object data="/images/gone.png"></object>',
            '<object data="/images/gone.png">',
        ),
        ('<form action="/images/gone.png"></form>', '<form action="/images/gone.png">'),
        (
            '<svg><use href="/images/gone.png#x"></use></svg>',
            '<use href="/images/gone.png#x">',
        ),
        (
            '<svg><use xlink:href="/images/gone.png#x"></use></svg>',
            '<use xlink:href="/images/gone.png#x">',
        ),
        (
            '<input type="image" src="/images/gone.png" alt="Go">',
            '<input src="/images/gone.png">',
        ),
        (
            '<blockquote cite="/images/gone.png">q</blockquote>',
            '<blockquote cite="/images/gone.png">',
        ),
        ('<q cite="/images/gone.png">q</q>', '<q cite="/images/gone.png">'),
    ],
)
def test_every_place_a_url_can_be_is_checked(site, config, markup, element):
    site("index.html", html(markup))
    assert problems(site, config) == [("broken-link", "index.html", element, GENERIC)]


@pytest.mark.parametrize(
    "markup",
    [
        '<p style="background: url(/images/photo.jpg)">x</p>',
        '<p style="background: url(data:image/png;base64,AAAA)">x</p>',
        "<style>/* url(/images/gone.png) */ h1 { color: red }</style>",
        '<meta http-equiv="refresh" content="30">',
        '<form action=""></form><form></form>',
        '<svg><use href="/images/icons.svg#x"></use><use href="#top"></use></svg>',
        '<input type="text" src="/ignored">',
        '<blockquote cite="https://elsewhere.example/q">q</blockquote>',
    ],
)
def test_correct_urls_in_those_places_pass(site, config, markup):
    site("index.html", html(markup))
    assert problems(site, config) == []


def test_style_sheets_are_checked_relative_to_their_folder(site, config):
    site(
        "theme/css/main.css",
        '@import "print.css";\nbody { background: url("../../images/photo.jpg") }\n'
        "h1 { background: url(../img/gone.png) }\n",
    )
    site("theme/css/print.css", "")
    found, _ = check_site(site.root, config)
    assert [(f.code, f.page, f.element, f.page_line) for f in found] == [
        ("broken-link", "theme/css/main.css", "url(../img/gone.png)", 3)
    ]


FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<link href="{SITEURL}/" rel="alternate"/>
<link href="{SITEURL}/feeds/all.atom.xml" rel="self"/>
<entry><title>CFP</title>
<link href="{SITEURL}/news/2021/cfp/" rel="alternate"/>
<content type="html">&lt;p&gt;See &lt;a href="#dates"&gt;dates&lt;/a&gt; and
&lt;a href="#deadline"&gt;the deadline&lt;/a&gt;&lt;img src="/images/gone.png"
alt="x"&gt;&lt;/p&gt;</content></entry>
<entry><title>Old</title><link href="{SITEURL}/news/2020/old/" rel="alternate"/>
</entry></feed>
"""
RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>{SITEURL}/</link>
<item><title>A</title><link>{SITEURL}/news/2021/grants/</link>
<description>&lt;a href="{SITEURL}/drafts/soon/"&gt;soon&lt;/a&gt;</description>
<enclosure url="{SITEURL}/talks/keynote.mp3" type="audio/mpeg" length="1"/>
</item></channel></rss>
"""
SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{SITEURL}/about/</loc></url>
<url><loc>{SITEURL}/abuot/</loc></url>
</urlset>
"""


def test_feeds_and_sitemaps(site, config):
    site("index.html", html("<p>Home</p>"))
    site("feeds/all.atom.xml", FEED)
    site("feeds/all.rss.xml", RSS)
    site("sitemap.xml", SITEMAP)
    sources = Sources(
        pages={"news/2021/cfp/index.html": "content/cfp.md"},
        extra=["feeds/all.atom.xml", "feeds/all.rss.xml", "sitemap.xml"],
        drafts={"drafts/soon/index.html"},
    )
    found, _ = check_site(site.root, config, sources)
    # Each once: an entry's links are the entry's, not also the feed's.
    assert sorted((f.code, f.page, f.source, f.element) for f in found) == sorted(
        {
            (
                "broken-link",
                "feeds/all.atom.xml",
                "theme",
                f'<link href="{SITEURL}/news/2020/old/">',
            ),
            (
                "broken-link",
                "feeds/all.rss.xml",
                "theme",
                f'<enclosure url="{SITEURL}/talks/keynote.mp3">',
            ),
            ("broken-link", "sitemap.xml", "theme", f"<loc>{SITEURL}/abuot/</loc>"),
            (
                "draft-link",
                "feeds/all.rss.xml",
                "theme",
                f'<a href="{SITEURL}/drafts/soon/">',
            ),
            # The entry's HTML: relative to its page, and the page's content file.
            (
                "broken-link",
                "feeds/all.atom.xml",
                "content/cfp.md",
                '<img src="/images/gone.png">',
            ),
            (
                "missing-fragment",
                "feeds/all.atom.xml",
                "content/cfp.md",
                '<a href="#deadline">',
            ),
        }
    )
    lines = {f.element: f.page_line for f in found}
    assert lines['<a href="#deadline">'] == 8


def test_a_published_page_linking_to_a_draft(site, config):
    site("index.html", html('<a href="/drafts/soon/">soon</a>'))
    site("drafts/soon/index.html", html('<a href="/drafts/soon/">itself</a>'))
    sources = Sources(
        pages=dict.fromkeys(["index.html", "drafts/soon/index.html"]),
        drafts={"drafts/soon/index.html"},
    )
    (finding,) = check_site(site.root, config, sources)[0]
    assert (finding.code, finding.page) == ("draft-link", "index.html")
    assert "publish it (Status: published)" in finding.fix
    # A list of drafts for previews, in the drafts' folder, may link to them.
    site("drafts/index.html", html('<a href="/drafts/soon/">soon</a>'))
    sources.pages["drafts/index.html"] = None
    sources.draft_folders = ("drafts/",)
    assert [f.page for f in check_site(site.root, config, sources)[0]] == ["index.html"]


@pytest.mark.parametrize(
    ("href", "fix"),
    [
        # Left as written by Pelican: the content file does not exist.
        (
            "{filename}gone.md",
            "no file content/gone.md exists: fix the path after {filename}",
        ),
        (
            "|filename|gone.md",
            "no file content/gone.md exists: fix the path after |filename|",
        ),
        (
            "|static|/images/gone.png",
            "no file content/images/gone.png exists: fix the path after |static|",
        ),
        # Case only.
        ("/AIMS/", "link to /aims/"),
        ("/Images/Photo.JPG", "link to /images/photo.jpg"),
        # A typo in the same folder.
        ("/news/2021/cpf/", "link to /news/2021/cfp/"),
        ("/theme/css/mian.css", "link to /theme/css/main.css"),
        # Another extension of the same kind.
        ("/images/photo.jpeg", "link to /images/photo.jpg"),
        # The same name in the nearest other folder.
        ("/news/cfp/", "link to /news/2021/cfp/"),
        # Not plausible: another kind of file, another post's image, the page itself.
        ("/talks/keynote.srt", GENERIC),
        ("/images/figure-13.png", GENERIC),
        ("/news/2021/cfp-2/", GENERIC),
        ("/index.htm", GENERIC),
    ],
)
def test_the_fix_is_the_plausible_target_or_none(site, config, href, fix):
    site("index.html", html(f'<a href="{href}">x</a>'))
    ((code, _, _, given),) = problems(site, config)
    assert (code, given) == ("broken-link", fix)


def test_a_missing_page_is_never_told_to_link_to_itself(site, config):
    # The nearest spelling of cfpp/ is cfp/, the page that has the link.
    site("news/2021/cfp/index.html", html('<a href="/news/2021/cfpp/">x</a>'))
    site("index.html", html('<a href="/news/2021/cfpp/">x</a>'))
    assert [(page, fix) for _, page, _, fix in problems(site, config)] == [
        ("index.html", "link to /news/2021/cfp/"),
        ("news/2021/cfp/index.html", GENERIC),
    ]


def test_missing_images_are_not_pointed_at_other_images(site, config):
    site("index.html", html('<img src="/images/figure-13.png" alt="A figure">'))
    ((code, _, _, fix),) = problems(site, config)
    assert (code, fix) == ("img-missing", GENERIC)


def test_a_refresh_to_http_is_an_insecure_link_on_its_line(output, config):
    """A refresh is a link the visitor follows (a warning), not a resource the
    page loads (mixed content, an error); its finding names its line."""
    output(
        "old/index.html",
        html(
            "<p>Moved.</p>",
            head='\n<meta http-equiv="refresh" content="0; url=http://example.com/">',
        ),
    )
    found, _ = check_site(output.root, config)
    assert [(f.code, f.page, f.page_line) for f in found] == [
        ("insecure-link", "old/index.html", 3)  # the <meta> line
    ]


def feed_findings(site, config, name, text, pages=None):
    site("index.html", html("<p>Home</p>"))
    site(name, text)
    sources = Sources(pages=pages or {}, extra=[name])
    found, _ = check_site(site.root, config, sources)
    return sorted((f.code, f.source, f.element, f.page_line) for f in found)


# Feed entries after the feed's own links, a feed-level link after the entries,
# http:// enclosures (resources: mixed content), a link without href, an empty
# summary, an enclosure without url, an entry whose HTML has its own problems.
ATOM_ORDER = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<entry><title>CFP</title><link href="{SITEURL}/news/2021/cfp/" rel="alternate"/>
<link href="{SITEURL}/talks/gone.mp3" rel="enclosure"/>
<summary type="html"></summary>
<content type="html">&lt;p&gt;&lt;a href="#dates"&gt;dates&lt;/a&gt;
&lt;img src="http://cdn.example/x.png" alt="x"&gt;&lt;img alt="no src"&gt;
&lt;iframe src="http://video.example/v"&gt;&lt;/iframe&gt;&lt;/p&gt;</content></entry>
<link rel="hub"/>
<link href="{SITEURL}/feeds/gone.atom.xml" rel="self"/>
</feed>
"""


def test_atom_feed_links_entries_and_their_html(site, config):
    found = feed_findings(
        site,
        config,
        "feeds/all.atom.xml",
        ATOM_ORDER,
        {"news/2021/cfp/index.html": "content/cfp.md"},
    )
    assert found == [
        ("broken-link", "content/cfp.md", f'<link href="{SITEURL}/talks/gone.mp3">', 4),
        ("broken-link", "theme", f'<link href="{SITEURL}/feeds/gone.atom.xml">', 10),
        ("empty-url", "content/cfp.md", '<img src="">', 7),
        ("mixed-content", "content/cfp.md", '<iframe src="http://video.example/v">', 8),
        ("mixed-content", "content/cfp.md", '<img src="http://cdn.example/x.png">', 7),
    ]


RSS_ITEMS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>{SITEURL}/</link>
<item><title>CFP</title><link>{SITEURL}/news/2021/cfp/</link>
<description>&lt;a href="#deadline"&gt;the deadline&lt;/a&gt;</description>
<enclosure url="http://cdn.example/talk.mp3" type="audio/mpeg" length="1"/>
<enclosure type="audio/mpeg" length="1"/>
</item>
<item><title>Gone</title><link>{SITEURL}/news/2020/gone/</link>
<description>Plain text, no HTML.</description></item>
<item><title>Elsewhere</title><link>http://elsewhere.example/</link><link></link></item>
</channel></rss>
"""


def test_a_feed_finding_outside_entries_is_the_themes(site, config):
    site("index.html", html("<p>Home</p>"))
    site("feeds/all.atom.xml", ATOM_ORDER)
    found, _ = check_site(site.root, config, Sources(extra=["feeds/all.atom.xml"]))
    assert [
        (f.source, f.from_theme, f.target)
        for f in found
        if f.element.endswith('gone.atom.xml">')
    ] == [("theme", True, "feeds/gone.atom.xml")]


def test_rss_items_links_and_enclosures(site, config):
    found = feed_findings(
        site,
        config,
        "feeds/all.rss.xml",
        RSS_ITEMS,
        {"news/2021/cfp/index.html": "content/cfp.md"},
    )
    assert found == [
        ("broken-link", "theme", f"<link>{SITEURL}/news/2020/gone/</link>", 8),
        ("empty-url", "content/cfp.md", '<enclosure url="">', 6),
        ("insecure-link", "theme", "<link>http://elsewhere.example/</link>", 10),
        ("missing-fragment", "content/cfp.md", '<a href="#deadline">', 4),
        (
            "mixed-content",
            "content/cfp.md",
            '<enclosure url="http://cdn.example/talk.mp3">',
            5,
        ),
    ]


def test_sitemap_dates_and_priorities_are_not_urls(site, config):
    sitemap = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{SITEURL}/about/</loc><lastmod>2021-05-07</lastmod>
<changefreq>monthly</changefreq><priority>0.5</priority></url>
<url><loc>http://example.org/aims/</loc></url>
</urlset>
"""
    assert feed_findings(site, config, "sitemap.xml", sitemap) == [
        ("insecure-link", "theme", "<loc>http://example.org/aims/</loc>", 5)
    ]


def test_urls_after_a_comment_keep_their_line(site, config):
    site(
        "theme/css/main.css",
        "/* A comment\n   on url(three.png)\n   lines */\n"
        'h1 { background: url("../img/gone.png") }\n',
    )
    found, _ = check_site(site.root, config)
    assert [(f.element, f.page_line) for f in found] == [("url(../img/gone.png)", 4)]


def test_a_style_sheet_in_another_encoding_is_still_checked(site, config):
    site.root.joinpath("theme/css/old.css").write_bytes(
        b"\n/* caf\xe9 */\nh1 { background: url(http://cdn.example/a.png) }\n"
        b"h2 { background: url(gone.png) }\n"
    )
    found, _ = check_site(site.root, config)
    assert sorted((f.code, f.element, f.page_line) for f in found) == [
        ("broken-link", "url(gone.png)", 4),
        # A style sheet's http:// URLs are loaded by the page: mixed content.
        ("mixed-content", "url(http://cdn.example/a.png)", 3),
    ]


def test_an_unreadable_feed_is_one_finding_of_the_theme(site, config):
    found = check_site(
        site.root,
        config,
        Sources(
            extra=[
                str(site("feeds/all.atom.xml", "<feed><entry>").relative_to(site.root))
            ]
        ),
    )[0]
    assert [
        (f.level, f.code, f.page, f.source, f.element, f.page_line, f.from_theme)
        for f in found
    ] == [
        (
            "error",
            "unreadable-page",
            "feeds/all.atom.xml",
            "theme",
            "the file",
            None,
            True,
        )
    ]
    assert found[0].message.startswith("cannot parse the page: ")
    assert found[0].message != "cannot parse the page: None"


def test_a_feed_never_loads_external_entities(site, config, tmp_path):
    (tmp_path / "secret.txt").write_text("/secret-path/")
    feed = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY s SYSTEM'
        f' "file://{tmp_path}/secret.txt">]>\n<rss version="2.0"><channel>'
        "<title>t</title><link>&s;</link></channel></rss>\n"
    )
    assert feed_findings(site, config, "feeds/all.rss.xml", feed) == []


def test_a_feed_copied_from_content_names_its_file_and_lines(site, config):
    site("index.html", html("<p>Home</p>"))
    site("feeds/old.atom.xml", ATOM_ORDER)
    sources = Sources(
        static={"feeds/old.atom.xml": "content/extra/old.atom.xml"},
        extra=["feeds/old.atom.xml"],
    )
    found, _ = check_site(site.root, config, sources)
    assert {f.page for f in found} == {"feeds/old.atom.xml"}
    assert sorted((f.code, f.source, f.line, f.target) for f in found) == [
        ("broken-link", "content/extra/old.atom.xml", 4, "talks/gone.mp3"),
        ("broken-link", "content/extra/old.atom.xml", 10, "feeds/gone.atom.xml"),
        ("empty-url", "content/extra/old.atom.xml", 7, ""),
        ("mixed-content", "content/extra/old.atom.xml", 7, "http://cdn.example/x.png"),
        ("mixed-content", "content/extra/old.atom.xml", 8, "http://video.example/v"),
    ]


def test_a_feed_entry_is_its_content_files_at_its_line(site, config, tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content/cfp.md").write_text(
        "Title: CFP\n\nSee [the deadline](#deadline).\n"
    )
    feed = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<entry><title>CFP</title><link href="/news/2021/cfp/" rel="alternate"/>
<content type="html">&lt;a href="#deadline"&gt;the deadline&lt;/a&gt;
&lt;a href="/gone/"&gt;gone&lt;/a&gt;</content>
</entry></feed>
"""
    site("feeds/all.atom.xml", feed)
    sources = Sources(
        pages={"news/2021/cfp/index.html": "content/cfp.md"},
        extra=["feeds/all.atom.xml"],
        project=str(tmp_path),
    )
    found, _ = check_site(site.root, config, sources)
    assert sorted((f.code, f.source, f.line, f.page_line) for f in found) == [
        ("broken-link", "content/cfp.md", None, 5),
        ("missing-fragment", "content/cfp.md", 3, 4),
    ]
    assert [f.target for f in found if f.code == "broken-link"] == ["gone/"]


def test_an_unreadable_page_is_one_finding_of_the_page(site, config):
    (site.root / "news/gone.html").symlink_to(site.root / "nowhere.html")
    found = check_site(site.root, config)[0]
    assert [(f.level, f.code, f.page, f.element, f.page_line) for f in found] == [
        ("error", "unreadable-page", "news/gone.html", "the page", None)
    ]
    assert found[0].message.startswith("cannot parse the page: ")
    assert found[0].message != "cannot parse the page: None"


def test_without_a_build_every_feed_and_style_sheet_is_checked(site, config):
    site(
        "feeds/all.atom.xml",
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        f'<link href="{SITEURL}/gone/"/></entry></feed>',
    )
    site("css/print.css", "a { background: url(gone.png) }")
    found, checked = check_site(site.root, config)
    assert {"feeds/all.atom.xml", "theme/css/main.css"} <= set(checked)
    # In the order of their paths, as the pages are.
    assert [(f.code, f.page) for f in found] == [
        ("broken-link", "css/print.css"),
        ("broken-link", "feeds/all.atom.xml"),
    ]
