"""Page weight: every page with what it loads, gzip -9, against 14 KB.

    .venv/bin/python benchmarks/weight.py [OUTPUT]

Without OUTPUT, builds the site with publishconf.py into a temporary folder.
A page's weight is its HTML plus the stylesheets, scripts, fonts, images and
icons of this site that it loads (and the fonts and images its stylesheets
load), each gzip -9 compressed. Prints the heaviest pages; exits 1 if one is
over 14 KB, the first round trip of a new TCP connection.
"""

import gzip
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 14 * 1024
LOADS = {"link[rel~=stylesheet]": "href", "link[rel~=preload]": "href",
         "link[rel~=modulepreload]": "href", "link[rel~=icon]": "href",
         "script[src]": "src", "img[src]": "src"}  # fmt: skip
CSS_LOADS = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


def weight(site, page):
    """Gzipped bytes of `page` and of the files of this site it loads."""
    base = "/" + page.relative_to(site).as_posix()
    html = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    urls = [urljoin(base, tag[attribute]) for selector, attribute in LOADS.items()
            for tag in html.select(selector) if tag.get(attribute)]  # fmt: skip
    files = {page}
    while urls:
        url = urls.pop()
        path = site / urlsplit(url).path.lstrip("/")
        if path in files or url.startswith("data:") or not path.is_file():
            continue  # another site's file is not ours to weigh (the CSP bars it)
        files.add(path)
        if path.suffix == ".css":
            for found in CSS_LOADS.findall(path.read_text("utf-8")):
                urls.append(urljoin(url, found[0] or found[1]))
    return sum(len(gzip.compress(f.read_bytes(), 9, mtime=0)) for f in files)


def main():
    with tempfile.TemporaryDirectory(prefix="haet-weight-") as temporary:
        site = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(temporary)
        if len(sys.argv) == 1:
            subprocess.run([sys.executable, "-m", "pelican", "content", "-s",
                            "publishconf.py", "-o", str(site)], cwd=ROOT,
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        weights = sorted(((weight(site, page), page.relative_to(site))
                          for page in site.rglob("*.html")), reverse=True)  # fmt: skip
    for size, page in weights[:5]:
        print(f"{size / 1024:6.1f} KB  {page}")
    over = [page for size, page in weights if size > BUDGET]
    print(f"{len(weights)} pages, heaviest {weights[0][0] / 1024:.1f} KB, "
          f"{len(over)} over {BUDGET // 1024} KB.")  # fmt: skip
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
