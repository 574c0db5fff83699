"""`invoke livereload` and the other serving tasks, as an organiser uses them:
a real server on a copy of the project, real saves, a real browser."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitetools import copy_project, free_port

INVOKE = str(Path(sys.executable).parent / "invoke")
BROKEN_LINK_POST = (
    "Title: Venue\nDate: 2021-05-01 10:00\nSummary: Where.\n\n"
    "[The venue]({filename}/pages/99-venue.md)\n"
)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except OSError:
            pass
        time.sleep(0.1)
    return False


def start(project, *task, log=None):
    return subprocess.Popen(
        [INVOKE, *task],
        cwd=project,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        env={k: v for k, v in os.environ.items() if k != "COLUMNS"},
    )


def stop(process):
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def dev_server(tmp_path):
    project = copy_project(tmp_path / "site")
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = start(project, "livereload", "--port", str(port), log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: "Hardware Aware" in fetch(url + "/")[1]), "no site"
        watching(project, tmp_path / "server.log")
        yield project, url, server
    finally:
        stop(server)
        log.close()


def watching(project, log_path):
    """The first build is served before the watcher starts: a save in between
    is missed (a busy machine makes that moment long). Save a page again, as
    it is, until the server logs a rebuild: then it is watching."""
    page = project / "content/pages/10-aims.md"
    text = page.read_text(encoding="utf-8")
    builds = log_path.read_text().count("Built in")

    def rebuilt():
        page.write_text(text, encoding="utf-8")
        return wait_for(lambda: log_path.read_text().count("Built in") > builds, 2)

    assert wait_for(rebuilt), log_path.read_text()


def in_page(page, script, seconds=30):
    """Evaluate `script` until it is truthy; the page may reload meanwhile."""

    def attempt():
        try:
            return page.evaluate(script)
        except Exception:  # noqa: BLE001 (a navigation replaced the document)
            return None

    return wait_for(attempt, seconds)


BANNER = "document.querySelector('.devserver-banner')"
BANNER_TEXT = f"{BANNER} && {BANNER}.innerText"


@pytest.mark.browser
def test_the_banner_tells_every_problem_and_which_build_is_shown(dev_server, browser):
    project, url, server = dev_server
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security" in m.text else None,
    )
    page.goto(url + "/schedule/")
    assert page.evaluate(BANNER) is None  # no problems, no banner
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 200

    # A broken link, an unknown status, an image without alt text or size
    # (errors and warnings): all block publication, none stops development.
    post = project / "content/news/2021-05-01-venue.md"
    post.write_text(BROKEN_LINK_POST)
    status = project / "content/news/2021-05-02-status.md"
    status.write_text("Title: Status\nDate: 2021-05-02\nStatus: publised\n\nText.\n")
    photo = project / "content/news/2021-05-03-photo.md"
    photo.write_text(
        "Title: Photo\nDate: 2021-05-03\n\n![]({static}/images/social-card.png)\n"
    )
    text = in_page(page, f"{BANNER_TEXT} && /photo.md/.test({BANNER}.innerText)"
                   f" && {BANNER}.innerText")  # fmt: skip
    assert text, "the page did not reload with a banner"
    assert "content/news/2021-05-01-venue.md" in text and "99-venue.md" in text
    assert "content/news/2021-05-02-status.md:3: unknown status 'publised'" in text
    warnings = page.locator(
        ".devserver-banner li[data-level=warning]"
    ).all_inner_texts()
    assert any("content/news/2021-05-03-photo.md" in w for w in warnings), warnings
    assert "block publication" in text
    assert re.search(r"This is the build of \d\d:\d\d:\d\d, with \d+ problems", text)
    # At the top of the viewport, although the reloaded page is scrolled down
    # (Chromium restores the scroll position once the page is laid out).
    # (Polled from here: the page's CSP forbids the eval wait_for_function uses.)
    for _ in range(50):
        if page.evaluate("window.scrollY") > 100:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") > 100
    top = page.evaluate(f"{BANNER}.getBoundingClientRect().top")
    assert abs(top) < 1, top
    status.unlink()
    photo.unlink()

    # An error that stops the build, then a second, different one.
    schedule = project / "content/data/schedule.yaml"
    good = schedule.read_text()
    schedule.write_text(good.replace("speaker: grollier", "speaker: grolier", 1))
    text = in_page(page, f"{BANNER_TEXT} && /grolier/.test({BANNER}.innerText)"
                   f" && {BANNER}.innerText")  # fmt: skip
    assert "content/data/schedule.yaml:" in text
    assert re.search(r"The build of [\d:]+ stopped at .*grolier", text)
    assert re.search(r"showing the last complete build, of [\d:]+", text)
    assert page.locator("main").inner_text()  # the last complete site is shown
    schedule.write_text(good.replace("speaker: grollier", "speaker: grolliér", 1))
    text = in_page(page, f"{BANNER_TEXT} && /grollié/.test({BANNER}.innerText)"
                   f" && {BANNER}.innerText")  # fmt: skip
    assert "grolier" not in text, "problems of an older build stacked up"
    assert page.locator(".devserver-banner").count() == 1

    # Both fixed: the banner goes.
    schedule.write_text(good)
    post.unlink()
    assert in_page(page, f"document.readyState === 'complete' && !{BANNER}")
    assert server.poll() is None
    assert not violations, violations
    page.close()


def test_pages_are_served_while_building_and_carry_no_inline_script(dev_server):
    project, url, server = dev_server
    status, html = fetch(url + "/aims/")
    page = BeautifulSoup(html, "lxml")
    scripts = page.find_all("script", src=False)
    assert not [s for s in scripts if s.get("type") != "application/ld+json"]
    assert page.find("script", src="/__devserver/reload.js")
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert "'sha256-" not in policy["content"]  # no hash for a dev-only script
    assert fetch(url + "/__devserver/reload.js")[0] == 200
    status, missing = fetch(url + "/no/such/page/")
    assert status == 404 and "reload.js" in missing


def test_clean_leaves_the_dev_server_serving(dev_server):
    project, url, server = dev_server
    subprocess.run([INVOKE, "clean"], cwd=project, check=True)
    assert fetch(url + "/aims/")[0] == 200
    (project / "content/pages/10-aims.md").write_text(
        (project / "content/pages/10-aims.md").read_text() + "\nCleaned and rebuilt.\n"
    )
    assert wait_for(lambda: "Cleaned and rebuilt" in fetch(url + "/aims/")[1])


def test_a_page_the_build_no_longer_writes_is_gone(dev_server):
    project, url, server = dev_server
    post = project / "content/news/2021-05-01-short-lived.md"
    post.write_text("Title: Short lived\nDate: 2021-05-01\n\nText.\n")
    page = url + "/news/2021/short-lived/"
    assert wait_for(lambda: fetch(page)[0] == 200)
    post.unlink()
    assert wait_for(lambda: fetch(page)[0] == 404)


def test_a_busy_port_is_one_clear_line(tmp_path):
    project = copy_project(tmp_path / "site")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        for task in (["livereload"], ["serve"], ["preview"]):
            result = subprocess.run(
                [INVOKE, *task, "--port", port],
                cwd=project,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            out = result.stdout + result.stderr
            assert result.returncode == 1, (task, out)
            assert "--port" in out and port in out, out
            assert "Traceback" not in out and "Serving" not in out, out
            assert len(out.strip().splitlines()) == 1, out


def test_regenerate_survives_a_data_typo_and_recovers(tmp_path):
    project = copy_project(tmp_path / "site")
    log_path = tmp_path / "regenerate.log"
    with log_path.open("w") as log:
        process = start(project, "regenerate", log=log)
    try:
        built = lambda n: log_path.read_text().count("Built in") >= n  # noqa: E731
        assert wait_for(lambda: built(1)), log_path.read_text()
        time.sleep(1)  # the watcher starts right after the first build
        schedule = project / "content/data/schedule.yaml"
        good = schedule.read_text()
        schedule.write_text(good.replace("speaker: grollier", "speaker: grolier", 1))
        assert wait_for(lambda: "The build stopped" in log_path.read_text())
        assert process.poll() is None, log_path.read_text()
        assert "schedule.yaml" in log_path.read_text()
        schedule.write_text(good)
        assert wait_for(lambda: built(2)), log_path.read_text()
        assert "Traceback" not in log_path.read_text()
    finally:
        stop(process)


def test_preview_serves_the_production_build_at_the_local_address(tmp_path):
    project = copy_project(tmp_path / "site")
    port = free_port()
    address = f"http://127.0.0.1:{port}"
    process = start(project, "preview", "--port", str(port))
    try:
        assert wait_for(lambda: fetch(address + "/")[0] == 200, 120)
        page = BeautifulSoup(fetch(address + "/news/")[1], "lxml")
        links = [a["href"] for a in page.find_all("a", href=True)]
        assert any(link.startswith(address + "/news/") for link in links), links
        assert not [link for link in links if "haet2021.github.io" in link]
        assert "reload.js" not in fetch(address + "/")[1]  # as it will be published
        feed = fetch(address + "/feeds/all.atom.xml")[1]
        assert f'href="{address}/news/' in feed
        assert not (project / "output").exists()  # a folder of its own
    finally:
        stop(process)


def test_a_template_error_is_shown_at_its_template_line(dev_server):
    project, url, server = dev_server
    template = project / "themes/haet/templates/base.html"
    good = template.read_text()
    lines = good.splitlines()
    body = next(n for n, line in enumerate(lines) if line.startswith("<body"))
    lines.insert(body + 1, "{{ no_such_thing.at_all }}")
    template.write_text("\n".join(lines) + "\n")
    where = f"themes/haet/templates/base.html:{body + 2}"
    assert wait_for(lambda: where in fetch(url + "/aims/")[1]), fetch(url + "/aims/")
    banner = BeautifulSoup(fetch(url + "/aims/")[1], "lxml").find(
        class_="devserver-banner"
    )
    assert banner["data-state"] == "stopped" and "no_such_thing" in banner.text
    template.write_text(good)
    assert wait_for(lambda: "devserver-banner" not in fetch(url + "/aims/")[1])


def test_a_settings_change_is_read_again(dev_server):
    project, url, server = dev_server
    settings = project / "pelicanconf.py"
    text = settings.read_text()
    assert 'SITENAME = "HAET 2021"' in text
    settings.write_text(
        text.replace('SITENAME = "HAET 2021"', 'SITENAME = "HAET 2O2I"')
    )
    assert wait_for(lambda: "HAET 2O2I" in fetch(url + "/aims/")[1])
