"""Development settings: everything the site needs. publishconf.py changes only
what production needs on top of this file."""

import datetime
import logging

# The site's name, subtitle and author come from content/data/event.yaml
# (haet/data.py): a next edition is made by editing the data.
SITEURL = ""
# The dev server's address: feeds need absolute links even in development.
FEED_DOMAIN = "http://127.0.0.1:8000"

PATH = "content"
# Set here, so Pelican reads it beside this file, wherever a build runs from.
CACHE_PATH = "cache"
THEME = "themes/haet"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "en"
OG_LOCALE = "en_US"  # the language for link previews (Open Graph's form)
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# The site's own code is one plugin, haet/ (haet/README.md).
PLUGIN_PATHS = ["."]
PLUGINS = ["haet", "pelican.plugins.neighbors", "sitemap", "pelican.plugins.sitecheck"]

# Content layout: announcements in news/, pages in pages/, data lists in data/.
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {"extra/favicon.svg": {"path": "favicon.svg"}}
WORKSHOP_DATA_PATH = "data"  # inside PATH: the workshop's YAML files
IGNORE_FILES = ["**/.*", "README.md"]

# Clean URLs: /schedule/, /news/2021/schedule-fixed/.
ARTICLE_URL = "news/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DRAFT_URL = "drafts/{date:%Y}/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_URL + "index.html"
INDEX_SAVE_AS = "news/index.html"
INDEX_URL = "news/"
ARCHIVES_SAVE_AS = "news/archive/index.html"
ARCHIVES_URL = "news/archive/"
TAG_URL = "news/tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_SAVE_AS = "news/tag/index.html"
TAGS_URL = "news/tag/"
# One category ("News") and one author: their pages would only repeat the index.
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DEFAULT_CATEGORY = "News"
# Pelican assigns DEFAULT_CATEGORY only while category pages are written, and
# then crashes writing drafts; giving every post the category avoids that.
DEFAULT_METADATA = {"category": DEFAULT_CATEGORY}
USE_FOLDER_AS_CATEGORY = False
DIRECT_TEMPLATES = ["index", "tags", "archives"]

DEFAULT_PAGINATION = 10
# A last page never holds a single announcement: it joins the page before.
DEFAULT_ORPHANS = 1
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
# How many announcements the home page lists.
HOME_LATEST_NEWS = 4

# Feeds: the latest announcements in full, Atom and RSS. Readers keep what
# they fetched before; a feed of every post ever only grows (Jekyll's keeps 10).
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 20

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}
# Metadata keys of this site besides Pelican's own (any other is an error).
EXTRA_METADATA_KEYS = ["nav_title"]
# One language: two posts with one slug in different years are two posts, not
# translations of each other.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
FORMATTED_FIELDS = []
TYPOGRIFY = True
# widont's non-breaking spaces make long titles overflow narrow screens.
TYPOGRIFY_OMIT_FILTERS = ["widont"]

# Every build starts from an empty output/: a page that an earlier build left
# there can never hide a broken link (nor be served as if it were current).
DELETE_OUTPUT_DIRECTORY = True
# The navigation lists Home, News, then every published page in file-name order
# (content/pages/10-aims.md, 20-...); a page's `Nav_title` shortens its entry.
PAGE_ORDER_BY = "basename"

# Escape everything that reaches a template unless the theme marks it safe
# (Pelican's default is off); the theme comments each `|safe`.
JINJA_ENVIRONMENT = {"autoescape": True}
TEMPLATE_PAGES = {
    "404.html": "404.html",
    "robots.txt": "robots.txt",
    # Development only (publishconf.py drops it): every draft, scheduled and
    # hidden post and page, with its address.
    "drafts.html": "drafts/index.html",
}


# Only the site's own files may load: no third-party scripts, styles, fonts or
# frames. Sent as <meta> in every page (GitHub Pages sends no headers of a
# site's choosing; README, "Publishing", says what another host should add).
# The development server's reload script and banner are files of the site's
# own origin, so development and production send the same policy.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
# pelican-sitemap: every published page and post; drafts and hidden content are
# left out by the plugin itself.
SITEMAP = {
    "format": "xml",
    "exclude": [r"^404\.html$", r"^robots\.txt$", r"^drafts/"],
}
THEME_COLOR = "#0b5fa5"
# The browser's toolbar colour in a dark colour scheme: the page background.
THEME_COLOR_DARK = "#12161b"
# Drawn by the build from content/data/event.yaml (haet/event.py).
SOCIAL_IMAGE = "images/social-card.png"
TOUCH_ICON_PATH = "apple-touch-icon.png"
# The build's "today" (YYYY-MM-DD) decides the workshop's phase on the home
# page; unset, it is the real date in TIMEZONE. The environment variable
# SITE_TODAY overrides it, for previews and tests (haet/data.py).
SITE_TODAY = None
JINJA_GLOBALS = {"utc": datetime.UTC}

# Calendar files for "Add to calendar" (haet/event.py).
CALENDAR_PATH = "calendar/workshop.ics"
SCHEDULE_CALENDAR_PATH = "calendar/schedule.ics"
# Feed titles: "HAET 2021: announcements (Atom)" (haet/feeds.py).
FEED_NAME = "announcements"
# Findings (haet/findings.py): which fail the build (None: none). The JSON
# record of the last build is CACHE_PATH/findings.json (FINDINGS_REPORT).
FINDINGS_FATAL = None
# A post dated in the future stays a draft until a build runs on or after its
# date (the deployment workflow rebuilds daily), so news can be prepared early.
WITH_FUTURE_DATES = False

# The site checker (packages/pelican-sitecheck/README.md).
# A speaker's page from the facts that has no https:// version.
SITECHECK_HTTP_LINKS_ALLOWED = [r"^http://julie\.grollier\.free\.fr/?$"]
# Pelican's own notes on a broken {filename}/{static} link do not say which file
# has it; sitecheck reports the same link with its page and source file. Its
# "Empty alt attribute" note fires for a correct decorative <img alt=""> too;
# sitecheck reports only the omission, a Markdown ![](image) (one rule for
# development and production).
LOG_FILTER = [
    (logging.WARNING, "Unable to find '%s', skipping url replacement."),
    (logging.WARNING, "Cannot get modification stamp for %s\n\t%s"),
    (logging.WARNING, "Empty alt attribute for image %s in %s"),
]
