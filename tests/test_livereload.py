"""`invoke livereload`, the organiser's development server: it builds, serves,
rebuilds on every save, and when an edit breaks the build it keeps serving the
last good site with the problem shown at the top of every page."""

import base64
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitetools import copy_project


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.25)
    return False


@pytest.fixture
def dev_server(tmp_path):
    project = copy_project(tmp_path / "site")
    port = free_port()
    invoke = Path(sys.executable).parent / "invoke"
    server = subprocess.Popen(
        [str(invoke), "livereload", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "200"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: "Hardware Aware" in fetch(url + "/")), "no site served"
        yield project, url, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_broken_edit_is_shown_in_the_browser_and_the_server_keeps_running(
    dev_server,
):
    project, url, server = dev_server
    schedule = project / "content/data/schedule.yaml"
    good = schedule.read_text()
    schedule.write_text(good.replace("speaker: grollier", "speaker: grolier"))
    assert wait_for(lambda: "build-error" in fetch(url + "/papers/")), (
        "the failed build is not shown"
    )
    page = fetch(url + "/papers/")
    assert "unknown speaker" in page and "schedule.yaml" in page
    assert "Accepted papers" in page  # the last good build is still served
    assert server.poll() is None

    schedule.write_text(good)
    assert wait_for(lambda: "build-error" not in fetch(url + "/papers/"))
    assert server.poll() is None


def test_the_injected_reload_script_is_allowed_by_the_pages_policy(dev_server):
    project, url, server = dev_server
    page = BeautifulSoup(fetch(url + "/aims/"), "lxml")
    inline = [s.string for s in page.find_all("script") if not s.get("src")]
    assert inline, "livereload injected no script"
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["content"]


def test_problem_lines_are_read_from_the_log():
    from tasks import problems_in

    log = (
        "[10:00:00] ERROR    Workshop data: data/x.yaml:3: bad    plugin.py:12\n"
        "           CRITICAL Build stopped by: data/x.yaml:3: bad  __init__.py:1\n"
        "Done: nothing\n"
    )
    assert problems_in(log) == [
        "ERROR: Workshop data: data/x.yaml:3: bad",
        "CRITICAL: Build stopped by: data/x.yaml:3: bad",
    ]
