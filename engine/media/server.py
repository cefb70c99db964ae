"""`FrameServer`: decoded video frames handed to the page over loopback HTTP.

Why a socket: a 1080p frame is 6 MB, and Playwright's request interception carries a body as
base64 through its driver (about 370 ms a frame, measured); Chromium fetching the same bytes
from a loopback server takes 30-55 ms, and the page fetches the next frame while the current one
is captured. The server binds 127.0.0.1 on a free port and answers only paths under its random
token, ``/TOKEN/PAGE/CLIP/KEY``, by asking its `source` for them (which may wait for a frame being
decoded). Frames are BMP or JPEG files (`engine.media.pictures`).
"""

from __future__ import annotations

import secrets
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .pictures import content_type

__all__ = ["FrameServer", "FrameSource", "NO_CHANGE"]

#: What a source returns for a prefetched frame that is the one the page already shows (204).
NO_CHANGE = b""
#: `source(page, clip, key, shown)`: the frame's bytes, `NO_CHANGE` (never when `shown`: the URL
#: carries ``?show``, the page needs the picture whatever it shows), or None (404).
FrameSource = Callable[[int, int, int, bool], "bytes | None"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        try:
            body = self.server.owner.lookup(self.path)
        except Exception:  # noqa: BLE001 - the session raises the decoder's error itself
            body = None
        if body is None:
            self.send_error(404)
            return
        if body is NO_CHANGE:
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")  # a CORS request (crossorigin) may read it
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type(body))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # each frame is fetched once; see media.js
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


#: How often the serving thread looks whether `close` asked it to stop (socketserver's default, 0.5 s,
#: made every session's close wait 0.37 s on average: each render and test with a video paid it).
SHUTDOWN_POLL_S = 0.02


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FrameServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Chromium closing a connection it no longer needs (a prefetch it dropped) is not an error:
        no traceback for a broken pipe or a reset connection; anything else as `socketserver` prints it."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class FrameServer:
    """Serves ``http://127.0.0.1:PORT/TOKEN/PAGE/CLIP/KEY`` from `source` until `close()`."""

    def __init__(self, source: FrameSource) -> None:
        self._source = source
        self._token = secrets.token_hex(8)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        #: Every URL this server answers starts with it (what the page's router lets through untouched).
        self.prefix = f"{self.origin}/{self._token}/"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(SHUTDOWN_POLL_S,), name="engine-frames",
                                        daemon=True)
        self._thread.start()
        self._closed = False

    def url(self, page: int, clip: int, key: int) -> str:
        return f"{self.prefix}{page}/{clip}/{key}"

    def lookup(self, path: str) -> bytes | None:
        where, _, query = path.partition("?")
        parts = where.strip("/").split("/")
        if len(parts) != 4 or parts[0] != self._token or not all(p.isdigit() for p in parts[1:]):
            return None
        return self._source(int(parts[1]), int(parts[2]), int(parts[3]), query == "show")

    def close(self) -> None:
        """Stop serving. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FrameServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
