"""Save to reloaded page under `invoke livereload`, in a copy of the project:
a post open in headless Chromium is saved EDITS times; prints the median and
the worst time until the page shows the new text.

    .venv/bin/python benchmarks/latency.py [EDITS, default 20]
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from build import copy_project  # benchmarks/build.py
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
POST = "content/news/2021-05-01-latency-probe.md"
POST_URL = "/news/2021/latency-probe/"
PROBE = (
    "Title: Latency probe\nDate: 2021-05-01 10:00\nSlug: latency-probe\n"
    "Summary: A post the benchmark edits.\n\nText {}.\n"
)


def wait_until(predicate, seconds, pause=0.005):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(pause)
    return False


def main():
    edits = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    work = Path(tempfile.mkdtemp(prefix="haet-latency-"))
    server = None
    try:
        copy_project(work)
        (work / POST).write_text(PROBE.format("first"), "utf-8")
        url = "http://127.0.0.1:8791"
        invoke = Path(sys.executable).parent / "invoke"
        server = subprocess.Popen(
            [invoke, "livereload", "--port", url.rsplit(":", 1)[1]],
            cwd=work,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        while "Serving at" not in server.stdout.readline():
            pass
        times = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=CHROMIUM_ARGS,
            )
            page = browser.new_page()
            page.goto(url + POST_URL)
            time.sleep(1)
            for _ in range(edits):
                marker = uuid.uuid4().hex[:12]
                script = f"document.body?.innerText.includes('Text {marker}.')"

                def shown(script=script):
                    try:
                        return page.evaluate(script)
                    except Exception:  # noqa: BLE001 (the page is reloading)
                        return False

                started = time.perf_counter()
                (work / POST).write_text(PROBE.format(marker), "utf-8")
                if not wait_until(shown, 30):
                    sys.exit("The page never showed the edit within 30 s.")
                times.append(time.perf_counter() - started)
                time.sleep(0.5)  # between saves
            browser.close()
        print(
            f"Save to reloaded page, {len(times)} edits, {os.cpu_count()} cores: "
            f"median {statistics.median(times):.3f} s, "
            f"worst {max(times):.3f} s"
        )
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
