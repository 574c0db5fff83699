"""Helpers for sitecheck's tests: pages, one way to check an output folder, one
way to build a Pelican project, one HTTP server, and the seeded foreign site."""

import contextlib
import http.server
import logging
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from pelican.plugins.sitecheck.command import main
from pelican.plugins.sitecheck.internal import check_site
from pelican.plugins.sitecheck.settings import Config
from PIL import Image

SITEURL = "https://example.org"
# The package's folder: builds import the code under test from it.
IMPORT_ROOT = Path(__file__).resolve().parents[1]
GENERIC = (
    "link to a file that exists (in content: a {filename} or {static} link to"
    " the source file)"
)


def html(body, head=""):
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{head}</head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )


def findings(root, **settings):
    """check_site on an output folder with SITEURL and these settings."""
    config = Config.from_settings({"SITEURL": SITEURL, **settings})
    return sorted(check_site(root, config)[0], key=lambda f: (f.page, f.code))


def run_command(*argv):
    """main(argv) in this process: (exit status, the records it logged)."""
    records = []
    handler = logging.Handler()
    handler.addFilter(logging.Filter("pelican.plugins.sitecheck"))
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        status = main([str(arg) for arg in argv])
    finally:
        logging.getLogger().removeHandler(handler)
    return status, records


LOGGED = re.compile(r"(?P<source>.+?)(?::(?P<line>\d+))?: (?P<message>.*)")
PAGES = re.compile(r"(?P<element>.*?) (?:in|on \d+ pages) .*?\): (?P<check>.*)")


def split(source, line, message, fix):
    """(source, line, element, the check's message, fix) of a logged finding."""
    parts = PAGES.fullmatch(message)
    line = int(line) if line else None
    return source, line, parts["element"], parts["check"], fix


def logged(records):
    """The findings of log records, split."""
    found = [split(**r.finding) for r in records if hasattr(r, "finding")]
    return sorted(found, key=str)


def logged_lines(stderr):
    """The findings of a log printed as text, one per line, split."""
    found = []
    for text in stderr.splitlines():
        match = LOGGED.fullmatch(re.sub("^(ERROR|WARNING) ", "", text))
        if match and text.endswith(")") and " (fix: " in text:
            message, fix = match["message"].rsplit(" (fix: ", 1)
            found.append(split(match["source"], match["line"], message, fix[:-1]))
    return sorted(found, key=str)


def check_command(root, *arguments, **settings):
    """The command on an output folder, with a settings file of `settings` (no
    PATH: findings name the output files): (exit status, records)."""
    conf = Path(root).parent / "sitecheck_settings.py"
    conf.write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))
    return run_command(root, "--settings", conf, *arguments)


def in_output(root, **settings):
    """{element: (output line, check message)} of the command's findings."""
    _, records = check_command(root, **settings)
    return {element: (line, check) for _, line, element, check, _ in logged(records)}


def run(project, module, *arguments, python=sys.executable, env=None):
    """`python -m module arguments` in the project's folder, with IMPORT_ROOT."""
    if env is None:
        paths = [str(IMPORT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        outer = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
        env = {**outer, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.run(
        [python, "-m", module, *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
    )


COMMAND = ("pelican.plugins.sitecheck", "output", "-s", "pelicanconf.py")


def build(project, *options, **kwargs):
    """`pelican` on the project, as its author runs it."""
    base = ("-s", "pelicanconf.py", "-o", "output", "--log-handler", "plain")
    return run(project, "pelican", *base, *options, **kwargs)


@contextlib.contextmanager
def serve(handler, host="127.0.0.1"):
    """Serve `handler` on host, a free port; yield "http://host:port"."""

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client that gave up

    server = Server((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# A small Pelican site that is not this project's: another theme, reST and
# Markdown content, RELATIVE_URLS, a static HTML page, a style sheet and a
# sitemap among the static files. Each seeded defect is in FOREIGN_DEFECTS as
# (source file, line, message); everything else in it must pass.
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
    "extra/old.html": html(
        '<a href="/pages/about.html">About</a>',
        '\n<title>Moved</title>\n<meta http-equiv="refresh" content="0;'
        ' url=/moved-away.html">',
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
NOTHING_AT = "broken link: nothing at {} in the output"
DRAFT = "links to a draft: visitors get a page that is not published"
NO_SIZE = "without width and height (the page jumps as it loads)"
FOREIGN_DEFECTS = {
    ("content/extra/old.html", 4, NOTHING_AT.format("/moved-away.html")),
    ("content/extra/site.css", 3, NOTHING_AT.format("/images/nope.png")),
    ("content/extra/sitemap.xml", 4, NOTHING_AT.format("/retired.html")),
    ("content/first.rst", None, "file is 400x300, shown 600 px wide: blurry"),
    ("content/first.rst", None, f"image {NO_SIZE}"),  # :width: 600px only
    ("content/first.rst", 8, NOTHING_AT.format("/pages/ABOUT.html")),
    ("content/first.rst", 10, NOTHING_AT.format("/{filename}nothere.rst")),
    ("content/first.rst", 10, DRAFT),
    ("content/second.md", 4, "Markdown image without alt text (![](...))"),
    ("content/second.md", 4, f"Markdown image {NO_SIZE}"),
    ("content/second.md", 10, NOTHING_AT.format("/images/missing-bg.png")),  # url()
    ("content/second.md", 11, NOTHING_AT.format("/search/")),  # form action
    ("content/second.md", 11, NOTHING_AT.format("/images/go.png")),  # input image
    ("content/second.md", 12, NOTHING_AT.format("/quotes/")),  # blockquote cite
}
FOREIGN_ERRORS = 11
FOREIGN_FIXES = """
<a href="../pages/ABOUT.html"> | link to /pages/about.html
<a href="{filename}nothere.rst"> | no file content/nothere.rst exists: fix the path \
after {filename}
<div style="... url(/images/missing-bg.png) ..."> | -
url(../images/nope.png) | -
<img src="./images/photo.png"> | use a file at least 600 px wide
<a href="./drafts/work-in-progress.html"> | link to it once it is published, or \
publish it (Status: published)
<img src="./images/photo.png"> | write ![what it shows](...); a decorative image is \
HTML: <img src="..." alt="">
<img src="../images/photo.png"> | set SITECHECK_FILL_IMAGE_SIZES = True: it adds \
width="400" height="300" to the pages
"""


def write_foreign_site(root, **more):
    """Write the foreign site (and `more` content files) into folder `root`."""
    (root / "pelicanconf.py").write_text(FOREIGN_SETTINGS)
    for name, text in {**FOREIGN_CONTENT, **more}.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    Image.new("RGB", (400, 300), "teal").save(root / "content/images/photo.png")
    Image.new("RGB", (40, 40), "navy").save(root / "content/images/deco.png")


def defects(found):
    """{(source, line, message)} of split findings."""
    return {(source, line, check) for source, line, _, check, _ in found}


def table(text):
    """Rows of a text table: a row a line, cells apart by " | ", "# " comments."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return [
        tuple(cell.strip() for cell in line.split(" | "))
        for line in lines
        if line and not line.startswith("# ")
    ]
