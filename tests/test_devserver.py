"""`invoke livereload` as an organiser uses it: a real server (a subprocess) on
a copy of the project, real saves, and once a real browser. Every wait polls
for what the organiser would see, with a generous deadline."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitetools import copy_project, free_port, settings_of

INVOKE = str(Path(sys.executable).parent / "invoke")
SITE_URL = settings_of("publishconf.py")["SITEURL"]
# What a copy of the project needs, besides the site's code (haet/).


# Run a command with Ctrl-C (SIGINT) stopping it, as in a terminal, even when
# the tests run as a background job (where SIGINT starts ignored).
CTRL_C_STOPS = [
    sys.executable,
    "-c",
    "import os, signal, sys; "
    "signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])",
]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def until(predicate, what, seconds=60):
    """predicate()'s first truthy value, polled until the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := predicate():
                return result
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"after {seconds} s, still not: {what}")


def banner(url):
    """The dev server's banner on the page at `url`, or None."""
    return BeautifulSoup(fetch(url)[1], "lxml").find(class_="devserver-banner")


def page_url(project, source):
    """The address of content/`source` in the site, as Pelican computes it."""
    from pelican.contents import Page
    from pelican.readers import Readers
    from pelican.settings import read_settings

    settings = read_settings(str(project / "pelicanconf.py"))
    page = Readers(settings).read_file(
        base_path=settings["PATH"], path=source, content_class=Page, context={}
    )
    return "/" + page.url


class Server:
    """`invoke livereload --port N` (or another `task`) in `project`, its
    temporary folders in `tmp`."""

    def __init__(self, project, tmp, task="livereload"):
        self.project, self.tmp = project, tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp.with_suffix(".log")
        tmp.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*CTRL_C_STOPS, INVOKE, task] + ["--port", str(self.port)],
                cwd=project,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**env, "TMPDIR": str(tmp), "PYTHONFAULTHANDLER": "1"},
            )

    def served(self):
        until(lambda: fetch(self.url + "/")[0] == 200, f"served\n{self.text()}")
        return self

    def text(self):
        return self.log.read_text()

    def watching(self):
        """The first build is served before the watcher starts: save a page as
        it is until the server rebuilds; then it is watching."""
        page = sorted((self.project / "content/pages").glob("*.md"))[0]
        builds = self.text().count("Built in")

        def rebuilt():
            page.write_bytes(page.read_bytes())
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if self.text().count("Built in") > builds:
                    return True
                time.sleep(0.05)
            return False

        until(rebuilt, f"rebuilt on a save\n{self.text()}")
        return self

    def stop(self, how=signal.SIGTERM):
        self.process.send_signal(how)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)  # faulthandler: every thread
            self.process.wait(timeout=30)
            raise AssertionError(
                f"still running after {how!r}:\n{self.text()}"
            ) from None


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    server = Server(copy_project(tmp / "site"), tmp / "tmp").served().watching()
    yield server
    server.stop()


class Edit:
    """Change a file of the project; put it back as it was afterwards."""

    def __init__(self, path):
        self.path, self.good = path, path.read_text(encoding="utf-8")

    def __enter__(self):
        return self

    def write(self, text):
        self.path.write_text(text, encoding="utf-8")

    def __exit__(self, *exc):
        self.write(self.good)


def text_page(project):
    """A page of content/pages/ whose text is shown (the home page shows the
    data) and its address."""
    for path in sorted((project / "content/pages").glob("*.md")):
        url = page_url(project, path.relative_to(project / "content"))
        if url != "/":
            return path, url
    raise AssertionError("no page but the home page")


@pytest.mark.browser
def test_a_save_rebuilds_and_the_open_page_reloads_by_itself(live, browser):
    source, address = text_page(live.project)
    url = live.url + address
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    sentence = f"Saved {uuid.uuid4().hex}."

    def shown():
        try:
            return sentence in page.evaluate("document.body.innerText")
        except Exception:  # noqa: BLE001 (a reload replaced the document meanwhile)
            return False

    try:
        with Edit(source) as edit:
            edit.write(edit.good + f"\n{sentence}\n")
            until(shown, "the open page reloaded with the saved text")
            assert page.evaluate("window.notReloaded") is None  # reloaded
            assert sentence in fetch(url)[1]
    finally:
        context.close()
    until(lambda: sentence not in fetch(url)[1], "the page as it was again")
    assert not errors, errors  # the reload script is allowed by the CSP


@pytest.mark.browser
def test_the_banner_keeps_clear_of_the_header_after_a_reload(live, browser):
    source, address = text_page(live.project)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(live.url + address)

        def reloaded_with_banner():
            try:
                return page.evaluate(
                    "Boolean(document.querySelector('.devserver-banner'))"
                )
            except Exception:  # noqa: BLE001 (a reload replaced the document meanwhile)
                return False

        with Edit(source) as edit:
            edit.write(edit.good + "\n[Gone]({filename}/pages/gone.md)\n")
            until(reloaded_with_banner, "the open page reloaded with the banner")
            page.wait_for_load_state("load")
            header = page.locator(".site-header").bounding_box()
            shown = page.locator(".devserver-banner").bounding_box()
            assert page.evaluate("scrollY") == 0 and header["y"] == 0
            assert shown["y"] >= header["y"] + header["height"]  # no overlap
            assert shown["y"] + shown["height"] <= 720  # in the window
    finally:
        context.close()
    until(lambda: banner(live.url + address) is None, "the banner gone after the fix")


# Mistakes that stop a build: (file, its broken text, "file:line", the fix).


def _template_error(project):
    path = project / "themes/haet/templates/base.html"
    lines = path.read_text(encoding="utf-8").splitlines()
    body = next(n for n, line in enumerate(lines) if line.startswith("<body"))
    lines.insert(body + 1, "{% if %}")
    where = f"{path.relative_to(project)}:{body + 2}"
    return path, "\n".join(lines) + "\n", where, "correct the template at this line"


def _unknown_zone(project):
    path = project / "content/data/event.yaml"
    text = path.read_text(encoding="utf-8")
    found = re.search(r"^timezone: (\S+)$", text, re.MULTILINE)
    line = text.count("\n", 0, found.start(1)) + 1
    broken = text[: found.end(1)] + "x" + text[found.end(1) :]
    return (
        path,
        broken,
        f"{path.relative_to(project)}:{line}",
        "write an IANA zone name such as Europe/Paris",
    )


@pytest.mark.parametrize("mistake", [_template_error, _unknown_zone])
def test_a_broken_edit_keeps_the_last_good_build_served_and_says_where(live, mistake):
    path, broken, where, fix = mistake(live.project)
    good = BeautifulSoup(fetch(live.url + "/")[1], "lxml").main.get_text()
    assert banner(live.url + "/") is None
    with Edit(path) as edit:
        edit.write(broken)
        shown = until(lambda: banner(live.url + "/"), f"a banner for {where}")
        assert (shown["role"], shown["data-state"]) == ("alert", "stopped"), shown
        assert f"stopped at {where}: " in shown.p.get_text(), shown.p
        assert f"(fix: {fix})" in shown.p.get_text(), shown.p
        assert "showing the last complete build" in shown.p.get_text()
        served = BeautifulSoup(fetch(live.url + "/")[1], "lxml")
        assert served.main.get_text() == good
        assert f"{where}: " in live.text()  # the terminal says it too
    until(lambda: banner(live.url + "/") is None, "the banner gone after the fix")
    assert live.process.poll() is None


def test_a_problem_that_does_not_stop_the_build_is_shown_with_the_new_build(live):
    source, address = text_page(live.project)
    missing, sentence = f"{uuid.uuid4().hex}.md", f"Linked {uuid.uuid4().hex}."
    with Edit(source) as edit:
        edit.write(edit.good + f"\n{sentence} [Gone]({{filename}}/pages/{missing})\n")
        shown = until(lambda: banner(live.url + address), "a banner for a warning")
        assert (shown["role"], shown["data-state"]) == ("alert", "problems"), shown
        where = f"{source.relative_to(live.project).as_posix()}:"
        assert [
            li
            for li in shown("li")
            if li.code
            and li.code.get_text().startswith(where)
            and missing in li.get_text()
            and li.em.get_text().startswith("Fix: ")
        ], shown
        assert sentence in fetch(live.url + address)[1]  # the new build is served
    until(lambda: banner(live.url + address) is None, "the banner gone after the fix")


def test_clean_leaves_it_serving_and_new_prints_the_address_it_serves(live):
    (live.project / "output").mkdir(exist_ok=True)
    subprocess.run([INVOKE, "clean"], cwd=live.project, check=True)
    assert not (live.project / "output").exists()
    assert fetch(live.url + "/")[0] == 200
    title = f"Draft {uuid.uuid4().hex[:8]}"
    news = {path.name for path in live.project.glob("content/news/*")}
    printed = subprocess.run(
        [INVOKE, "new", title],
        cwd=live.project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [draft] = {p for p in live.project.glob("content/news/*") if p.name not in news}
    try:
        address = re.search(rf"({re.escape(live.url)}/\S+)", printed)
        assert address, printed
        until(lambda: title in fetch(address[1])[1], f"the draft at {address[1]}")
        assert f"{live.url}/drafts/" in printed
    finally:
        draft.unlink()
    until(lambda: fetch(address[1])[0] == 404, "the draft gone once deleted")


def test_ctrl_c_or_kill_stops_it_and_removes_its_builds(tmp_path):
    servers = {
        how: Server(copy_project(tmp_path / how.name), tmp_path / f"{how.name}-tmp")
        for how in (signal.SIGINT, signal.SIGTERM)
    }  # both start at once
    for how, server in servers.items():
        if how == signal.SIGINT:  # Ctrl-C as soon as the first build has begun
            until(lambda s=server: list(s.tmp.glob(".haet-dev-*/builds/*")), "a build")
        else:
            address = server.served().project / ".livereload-address"
            assert address.read_text() == server.url + "/\n"
        server.stop(how)
        assert list(server.tmp.iterdir()) == [], how
        assert not (server.project / ".livereload-address").exists(), how
        with (
            pytest.raises(OSError),
            socket.create_connection(("127.0.0.1", server.port), timeout=5),
        ):
            pass


def test_preview_serves_the_production_build_on_the_local_address(tmp_path):
    """preview: the production build, in a folder of its own, its links on
    the local address."""
    project = copy_project(tmp_path / "preview")
    preview = Server(project, tmp_path / "preview-tmp", "preview")
    try:
        until(lambda: fetch(preview.url + "/")[0] == 200, "preview serving", 120)
        page = BeautifulSoup(fetch(preview.url + "/news/")[1], "lxml")
        links = [a["href"] for a in page("a", href=True)]
        assert any(link.startswith(preview.url + "/news/") for link in links), links
        assert all(not link.startswith(SITE_URL) for link in links), links
        assert "/__devserver/" not in fetch(preview.url + "/")[1]
        feed = fetch(f"{preview.url}/{settings_of()['FEED_ALL_ATOM']}")[1]
        assert f'href="{preview.url}/' in feed and SITE_URL not in feed
        assert not (project / "output").exists()  # a folder of its own
    finally:
        preview.stop()


def test_a_busy_port_is_one_clear_line(tmp_path):
    from invoke import Context, Exit

    import tasks

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = subprocess.run(
            [INVOKE, "livereload", "--port", port],
            cwd=copy_project(tmp_path / "site"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        out = (result.stdout + result.stderr).strip()
        assert result.returncode == 1, out
        assert len(out.splitlines()) == 1, out
        assert f"Port {port} " in out and "--port" in out, out
        with pytest.raises(Exit) as stopped:  # the same line, in this process
            tasks.preview(Context(), port=port)
        assert str(stopped.value.message) == out
