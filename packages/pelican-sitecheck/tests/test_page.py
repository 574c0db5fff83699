"""Parsing a page: ids, links, resources and images."""

from pelican.plugins.sitecheck.internal import check_site
from pelican.plugins.sitecheck.page import parse_page, parse_srcset
from sitecheck_helpers import html


def parse(body, head=""):
    return parse_page(html(body, head).encode())


def test_ids_and_names_are_fragment_targets_and_duplicates_are_found():
    page = parse(
        '<h2 id="dates">Dates</h2><a name="old-anchor"></a>\n'
        '<p id="dates">again</p><span id="other"></span>'
    )
    assert page.ids == {"dates", "old-anchor", "other"}
    assert page.duplicate_ids == {"dates": [4, 5]}


def test_links_and_resources_are_told_apart():
    page = parse(
        '<a href="/a/">a</a><script src="/s.js"></script><area href="/map/">'
        '<iframe src="https://video.example/x"></iframe>'
        '<video src="/v.mp4" poster="/p.jpg"></video>',
        head='<link rel="stylesheet" href="/c.css"><link rel="canonical" href="/">'
        '<link rel="alternate" href="/feeds/all.atom.xml">'
        '<link rel="preconnect" href="https://fonts.example">'
        '<meta property="og:image" content="/og.png">',
    )
    refs = {(ref.url, ref.resource) for ref in page.refs}
    assert refs == {
        ("/c.css", True),
        ("/", False),
        ("/feeds/all.atom.xml", False),
        ("/og.png", False),
        ("/a/", False),
        ("/s.js", True),
        ("/map/", False),
        ("https://video.example/x", True),
        ("/v.mp4", True),
        ("/p.jpg", True),
    }
    assert page.refs[0].element == '<link href="/c.css">'


def test_elements_marked_ignore_are_skipped_but_their_ids_count():
    page = parse('<a id="x" href="/gone/" data-sitecheck-ignore>x</a>')
    assert page.refs == []
    assert page.ids == {"x"}


def test_srcset_candidates_with_w_and_x_descriptors():
    assert parse_srcset("a.jpg 480w, b.jpg 960w") == [
        ("a.jpg", "480w"),
        ("b.jpg", "960w"),
    ]
    # As in the HTML spec: a URL ends at white space, so "a.jpg,b.jpg" is one URL.
    assert parse_srcset(" a.jpg, b.jpg 2x ,c%20d.jpg 3x,e.jpg,f.jpg") == [
        ("a.jpg", ""),
        ("b.jpg", "2x"),
        ("c%20d.jpg", "3x"),
        ("e.jpg,f.jpg", ""),
    ]
    assert parse_srcset("") == []


def test_picture_sources_belong_to_their_img():
    page = parse(
        '<picture><source srcset="a.webp 1x, a2.webp 2x" type="image/webp">'
        '<img src="a.jpg" alt="A" width="10" height="20"></picture>'
    )
    (img,) = page.images
    assert img.sources == [("a.webp", "1x"), ("a2.webp", "2x")]
    assert (img.src, img.alt, img.width, img.height) == ("a.jpg", "A", "10", "20")
    assert page.refs == []


def test_empty_document_and_base_href():
    assert parse_page(b"").refs == []
    assert parse("", head='<base href="/docs/">').base == "/docs/"


def test_css_urls_are_resources_found_on_their_own_line(output, config):
    output(
        "index.html",
        html(
            "<style>\nh1 { color: teal }\nh2 { background: url(/images/gone.png) }\n"
            "</style>\n"
            '<p style="background: url(http://cdn.example/a.png)">x</p>'
        ),
    )
    found, _ = check_site(output.root, config)
    assert sorted((f.code, f.page_line, f.element) for f in found) == [
        ("broken-link", 6, "<style> url(/images/gone.png)"),
        # http:// in CSS is loaded by the page: mixed content, not a link.
        ("mixed-content", 8, '<p style="... url(http://cdn.example/a.png) ...">'),
    ]


def test_attribute_values_are_read_in_any_letter_case():
    page = parse(
        '<input type="IMAGE" src="/go.png" alt="Go">'
        '<meta http-equiv="Refresh" content="0; url=/moved/">',
        head='<link rel="StyleSheet" href="/c.css"><link rel="DNS-Prefetch"'
        ' href="https://cdn.example"><meta property="OG:Image" content="/og.png">',
    )
    assert sorted((ref.url, ref.resource) for ref in page.refs) == [
        ("/c.css", True),
        ("/go.png", True),
        ("/moved/", False),
        ("/og.png", False),
    ]


def test_only_the_first_base_counts_and_decorative_roles():
    page = parse(
        '<img src="a.png" role="none"><img src="b.png" role="presentation">'
        '<img src="c.png" aria-hidden="true"><img src="d.png" aria-hidden="false">',
        head='<base href="/first/"><base href="/second/">',
    )
    assert page.base == "/first/"
    assert [img.decorative for img in page.images] == [True, True, True, False]


def test_long_urls_are_shortened_in_findings(output, config):
    url = "/" + "a" * 100
    output("index.html", html(f'<a href="{url}">x</a>'))
    ((finding,),) = [check_site(output.root, config)[0]]
    assert finding.element == f'<a href="{url[:77]}...">'


def test_sources_of_a_picture_and_of_a_video():
    page = parse(
        '<picture><source srcset="a.avif" type="image/avif"><source type="x">'
        '<source srcset="a.webp 1x, a2.webp 2x">'
        '<img src="a.jpg" srcset="a-2.jpg 2x" alt="A"></picture>'
        '<video><source src="/v.mp4"></video>'
    )
    (img,) = page.images
    assert img.sources == [("a.avif", ""), ("a.webp", "1x"), ("a2.webp", "2x")]
    assert img.srcset == [("a-2.jpg", "2x")]
    assert [(ref.url, ref.resource) for ref in page.refs] == [("/v.mp4", True)]
