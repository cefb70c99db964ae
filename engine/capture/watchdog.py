"""The session's watchdog: a call into the page that does not answer in time (a page script in an
endless loop, a stuck browser) gets its browser killed, so the blocked call returns and the
session can say what hung (`engine.errors.PageHangError`); and the text of a page's exception."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .router import ORIGIN

__all__ = ["Watchdog", "answer_limit_s", "page_error_text"]


def answer_limit_s(timeout_ms: int) -> float:
    """How long one call into the page may take before the session's watchdog stops the browser:
    the settle timeout (a seek may legitimately wait that long for promises) plus half, plus 5 s."""
    return timeout_ms * 1.5 / 1000 + 5.0


def page_error_text(error: Any) -> str:
    """'TypeError: x is undefined (at index.html:12:5)' from a Playwright page error."""
    name = getattr(error, "name", "") or "Error"
    text = f"{name}: {getattr(error, 'message', error)}"
    for line in (getattr(error, "stack", "") or "").splitlines()[1:]:
        if ORIGIN in line:
            location = line.strip().removeprefix("at ").split(ORIGIN + "/", 1)[-1].rstrip(")")
            return f"{text} (at {location})"
    return text


class Watchdog:
    """Kills browser process `pid` when a `guard`ed call outlives its limit; `hung` then names
    the call (None until then)."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.hung: str | None = None

    @contextmanager
    def guard(self, what: str, limit_s: float) -> Iterator[None]:
        """Run the block under the watchdog: after `limit_s` seconds the browser is killed."""
        timer = threading.Timer(limit_s, self._stop, args=(what,))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _stop(self, what: str) -> None:
        self.hung = what
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
