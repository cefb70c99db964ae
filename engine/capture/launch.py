"""Starting Chromium for a session, and keeping it running between sessions.

By default every `BrowserSession` launches its own Chromium and stops it when it closes. A thread
inside `keep_browsers_warm()` (what `engine.Renderer` does on each of its threads) keeps its
Playwright driver and its Chromium processes running instead: a session there opens a new
context (a fresh profile: no cookies, cache or storage carried over) in the thread's Chromium
started with the same flags, and closes only that context. A Chromium that crashed or was stopped
by a session's watchdog is replaced at the next session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import CaptureError
from .chromium import acquire_playwright, release_playwright

__all__ = ["OpenedBrowser", "open_browser", "close_browser", "keep_browsers_warm", "WarmBrowsers"]

_local = threading.local()

#: (the Playwright browser, its process id or None, whether the session owns it).
OpenedBrowser = tuple[Any, "int | None", bool]


def _launch(pw: Any, executable: str, args: Sequence[str], timeout_ms: int) -> tuple[Any, int | None]:
    try:
        browser = pw.chromium.launch(executable_path=executable, args=list(args), headless=True, timeout=timeout_ms)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaptureError(f"Chromium ({executable}) failed to start: {first}") from None
    return browser, _browser_pid(browser)


def _browser_pid(browser: Any) -> int | None:
    try:
        cdp = browser.new_browser_cdp_session()
        try:
            info = cdp.send("SystemInfo.getProcessInfo")
        finally:
            cdp.detach()
        return next((int(p["id"]) for p in info.get("processInfo", []) if p.get("type") == "browser"), None)
    except Exception:  # best effort: only used to make sure the process is gone at close
        return None


def _stop(browser: Any, pid: int | None) -> None:
    try:
        browser.close()
    except Exception:  # killed below if it is still there
        pass
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class WarmBrowsers:
    """The Chromium processes one thread keeps running, one per set of launch flags."""

    def __init__(self) -> None:
        self._pw = acquire_playwright()  # held: the driver outlives each session on this thread
        self._browsers: dict[tuple[str, tuple[str, ...]], tuple[Any, int | None]] = {}
        self.launches = 0

    def get(self, executable: str, args: Sequence[str], timeout_ms: int) -> tuple[Any, int | None]:
        key = (executable, tuple(args))
        if key in self._browsers:
            browser, pid = self._browsers[key]
            if _connected(browser) and _running(pid):
                return browser, pid
            _stop(browser, pid)
            del self._browsers[key]
        self._browsers[key] = found = _launch(self._pw, executable, args, timeout_ms)
        self.launches += 1
        return found

    def forget(self, browser: Any) -> None:
        """Stop `browser` and launch a new one at the next `get`."""
        for key, (known, pid) in list(self._browsers.items()):
            if known is browser:
                _stop(known, pid)
                del self._browsers[key]

    def close(self) -> None:
        for browser, pid in self._browsers.values():
            _stop(browser, pid)
        self._browsers.clear()
        if self._pw is not None:
            self._pw = None
            release_playwright()


def _connected(browser: Any) -> bool:
    try:
        return bool(browser.is_connected())
    except Exception:  # noqa: BLE001 - a browser that cannot say is not used again
        return False


def _running(pid: int | None) -> bool:
    """Whether process `pid` runs (a killed Chromium stays "connected" until the driver notices)."""
    if pid is None:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


@contextlib.contextmanager
def keep_browsers_warm() -> Iterator[WarmBrowsers]:
    """Within this block, sessions made on the calling thread share its running Chromium."""
    if getattr(_local, "warm", None) is not None:
        raise RuntimeError("this thread already keeps its browsers warm")
    warm = _local.warm = WarmBrowsers()
    try:
        yield warm
    finally:
        _local.warm = None
        warm.close()


def open_browser(pw: Any, executable: str, args: Sequence[str], timeout_ms: int,
                 new_context: Callable[[Any], Any]) -> tuple[OpenedBrowser, Any]:
    """A Chromium for a new session, and `new_context(browser)` made in it: the thread's warm
    Chromium (not owned; replaced once if it died since its last session), or a new one (owned)."""
    warm: WarmBrowsers | None = getattr(_local, "warm", None)
    if warm is None:
        browser, pid = _launch(pw, executable, args, timeout_ms)
        try:
            return (browser, pid, True), new_context(browser)
        except BaseException:
            _stop(browser, pid)
            raise
    browser, pid = warm.get(executable, args, timeout_ms)
    try:
        return (browser, pid, False), new_context(browser)
    except Exception:  # noqa: BLE001 - it died since its last session (crash, watchdog): a new one, once
        warm.forget(browser)
        browser, pid = warm.get(executable, args, timeout_ms)
        return (browser, pid, False), new_context(browser)


def close_browser(opened: OpenedBrowser) -> None:
    """Stop a session's Chromium if the session owns it (a warm one keeps running)."""
    browser, pid, owned = opened
    if owned:
        _stop(browser, pid)
