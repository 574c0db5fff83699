"""Build speed at scale: our production build against bare Pelican.

Writes N synthetic announcements into a temporary copy of the site and builds
the same content, in one run, with
  (a) bare Pelican: the `simple` theme, typogrify on, our Markdown settings;
  (b) our full production build without the checker plugin;
  (c) our full production build with every check (external links off);
  (d) our development build (pelicanconf.py), as `invoke build` runs it;
  each into an empty folder. (The development server's save-to-visible time
  is measured by benchmarks/latency.py.)
Prints wall time (the targets), CPU time (steadier on a busy shared machine),
peak memory, the ratios b/a and c/a, and the growth.

    .venv/bin/python benchmarks/build.py [--sizes 1000 5000] [--runs 3]

Targets: c/a <= 1.35 (bare Pelican with the same Markdown settings); growth
1,000 -> 5,000 <= 5.5x; peak memory c/a <= 1.5.
"""

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

BARE_SETTINGS = """
from pathlib import Path
import sys
sys.path.insert(0, {root!r})
from pelicanconf import MARKDOWN, TIMEZONE, TYPOGRIFY_OMIT_FILTERS
PATH = "content"
ARTICLE_PATHS = ["news"]
THEME = "simple"
TYPOGRIFY = True
SITEURL = "https://haet2021.github.io"
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
DEFAULT_PAGINATION = 10
DELETE_OUTPUT_DIRECTORY = True
# Our pages name workshop templates; render them with simple's page.html.
THEME_TEMPLATES_OVERRIDES = ["bare-templates"]
"""

# Runs Pelican and reports the process's peak memory, whatever way it exits.
MEASURED_PELICAN = (
    "import atexit, resource, runpy, sys;"
    "atexit.register(lambda: print('PEAK_RSS_KB', resource.getrusage("
    "resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr));"
    "sys.argv = ['pelican', *sys.argv[1:]];"
    "runpy.run_module('pelican', run_name='__main__')"
)

WORDS = [
    "training",
    "hardware",
    "efficient",
    "memory",
    "bandwidth",
    "sparse",
    "accelerator",
    "quantised",
    "gradient",
    "workshop",
    "paper",
    "deadline",
    "review",
    "energy",
    "throughput",
    "latency",
    "model",
    "pruning",
    "distillation",
    "edge",
    "device",
    "cluster",
    "kernel",
    "precision",
]
TAGS = ["call for papers", "challenge", "schedule", "papers", "attending", "keynotes"]
PAGES = ["10-aims", "20-call-for-papers", "50-schedule", "60-papers"]


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def announcement(rng, number, date):
    """A realistic post: paragraphs, a list, internal and external links, tags."""
    earlier = f"{{filename}}/news/bench-{number - 1:05d}.md" if number else None
    paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(4)]
    links = (
        f"See the [{rng.choice(WORDS)} page]({{filename}}/pages/{rng.choice(PAGES)}.md)"
    )
    if earlier:
        links += f" and the [previous announcement]({earlier})"
    return "\n".join([
        f"Title: Announcement {number}: {sentence(rng, 5)[:-1]}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Slug: bench-{number:05d}",
        f"Tags: {', '.join(rng.sample(TAGS, 2))}",
        f"Summary: {sentence(rng, 12)}",
        "",
        paragraphs[0],
        "",
        f"{links}, or the [ICLR workshop page](https://iclr.cc/virtual/2021/workshop/2136).",
        "",
        *(f"- {sentence(rng, 6)}" for _ in range(4)),
        "",
        *(p + "\n" for p in paragraphs[1:]),
    ])  # fmt: skip


def make_site(directory, count):
    """A copy of the project with `count` synthetic announcements added."""
    import datetime as dt

    for name in ("pelicanconf.py", "publishconf.py", "content", "themes", "plugins"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, directory / name)
    rng = random.Random(2021)
    start = dt.datetime(2019, 1, 1, 9, 0)
    news = directory / "content" / "news"
    for number in range(count):
        date = start + dt.timedelta(hours=7 * number)
        (news / f"bench-{number:05d}.md").write_text(
            announcement(rng, number, date), encoding="utf-8"
        )
    (directory / "bare.py").write_text(BARE_SETTINGS.format(root=str(directory)))
    overrides = directory / "bare-templates"
    overrides.mkdir()
    for page in (directory / "content/pages").glob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("template:"):
                template = line.split(":", 1)[1].strip()
                (overrides / f"{template}.html").write_text(
                    '{% extends "!simple/page.html" %}'
                )
    return directory


def cpu_seconds_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pelican(site, settings, output, *extra):
    """Build once; return (wall seconds, CPU seconds, peak MB). CPU time hardly
    moves when the shared machine is busy; wall time does."""
    command = [sys.executable, "-c", MEASURED_PELICAN, "content", "-s", settings,
               "-o", str(output), *extra]  # fmt: skip
    started, cpu_before = time.perf_counter(), cpu_seconds_of_children()
    result = subprocess.run(
        command, cwd=site, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    cpu = cpu_seconds_of_children() - cpu_before
    if result.returncode:
        sys.exit(
            f"Build failed ({settings} {' '.join(extra)}):\n{result.stderr[-3000:]}"
        )
    peak_kb = int(result.stderr.rsplit("PEAK_RSS_KB", 1)[1].split()[0])
    return seconds, cpu, peak_kb / 1024


def our_plugins_without_checker(site):
    sys.path.insert(0, str(site))
    from pelicanconf import PLUGINS

    sys.path.remove(str(site))
    return [name for name in PLUGINS if name != "pelican.plugins.sitecheck"]


# As `invoke build` runs it (tasks.py).
DEVELOPMENT = ("pelicanconf.py", ("-e", 'FINDINGS_FATAL="errors"'))


def measure(site, runs):
    without_checker = json.dumps(our_plugins_without_checker(site))
    settings, development = DEVELOPMENT
    variants = {
        "a": ("bare.py", ()),
        "b": ("publishconf.py", ("-e", f"PLUGINS={without_checker}")),
        "c": ("publishconf.py", ()),
        "d": (settings, development),
    }
    timings = {name: [] for name in variants}
    cpu_times = {name: [] for name in variants}
    peaks = {name: [] for name in variants}
    for _ in range(runs):  # interleaved, so that machine noise hits all alike
        for name, (settings, extra) in variants.items():
            shutil.rmtree(site / f"out-{name}", ignore_errors=True)
            seconds, cpu, peak = pelican(site, settings, site / f"out-{name}", *extra)
            timings[name].append(seconds)
            cpu_times[name].append(cpu)
            peaks[name].append(peak)
    return {
        name: {
            "seconds": statistics.median(timings[name]),
            "cpu_seconds": statistics.median(cpu_times[name]),
            "peak_mb": max(peaks[name]),
            "runs": [round(seconds, 3) for seconds in timings[name]],
        }
        for name in variants
    }


MEASURES = ("seconds", "cpu_seconds", "peak_mb")


def ratio(figures, top, bottom):
    """Wall-time ratio, with the CPU-time ratio."""
    wall = figures[top]["seconds"] / figures[bottom]["seconds"]
    cpu = figures[top]["cpu_seconds"] / figures[bottom]["cpu_seconds"]
    return f"{wall:.2f} ({cpu:.2f} CPU)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(__doc__[__doc__.index("  (a)") : __doc__.index("Prints")].rstrip())
    results = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="haet-bench-") as temporary:
            site = make_site(Path(temporary), size)
            results[size] = figures = measure(site, args.runs)
        print(f"\nN = {size:,} announcements, median of {args.runs} runs:"
              f"{'wall':>11} {'CPU':>9} {'peak':>9}")  # fmt: skip
        for key, label in (("a", "bare Pelican, simple theme"),
                           ("b", "ours, production, no checker"),
                           ("c", "ours, production, all checks"),
                           ("d", "ours, development")):  # fmt: skip
            wall, cpu, peak = (figures[key][name] for name in MEASURES)
            print(f"  ({key}) {label:30} {wall:7.2f} s {cpu:7.2f} s {peak:6.0f} MB")
        memory = figures["c"]["peak_mb"] / figures["a"]["peak_mb"]
        print(f"  b/a = {ratio(figures, 'b', 'a')}   "
              f"c/a = {ratio(figures, 'c', 'a')} (target <= 1.35)")  # fmt: skip
        print(f"  memory c/a = {memory:.2f} (target <= 1.5)")
    if len(args.sizes) > 1:
        small, large = args.sizes[0], args.sizes[-1]

        def growth(key, measure):
            return results[large][key][measure] / results[small][key][measure]

        print(
            f"\nGrowth {small:,} -> {large:,}: ours {growth('c', 'seconds'):.2f}x"
            f" ({growth('c', 'cpu_seconds'):.2f}x CPU; target <= 5.5x for 1,000"
            f" -> 5,000), bare Pelican {growth('a', 'seconds'):.2f}x"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "build.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
