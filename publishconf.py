"""Production settings: pelicanconf.py plus what publishing changes."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402, F403

SITEURL = "https://haet2021.github.io"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
FINDINGS_FATAL = "warnings"  # any warning or error fails a production build
