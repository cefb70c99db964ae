"""Chromium for the sessions: the command-line flags every page gets, and the Playwright driver
each thread shares between its sessions (reference counted)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["CHROMIUM_FLAGS", "OFFLINE_FLAGS", "DISABLED_FEATURES", "feature_flags", "acquire_playwright",
           "release_playwright"]

#: Flags every session passes to Chromium: no background work, no GPU, deterministic rendering.
CHROMIUM_FLAGS = (
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
    "--no-first-run", "--no-default-browser-check", "--disable-quic", "--mute-audio",
    "--force-color-profile=srgb", "--font-render-hinting=none", "--disable-font-subpixel-positioning",
    "--disable-lcd-text", "--hide-scrollbars", "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
    "--disable-ipc-flooding-protection", "--disable-partial-raster",
)
#: Features turned off: Local Network Access would refuse the page's requests to the engine's
#: loopback frame server (`engine.media.server`); the router still blocks every other origin.
DISABLED_FEATURES = ("LocalNetworkAccessChecks",)
#: Added when network access is off: no host name resolves, so nothing can leave even unrouted
#: (127.0.0.1 stays reachable for the frame server; the router passes only its origin).
OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE composition.localhost , EXCLUDE 127.0.0.1",)


def feature_flags(extra_args: Sequence[str]) -> list[str]:
    """`extra_args` with the engine's --disable-features merged into the user's own (Chromium
    keeps only the last occurrence of a switch)."""
    disabled, rest = list(DISABLED_FEATURES), []
    for arg in extra_args:
        if arg.startswith("--disable-features="):
            disabled += [name for name in arg.split("=", 1)[1].split(",") if name and name not in disabled]
        else:
            rest.append(arg)
    return rest + ["--disable-features=" + ",".join(disabled)]


_local = threading.local()


def acquire_playwright() -> Any:
    """The calling thread's Playwright driver, started on first use (reference counted)."""
    state = getattr(_local, "state", None)
    if state is None:
        from playwright.sync_api import sync_playwright

        state = _local.state = [sync_playwright().start(), 0]
    state[1] += 1
    return state[0]


def release_playwright() -> None:
    state = _local.state
    state[1] -= 1
    if state[1] == 0:
        _local.state = None
        state[0].stop()
