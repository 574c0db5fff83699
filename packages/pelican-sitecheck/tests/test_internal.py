"""Internal links, fragments, duplicate ids and insecure URLs on a written output."""

import dataclasses

import pytest
from pelican.plugins.sitecheck.internal import Site, Sources, check_site
from pelican.plugins.sitecheck.settings import Config, SettingsError
from sitecheck_helpers import SITEURL, html


def codes(output, config):
    found, _ = check_site(output.root, config)
    return sorted((f.page, f.code, f.element) for f in found)


@pytest.fixture
def site(output):
    """Pages and files of a small site with clean URLs."""
    output("index.html", html('<h1 id="top-news">News</h1>'))
    output(
        "news/2021/cfp/index.html",
        html('<h2 id="dates">Dates</h2><a name="old"><p id="part-4">'),
    )
    output("about.html", html("<p>About</p>"))
    output("files/call for papers.pdf", "%PDF")
    output("theme/css/main.css", "body {}")
    return output


@pytest.mark.parametrize(
    "href",
    [
        "/news/2021/cfp/",  # root-relative, clean URL
        "/news/2021/cfp",  # a directory: the server adds the slash
        "/news/2021/cfp/index.html",
        "news/2021/cfp/",  # document-relative (RELATIVE_URLS)
        "./news/2021/cfp/#dates",
        f"{SITEURL}/news/2021/cfp/#dates",  # SITEURL-absolute
        "//example.org/news/2021/cfp/",  # protocol-relative, still this site
        "/news/2021/cfp/?ref=feed#old",  # query ignored; <a name> is a target
        "/about",  # served as about.html
        "/files/call%20for%20papers.pdf",  # percent-encoded
        "/files/call for papers.pdf#page=2",  # fragments of non-HTML files
        "#top-news",
        "",  # the page itself
        "mailto:chairs@example.org",
        "https://elsewhere.example/#anything",  # external: not checked here
    ],
)
def test_links_that_resolve_pass(site, config, href):
    site("index.html", html(f'<h1 id="top-news">News</h1><a href="{href}">x</a>'))
    assert codes(site, config) == []


def test_relative_links_resolve_from_the_page_folder(site, config):
    site("news/2021/cfp/index.html", html('<a id="dates" href="../../../about">a</a>'))
    site("news/2021/other/index.html", html('<a href="../cfp/#dates">c</a>'))
    assert codes(site, config) == []


def test_broken_links_and_missing_fragments(site, config):
    site(
        "index.html",
        html(
            '<a href="/news/2021/cpf/">typo</a>\n'
            '<a href="/news/2021/cfp/#date">near miss</a>\n'
            '<a href="/news/2021/cfp/#part-42">another number</a>\n'
            '<a href="#nowhere">x</a>',
            head='<link rel="stylesheet" href="/theme/css/mian.css">',
        ),
    )
    found, _ = check_site(site.root, config)
    assert sorted((f.code, f.element, f.fix) for f in found) == [
        ("broken-link", '<a href="/news/2021/cpf/">', "link to /news/2021/cfp/"),
        (
            "broken-link",
            '<link href="/theme/css/mian.css">',
            "link to /theme/css/main.css",
        ),
        (
            "missing-fragment",
            '<a href="#nowhere">',
            'add id="nowhere" to the target, or fix the link',
        ),
        ("missing-fragment", '<a href="/news/2021/cfp/#date">', "link to #dates"),
        (
            "missing-fragment",
            '<a href="/news/2021/cfp/#part-42">',
            'add id="part-42" to the target, or fix the link',
        ),
    ]
    assert {f.level for f in found} == {"error"}


def test_siteurl_with_a_path_and_other_site_addresses(output):
    config = Config.from_settings(
        {
            "SITEURL": "https://example.org/haet",
            "FEED_DOMAIN": "http://127.0.0.1:8000",
            "SITECHECK_INTERNAL_URLS": ["https://www.example.org/haet"],
        }
    )
    output("a/index.html", html("a"))
    output(
        "index.html",
        html(
            '<a href="/haet/a/">ok</a><a href="https://www.example.org/haet/a/">ok</a>'
            '<a href="http://127.0.0.1:8000/a/">dev server: http is fine</a>'
            '<a href="/a/">outside the site path</a>'
            '<a href="http://example.org/haet/a/">http to an https site</a>'
        ),
    )
    assert codes(output, config) == [
        ("index.html", "broken-link", '<a href="/a/">'),
        ("index.html", "insecure-link", '<a href="http://example.org/haet/a/">'),
    ]


def test_duplicate_ids(output, config):
    output("index.html", html('<h2 id="x">A</h2>\n<p id="x">B</p>\n<p id="y"></p>'))
    (finding,) = check_site(output.root, config)[0]
    assert (finding.code, finding.page_line) == ("duplicate-id", 5)
    assert finding.message == "id used 2 times (lines 4, 5): #x links are ambiguous"


def test_http_resources_are_errors_and_http_links_warnings(output, config):
    output(
        "index.html",
        html(
            '<script src="http://cdn.example/x.js"></script>'
            '<a href="http://plain.example/">x</a>'
            '<a href="https://secure.example/">x</a>',
            head='<link rel="stylesheet" href="http://cdn.example/x.css">',
        ),
    )
    found, _ = check_site(output.root, config)
    assert sorted((f.level, f.code, f.element) for f in found) == [
        ("error", "mixed-content", '<link href="http://cdn.example/x.css">'),
        ("error", "mixed-content", '<script src="http://cdn.example/x.js">'),
        ("warning", "insecure-link", '<a href="http://plain.example/">'),
    ]


def test_only_given_pages_are_checked_and_findings_name_their_source(site, config):
    site("stale.html", html('<a href="/gone/">old build</a>'))
    site("about.html", html('<a href="/gone/">x</a>'))
    sources = Sources(
        pages={"about.html": "content/pages/about.md", "index.html": None}
    )
    found, pages = check_site(site.root, config, sources)
    assert pages == ["about.html", "index.html", "theme/css/main.css"]
    assert [(f.page, f.source, f.code) for f in found] == [
        ("about.html", "content/pages/about.md", "broken-link")
    ]


def test_levels_setting_changes_or_ignores_checks(output, config):
    output(
        "index.html", html('<a href="http://x.example/">x</a><a href="/nope/">n</a>')
    )
    levels = {"insecure-link": "ignore", "broken-link": "warning"}
    found, _ = check_site(output.root, dataclasses.replace(config, levels=levels))
    assert [(f.level, f.code) for f in found] == [("warning", "broken-link")]


def test_ignored_pages(output, config):
    output("google123.html", html('<a href="/nope/">n</a>'))
    config = dataclasses.replace(config, ignore_pages=("google*.html",))
    assert codes(output, config) == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SITECHECK_STRICT": "yes"}, "SITECHECK_STRICT must be True or False"),
        ({"SITECHECK_IMAGE_MAX_BYTES": "200KB"}, "must be a whole number"),
        ({"SITECHECK_LEVELS": {"broken-links": "warning"}}, "'broken-links'"),
        ({"SITECHECK_EXTERNAL_EXCLUDE": "github"}, "must be a list"),
    ],
)
def test_mistyped_settings_are_named(settings, message):
    with pytest.raises(SettingsError, match=message):
        Config.from_settings(settings)


def test_locate_classifies_urls(output, config):
    output("a/index.html", html(""))
    site = Site(output.root, config)
    assert site.locate("x.html", "tel:+33").path is None
    assert site.locate("x.html", "https://other.example/a").external
    target = site.locate("news/x.html", "../a/#b%20c")
    assert (target.file, target.fragment) == ("a/index.html", "b c")


def test_findings_outside_the_content_are_the_themes(output, config):
    content = '<p>Read <a href="/gone-from-content/">this</a>.</p>\n<p>More.</p>'
    output(
        "a/index.html", html(f'<nav><a href="/gone-from-nav/">x</a></nav>\n{content}')
    )
    sources = Sources(
        pages={"a/index.html": "content/a.md"},
        contents={"a/index.html": lambda: content},
    )
    found, _ = check_site(output.root, config, sources)
    assert sorted((f.element, f.source) for f in found) == [
        ('<a href="/gone-from-content/">', "content/a.md"),
        ('<a href="/gone-from-nav/">', "theme"),
    ]


def test_http_links_known_to_have_no_https_can_be_allowed(output):
    output(
        "index.html",
        html(
            '<a href="http://old.example/page">a</a><img src="http://old.example/i.png"'
            ' alt="x" width="1" height="1">'
        ),
    )
    config = Config.from_settings(
        {"SITEURL": SITEURL, "SITECHECK_HTTP_LINKS_ALLOWED": [r"^http://old\.example/"]}
    )
    found = [code for _, code, _ in codes(output, config)]
    assert "insecure-link" not in found
    assert "mixed-content" in found


def test_a_relative_base_href_is_resolved_from_the_page(output, config):
    output("b/x.html", html("x"))
    output(
        "a/index.html",
        html(
            '<a href="x.html">x</a><a href="y.html">y</a>', head='<base href="../b/">'
        ),
    )
    found, _ = check_site(output.root, config)
    assert [(f.code, f.message) for f in found] == [
        ("broken-link", "broken link: nothing at /b/y.html in the output")
    ]


def content_findings(output, config, tmp_path, page, *, content, text, **sources):
    """(code, source, line, output line) of each finding on `page`, the output
    of content/post.md (`text`), whose content's HTML is `content`."""
    (tmp_path / "content").mkdir(exist_ok=True)
    (tmp_path / "content/post.md").write_text(text)
    output("post/index.html", page)
    sources = Sources(
        pages={"post/index.html": "content/post.md", **sources.pop("pages", {})},
        contents={"post/index.html": lambda: content},
        project=str(tmp_path),
        **sources,
    )
    found, _ = check_site(output.root, config, sources)
    return sorted((f.code, f.source, f.line, f.page_line) for f in found)


def test_the_content_is_found_where_the_page_holds_it(output, config, tmp_path):
    # A template that starts with a blank line ({% extends %}), the theme's
    # links on the lines just before and after the content.
    content = '<p>Intro.</p>\n<p><a href="/gone-content/">x</a></p>'
    page = (
        '\n<nav><a href="/gone-nav/">n</a></nav>\n'
        f'{content}\n<footer><a href="/gone-footer/">f</a></footer>\n'
    )
    text = "Title: Post\n\nIntro.\n\n[x](/gone-content/)\n"
    assert content_findings(
        output, config, tmp_path, page, content=content, text=text
    ) == [
        ("broken-link", "content/post.md", 5, 4),
        ("broken-link", "theme", None, 2),
        ("broken-link", "theme", None, 5),
    ]


def test_content_at_the_top_of_the_page(output, config, tmp_path):
    content = '<p><a href="/gone-content/">x</a></p>'
    page = f'{content}\n<footer><a href="/gone-footer/">f</a></footer>\n'
    text = "Title: Post\n\n[x](/gone-content/)\n"
    assert content_findings(
        output, config, tmp_path, page, content=content, text=text
    ) == [
        ("broken-link", "content/post.md", 3, 1),
        ("broken-link", "theme", None, 2),
    ]


def test_a_theme_that_repeats_the_content_duplicates_its_ids(output, config, tmp_path):
    content = '<h2 id="dates">Dates</h2>'
    page = f"<main>\n{content}\n</main>\n<aside>\n{content}\n</aside>\n"
    text = "Title: Post\n\n## Dates {#dates}\n"
    ((code, source, _, page_line),) = content_findings(
        output, config, tmp_path, page, content=content, text=text
    )
    assert (code, source, page_line) == ("duplicate-id", "theme", 5)


def test_markdown_images_without_alt_and_nothing_else(output, config, tmp_path):
    output("images/photo.png", (40, 30))
    output("images/deco.png", (4, 3))
    size = 'width="40" height="30"'
    content = (
        f'<p><img src="/images/photo.png" alt="A photo" {size}></p>\n'
        f'<p><img src="/images/photo.png" alt="" {size}></p>\n'
        '<p><img src="/images/deco.png" alt="" width="4" height="3"></p>'
    )
    # The theme shows the same photo as a decorative banner: not the author's.
    page = html(
        f'<header><img src="/images/photo.png" alt="" {size}></header>\n{content}'
    )
    text = (
        "Title: Post\n\n![A photo]({static}../images/photo.png)\n\n"
        "![]({static}../images/photo.png)\n\n"
        '<img src="{static}../images/deco.png" alt="">\n'
    )
    (tmp_path / "content").mkdir()
    (tmp_path / "content/post.md").write_text(text)
    output("post/index.html", page)
    sources = Sources(
        pages={"post/index.html": "content/post.md"},
        contents={"post/index.html": lambda: content},
        project=str(tmp_path),
    )
    found, _ = check_site(output.root, config, sources)
    assert [(f.code, f.element, f.source, f.page_line) for f in found] == [
        ("img-empty-alt", '<img src="/images/photo.png">', "content/post.md", 6)
    ]


def test_findings_name_the_line_of_the_content_file_linked(output, config, tmp_path):
    # Pelican rewrote {filename}wip.md and {static} links: the line is where
    # the linked file's name is written.
    output("drafts/soon/index.html", html("Soon"))
    output("images/logo.png", (40, 30))
    content = (
        '<p>See <a href="/drafts/soon/">soon</a>.</p>\n'
        '<p><img src="/images/logo.png" alt="Logo"></p>'
    )
    text = (
        "Title: Post\n\nSee [soon]({filename}wip.md).\n\n"
        "![Logo]({static}logo-2021.png)\n"
    )
    found = content_findings(
        output,
        config,
        tmp_path,
        html(content),
        content=content,
        text=text,
        pages={"drafts/soon/index.html": "content/wip.md"},
        static={"images/logo.png": "content/logo-2021.png"},
        drafts={"drafts/soon/index.html"},
    )
    assert found == [
        ("draft-link", "content/post.md", 3, 4),
        ("img-no-size-markdown", "content/post.md", 5, 5),
    ]


def test_a_markdown_image_without_alt_is_found_on_its_line(output, config, tmp_path):
    output("images/photo.png", (40, 30))
    content = '<p><img src="/images/photo.png" alt="" width="40" height="30"></p>'
    text = "Title: Post\n\nA photo:\n\n![]({static}/images/photo.png)\n"
    found = content_findings(
        output, config, tmp_path, html(content), content=content, text=text
    )
    assert found == [("img-empty-alt", "content/post.md", 5, 4)]


def test_fragments_of_htm_pages_and_text_fragments(output, config):
    output("old.htm", html('<h2 id="part">Part</h2>'))
    output(
        "index.html",
        html(
            '<a href="/old.htm#part">ok</a><a href="/old.htm#parts">near</a>'
            '<a href="/old.htm#:~:text=Part">a text fragment</a>'
        ),
    )
    found, _ = check_site(output.root, config)
    assert [(f.code, f.message, f.fix) for f in found] == [
        ("missing-fragment", 'no id="parts" in old.htm', "link to #part")
    ]


def test_relative_images_resolve_from_the_page_or_its_base(output, config):
    output("news/a/photo.png", (40, 30))
    output("media/logo.png", (40, 30))
    size = 'alt="A" width="40" height="30"'
    output(
        "news/a/index.html",
        html(f'<img src="photo.png" {size}><img src="gone.png" {size}>'),
    )
    output(
        "news/b/index.html",
        html(f'<img src="logo.png" {size}>', head='<base href="/media/">'),
    )
    found, _ = check_site(output.root, config)
    assert [(f.page, f.code, f.message) for f in found] == [
        (
            "news/a/index.html",
            "img-missing",
            "image not found: nothing at /news/a/gone.png in the output",
        )
    ]


def test_a_relative_link_is_checked_on_each_page(output, config):
    # The same relative URL leads elsewhere from another folder.
    output("a/photo.png", (4, 3))
    for folder in ("a", "b"):
        output(f"{folder}/index.html", html('<a href="photo.png">photo</a>'))
    assert codes(output, config) == [
        ("b/index.html", "broken-link", '<a href="photo.png">')
    ]


def test_a_duplicate_id_is_found_in_the_content_file(output, config, tmp_path):
    content = '<h2 id="dates">Dates</h2>\n<p id="dates">Again</p>'
    text = 'Title: Post\n\n## Dates\n\n<p id="dates">Again</p>\n'
    found = content_findings(
        output, config, tmp_path, html(content), content=content, text=text
    )
    assert found == [("duplicate-id", "content/post.md", 5, 5)]


def test_svg_sprite_fragments_and_empty_mailto(output, config):
    output(
        "icons.svg", '<svg xmlns="http://www.w3.org/2000/svg"><symbol id="home"/></svg>'
    )
    output(
        "index.html",
        html(
            '<svg><use href="/icons.svg#home"></use></svg>'
            '<svg><use href="icons.svg#hom"></use></svg>'
            '<a href="mailto:">mail</a><a href="mailto:a@example.org">ok</a>'
        ),
    )
    found, _ = check_site(output.root, config)
    assert [(f.code, f.element, f.fix) for f in found] == [
        ("missing-fragment", '<use href="icons.svg#hom">', "link to #home"),
        ("empty-url", '<a href="mailto:">', "set the URL or remove the element"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "//example.org/files/call%20for%20papers.pdf",
        "/files/call for papers.pdf",
        "files/call%20for%20papers.pdf",
        "https://example.org/files/call for papers.pdf",
        " /about.html ",
        "/about",
        "/news/2021/cfp/#dates",
        "/news/2021/cfp#old",
        "/about.html?x=1#top",
    ],
)
def test_every_url_form_a_browser_opens_passes(site, config, url):
    site("links.html", html(f'<a href="{url}">x</a>'))
    assert codes(site, config) == []


def test_a_listing_page_names_the_listed_article_only_for_its_own_urls(
    output, config, tmp_path
):
    output("theme/logo.png", (40, 30))
    output("images/chart.png", (40, 30))
    output(
        "index.html",
        html(
            '<img src="theme/logo.png" alt="Logo">\n'
            '<img src="images/chart.png" alt="Chart">'
        ),
    )
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text(
        "Title: A\n\nOur logo.png is new.\n\n![Chart]({static}/images/chart.png)\n"
    )
    sources = Sources(
        pages={"index.html": None},
        theme="theme",
        listed={"index.html": ["content/a.md"]},
        project=str(tmp_path),
    )
    found, _ = check_site(output.root, config, sources)
    assert sorted((f.target, f.source, f.line) for f in found) == [
        ("images/chart.png", "content/a.md", 5),
        ("theme/logo.png", "theme", None),
    ]
