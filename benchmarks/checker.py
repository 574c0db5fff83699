"""Benchmark the sitecheck plugin.

1. Build a synthetic site of 1,000 announcements (simple theme, typogrify on,
   five paragraphs, {filename} links and an image each) with and without the
   plugin, in subprocesses, alternately; print the median wall times and the
   overhead. Target: at most 15 %.
2. Check 500 distinct external URLs served on 127.0.0.1-127.0.0.10 (50 per
   host) that answer after 100 ms; then again with the cache; then 500 URLs on
   one host, where the per-host bound sets the pace. Target: under 5 s.

    .venv/bin/python benchmarks/checker.py [--articles 1000] [--runs 5] [--urls 500]

Figures are also written to benchmarks/results/checker.json.
"""

import argparse
import http.server
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from sitecheck._testing import html, serve  # noqa: E402
from sitecheck.external import check_external  # noqa: E402
from sitecheck.settings import Config  # noqa: E402

SETTINGS = """
PATH = "content"
THEME = "simple"
PLUGIN_PATHS = [{plugins!r}]
PLUGINS = {enabled!r}
TIMEZONE = "UTC"
SITEURL = "https://haet.example"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
STATIC_PATHS = ["images"]
ARTICLE_URL = "news/{{date:%Y}}/{{slug}}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DEFAULT_PAGINATION = 10
TYPOGRIFY = True
CACHE_CONTENT = False
DELETE_OUTPUT_DIRECTORY = True
SITECHECK_REPORT_PATH = "report.json"
"""
# The build benchmark's vocabulary (this script's folder is on sys.path).
from build import WORDS  # noqa: E402


def write_site(root, articles):
    random.seed(2021)
    (root / "content" / "news").mkdir(parents=True)
    (root / "content" / "images").mkdir()
    for number in range(articles):
        Image.new("RGB", (400, 300), (number % 256, 90, 160)).save(
            root / "content" / "images" / f"figure-{number}.png"
        )
        paragraphs = [
            " ".join(random.choice(WORDS) for _ in range(60)) + '. "Quoted" -- text.'
            for _ in range(5)
        ]
        earlier = f"[the previous news]({{filename}}{max(number - 1, 0):04}.md)"
        (root / "content" / "news" / f"{number:04}.md").write_text(
            f"Title: Announcement {number}\n"
            f"Date: 2021-01-01 {number // 60 % 24:02}:{number % 60:02}\n"
            f"Tags: tag{number % 7}, tag{number % 11}\n\n"
            f"{paragraphs[0]} See {earlier}.\n\n"
            f"![Figure {number}]({{static}}/images/figure-{number}.png)\n\n"
            + "\n\n".join(paragraphs[1:])
            + "\n"
        )
    for enabled in ([], ["sitecheck"]):
        name = "with" if enabled else "without"
        (root / f"{name}.py").write_text(
            SETTINGS.format(plugins=str(ROOT / "plugins"), enabled=enabled)
        )


def build(root, name):
    """(wall seconds, CPU seconds) of one build in a subprocess."""
    start, cpu_start = time.perf_counter(), _children_cpu()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            "-s",
            f"{name}.py",
            "-o",
            f"out-{name}",
            "--log-handler",
            "plain",
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start, _children_cpu() - cpu_start


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def benchmark_build(articles, runs):
    with tempfile.TemporaryDirectory(prefix="sitecheck-bench-") as folder:
        root = Path(folder)
        write_site(root, articles)
        times = {"without": [], "with": []}
        for name in times:
            build(root, name)  # warm-up: disk cache, imports; not counted
        for _ in range(runs):
            for name, values in times.items():
                values.append(build(root, name))
        report = json.loads((root / "report.json").read_text())
    figures = {
        "articles": articles,
        "pages_checked": report["pages_checked"],
        "findings": len(report["findings"]),
        "runs": runs,
    }
    # The machine is shared and noisy: medians and minimums of wall and CPU
    # time, and the plugin's own time as measured inside the build.
    for measure, index in (("wall", 0), ("cpu", 1)):
        for statistic in (statistics.median, min):
            without, with_plugin = (
                statistic(run[index] for run in values) for values in times.values()
            )
            key = f"{measure}_{statistic.__name__}"
            figures[key] = {
                "without_s": round(without, 2),
                "with_s": round(with_plugin, 2),
                "overhead_percent": round(100 * (with_plugin - without) / without, 1),
            }
    plugin_s = report["seconds"] + report["fill_seconds"]
    figures["plugin"] = {
        "check_s": report["seconds"],
        "fill_image_sizes_s": report["fill_seconds"],
        "share_of_build_percent": round(
            100 * plugin_s / figures["wall_median"]["without_s"], 1
        ),
    }
    figures["wall_times_s"] = {
        name: [round(wall, 2) for wall, _ in values] for name, values in times.items()
    }
    return figures


class Slow(http.server.BaseHTTPRequestHandler):
    """Every answer takes 100 ms, like a distant server."""

    def do_HEAD(self):
        time.sleep(0.1)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def check_urls(hosts, urls, folder):
    with ExitStack() as stack:
        bases = [
            stack.enter_context(serve(Slow, f"127.0.0.{i}"))
            for i in range(1, hosts + 1)
        ]
        links = [f"{bases[i % hosts]}/item/{i}" for i in range(urls)]
        output = Path(folder) / f"out-{hosts}"
        for page in range(0, urls, 10):
            path = output / f"page-{page}" / "index.html"
            path.parent.mkdir(parents=True)
            path.write_text(
                html(
                    "".join(f'<a href="{url}">x</a>' for url in links[page : page + 10])
                )
            )
        config = Config.from_settings(
            {"CACHE_PATH": str(Path(folder) / f"cache-{hosts}")}
        )
        figures = {}
        for run in ("first", "cached"):
            start = time.perf_counter()
            found, stats = check_external(output, config)
            figures[run] = {
                "seconds": round(time.perf_counter() - start, 2),
                "requests": stats["requests"],
                "findings": len(found),
            }
    return {
        "hosts": hosts,
        "urls": urls,
        "concurrency": config.external_concurrency,
        "per_host": config.external_per_host,
        **figures,
    }


ROWS = {
    "wall_median": "wall, median",
    "wall_min": "wall, best",
    "cpu_median": "CPU, median",
    "cpu_min": "CPU, best",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--urls", type=int, default=500)
    args = parser.parse_args()

    build_figures = benchmark_build(args.articles, args.runs)
    print(
        f"Build of {build_figures['articles']} announcements"
        f" ({build_figures['pages_checked']} pages checked,"
        f" {build_figures['findings']} findings), {args.runs} runs each:"
    )
    for key, label in ROWS.items():
        row = build_figures[key]
        print(
            f"  {label}: {row['without_s']} s without sitecheck, {row['with_s']} s"
            f" with it: {row['overhead_percent']:+} % (target <= 15 %)"
        )
    plugin = build_figures["plugin"]
    print(
        f"  sitecheck's own time: check {plugin['check_s']} s + filling image sizes"
        f" {plugin['fill_image_sizes_s']} s = {plugin['share_of_build_percent']} % of"
        " the median build without it"
    )
    with tempfile.TemporaryDirectory(prefix="sitecheck-bench-") as folder:
        external = [check_urls(10, args.urls, folder), check_urls(1, args.urls, folder)]
    for figures in external:
        first, cached = figures["first"], figures["cached"]
        print(
            f"External check of {figures['urls']} URLs on {figures['hosts']} host(s),"
            f" 100 ms each, concurrency {figures['concurrency']}, {figures['per_host']}"
            f" per host: {first['seconds']} s ({first['requests']} requests);"
            f" cached re-run: {cached['seconds']} s ({cached['requests']} requests)"
            + (" (target < 5 s)" if figures["hosts"] > 1 else "")
        )
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "checker.json").write_text(
        json.dumps({"build": build_figures, "external": external}, indent=1)
    )


if __name__ == "__main__":
    main()
