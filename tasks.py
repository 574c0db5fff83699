"""Tasks for organisers: `invoke --list` shows them. Names follow
pelican-quickstart's tasks.py where they overlap."""

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import html
import json
import os
import posixpath
import re
import shlex
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from invoke import Exit, task
from pelican.settings import DEFAULT_CONFIG, get_settings_from_file
from pelican.utils import slugify

ROOT = Path(__file__).resolve().parent
SETTINGS = {**DEFAULT_CONFIG, **get_settings_from_file(str(ROOT / "pelicanconf.py"))}
CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "content": SETTINGS["PATH"],
    "output": SETTINGS["OUTPUT_PATH"],
    "news": ROOT / SETTINGS["PATH"] / SETTINGS["ARTICLE_PATHS"][0],
    "host": "127.0.0.1",
    "port": 8000,
}
# When the output is not a terminal (CI, `| tee`, an editor), one line per record.
LOG_HANDLER = [] if sys.stdout.isatty() else ["--log-handler", "plain"]
# Development builds go on after an error, then exit non-zero (plugins/findings).
STOP_AFTER_ERRORS = ["-e", 'FINDINGS_FATAL="errors"']


def pelican(c, *args):
    """Run Pelican in its own process, so that a failed build ends with a clear
    message and no global state carries over to the next one."""
    command = [sys.executable, "-m", "pelican", CONFIG["content"], *LOG_HANDLER, *args]
    with c.cd(str(ROOT)):
        return c.run(shlex.join(command), pty=False, warn=True)


def _exit_on_failure(result):
    if result.failed:
        raise Exit(code=result.exited)


def _port_or_exit(action):
    """Run action() (a server); a busy port is one clear line, not a traceback."""
    import devserver  # noqa: PLC0415 (only the serving tasks need it)

    try:
        action(devserver)
    except devserver.PortBusy as error:
        raise Exit(str(error)) from None


@task
def clean(c):
    """Remove the generated output directory, output/.

    The development server keeps its builds elsewhere and goes on serving."""
    shutil.rmtree(ROOT / CONFIG["output"], ignore_errors=True)


@task
def build(c):
    """Build for development into output/; exits non-zero after an error."""
    _exit_on_failure(pelican(c, "-s", CONFIG["settings_base"], *STOP_AFTER_ERRORS))


@task
def rebuild(c):
    """Build from scratch: delete output/ first."""
    _exit_on_failure(
        pelican(c, "-d", "-s", CONFIG["settings_base"], *STOP_AFTER_ERRORS)
    )


@task
def regenerate(c):
    """Rebuild output/ on every save; a broken edit does not stop it."""
    _port_or_exit(
        lambda server: server.regenerate(
            ROOT / CONFIG["settings_base"], ROOT / CONFIG["output"]
        )
    )


@task(help={"port": "Port to serve on (default: 8000)."})
def serve(c, port=CONFIG["port"]):
    """Serve output/ as it is at http://127.0.0.1:8000 (no rebuilds)."""
    _port_or_exit(
        lambda server: server.serve_folder(
            ROOT / CONFIG["output"], CONFIG["host"], port
        )
    )


@task(help={"port": "Port to serve on (default: 8000)."})
def livereload(c, port=CONFIG["port"]):
    """Serve at http://127.0.0.1:8000, rebuilding and reloading on every save.

    Every problem the build finds is shown at the top of every page."""
    _port_or_exit(
        lambda server: server.livereload(
            ROOT / CONFIG["settings_base"], CONFIG["host"], port
        )
    )


@task(help={"port": "Port to serve on (default: 8001, beside livereload's)."})
def preview(c, port=CONFIG["port"] + 1):
    """Build with production settings and serve it at http://127.0.0.1:8001.

    The build goes into a folder of its own, with the local address as
    SITEURL, so the site looks as it will when published."""
    import devserver  # noqa: PLC0415

    address = f"http://{CONFIG['host']}:{port}"
    server = None
    try:
        server = devserver.make_server(CONFIG["host"], port, None, live=False)
    except devserver.PortBusy as error:
        raise Exit(str(error)) from None
    with tempfile.TemporaryDirectory(prefix="haet-preview-") as output:
        result = pelican(c, "-s", CONFIG["settings_publish"], "-o", output, "-e",
                         f"SITEURL={json.dumps(address)}",
                         f"FEED_DOMAIN={json.dumps(address)}")  # fmt: skip
        if result.failed:
            server.server_close()
            raise Exit("The production build failed (see above); nothing to preview.")
        server.RequestHandlerClass.site = devserver.Site(output)
        devserver.serve_until_stopped(
            server, f"Previewing the production build at {address}/"
        )


# --- Checks and deployment (README, "Publishing") ---------------------------------
# The live site is GitHub Pages, written only by .github/workflows/site.yml,
# which runs `invoke deploy --target _site` and hands that folder to the Pages
# actions. `invoke deploy --target host:/path` is the one way to any other host.

SKIP_EXTERNAL = "--skip-external"
LINK_TO_ANOTHER_SITE = re.compile(r'\s(?:href|src)="(https?://[^"]+)"')
CANONICAL_LINK = re.compile(r'<link rel="canonical" href="(https?://[^"]+)"')


def stop(message):
    """End the task with one line and no traceback; on GitHub, also in the job
    summary and as an annotation."""
    add_to_job_summary(f"**Stopped:** {message}")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::error title=Not deployed::{message}", flush=True)
    raise Exit(message, code=1)


def summarise(line):
    """Print a step's outcome; on GitHub, add it to the job summary."""
    print(line, flush=True)
    add_to_job_summary(line)


def add_to_job_summary(markdown):
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as file:
            file.write(markdown + "\n\n")


def run_in(c, folder, command, env=None):
    """Run `command` (a list) in `folder`, its output shown as it comes."""
    with c.cd(str(folder)):
        return c.run(shlex.join(command), warn=True, pty=False, env=env or {})


def production_build(c, source, output, epoch=None):
    """Build `source` (a project folder) with publishconf.py into `output`; every
    warning fails it (FINDINGS_FATAL).
    `epoch` (SOURCE_DATE_EPOCH) dates what the content does not."""
    command = [sys.executable, "-m", "pelican", CONFIG["content"],
               "-s", CONFIG["settings_publish"], "-o", str(output)]  # fmt: skip
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch else {}
    if run_in(c, source, command, env).failed:
        stop("The production build failed: the lines above name the file to fix.")


def external_addresses(output):
    """(host, port) of every server that the built pages link to, besides the
    site's own (its canonical address)."""
    own, links = set(), set()
    for page in Path(output).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        own.update(urlsplit(url).netloc for url in CANONICAL_LINK.findall(text))
        urls = LINK_TO_ANOTHER_SITE.findall(text)
        links.update(urlsplit(html.unescape(url)) for url in urls)
    addresses = set()
    for url in links:
        with contextlib.suppress(ValueError):  # a malformed port: the checker says so
            if url.hostname and url.netloc not in own:
                addresses.add((url.hostname, url.port or DEFAULT_PORTS[url.scheme]))
    return addresses


DEFAULT_PORTS = {"http": 80, "https": 443}


def network_reachable(addresses, timeout=5.0):
    """Whether any of the servers accepts a connection: if none does, the
    problem is this machine's network, not the links."""

    def connects(address):
        try:
            with socket.create_connection(address, timeout=timeout):
                return True
        except OSError:
            return False

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return any(pool.map(connects, sorted(addresses)))


def external_checker(source):
    """The checker's module: in plugins/, or installed with the sitecheck package."""
    in_plugins = (Path(source) / "plugins" / "sitecheck" / "external.py").exists()
    return "sitecheck.external" if in_plugins else "pelican.plugins.sitecheck.external"


def check_external_links(c, source, output, skip_hint):
    """Check the links to other sites; stop if one is gone, or if no server at
    all answers (then the network is down, and `skip_hint` says what to do)."""
    addresses = external_addresses(output)
    if addresses and not network_reachable(addresses):
        stop(
            f"The network is unreachable: none of the {len(addresses)} sites that "
            f"the pages link to answers, so their links are not checked. {skip_hint}"
        )
    command = [sys.executable, "-m", external_checker(source), str(output),
               "--settings", CONFIG["settings_publish"]]  # fmt: skip
    result = run_in(c, source, command, {"PYTHONPATH": "plugins"})
    if result.exited == 1:
        stop("Links to other sites are broken (listed above): fix or remove them.")
    if result.failed:
        stop("The link checker could not run (see above).")
    summarise(f"Links to other sites: checked, none broken ({len(addresses)} sites).")


@task(help={"external": "Also check links to other sites (needs the network)."})
def check(c, external=False):
    """Build the working copy with production settings into a temporary folder
    and run every check (`invoke deploy` builds the last commit instead)."""
    check_working_copy(c, external)


def check_working_copy(c, external=False):
    """`invoke check`: stops (exit code 1) at the first check that fails."""
    with tempfile.TemporaryDirectory(prefix="haet-check-") as output:
        production_build(c, ROOT, output)
        if external:
            hint = "Check them later, or leave out --external."
            check_external_links(c, ROOT, output, hint)
    print("Site checks passed.")


@task(
    help={
        "sizes": "Numbers of announcements, comma-separated (default: 1000,5000).",
        "runs": "Builds of each kind per size; medians are shown (default: 3).",
    }
)
def bench(c, sizes="1000,5000", runs=3):
    """Time our production build against bare Pelican."""
    command = [sys.executable, "benchmarks/build.py", "--sizes",
               *sizes.replace(",", " ").split(), "--runs", str(runs)]  # fmt: skip
    with c.cd(str(ROOT)):
        _exit_on_failure(c.run(shlex.join(command), warn=True))


@task(help={"title": "The announcement's title, in quotes."})
def new(c, title):
    """Write a dated announcement skeleton: invoke new "Title"."""
    if title.startswith("-"):  # invoke reads `invoke new --help` as a title
        raise Exit(f"No announcement is titled {title!r}; for help: invoke --help new")
    path, draft_url = write_announcement(title)
    base = livereload_address()
    print(
        f"Wrote {path.relative_to(ROOT)} (a draft).\n"
        f"While `invoke livereload` runs, it is at {base}{draft_url}\n"
        f"and every draft is listed at {base}drafts/"
    )


def write_announcement(title, now=None):
    """Write content/news/YYYY-MM-DD-slug.md, a draft dated `now` (default:
    the site's time now); return its path and its address in the site."""
    now = now or dt.datetime.now(ZoneInfo(SETTINGS["TIMEZONE"]))
    slug = slugify(title, regex_subs=SETTINGS["SLUG_REGEX_SUBSTITUTIONS"])
    if not slug:
        raise Exit(f"Cannot make a file name from the title {title!r}.")
    path = CONFIG["news"] / f"{now:%Y-%m-%d}-{slug}.md"
    if path.exists():
        raise Exit(f"{path} already exists; choose another title or edit it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Title: {title}\n"
        f"Date: {now:%Y-%m-%d %H:%M}\n"
        f"Slug: {slug}\n"
        "Tags: \n"
        "Summary: One sentence for the news list and the feeds.\n"
        "Status: draft\n"
        "\n"
        "Write the announcement here, in Markdown. Link to pages with\n"
        "[the schedule]({filename}/pages/50-schedule.md).\n"
        "\n"
        "Delete the Status line above when it is ready to publish.\n",
        encoding="utf-8",
    )
    return path, SETTINGS["DRAFT_URL"].format(slug=slug, date=now)


def livereload_address():
    """Where `invoke livereload` serves (it notes its address while it runs),
    else where it serves by default."""
    import devserver  # noqa: PLC0415

    noted = ROOT / devserver.ADDRESS_FILE
    with contextlib.suppress(OSError):
        return noted.read_text(encoding="utf-8").strip()
    return f"http://{CONFIG['host']}:{CONFIG['port']}/"


def git(c, *args):
    return c.run(shlex.join(["git", "-C", str(ROOT), *args]), hide=True, warn=True)


def export_head(c, destination):
    """Write the files of the last commit (HEAD) into `destination`, say what
    the working copy has that it does not, and return (commit, its time)."""
    head = git(c, "log", "-1", "--format=%H%n%h%n%ct%n%s")
    if head.failed:
        stop(
            f"Only a commit can be deployed, and git finds none: {head.stderr.strip()}"
        )
    full, commit, epoch, subject = head.stdout.split("\n", 3)
    summarise(f"Deploying commit {commit} ({subject.strip()}).")
    status = git(c, "status", "--porcelain", "--untracked-files=all")
    if status.failed:
        stop(f"git status failed: {status.stderr.strip()}")
    left_out = [
        f"{line[3:]} ({'untracked' if line.startswith('??') else 'not committed'})"
        for line in status.stdout.splitlines()
    ]
    if left_out:
        summarise("Left out, because not committed: " + ", ".join(left_out) + ".")
    Path(destination).mkdir(parents=True)
    archive = shlex.join(["git", "-C", str(ROOT), "archive", "--format=tar", full])
    unpack = shlex.join(["tar", "-x", "-C", str(destination)])
    if c.run(f"set -o pipefail; {archive} | {unpack}", warn=True).failed:
        stop("Could not export the last commit (see above).")
    return commit, int(epoch)


@dataclasses.dataclass(frozen=True)
class Target:
    """Where a deployment goes: `host:path` (rsync over ssh) or a local folder.
    A new copy is staged beside the live one, then swapped in by renames."""

    name: str
    host: str | None
    path: str

    @classmethod
    def parse(cls, name):
        remote = re.fullmatch(r"([^/:]+):(.*)", name)  # rsync's rule: ':' before '/'
        host, path = (remote[1], remote[2]) if remote else (None, name)
        path = path.rstrip("/")
        if host:  # ssh starts in the home folder; quoted, "~" would be a name
            path = path.removeprefix("~/")
        if not path or path in (".", "~"):
            stop(
                f"{name}: name the folder that serves the site, e.g. host:/var/www/haet"
            )
        return cls(name, host, path)

    def beside(self, suffix):
        parent, base = posixpath.split(self.path)
        return posixpath.join(parent, f".{base}.{suffix}")

    def url(self, path):
        return f"{self.host}:{path}" if self.host else path

    def shell(self, c, script):
        command = ["ssh", self.host, script] if self.host else ["sh", "-c", script]
        return c.run(shlex.join(command), warn=True, pty=False, hide="out")

    def unchanged(self, c, output):
        """Whether the live copy already has exactly these files."""
        command = [*RSYNC, "--dry-run", "--checksum", "--itemize-changes",
                   f"{output}/", f"{self.url(self.path)}/"]  # fmt: skip
        result = c.run(shlex.join(command), hide=True, warn=True)
        return result.ok and not result.stdout.strip()

    def stage(self, c, output):
        new = self.beside("new")
        self.shell(c, f"rm -rf {shlex.quote(new)}")
        command = [*RSYNC, f"{output}/", f"{self.url(new)}/"]
        return c.run(shlex.join(command), warn=True, pty=False).ok

    def swap(self, c):
        live, new, old = map(
            shlex.quote, (self.path, self.beside("new"), self.beside("old"))
        )
        keep_old = f"rm -rf {old} && {{ [ ! -e {live} ] || mv {live} {old}; }}"
        return self.shell(c, f"{keep_old} && mv {new} {live}").ok

    def restore(self, c):
        """Undo a swap: the previous copy (none on a first deployment) is live."""
        live, old = shlex.quote(self.path), shlex.quote(self.beside("old"))
        return self.shell(
            c, f"rm -rf {live} && {{ [ ! -e {old} ] || mv {old} {live}; }}"
        ).ok

    def clean(self, c):
        self.shell(
            c,
            "rm -rf "
            + " ".join(map(shlex.quote, (self.beside("new"), self.beside("old")))),
        )


# Copy files and links, readable by the web server; --delete for a stale stage.
RSYNC = ["rsync", "-rlp", "--chmod=D755,F644", "--delete"]


def update_targets(c, output, targets):
    """Every target gets the same checked build, or none does: all copies are
    staged first (the slow, fallible part), then swapped in one after another;
    if a swap fails, those already swapped are swapped back."""
    todo = []
    for target in targets:
        if target.unchanged(c, output):
            summarise(f"{target.name} already serves this build: nothing to change.")
        else:
            todo.append(target)
    staged, swapped = [], []
    try:
        for target in todo:
            staged.append(target)
            if not target.stage(c, output):
                stop(
                    f"Copying to {target.name} failed (see above); "
                    "every target is as it was."
                )
        for target in todo:
            if not target.swap(c):
                stuck = [t.name for t in reversed(swapped) if not t.restore(c)]
                outcome = "every target is as it was."
                if stuck:
                    outcome = "could not put the previous site back at " + ", ".join(
                        stuck
                    )
                stop(f"Putting the site live at {target.name} failed; {outcome}")
            swapped.append(target)
    finally:
        for target in staged:
            target.clean(c)
    return todo


@task(
    iterable=["target"],
    help={
        "target": "Where to deploy: host:/path (rsync over ssh) or a folder; repeat "
        "for several. GitHub Pages is deployed by the workflow only.",
        "skip-external": "Deploy without checking links to other sites (when the "
        "network is down).",
    },
)
def deploy(c, target, skip_external=False):
    """Build the last commit with production settings, run every check, then
    update every target from that one build, or leave all as they were."""
    deploy_last_commit(c, target, skip_external)


def deploy_last_commit(c, names, skip_external=False):
    """`invoke deploy`: the last commit, built and checked once, to every target
    named in `names`, or to none."""
    targets = [Target.parse(name) for name in names]
    if not targets:
        stop(
            "Name where to deploy with --target host:/path (or a folder). "
            "The live site on GitHub Pages is deployed by the workflow only."
        )
    with tempfile.TemporaryDirectory(prefix="haet-deploy-") as work:
        source, output = Path(work, "source"), Path(work, "output")
        commit, epoch = export_head(c, source)
        production_build(c, source, output, epoch)
        summarise("Production build: every internal check passed.")
        if skip_external:
            summarise(f"Links to other sites: not checked ({SKIP_EXTERNAL}).")
        else:
            hint = f"To deploy without checking them, add {SKIP_EXTERNAL}."
            check_external_links(c, source, output, hint)
        changed = update_targets(c, output, targets)
    if changed:
        summarise(f"Deployed {commit} to {', '.join(t.name for t in changed)}.")
