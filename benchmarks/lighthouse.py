"""Lighthouse scores and byte weight of the production site.

    .venv/bin/python benchmarks/lighthouse.py

Installs npm `lighthouse@12.2.3` into .cache/npm/lighthouse on first use,
builds the site with publishconf.py, serves it on 127.0.0.1 and runs
Lighthouse (default mobile settings, simulated slow 4G) in Debian's Chromium
on the home page, an announcement, the schedule and the papers page. Prints
the four category scores and, per page, the raw and gzip -9 size of its HTML
plus the CSS, JS and fonts it loads (from the real production build). Full
reports go to benchmarks/results/. Exits 1 if any score is below 100, after
listing the audits that cost points.

The audited build is the production one with SITEURL set to the local
server's address, so that its absolute links, stylesheet and canonical URL
point to the copy being audited rather than to the live site."""

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from page_weight import BUDGET, page_weight  # noqa: E402
from sitetools import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
NPM_PREFIX = ROOT / ".cache" / "npm" / "lighthouse"
LIGHTHOUSE_CLI = NPM_PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS]
SITE_URL = "https://haet2021.github.io"
PAGES = {
    "home": "",
    "announcement": "news/2021/schedule/",
    "schedule": "schedule/",
    "papers": "papers/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
RESULTS = ROOT / "benchmarks" / "results"


def install_lighthouse():
    if LIGHTHOUSE_CLI.is_file():
        return
    npm = shutil.which("npm") or sys.exit("npm is missing: install Node.js and npm")
    print(f"Installing {LIGHTHOUSE} into {NPM_PREFIX.relative_to(ROOT)} ...")
    subprocess.run(
        [npm, "install", "--silent", "--no-save", "--no-audit", "--no-fund"]
        + ["--ignore-scripts", "--prefix", str(NPM_PREFIX), LIGHTHOUSE],
        check=True,
    )


def build(output, *settings):
    """Build with publishconf.py; `settings` are extra KEY=JSON overrides."""
    command = [sys.executable, "-m", "pelican", "content", "-s", "publishconf.py"]
    command += ["-o", str(output), "--fatal", "warnings"]
    for setting in settings:
        command += ["-e", setting]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"The build failed:\n{result.stdout}{result.stderr}")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def audit(url, report_path):
    """Run Lighthouse on url; return its JSON report."""
    result = subprocess.run(
        ["node", str(LIGHTHOUSE_CLI), url, "--quiet", "--output=json"]
        + [f"--output-path={report_path}", f"--chrome-flags={' '.join(CHROME_FLAGS)}"]
        + [f"--only-categories={','.join(CATEGORIES)}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(f"Lighthouse failed on {url}:\n{result.stderr}")
    return json.loads(report_path.read_text(encoding="utf-8"))


def lost_points(report):
    """The scored audits that did not pass, per category."""
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit_result = report["audits"][ref["id"]]
            if ref["weight"] and audit_result["score"] not in (None, 1):
                yield f"{category}: {ref['id']} ({audit_result['title']})"


def main():
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: install the Debian package chromium")
    install_lighthouse()
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        production, audited = Path(temporary, "production"), Path(temporary, "local")
        build(production)
        audited.mkdir()
        server = serve(audited)
        local_url = f"http://127.0.0.1:{server.server_address[1]}"
        build(audited, f"SITEURL={json.dumps(local_url)}")
        header = f"{'page':<13}" + "".join(f"{c:>15}" for c in CATEGORIES)
        print(f"{header}{'raw B':>9}{'gzip B':>8}{'time':>7}")
        below, started = [], time.monotonic()
        for name, path in PAGES.items():
            began = time.monotonic()
            report = audit(f"{local_url}/{path}", RESULTS / f"lighthouse-{name}.json")
            scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
            weight = page_weight(production, production / path / "index.html", SITE_URL)
            print(
                f"{name:<13}"
                + "".join(f"{s:>15}" for s in scores)
                + f"{weight.raw:>9}{weight.compressed:>8}"
                + f"{time.monotonic() - began:>6.0f}s"
            )
            below += [f"{name}: {lost}" for lost in lost_points(report)]
        server.shutdown()
    print(
        f"\nWeight: HTML + CSS + JS + fonts, gzip -9; budget {BUDGET} bytes a page."
        f"\n{LIGHTHOUSE}, mobile, {time.monotonic() - started:.0f} s in all;"
        f" reports in {RESULTS.relative_to(ROOT)}/."
    )
    if below:
        print("\nAudits that cost points:\n" + "\n".join(below))
        sys.exit(1)


if __name__ == "__main__":
    main()
