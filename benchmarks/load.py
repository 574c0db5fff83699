"""`invoke livereload` under load, in a copy of the project: 200 clients and
40 open pages (event streams) while a post is saved every 0.5 s. Prints the
answers, timeouts (5 s), errors, tracebacks and builds.

    .venv/bin/python benchmarks/load.py [SECONDS]
"""

import contextlib
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from build import copy_project  # benchmarks/build.py

PORT, SECONDS = 8790, float(sys.argv[1]) if len(sys.argv) > 1 else 30
PAGES = ["/", "/schedule/", "/news/", "/papers/", "/theme/css/style.css", "/gone/"]
counts, lock = {"answered": 0, "timeout": 0, "error": 0}, threading.Lock()


def client(number, base, stop):
    while time.monotonic() < stop:
        try:
            urllib.request.urlopen(base + PAGES[number % len(PAGES)], timeout=5).read()
            outcome = "answered"
        except urllib.error.HTTPError:
            outcome = "answered"  # the 404 page
        except TimeoutError:
            outcome = "timeout"
        except OSError:
            outcome = "error"
        with lock:
            counts[outcome] += 1
        number += 1


def page(base, stop):
    while time.monotonic() < stop:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + "/__devserver/events", timeout=5).read(20)


with tempfile.TemporaryDirectory(prefix="haet-load-") as folder:
    project = Path(folder)
    copy_project(project)
    invoke = Path(sys.executable).parent / "invoke"
    server = subprocess.Popen(
        [invoke, "livereload", "--port", str(PORT)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{PORT}"
    while "Serving at" not in server.stdout.readline():
        pass
    stop = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=client, args=(n, base, stop)) for n in range(200)
    ]
    threads += [threading.Thread(target=page, args=(base, stop)) for _ in range(40)]
    for thread in threads:
        thread.start()
    post = sorted((project / "content/news").glob("*.md"))[-1]
    text, saves = post.read_text(), 0
    while time.monotonic() < stop:
        post.write_text(f"{text}\n\nSave {saves}.\n")
        saves += 1
        time.sleep(0.5)
    for thread in threads:
        thread.join()
    server.send_signal(2)
    printed = server.communicate(timeout=60)[0]
print(
    f"{counts}; {saves} saves, {printed.count('Built in')} builds, "
    f"{printed.count('Traceback')} tracebacks"
)
