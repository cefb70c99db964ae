"""`FrameServer`: decoded video frames handed to the page over loopback HTTP.

Why a socket: a 1080p frame is 6 MB, and Playwright's request interception carries a body as
base64 through its driver (about 370 ms a frame, measured); Chromium fetching the same bytes
from a loopback server takes 30-55 ms, and the page overlaps that with the capture of the
previous frame. The server binds 127.0.0.1 on a free port, serves only the frames published to
it, under a random token, and keeps the last few per clip (older ones are forgotten, so memory
stays flat). Frames are BMP: uncompressed, so the page's decode is a copy and exact.
"""

from __future__ import annotations

import secrets
import struct
import threading
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

__all__ = ["FrameServer", "bmp_bytes", "bmp_header"]


def bmp_header(width: int, height: int) -> bytes:
    """The 54-byte header of a top-down 24-bit BMP of that size (rows padded to 4 bytes)."""
    row = (width * 3 + 3) & ~3
    size = row * height
    return (b"BM" + struct.pack("<IHHI", 54 + size, 0, 0, 54)
            + struct.pack("<IiiHHIIiiII", 40, width, -height, 1, 24, 0, size, 2835, 2835, 0, 0))


def bmp_bytes(bgr: np.ndarray) -> bytes:
    """A BMP file of `bgr` (uint8, (height, width, 3), blue first: BMP's byte order)."""
    height, width = bgr.shape[:2]
    row = (width * 3 + 3) & ~3
    if row == width * 3 and bgr.flags.c_contiguous:
        return bmp_header(width, height) + bgr.tobytes()
    padded = np.zeros((height, row), np.uint8)
    padded[:, :width * 3] = bgr.reshape(height, width * 3)
    return bmp_header(width, height) + padded.tobytes()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
        body = self.server.owner.lookup(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/bmp")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "private, max-age=31536000, immutable")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FrameServer


class FrameServer:
    """Serves published frames at ``http://127.0.0.1:PORT/TOKEN/NAME`` until `close()`."""

    def __init__(self, keep: int = 3) -> None:
        self.keep = keep
        self._token = secrets.token_hex(8)
        self._frames: dict[str, OrderedDict[str, bytes]] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="engine-frames", daemon=True)
        self._thread.start()
        self._closed = False

    def publish(self, clip: str, name: str, data: bytes) -> str:
        """Serve `data` as frame `name` of `clip`; returns its URL. The clip's oldest frames beyond
        `keep` are forgotten."""
        with self._lock:
            frames = self._frames.setdefault(clip, OrderedDict())
            frames[name] = data
            frames.move_to_end(name)
            while len(frames) > self.keep:
                frames.popitem(last=False)
        return f"{self.origin}/{self._token}/{clip}/{name}"

    def lookup(self, path: str) -> bytes | None:
        parts = path.split("?", 1)[0].strip("/").split("/")
        if len(parts) != 3 or parts[0] != self._token:
            return None
        with self._lock:
            frames = self._frames.get(parts[1])
            return None if frames is None else frames.get(parts[2])

    def close(self) -> None:
        """Stop serving and drop every frame. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._frames.clear()

    def __enter__(self) -> FrameServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
