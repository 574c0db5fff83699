"""sitecheck: check every built page's links, fragments, ids and images.

See README.md. The external link check:
`python -m pelican.plugins.sitecheck.external`.
"""

from .plugin import register

__all__ = ["register"]
