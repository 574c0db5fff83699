"""Internal links, fragments, ids, http://, feeds, sitemaps and style sheets."""

import pytest
from sitecheck_helpers import GENERIC, SITEURL, findings, html, in_output, table


@pytest.fixture
def pages(site):
    """A small site with clean URLs."""
    site("index.html", html('<h1 id="top-news">News</h1>'))
    site("about/index.html", html('<h1 id="team">About</h1>'))
    site("about.html", html("<p>About</p>"))
    site("aims/index.html", html("<p>Aims</p>"))
    site("news/2021/cfp/index.html", html('<h2 id="dates">D</h2><a name="old"></a>'))
    site("news/2021/other/index.html", html('<p id="part-4">Grants</p>'))
    site("old.htm", html('<h2 id="part">Part</h2>'))
    site("images/photo.jpg", (40, 30))
    site("images/figure-12.png", (40, 30))
    site(
        "icons.svg", '<svg xmlns="http://www.w3.org/2000/svg"><symbol id="home"/></svg>'
    )
    site("files/call for papers.pdf", "%PDF")
    site("talks/keynote.vtt", "WEBVTT")
    site("theme/css/main.css", "body {}")
    return site


def found(site, body, head="", **settings):
    site("links.html", html(body, head))
    return [(f.code, f.element, f.fix) for f in findings(site.root, **settings)]


PLACES = """
<a href="/gone.png">x</a> | <a href="/gone.png">
<area href="/gone.png"> | <area href="/gone.png">
<link rel="stylesheet" href="/gone.png"> | <link href="/gone.png">
<link rel="StyleSheet" href="/gone.png"> | <link href="/gone.png">
<link rel="canonical" href="/gone.png"> | <link href="/gone.png">
<link rel="alternate" href="/gone.png"> | <link href="/gone.png">
<script src="/gone.png"></script> | <script src="/gone.png">
<iframe src="/gone.png"></iframe> | <iframe src="/gone.png">
<embed src="/gone.png"> | <embed src="/gone.png">
<video src="/gone.png"></video> | <video src="/gone.png">
<video poster="/gone.png"></video> | <video poster="/gone.png">
<video><source src="/gone.png"></video> | <source src="/gone.png">
<audio src="/gone.png"></audio> | <audio src="/gone.png">
<video><track src="/gone.png"></video> | <track src="/gone.png">
<object data="/gone.png"></object> | <object data="/gone.png">
<form action="/gone.png"></form> | <form action="/gone.png">
<input type="image" src="/gone.png" alt="Go"> | <input src="/gone.png">
<input type="IMAGE" src="/gone.png" alt="Go"> | <input src="/gone.png">
<blockquote cite="/gone.png">q</blockquote> | <blockquote cite="/gone.png">
<q cite="/gone.png">q</q> | <q cite="/gone.png">
<del cite="/gone.png">d</del> | <del cite="/gone.png">
<ins cite="/gone.png">i</ins> | <ins cite="/gone.png">
<svg><use href="/gone.png#x"></use></svg> | <use href="/gone.png#x">
<svg><use xlink:href="/gone.png#x"></use></svg> | <use xlink:href="/gone.png#x">
<meta property="og:image" content="/gone.png"> | <meta content="/gone.png">
<meta property="OG:Image" content="/gone.png"> | <meta content="/gone.png">
<meta http-equiv="refresh" content="0; URL='/gone.png'"> | <meta content="/gone.png">
<meta http-equiv="Refresh" content="0; url=/gone.png"> | <meta content="/gone.png">
<p style="background: url(/gone.png)">x</p> | <p style="... url(/gone.png) ...">
<style> h1 { background: url('/gone.png') }</style> | <style> url(/gone.png)
<style>@import "/gone.png";</style> | <style> url(/gone.png)
<img src="/gone.png" alt="x" width="4" height="3"> | <img src="/gone.png">
<img src="/images/photo.jpg" srcset="/gone.png 2x" alt="x" width="40" height="30"> | \
<img srcset="... /gone.png ...">
<picture><source srcset="/gone.png 1x"><img src="/images/photo.jpg" alt="x" \
width="40" height="30"></picture> | <img srcset="... /gone.png ...">
"""


@pytest.mark.parametrize(("markup", "element"), table(PLACES))
def test_every_place_a_url_can_be_is_checked(pages, markup, element):
    ((code, found_element, fix),) = found(pages, markup)
    code_wanted = "img-missing" if element.startswith("<img") else "broken-link"
    assert (code, found_element, fix) == (code_wanted, element, GENERIC)


@pytest.mark.parametrize(
    "markup",
    [
        # Correct URLs in each kind of place.
        '<link rel="stylesheet" href="/theme/css/main.css">'
        '<link rel="preconnect" href="/gone/"><link rel="dns-prefetch" href="/gone/">',
        '<p style="background: url(/images/photo.jpg)">x</p>',
        '<p style="background: url(data:image/png;base64,AAAA)">x</p>',
        "<style>/* url(/gone.png) */ h1 { color: red }</style>",
        '<meta http-equiv="refresh" content="30">',
        '<form action=""></form><form></form>',
        '<svg><use href="/icons.svg#home"></use><use href="#top"></use></svg>',
        '<input type="text" src="/ignored">',
        '<blockquote cite="https://elsewhere.example/q">q</blockquote>',
        '<video src="/talks/keynote.vtt" poster="/images/photo.jpg"></video>',
        # Marked to be skipped; its id still counts.
        '<a id="x" href="/gone/" data-sitecheck-ignore>x</a><a href="#x">x</a>',
        # The URL forms a browser opens.
        '<a href="/news/2021/cfp/">clean URL</a><a href="/news/2021/cfp">no slash</a>',
        '<a href="/news/2021/cfp/index.html">x</a><a href="news/2021/cfp/">x</a>',
        '<a href="./news/2021/cfp/#dates">x</a><a href="../news/2021/cfp/#dates">x</a>',
        f'<a href="{SITEURL}/news/2021/cfp/#dates">SITEURL-absolute</a>',
        '<a href="//example.org/news/2021/cfp/">protocol-relative</a>',
        '<a href="/news/2021/cfp/?ref=feed#old">query; an a name</a>',
        '<a href="/about">about.html</a><a href=" /about.html ">spaces</a>',
        '<a href="/about.html?x=1#top">x</a><a href="/news/2021/cfp#old">x</a>',
        '<a href="/files/call%20for%20papers.pdf">percent-encoded</a>',
        '<a href="/files/call for papers.pdf#page=2">a space; a PDF fragment</a>',
        '<a href="files/call%20for%20papers.pdf">x</a>',
        '<a href="//example.org/files/call%20for%20papers.pdf">x</a>',
        f'<a href="{SITEURL}/files/call for papers.pdf">x</a>',
        '<a href="/old.htm#part">x</a><a href="/old.htm#:~:text=Part">#:~:</a>',
        '<a href="#top">x</a><a href="">itself</a><a href="#:~:text=News">x</a>',
        '<a href="mailto:chairs@example.org">x</a><a href="tel:+33">x</a>',
        '<a href="https://elsewhere.example/#anything">external: not checked here</a>',
        '<a href="x.html">x</a><a href="team/">y</a>',  # from the <base>
    ],
)
def test_correct_urls_pass(pages, markup):
    head = '<base href="/about/"><base href="/aims/">' if "team/" in markup else ""
    pages("about/x.html", html("x"))
    pages("about/team/index.html", html("x"))
    assert found(pages, markup, head) == []


def test_relative_links_resolve_from_the_page_folder(pages):
    pages("news/2021/cfp/index.html", html('<a id="dates" href="../../../about">a</a>'))
    pages("news/2021/grants/index.html", html('<a href="../cfp/#dates">c</a>'))
    pages("a/photo.png", (4, 3))
    for folder in ("a", "b"):  # the same URL leads elsewhere from another folder
        pages(f"{folder}/index.html", html('<a href="photo.png">photo</a>'))
    assert [(f.page, f.code) for f in findings(pages.root)] == [
        ("b/index.html", "broken-link")
    ]


FIXES = """
# Left as written by Pelican: the content file does not exist.
{filename}gone.md | broken-link | no file content/gone.md exists: fix the path \
after {filename}
|filename|gone.md | broken-link | no file content/gone.md exists: fix the path \
after |filename|
|static|/images/gone.png | broken-link | no file content/images/gone.png exists: \
fix the path after |static|
# Case only; a typo in the same folder; another extension of the same kind;
# the same name in the nearest other folder.
/AIMS/ | broken-link | link to /aims/
/Images/Photo.JPG | broken-link | link to /images/photo.jpg
/news/2021/cpf/ | broken-link | link to /news/2021/cfp/
/theme/css/mian.css | broken-link | link to /theme/css/main.css
/images/photo.jpeg | broken-link | link to /images/photo.jpg
/news/cfp/ | broken-link | link to /news/2021/cfp/
# Not plausible (the generic fix): another kind of file, another post's
# image, the page itself.
/talks/keynote.srt | broken-link | -
/images/figure-13.png | broken-link | -
/news/2021/cfp-2/ | broken-link | -
/links.htm | broken-link | -
# Fragments: the near id, none for another number, SVG sprites, .htm.
/news/2021/cfp/#date | missing-fragment | link to #dates
/news/2021/other/#part-42 | missing-fragment | add id="part-42" to the target, \
or fix the link
#nowhere | missing-fragment | add id="nowhere" to the target, or fix the link
icons.svg#hom | missing-fragment | link to #home
/old.htm#parts | missing-fragment | link to #part
mailto: | empty-url | set the URL or remove the element
"""


@pytest.mark.parametrize(("href", "code", "fix"), table(FIXES))
def test_the_fix_is_the_plausible_target_or_none(pages, href, code, fix):
    fix = GENERIC if fix == "-" else fix
    assert found(pages, f'<a href="{href}">x</a>') == [
        (code, f'<a href="{href}">', fix)
    ]


MESSAGES = """
broken-link | <a href="y.html"> | broken link: nothing at /b/y.html in the output | \
link to /b/x.html
broken-link | <a href="/{short}..."> | broken link: nothing at /{long} in the output | -
# Not another figure.
img-missing | <img src="/images/figure-13.png"> | image not found: nothing at \
/images/figure-13.png in the output | -
missing-fragment | <a href="/old.htm#parts"> | no id="parts" in old.htm | link to #part
"""


def test_messages_name_what_is_missing(pages):
    pages("b/x.html", html("x"))
    body = (
        '<a href="/old.htm#parts">x</a><a href="x.html">ok</a><a href="y.html">y</a>'
        '<img src="/images/figure-13.png" alt="A figure" width="4" height="3">'
        f'<a href="/{"a" * 100}">long</a>'
    )
    pages("a/index.html", html(body, head='<base href="../b/">'))
    found = [(f.code, f.element, f.message, f.fix) for f in findings(pages.root)]
    text = MESSAGES.replace("{long}", "a" * 100).replace("{short}", "a" * 76)
    assert found == table(text.replace(" | -", f" | {GENERIC}"))


def test_a_missing_page_is_never_told_to_link_to_itself(pages):
    # The nearest spelling of cfpp/ is cfp/, the page that has the link.
    pages("news/2021/cfp/index.html", html('<a href="/news/2021/cfpp/">x</a>'))
    pages("index.html", html('<a href="/news/2021/cfpp/">x</a>'))
    assert [(f.page, f.fix) for f in findings(pages.root)] == [
        ("index.html", "link to /news/2021/cfp/"),
        ("news/2021/cfp/index.html", GENERIC),
    ]


def test_duplicate_ids_name_their_lines(site):
    site("a.html", html('<h2 id="x">A</h2>\n<p id="x">B</p>\n<p id="y"></p>'))
    site("min.html", '<html><body><p id="z"></p><p id="z"></p></body></html>')
    assert [(f.page, f.code, f.fix) for f in findings(site.root)] == [
        ("a.html", "duplicate-id", "give each element its own id"),
        ("min.html", "duplicate-id", "give each element its own id"),
    ]
    assert in_output(site.root) == {
        'id="x"': (5, "id used 2 times (lines 4, 5): #x links are ambiguous"),
        'id="z"': (1, "id used 2 times (all on line 1): #z links are ambiguous"),
    }


def test_http_resources_are_errors_and_http_links_warnings(site):
    body = (
        '<script src="http://c.example/x.js"></script><a href="http://p.example/">x</a>'
        '<a href="https://s.example/">x</a><a href="http://old.example/page">allowed</a>'
        '<img src="http://old.example/i.png" alt="x" width="1" height="1">\n'
        '<p style="background: url(http://c.example/a.png)">x</p>\n'
    )
    head = (
        '<link rel="stylesheet" href="http://c.example/x.css">\n'
        '<meta http-equiv="refresh" content="0; url=http://example.com/">'
    )
    site("index.html", html(body, head))
    allowed = {"SITECHECK_HTTP_LINKS_ALLOWED": [r"^http://old\.example/"]}
    found = findings(site.root, **allowed)
    assert sorted((f.level, f.code, f.element) for f in found) == [
        ("error", "mixed-content", '<img src="http://old.example/i.png">'),
        ("error", "mixed-content", '<link href="http://c.example/x.css">'),
        ("error", "mixed-content", '<p style="... url(http://c.example/a.png) ...">'),
        ("error", "mixed-content", '<script src="http://c.example/x.js">'),
        # A refresh is a link the visitor follows, not a resource.
        ("warning", "insecure-link", '<a href="http://p.example/">'),
        ("warning", "insecure-link", '<meta content="http://example.com/">'),
    ]
    assert {(f.code, f.fix) for f in found} == {
        ("mixed-content", "use https://"),
        ("insecure-link", "use https:// if the site has it"),
    }
    lines = in_output(site.root, **allowed)
    assert lines['<meta content="http://example.com/">'] == (3, "http:// link")
    assert lines['<script src="http://c.example/x.js">'][0] == 5


def test_levels_ignored_pages_and_the_sites_addresses(site):
    site("a/index.html", html("a"))
    site("google123.html", html('<a href="/nope/">n</a>'))
    site(
        "index.html",
        html(
            '<a href="/haet/a/">ok</a><a href="https://www.example.org/haet/a/">ok</a>'
            '<a href="http://127.0.0.1:8000/a/">dev server: http is fine</a>'
            '<a href="/a/">outside the site path</a>'
            '<a href="http://example.org/haet/a/">http to an https site</a>'
        ),
    )
    settings = {
        "SITEURL": "https://example.org/haet",
        "FEED_DOMAIN": "http://127.0.0.1:8000",
        "SITECHECK_INTERNAL_URLS": ["https://www.example.org/haet"],
        "SITECHECK_IGNORE_PAGES": ["google*.html"],
    }
    found = findings(site.root, **settings)
    assert [(f.page, f.level, f.code, f.element[9:-2]) for f in found] == [
        ("index.html", "error", "broken-link", "/a/"),
        ("index.html", "warning", "insecure-link", "http://example.org/haet/a/"),
    ]
    levels = {"insecure-link": "ignore", "broken-link": "warning"}
    found = findings(site.root, **settings, SITECHECK_LEVELS=levels)
    assert [(f.level, f.code) for f in found] == [("warning", "broken-link")]


FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<link href="{SITEURL}/" rel="alternate"/><link rel="hub"/>
<entry><title>CFP</title><link href="{SITEURL}/news/2021/cfp/" rel="alternate"/>
<link href="{SITEURL}/talks/gone.mp3" rel="enclosure"/><summary type="html"></summary>
<content type="html">&lt;p&gt;See &lt;a href="#dates"&gt;dates&lt;/a&gt; and
&lt;a href="#deadline"&gt;the deadline&lt;/a&gt;&lt;img src="http://cdn.example/x.png"
alt="x"&gt;&lt;img alt="no src"&gt;&lt;img src="/images/gone.png" alt="y"&gt;</content>
</entry>
<entry><title>Old</title><link href="{SITEURL}/news/2020/old/" rel="alternate"/>
</entry><link href="{SITEURL}/feeds/gone.atom.xml" rel="self"/></feed>
"""
RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>{SITEURL}/</link>
<item><title>A</title><link>{SITEURL}/news/2021/other/</link>
<description>&lt;a href="{SITEURL}/drafts/soon/"&gt;soon&lt;/a&gt;</description>
<enclosure url="{SITEURL}/talks/keynote.mp3" type="audio/mpeg" length="1"/>
<enclosure url="http://cdn.example/talk.mp3" type="audio/mpeg" length="1"/>
<enclosure type="audio/mpeg" length="1"/></item>
<item><title>Gone</title><link>{SITEURL}/news/2020/gone/</link>
<description>Plain text, no HTML.</description></item>
<item><title>Elsewhere</title><link>http://elsewhere.example/</link><link></link></item>
</channel></rss>
"""
SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{SITEURL}/about/</loc><lastmod>2021-05-07</lastmod>
<changefreq>monthly</changefreq><priority>0.5</priority></url>
<url><loc>{SITEURL}/abuot/</loc></url>
<url><loc>http://example.org/aims/</loc></url>
</urlset>
"""


# Each once: an entry's links are the entry's, not also the feed's; the
# entry's HTML is relative to its page.
FEED_FINDINGS = """
feeds/all.atom.xml | broken-link | <link href="https://example.org/talks/gone.mp3">
feeds/all.atom.xml | broken-link | <link href="https://example.org/news/2020/old/">
feeds/all.atom.xml | broken-link | \
<link href="https://example.org/feeds/gone.atom.xml">
feeds/all.atom.xml | empty-url | <img src="">
feeds/all.atom.xml | img-missing | <img src="/images/gone.png">
feeds/all.atom.xml | missing-fragment | <a href="#deadline">
feeds/all.atom.xml | mixed-content | <img src="http://cdn.example/x.png">
feeds/all.rss.xml | broken-link | \
<enclosure url="https://example.org/talks/keynote.mp3">
feeds/all.rss.xml | broken-link | <link>https://example.org/news/2020/gone/</link>
feeds/all.rss.xml | empty-url | <enclosure url="">
feeds/all.rss.xml | insecure-link | <link>http://elsewhere.example/</link>
feeds/all.rss.xml | mixed-content | <enclosure url="http://cdn.example/talk.mp3">
sitemap.xml | broken-link | <loc>https://example.org/abuot/</loc>
sitemap.xml | insecure-link | <loc>http://example.org/aims/</loc>
"""


def test_feeds_and_sitemaps(pages, tmp_path):
    (tmp_path / "secret.txt").write_text("/secret-path/")
    pages("feeds/all.atom.xml", FEED)
    pages("feeds/all.rss.xml", RSS)
    pages("sitemap.xml", SITEMAP)
    pages(
        "feeds/entities.rss.xml",  # an external entity is never loaded
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY s SYSTEM'
        f' "file://{tmp_path}/secret.txt">]>\n<rss version="2.0"><channel>'
        "<title>t</title><link>&s;</link></channel></rss>\n",
    )
    pages("drafts/soon/index.html", html("<p>Soon</p>"))
    found = sorted((f.page, f.code, f.element) for f in findings(pages.root))
    assert found == sorted(table(FEED_FINDINGS))
    lines = in_output(pages.root)
    assert lines['<img src="http://cdn.example/x.png">'][0] == 8  # the entry's HTML
    assert lines['<enclosure url="">'] == (7, "empty URL")
    assert lines["<link>http://elsewhere.example/</link>"] == (10, "http:// link")
    assert lines["<loc>http://example.org/aims/</loc>"] == (6, "http:// link")


HTTP_CSS = "url(http://cdn.example/a.png)"


def test_style_sheets_relative_to_their_folder_after_comments_in_any_encoding(site):
    site("images/photo.jpg", (4, 3))
    site("theme/css/print.css", "")
    site(
        "theme/css/main.css",
        '@import "print.css";\nbody { background: url("../../images/photo.jpg") }\n'
        "/* A comment\n   on url(three.png)\n   lines */\n"
        "h1 { background: url(../img/gone.png) }\n",
    )
    site.root.joinpath("theme/css/old.css").write_bytes(
        b"\n/* caf\xe9 */\nh1 { background: url(http://cdn.example/a.png) }\n"
        b"h2 { background: url(gone.png) }\n"
    )
    assert [(f.page, f.code, f.element) for f in findings(site.root)] == [
        ("theme/css/main.css", "broken-link", "url(../img/gone.png)"),
        ("theme/css/old.css", "broken-link", "url(gone.png)"),
        # A style sheet's http:// URLs are loaded by the page: mixed content.
        ("theme/css/old.css", "mixed-content", HTTP_CSS),
    ]
    lines = {element: line for element, (line, _) in in_output(site.root).items()}
    assert lines == {"url(../img/gone.png)": 6, "url(gone.png)": 4, HTTP_CSS: 3}


def test_an_unreadable_page_or_feed_is_one_finding(site):
    site("feeds/all.atom.xml", "<feed><entry>")
    (site.root / "gone.html").symlink_to(site.root / "nowhere.html")
    found = findings(site.root)
    assert [(f.level, f.code, f.page, f.fix) for f in found] == [
        ("error", "unreadable-page", "feeds/all.atom.xml", UNREADABLE),
        ("error", "unreadable-page", "gone.html", UNREADABLE),
    ]
    for finding in found:
        assert finding.message.startswith("cannot parse the page: ")
        assert finding.message != "cannot parse the page: None"


UNREADABLE = "fix the template or content that writes it"
