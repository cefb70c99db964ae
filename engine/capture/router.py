"""The file server, with no socket at all: Playwright request interception (`context.route`).

The page is loaded from the origin ``http://composition.localhost`` (a secure context), which
never reaches the network: every request of the browser context passes through `AssetRouter`,
which serves files of the composition's folder (and of mapped folders), refuses paths that
would leave them, and blocks every other origin unless network access is allowed. A blocked
URL is reported once per session as a `BlockedRequestWarning` (Python `warnings`).
Files of npm packages on jsDelivr and unpkg are answered from the engine's npm cache
(`engine.vendor`; ``ENGINE_CDN``), after the ``url_map`` prefixes.
Missing local files and refused paths are recorded; the session raises `CompositionError`.

Chromium never loads a ``<video>`` or ``<audio>`` source (requests of type ``media`` are
aborted): the engine decodes media itself, and the page fetches the decoded frames from the
engine's loopback frame server (`pass_prefix`), the one other place it can reach. Those frame
requests are not intercepted at all (`route_pattern` leaves them out): intercepting them cost a
round trip through Python per frame and left a Route object per request in both Playwright's
driver and its Python client for the life of the page (memory growing with every frame).
"""

from __future__ import annotations

import mimetypes
import re
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..caller import option
from ..errors import BlockedRequestWarning, CdnVersionWarning
from ..vendor import CdnServer, PackagePathError, VendorError, cdn_mode, is_cdn_url
from .fidelity import PageWarning, blocked_request
from .font_dir import FONT_DIR_PREFIX, google_fonts_families, index_font_dir, is_google_fonts_css
from .fonts import FONT_URL_PREFIX, fonts_dir
from .sandbox import PathRefusedError, map_url, resolve_in_root

__all__ = ["ORIGIN", "AssetRouter", "BlockedRequestWarning", "CdnVersionWarning"]

ORIGIN = "http://composition.localhost"
_QUIET_MISSING = {"/favicon.ico"}
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
          ".json": "application/json", ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff",
          ".wasm": "application/wasm", ".glsl": "text/plain"}




def cors_headers(request: Any) -> dict[str, str]:
    """The CORS headers of an answer to `request` (a Playwright Request): any origin may read it; a
    CORS request (it carries ``Origin``: ``crossorigin`` on another origin's URL, or ``fetch``) gets
    its origin back with credentials allowed, which ``crossorigin="use-credentials"`` needs."""
    origin = (getattr(request, "headers", None) or {}).get("origin")
    if not origin or origin == "null":
        return {"Access-Control-Allow-Origin": "*"}
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return kind + ("; charset=utf-8" if kind.startswith("text/") or kind == "application/json" else "")


class AssetRouter:
    """Serves `root` at `ORIGIN`, mapped prefixes from their folders, blocks or passes the rest."""

    def __init__(self, root: Path, url_map: tuple[tuple[str, Path], ...] = (), allow_network: bool = False, *,
                 font_dir: Path | None = None) -> None:
        self.root = root.resolve()
        self.font_dir = font_dir
        self.url_map = url_map
        self.allow_network = allow_network
        self.missing: list[str] = []
        self.refused: list[str] = []
        self.blocked: list[str] = []
        self._seen_blocked: set[str] = set()
        self._passed: list[str] = []
        self._context: Any = None  # the browser context installed on (`install`)
        self._routed: str | re.Pattern[str] = "**/*"
        self._cdn = CdnServer() if cdn_mode() == "cache" and not allow_network else None
        self._reasons: dict[str, str] = {}  # why a URL was blocked, where the router knows more
        self.notices: list[PageWarning] = []  # served with a warning (a CDN range: the version used)

    def install(self, context) -> None:  # noqa: ANN001 - playwright BrowserContext
        """Route `context`'s requests through `handle` (all but the passed prefixes)."""
        self._context, self._routed = context, self.route_pattern()
        context.route(self._routed, self.handle)

    def pass_prefix(self, prefix: str) -> None:
        """Let requests for URLs starting with `prefix` (the engine's own frame server, token
        included) go straight to the network, unintercepted; re-routes the installed context."""
        if prefix in self._passed:
            return
        self._passed.append(prefix)
        if self._context is not None:  # the new pattern first: no request may pass unrouted in between
            routed = self.route_pattern()
            self._context.route(routed, self.handle)
            self._context.unroute(self._routed, self.handle)
            self._routed = routed

    def route_pattern(self) -> str | re.Pattern[str]:
        """The URLs the browser context must route through `handle`: all but the passed prefixes
        (matched by Playwright's driver, so a passed request never reaches Python)."""
        if not self._passed:
            return "**/*"
        return re.compile("^(?!" + "|".join(re.escape(p) for p in self._passed) + ")")

    def local_path(self, url: str) -> Path | None:
        """The local file `url` is served from (the composition's folder or a mapped one), or None
        for another origin. Raises `PathRefusedError` for a path that would leave its folder."""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == urlsplit(ORIGIN).netloc:
            return resolve_in_root(self.root, parts.path)
        mapped = map_url(url, self.url_map)
        return resolve_in_root(*mapped) if mapped is not None else None

    def url_for(self, html_file: Path) -> str:
        return ORIGIN + "/" + html_file.resolve().relative_to(self.root).as_posix()

    def take_problems(self) -> tuple[list[str], list[str]]:
        """(missing, refused) descriptions recorded since the last call."""
        missing, refused = self.missing, self.refused
        self.missing, self.refused = [], []
        return missing, refused

    def handle(self, route) -> None:  # noqa: ANN001 - playwright Route
        url = route.request.url
        if any(url.startswith(prefix) for prefix in self._passed):  # only before the context re-routes
            route.fallback()
            return
        if route.request.resource_type == "media":  # decoded by the engine, never by Chromium
            route.abort("aborted")
            return
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == urlsplit(ORIGIN).netloc:
            if parts.path.startswith(FONT_URL_PREFIX):  # the engine's bundled fonts (fonts.js asks for them)
                self._serve(route, fonts_dir(), parts.path[len(FONT_URL_PREFIX):], url, mapped=True)
                return
            if self.font_dir is not None and parts.path.startswith(FONT_DIR_PREFIX):  # --fonts DIR
                self._serve(route, self.font_dir, parts.path[len(FONT_DIR_PREFIX):], url, mapped=True)
                return
            self._serve(route, self.root, parts.path, url, mapped=False)
            return
        mapped = map_url(url, self.url_map)
        if mapped is not None:
            self._serve(route, mapped[0], mapped[1], url, mapped=True)
            return
        if self._cdn is not None and is_cdn_url(url):  # jsDelivr/unpkg npm files: from the npm cache
            self._serve_cdn(route, url)
            return
        if self.font_dir is not None and is_google_fonts_css(url) and not self.allow_network:
            missing = [f for f in google_fonts_families(url) if f.lower() not in index_font_dir(self.font_dir)]
            if not missing:  # every family is in the folder: fonts.js gives them their faces
                route.fulfill(status=200, body="/* served by the engine from --fonts */", content_type="text/css",
                              headers={"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})
                return
            self._block(url, f"blocked a request to {url}: --fonts {self.font_dir} holds no "
                             f"{', '.join(repr(f) for f in missing)} (add their files to the folder)")
            route.abort("blockedbyclient")
            return
        if parts.scheme in ("data", "blob", "about") or self.allow_network:
            route.fallback()
            return
        self._block(url, f"blocked a request to {url} (network access is off; pass {option('allow_network')} or map "
                         f"the URL prefix to a local folder with {option('url_map', 'PREFIX=FOLDER', '{PREFIX: FOLDER}')})")
        route.abort("blockedbyclient")

    def page_warnings(self) -> list[PageWarning]:
        """Every request blocked so far (with its reason, where known) and every notice."""
        return [blocked_request(url, self._reasons.get(url)) for url in self.blocked] + self.notices

    def _serve_cdn(self, route, url: str) -> None:  # noqa: ANN001 - playwright Route
        """Answer a jsDelivr/unpkg npm URL from the engine's npm cache (`engine.vendor`), filling
        it with npm on first use; blocked, with what to install or map, when that fails."""
        assert self._cdn is not None
        try:
            served = self._cdn.serve(url)
        except PackagePathError as exc:
            self.refused.append(f"{url}: {exc}")
            route.fulfill(status=403, body="refused", content_type="text/plain")
            return
        except VendorError as exc:
            self._reasons[url] = str(exc)
            self._block(url, f"blocked a request to {url}: {exc}")
            route.abort("blockedbyclient")
            return
        if served is None:  # not a package URL the cache understands
            self._block(url, f"blocked a request to {url} (network access is off; map the URL prefix to a local "
                             f"folder with {option('url_map', 'PREFIX=FOLDER', '{PREFIX: FOLDER}')})")
            route.abort("blockedbyclient")
            return
        if served.note is not None and all(n.message != served.note for n in self.notices):
            self.notices.append(PageWarning("cdn-version", url, served.note))
            warnings.warn(f"{url}: {served.note}", CdnVersionWarning, stacklevel=3)
        if served.body is None or served.path is None:
            self.missing.append(f"{url} -> no file {served.ref.path or '(main file)'!r} in the npm package "
                                f"{served.package} (engine's npm cache)")
            route.fulfill(status=404, body="not found", content_type="text/plain")
            return
        route.fulfill(status=200, body=served.body, content_type=content_type(Path(served.path)),
                      headers={"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})

    def _block(self, url: str, message: str) -> None:
        """Record `url` as blocked and warn once (`message`)."""
        if url not in self._seen_blocked:
            self._seen_blocked.add(url)
            self.blocked.append(url)
            warnings.warn(message, BlockedRequestWarning, stacklevel=3)

    def _serve(self, route, folder: Path, url_path: str, url: str, mapped: bool) -> None:  # noqa: ANN001
        where = f"{url} (mapped to {folder})" if mapped else repr(url_path)
        try:
            path = resolve_in_root(folder, url_path)
        except PathRefusedError as exc:
            self.refused.append(f"{where}: {exc}")
            route.fulfill(status=403, body="refused", content_type="text/plain")
            return
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            if url_path not in _QUIET_MISSING:
                self.missing.append(f"{url_path!r} ({path})" if not mapped else f"{url} -> {path}")
            route.fulfill(status=404, body="not found", content_type="text/plain")
            return
        route.fulfill(status=200, body=path.read_bytes(), content_type=content_type(path),
                      headers={"Cache-Control": "no-store", **cors_headers(route.request)})
