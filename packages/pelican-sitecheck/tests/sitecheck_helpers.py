"""Helpers for sitecheck's tests and benchmark."""

import contextlib
import http.server
import threading
from pathlib import Path

SITEURL = "https://example.org"
# The distribution's folder (pyproject.toml, README.md, the `pelican` package):
# builds import the very code under test from it, not an installed one.
IMPORT_ROOT = Path(__file__).resolve().parents[1]


def html(body, head=""):
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{head}</head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )


class QuietServer(http.server.ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.x that keeps quiet when a client hangs up."""

    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass


@contextlib.contextmanager
def serve(handler, host="127.0.0.1"):
    """Serve `handler` on host, a free port; yield "http://host:port"."""
    server = QuietServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# A small Pelican site that is not this project's: another theme, reST and
# Markdown content, RELATIVE_URLS, a static HTML page, a style sheet and a
# sitemap among the static files. Each seeded defect is listed in FOREIGN_DEFECTS
# as (code, source file, output file); everything else in it must pass.
FOREIGN_SETTINGS = """
AUTHOR = "Someone Else"
SITENAME = "A foreign site"
SITEURL = "https://foreign.example"
RELATIVE_URLS = True
PATH = "content"
THEME = "notmyidea"
TIMEZONE = "UTC"
PLUGINS = ["pelican.plugins.sitecheck"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {"extra/sitemap.xml": {"path": "sitemap.xml"}}
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
SITECHECK_REPORT_PATH = "report.json"
# The .html file in extra/ is a static page, copied as it is.
READERS = {"html": None}
"""
FOREIGN_CONTENT = {
    "first.rst": """First post
##########

:date: 2021-03-01
:summary: The first one.

A `good link <{filename}second.md>`_, a `legacy one <|filename|second.md>`_,
a `part <{filename}second.md#details>`_ and `a typo'd folder <../pages/ABOUT.html>`_.

A `gone link <{filename}nothere.rst>`_ and `an unfinished post <{filename}wip.md>`_.

.. image:: {static}/images/photo.png
   :alt: A photo, shown wider than the file
   :width: 600px

.. image:: {static}/images/photo.png
   :alt: The same photo at its own size
   :width: 400px
   :height: 300px
""",
    "second.md": """Title: Second post
Date: 2021-03-02

![]({static}/images/photo.png)

<img src="{static}/images/deco.png" alt="" width="40" height="40">

## Details {#details}

<div style="background-image: url('/images/missing-bg.png')">A box.</div>
<form action="/search/"><input type="image" src="/images/go.png" alt="Go"></form>
<blockquote cite="/quotes/">Quoted.</blockquote>
<svg width="10" height="10"><use href="/images/icons.svg#dot"></use></svg>
""",
    "wip.md": "Title: Work in progress\nDate: 2021-03-03\nStatus: draft\n\nSoon.\n",
    "pages/about.md": "Title: About\n\n[The first post]({filename}../first.rst).\n",
    "extra/old.html": (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        "<title>Moved</title>\n"
        '<meta http-equiv="refresh" content="0; url=/moved-away.html">\n'
        '</head><body><a href="/pages/about.html">About</a></body></html>\n'
    ),
    "extra/site.css": (
        "body { background: url(../images/deco.png); }\n"
        "/* url(not-a-url.png) */\n"
        "h1 { background: url('../images/nope.png'); }\n"
    ),
    "extra/sitemap.xml": (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "<url><loc>https://foreign.example/first-post.html</loc></url>\n"
        "<url><loc>https://foreign.example/retired.html</loc></url>\n"
        "</urlset>\n"
    ),
    "images/icons.svg": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<circle id="dot" cx="5" cy="5" r="5"/></svg>'
    ),
}
FOREIGN_DEFECTS = {  # (code, source, where the URL leads)
    ("broken-link", "content/first.rst", "{filename}nothere.rst"),
    ("broken-link", "content/first.rst", "pages/ABOUT.html"),
    ("draft-link", "content/first.rst", "drafts/work-in-progress.html"),
    ("img-blurry", "content/first.rst", "images/photo.png"),  # :width: 600px
    ("img-no-size", "content/first.rst", "images/photo.png"),
    ("img-empty-alt", "content/second.md", "images/photo.png"),
    ("img-no-size-markdown", "content/second.md", "images/photo.png"),
    ("broken-link", "content/second.md", "images/missing-bg.png"),  # style url()
    ("broken-link", "content/second.md", "search/"),  # form action
    ("broken-link", "content/second.md", "images/go.png"),  # input type=image
    ("broken-link", "content/second.md", "quotes/"),  # blockquote cite
    ("broken-link", "content/extra/old.html", "moved-away.html"),  # meta refresh
    ("broken-link", "content/extra/site.css", "images/nope.png"),
    ("broken-link", "content/extra/sitemap.xml", "retired.html"),
}
FOREIGN_FIXES = {
    "pages/ABOUT.html": "link to /pages/about.html",
    "{filename}nothere.rst": "no file content/nothere.rst exists: fix the path"
    " after {filename}",
    "images/missing-bg.png": "link to a file that exists (in content: a"
    " {filename} or {static} link to the source file)",
}


def write_foreign_site(root):
    """Write the foreign site's settings and content into folder `root`."""
    from PIL import Image

    (root / "pelicanconf.py").write_text(FOREIGN_SETTINGS)
    for name, text in FOREIGN_CONTENT.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    Image.new("RGB", (400, 300), "teal").save(root / "content/images/photo.png")
    Image.new("RGB", (40, 40), "navy").save(root / "content/images/deco.png")
