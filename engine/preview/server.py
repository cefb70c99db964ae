"""The preview's HTTP server (stdlib ``ThreadingHTTPServer``: a handful of local clients need no
framework). Every request must carry the server's token (``?token=``; 403 without it or with a
wrong one); it serves its own page assets and these endpoints, nothing else (404):

- ``GET /`` the page; ``GET /player.js``, ``/player.css`` its assets;
- ``GET /frame.png?t=SECONDS[&q=high|draft][&vars=JSON]`` the frame at that time (`FrameService`);
- ``GET /api/info`` the plan, warnings and declared variables as JSON (or ``{"error": ...}``);
- ``GET /api/events`` server-sent events: ``change`` after a save, ``render`` for a render's progress;
- ``POST /api/render`` (JSON ``{"frames": "START:END" | null, "variables": {...}}``) renders to the output.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shlex
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import InputError
from ..media.server import SHUTDOWN_POLL_S
from .events import Broadcaster, FolderWatcher, sse
from .frames import FrameService, PreviewError, cli_message

__all__ = ["PreviewServer"]

#: The page's files (package data under engine/preview/page), by URL path.
ASSETS = {"/": ("index.html", "text/html; charset=utf-8"), "/player.js": ("player.js", "text/javascript; charset=utf-8"),
          "/player.css": ("player.css", "text/css; charset=utf-8")}
#: frame-ancestors: a notebook (another origin) shows the page in an iframe (`engine.preview`).
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; connect-src 'self' blob:; "
                                               "style-src 'self'; "
                                               "frame-ancestors *"}


class PreviewServer:
    """A preview of `composition` served on `host`:`port` (0: a free port). `start` runs it on a
    thread of its own, `serve_forever` on the caller's; `close` stops everything."""

    def __init__(self, composition: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 0,
                 output: str | os.PathLike[str] | None = None, token: str | None = None,
                 log_requests: bool = False) -> None:
        comp = Path(composition)
        self.log_requests = log_requests
        self.output = Path(output) if output is not None else default_output(comp)
        self.service = FrameService(comp, ignore=(self.output,))
        self.composition = comp
        self.token = token or secrets.token_urlsafe(24)
        self.events = Broadcaster()
        self.watcher = FolderWatcher(self.service.root, self._changed, ignore=(self.output,))
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.preview = self  # type: ignore[attr-defined]
        self._rendering = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        """The page's address, token included."""
        host = str(self.httpd.server_address[0])
        return f"http://{host if ':' not in host else f'[{host}]'}:{self.port}/?token={self.token}"

    def start(self) -> PreviewServer:
        """Start the renderer, the watcher and the server (on a thread); returns self."""
        self.service.start()
        self.watcher.start()
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(SHUTDOWN_POLL_S,), name="preview-http",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Start the renderer and the watcher, then serve on this thread until `close` (or Ctrl-C)."""
        self.service.start()
        self.watcher.start()
        self.httpd.serve_forever()

    def close(self) -> None:
        """Stop the server, the watcher and the renderer. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.events.close()
        if self._thread is not None:
            self.httpd.shutdown()
        self.httpd.server_close()
        self.watcher.close()
        self.service.close()

    def __enter__(self) -> PreviewServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _changed(self, paths: list[str]) -> None:
        self.events.publish("change", {"paths": paths, "version": self.service.digest.current()[:16]})

    def cli_command(self) -> str:
        """The render command for this composition and output (the page adds ``--variables``)."""
        return shlex.join(["python", "-m", "engine.render", _shown(self.composition), "-o", _shown(self.output)])

    def start_render(self, frames: str | None, variables: Any) -> bool:
        """Start a render to the output (False: one is running); its progress goes to the events."""
        if not self._rendering.acquire(blocking=False):
            return False
        output = self.output

        def progress(done: int, total: int) -> None:
            self.events.publish("render", {"state": "running", "done": done, "total": total})

        self.events.publish("render", {"state": "started", "done": 0, "total": 0, "output": str(output)})
        try:
            future = self.service.render(output, frames=frames or None, variables=variables, progress=progress)
        except Exception:
            self._rendering.release()
            raise

        def finished(done: Any) -> None:
            try:
                exc = done.exception()
                if exc is None:
                    result = done.result()
                    self.events.publish("render", {"state": "done", "done": result.frames, "total": result.frames,
                                                   "output": str(result.output), "summary": result.summary()})
                else:
                    self.events.publish("render", {"state": "failed", "message": cli_message(exc)})
            finally:
                self._rendering.release()

        future.add_done_callback(finished)
        return True


def default_output(composition: Path) -> Path:
    """``NAME.mp4`` beside the composition's folder (outside it, so a render is no change)."""
    folder = composition if composition.is_dir() else composition.parent
    name = composition.name if composition.is_dir() else composition.stem
    return folder.resolve().parent / f"{name or 'preview'}.mp4"


def _shown(path: Path) -> str:
    """`path` as the command line would name it: relative to the working directory below it."""
    relative = os.path.relpath(path.resolve())
    return str(path) if relative.startswith("..") else relative


def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("page", name).read_bytes()


class _Handler(BaseHTTPRequestHandler):
    server_version = "engine-preview"
    protocol_version = "HTTP/1.1"

    @property
    def preview(self) -> PreviewServer:
        return self.server.preview  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if self.preview.log_requests:
            sys.stderr.write("preview: " + format % args + "\n")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in {**SECURITY_HEADERS, "Content-Type": content_type, "Content-Length": str(len(body)),
                           "Cache-Control": "no-store", **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _authorised(self, query: dict[str, list[str]]) -> bool:
        given = (query.get("token") or [""])[0]
        if secrets.compare_digest(given.encode(), self.preview.token.encode()):
            return True
        self._json(403, {"error": "forbidden: this preview needs its token (?token=... as printed at its start)"})
        return False

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        try:
            self._get()
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # noqa: BLE001 - an answer, not a dropped connection
            self._json(500, {"error": cli_message(exc)})

    def _get(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if not self._authorised(query):
            return
        if url.path in ASSETS:
            name, kind = ASSETS[url.path]
            body = _asset(name)
            if name == "index.html":  # its asset links carry the token too (url-safe: no escaping)
                body = body.replace(b"{{token}}", self.preview.token.encode())
            self._send(200, body, kind)
        elif url.path == "/frame.png":
            self._frame(query)
        elif url.path == "/api/info":
            info = self.preview.service.info()
            self._json(200, {**info, "cli": self.preview.cli_command(), "output": str(self.preview.output),
                             "composition": _shown(self.preview.composition)})
        elif url.path == "/api/events":
            self._events()
        else:
            self._json(404, {"error": f"not found: {url.path}; this server serves /, /player.js, /player.css, "
                                      "/frame.png, /api/info and /api/events"})

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        url = urlsplit(self.path)
        if not self._authorised(parse_qs(url.query)):
            return
        if url.path != "/api/render":
            self._json(404, {"error": f"not found: {url.path}"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length < 1 << 20 else None
            if not isinstance(body, dict):
                raise ValueError("expected a JSON object")
            started = self.preview.start_render(body.get("frames"), body.get("variables"))
        except (ValueError, InputError) as exc:
            self._json(400, {"error": cli_message(exc) if isinstance(exc, InputError) else f"bad request: {exc}"})
            return
        if not started:
            self._json(409, {"error": "a render is running; wait for it to finish"})
        else:
            self._json(202, {"output": str(self.preview.output)})

    def _frame(self, query: dict[str, list[str]]) -> None:
        t = (query.get("t") or [""])[0]
        quality = (query.get("q") or ["high"])[0]
        if not t or quality not in ("high", "draft"):
            self._json(400, {"error": "expected /frame.png?t=SECONDS (and optionally q=high or q=draft)"})
            return
        try:
            variables = json.loads(query["vars"][0]) if query.get("vars") else None
            frame = self.preview.service.frame(t, quality=quality, variables=variables)
        except json.JSONDecodeError as exc:
            self._json(400, {"error": f"vars is not valid JSON ({exc.msg}); expected a JSON object"})
            return
        except PreviewError as exc:
            self._json(422, {"error": exc.text})
            return
        except InputError as exc:
            self._json(400, {"error": cli_message(exc)})
            return
        self._send(200, frame.png, "image/png", {
            "X-Frame-Index": str(frame.index), "X-Frame-Time": f"{float(frame.time):.6f}",
            "X-Frame-Cached": "1" if frame.cached else "0", "X-Frame-Version": frame.version[:16],
            "X-Warnings": str(len(frame.warnings))})

    def _events(self) -> None:
        self.send_response(200)
        for key, value in {**SECURITY_HEADERS, "Content-Type": "text/event-stream", "Cache-Control": "no-store",
                           "Connection": "close"}.items():
            self.send_header(key, value)
        self.end_headers()
        self.close_connection = True
        q = self.preview.events.subscribe()
        try:
            self.wfile.write(sse("hello", {"version": self.preview.service.digest.current()[:16]}))
            self.wfile.flush()
            while True:
                try:
                    message = q.get(timeout=10)
                except queue.Empty:
                    message = b": keep-alive\n\n"
                if message is None:
                    return
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            self.preview.events.unsubscribe(q)
