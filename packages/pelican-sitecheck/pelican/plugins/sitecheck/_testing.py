"""Helpers for sitecheck's tests and benchmark."""

import contextlib
import http.server
import threading

SITEURL = "https://example.org"


def html(body, head=""):
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{head}</head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )


class QuietServer(http.server.ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.x that keeps quiet when a client hangs up."""

    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass


@contextlib.contextmanager
def serve(handler, host="127.0.0.1"):
    """Serve `handler` on host, a free port; yield "http://host:port"."""
    server = QuietServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
