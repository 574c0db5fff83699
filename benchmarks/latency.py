"""Save-to-visible latency of the organisers' loop (issue 11, item 8).

In one run, on two copies of this project:
  ours  `invoke livereload` (every development check on), edits to a post, a
        page and a data file; measured over HTTP (save -> the new text served)
        and in Chromium (save -> the reloaded page shows it);
  bare  `pelican --autoreload --listen`, Pelican's own loop, on the same posts
        and pages with the simple theme and no plugins (it has no data files
        and no browser reload), over HTTP.
Edits alternate between the two servers, so both see the same machine load.
Prints median and worst per kind, then the CPU time of one rebuild in the
server's process for both (steadier than wall time on a shared machine).

    .venv/bin/python benchmarks/latency.py [--edits 20] [--no-browser]

Targets: over HTTP median <= 0.15 s and worst <= 0.3 s; browser median <= 0.3 s.
"""

import argparse
import http.client
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from sitetools import CHROMIUM, CHROMIUM_ARGS, copy_project, free_port  # noqa: E402

BARE_SETTINGS = """
import sys
sys.path.insert(0, {root!r})
from pelicanconf import (MARKDOWN, TIMEZONE, TYPOGRIFY_OMIT_FILTERS, ARTICLE_URL,
    ARTICLE_SAVE_AS, PAGE_URL, PAGE_SAVE_AS)
PATH = "content"
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
THEME = "simple"
TYPOGRIFY = True
PLUGINS = []
DEFAULT_PAGINATION = 10
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
# Our pages name workshop templates; render them with simple's page.html.
THEME_TEMPLATES_OVERRIDES = ["bare-templates"]
"""
PROBE_POST = (
    "Title: Latency probe\nDate: 2021-05-01 10:00\nSlug: latency-probe\n"
    "Summary: A post the benchmark edits.\n\nFirst text.\n"
)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return ""


def wait_until(predicate, seconds=30, pause=0.002):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(pause)
    return False


def prepare(directory, bare):
    project = copy_project(directory)
    (project / "content/news/2021-05-01-latency-probe.md").write_text(PROBE_POST)
    if bare:
        (project / "bare.py").write_text(BARE_SETTINGS.format(root=str(project)))
        overrides = project / "bare-templates"
        overrides.mkdir()
        for page in (project / "content/pages").glob("*.md"):
            for line in page.read_text().splitlines():
                if line.lower().startswith("template:"):
                    name = line.split(":", 1)[1].strip()
                    (overrides / f"{name}.html").write_text(
                        '{% extends "!simple/page.html" %}'
                    )
    return project


class Target:
    """One file to edit and the page that shows it."""

    def __init__(self, path, url_path, edit):
        self.path, self.url_path, self.edit = path, url_path, edit
        self.original = path.read_text()

    def save(self, marker):
        self.path.write_text(self.edit(self.original, marker))


def targets(project):
    content = project / "content"
    return {
        "post": Target(content / "news/2021-05-01-latency-probe.md",
                       "/news/2021/latency-probe/",
                       lambda text, m: text.replace("First text.", f"Text {m}.")),
        "page": Target(content / "pages/10-aims.md", "/aims/",
                       lambda text, m: text + f"\nNew paragraph {m}.\n"),
        "data": Target(content / "data/papers.yaml", "/papers/",
                       lambda text, m: text.replace("Neural Network Growth",
                                                    f"Neural Network Growth {m}", 1)),
    }  # fmt: skip


def start(command, project, url):
    # A session of its own: `pelican --autoreload --listen` runs two child
    # processes that outlive their parent when it alone is stopped.
    process = subprocess.Popen(
        command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    if not wait_until(lambda: "<html" in get(url + "/").lower(), 120, 0.2):
        os.killpg(process.pid, signal.SIGTERM)
        raise SystemExit(f"{' '.join(command)} served nothing at {url}")
    return process


def over_http(target, url):
    marker = uuid.uuid4().hex[:12]
    started = time.perf_counter()
    target.save(marker)
    if not wait_until(lambda: marker in get(url + target.url_path)):
        return float("inf")
    return time.perf_counter() - started


def in_browser(target, url, page):
    marker = uuid.uuid4().hex[:12]
    script = f"document.body && document.body.innerText.includes({marker!r})"

    def shown():
        try:
            return page.evaluate(script)
        except Exception:  # noqa: BLE001 (the page is reloading)
            return False

    started = time.perf_counter()
    target.save(marker)
    if not wait_until(shown):
        return float("inf")
    return time.perf_counter() - started


# CPU time of one rebuild in the server's process, steadier than wall time on a
# busy machine: ours as the dev server builds, bare as Pelican's autoreload.
REBUILD_CPU = """
import logging, statistics, sys, tempfile, time
sys.path[:0] = [".", "plugins"]
from pelican import Pelican
from pelican.log import init
from pelican.settings import read_settings
init(logging.CRITICAL, logs_dedup_min_level=logging.INFO)
if sys.argv[1] == "ours":
    from devserver import Builder
    builder = Builder("pelicanconf.py", tempfile.mkdtemp())
    build = builder.build
else:
    settings = read_settings("bare.py")
    def build():
        Pelican({**settings, "OUTPUT_PATH": tempfile.mkdtemp()}).run()
times = []
for run in range(8):
    started = time.process_time()
    build()
    times.append(time.process_time() - started)
print(statistics.median(times[2:]))
"""


def rebuild_cpu(project, kind):
    result = subprocess.run(
        [sys.executable, "-c", REBUILD_CPU, kind], cwd=project, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return float(result.stdout.split()[-1])


def report(name, times):
    finite = sorted(times)
    print(
        f"{name:<28} median {statistics.median(finite):6.3f} s   "
        f"worst {finite[-1]:6.3f} s   ({len(finite)} edits)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--pause", type=float, default=0.4,
                        help="seconds between edits (default 0.4)")  # fmt: skip
    args = parser.parse_args()
    invoke = str(Path(sys.executable).parent / "invoke")
    work = Path(tempfile.mkdtemp(prefix="haet-latency-"))
    servers = []
    try:
        ours_project = prepare(work / "ours", bare=False)
        bare_project = prepare(work / "bare", bare=True)
        ours_port, bare_port = free_port(), free_port()
        ours_url = f"http://127.0.0.1:{ours_port}"
        bare_url = f"http://127.0.0.1:{bare_port}"
        servers.append(start([invoke, "livereload", "--port", str(ours_port)],
                             ours_project, ours_url))  # fmt: skip
        servers.append(start([sys.executable, "-m", "pelican", "content", "-s",
                              "bare.py", "--autoreload", "--listen", "--port",
                              str(bare_port)], bare_project, bare_url))  # fmt: skip
        ours, bare = targets(ours_project), targets(bare_project)
        results = {}
        for _ in range(args.edits):
            for kind in ("post", "page", "data"):
                results.setdefault(f"ours {kind} (HTTP)", []).append(
                    over_http(ours[kind], ours_url)
                )
                time.sleep(args.pause)
                if kind != "data":  # bare Pelican reads no data files
                    results.setdefault(f"bare {kind} (HTTP)", []).append(
                        over_http(bare[kind], bare_url)
                    )
                    time.sleep(args.pause)
        if not args.no_browser:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page()
                for kind in ("post", "page", "data"):
                    page.goto(ours_url + ours[kind].url_path)
                    time.sleep(args.pause)
                    for _ in range(args.edits):
                        results.setdefault(f"ours {kind} (browser)", []).append(
                            in_browser(ours[kind], ours_url, page)
                        )
                        time.sleep(args.pause)
                browser.close()
        print(f"Save-to-visible latency, {os.cpu_count()} cores, this run:")
        for name, times in results.items():
            report(name, times)
        ours_cpu = rebuild_cpu(ours_project, "ours")
        bare_cpu = rebuild_cpu(bare_project, "bare")
        print(
            f"CPU time of one rebuild (median of 6): ours {ours_cpu:.3f} s, "
            f"bare {bare_cpu:.3f} s, ours/bare {ours_cpu / bare_cpu:.2f}"
        )
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
