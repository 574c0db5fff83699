"""What a page of the built site costs a visitor: its HTML plus every
stylesheet, script, font, image and icon it loads, raw and gzip -9
compressed (images count as they are: PNG and JPEG do not shrink further).
Used by tests/test_quality.py."""

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

# 14 KB: what the first round trip of a new TCP connection carries (ten
# segments of about 1460 bytes).
BUDGET = 14 * 1024
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf", ".eot")
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".avif", ".gif")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


@dataclass
class Weight:
    files: list[Path]
    raw: int
    compressed: int


def gzipped_size(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def _local_file(site, url, site_url):
    """The file in `site` that absolute or root-relative `url` names; a URL
    outside the site (another host) raises ValueError."""
    if site_url and url.startswith(site_url + "/"):
        url = url.removeprefix(site_url)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise ValueError(f"loads {url} from another site")
    return site / parts.path.lstrip("/")


def _page_address(site, page):
    return "/" + page.relative_to(site).as_posix()


def loaded_files(site, page, site_url=""):
    """The stylesheets, scripts and fonts that `page` makes a browser load,
    following @import and url() in stylesheets."""
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    base = _page_address(site, page)
    urls = [link["href"] for link in html.select('link[rel~="stylesheet"][href]')]
    urls += [link["href"] for link in html.select('link[rel~="preload"][href]')]
    urls += [link["href"] for link in html.select('link[rel~="modulepreload"][href]')]
    urls += [script["src"] for script in html.select("script[src]")]
    urls += [img["src"] for img in html.select("img[src]")]
    urls += [link["href"] for link in html.select('link[rel~="icon"][href]')]
    files, seen = [], set()
    while urls:
        url = urljoin(base, urls.pop(0))
        path = _local_file(site, url, site_url)
        if path in seen:
            continue
        seen.add(path)
        if not path.is_file():
            raise FileNotFoundError(f"{page} loads {url}, which is not in the build")
        files.append(path)
        if path.suffix == ".css":
            for imported, at_import in CSS_URL.findall(path.read_text("utf-8")):
                target = at_import or imported
                if at_import or target.lower().endswith(FONT_SUFFIXES + IMAGE_SUFFIXES):
                    urls.append(urljoin(url, target))
    return files


def page_weight(site, page, site_url=""):
    files = [page, *loaded_files(site, page, site_url)]
    return Weight(
        files=files,
        raw=sum(path.stat().st_size for path in files),
        compressed=sum(gzipped_size(path) for path in files),
    )
