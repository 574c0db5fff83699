"""sitecheck: check every built page's links, fragments, ids and images.

See README.md. A folder built before, and links to other sites:
`pelican-sitecheck OUTPUT [--settings pelicanconf.py] [--external]`.
"""

from .plugin import register

__all__ = ["register"]
