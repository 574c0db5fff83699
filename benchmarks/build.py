"""A site to time: a copy of the project with N synthetic announcements.

    .venv/bin/python benchmarks/build.py DIR [--posts 1000]

Writes the copy into DIR (which must not exist) and bare.py there: bare
Pelican (its default theme, no plugins) on the same posts and pages. Prints
the two build commands to time against each other, run in DIR; see
docs/performance.md for how, and for the latest figures.
"""

import argparse
import datetime as dt
import random
import shlex
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ["pelicanconf.py", "publishconf.py", "tasks.py", "content", "themes", "haet"]
BARE_SETTINGS = """\
PATH = "content"
TIMEZONE = "Europe/Paris"
SITEURL = "https://haet2021.github.io"
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
IGNORE_FILES = ["**/.*", "README.md"]
TYPOGRIFY = True
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
DEFAULT_PAGINATION = 10
DELETE_OUTPUT_DIRECTORY = True
# Our pages name the workshop's templates: the default theme's page.html.
THEME_TEMPLATES_OVERRIDES = ["bare-templates"]
"""
WORDS = """training hardware efficient memory bandwidth sparse accelerator
quantised gradient workshop paper deadline review energy throughput latency
model pruning distillation edge device cluster kernel"""
TAGS = ["call for papers", "challenge", "schedule", "papers", "keynotes"]


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS.split()) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def announcement(rng, number, date):
    """Paragraphs, a list, links to a page, the previous post and ICLR; tags."""
    paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(4)]
    links = "See the [call for papers]({filename}/pages/20-call-for-papers.md)"
    if number:
        links += f", the [previous post]({{filename}}/news/bench-{number - 1:05d}.md)"
    return "\n".join(
        [
            f"Title: Announcement {number}: {sentence(rng, 5)[:-1]}",
            f"Date: {date:%Y-%m-%d %H:%M}",
            f"Slug: bench-{number:05d}",
            f"Tags: {', '.join(rng.sample(TAGS, 2))}",
            f"Summary: {sentence(rng, 12)}",
            "",
            paragraphs[0],
            "",
            f"{links} or [ICLR's page](https://iclr.cc/virtual/2021/workshop/2136).",
            "",
            *(f"- {sentence(rng, 6)}" for _ in range(4)),
            "",
            *(paragraph + "\n" for paragraph in paragraphs[1:]),
        ]
    )


def copy_project(directory):
    """The site as a black box: settings, content, theme, its code, tasks."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, directory / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif source.is_file():
            shutil.copy2(source, directory / name)


def make_site(directory, posts):
    copy_project(directory)
    rng = random.Random(2021)
    start = dt.datetime(2019, 1, 1, 9, 0)
    for number in range(posts):
        text = announcement(rng, number, start + dt.timedelta(hours=7 * number))
        (directory / f"content/news/bench-{number:05d}.md").write_text(text, "utf-8")
    (directory / "bare.py").write_text(BARE_SETTINGS)
    overrides = directory / "bare-templates"
    overrides.mkdir()
    for page in (directory / "content/pages").glob("*.md"):
        for line in page.read_text("utf-8").splitlines():
            if line.lower().startswith("template:"):
                template = line.split(":", 1)[1].strip()
                (overrides / f"{template}.html").write_text(
                    '{% extends "!theme/page.html" %}'
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    make_site(args.directory, args.posts)
    pelican = [sys.executable, "-m", "pelican", "content", "-s"]
    print(
        f"Wrote {args.directory} with {args.posts} synthetic announcements. "
        f"In it, time (ours, then bare Pelican):"
    )
    print("  " + shlex.join([*pelican, "publishconf.py", "-o", "out-ours"]))
    print("  " + shlex.join([*pelican, "bare.py", "-o", "out-bare"]))


if __name__ == "__main__":
    main()
