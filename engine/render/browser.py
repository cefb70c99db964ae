"""A worker's browser session and the restart policy: a crashed or hung browser is replaced by a
new session and the frame captured again, at most `MAX_RESTARTS` times per worker."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..capture.chromium import acquire_playwright, release_playwright
from ..capture.session import BrowserSession
from ..composition.plan import FrameInfo
from ..errors import CaptureError
from ..pipeline.ring import Slot
from .job import Job

__all__ = ["Browser", "capture_into", "MAX_RESTARTS"]

log = logging.getLogger("engine.render")

#: New browser sessions a worker may start after its browser crashed or stopped answering.
MAX_RESTARTS = 2


class Browser:
    """A worker's browser session, replaced by a new one when it crashes or stops answering."""

    def __init__(self, make: Callable[[], BrowserSession], session: BrowserSession | None = None) -> None:
        self._make = make
        self.session = session if session is not None else make()
        self.restarts = 0

    def restart(self) -> None:
        """Close the session and open a new one. The thread's Playwright driver is held between the
        two: it is not stopped just after its browser died, nor started again (0.9 s a restart)."""
        acquire_playwright()
        try:
            self.session.close()
            self.session = self._make()
        finally:
            release_playwright()
        self.restarts += 1

    def close(self) -> None:
        self.session.close()


def capture_into(job: Job, browser: Browser, info: FrameInfo, slot: Slot, next_info: FrameInfo | None = None) -> None:
    """Capture frame `info` into `slot` (a transition frame's two scenes into its from/to
    buffers); on a browser failure start a new session and capture again (MAX_RESTARTS).
    `next_info`: the frame this worker captures next (its video frames are fetched ahead)."""
    next_time = next_info.time if next_info is not None else None
    while True:
        try:
            with job.stats.timed("capture"):
                session = browser.session
                if job.video is not None:
                    session.share_video(job.video)
                before = session.captures
                if info.transition is None:
                    session.capture_frame(info.time, out=slot.out, next_time=next_time)
                else:
                    session.capture_scenes(info.time, [(info.transition.from_scene, slot.frm),
                                                       (info.transition.to_scene, slot.to)], next_time=next_time)
                job.count_captures(session.captures - before)
            return
        except CaptureError as exc:
            where = f"frame {info.index} (t={float(info.time):g} s)"
            if job.stop.is_set() or browser.restarts >= MAX_RESTARTS:
                tried = f" after {browser.restarts} new browser session(s)" if browser.restarts else ""
                raise CaptureError(f"capture of {where} failed{tried}: {exc}") from exc
            log.warning("capture of %s failed (%s); starting a new browser session", where, exc)
            with job.stats.timed("startup"):
                browser.restart()
            job.count_restart()
