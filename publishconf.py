"""Production settings: pelicanconf.py plus what publishing changes."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402, F403

SITEURL = "https://haet2021.github.io"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
FINDINGS_FATAL = "warnings"  # any warning or error fails a production build
# The list of drafts is for organisers' previews, not for visitors.
TEMPLATE_PAGES = {
    source: target
    for source, target in TEMPLATE_PAGES.items()  # noqa: F405
    if source != "drafts.html"
}
# Drafts (and posts dated in the future) are written nowhere in production:
# only development shows them, at /drafts/.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
