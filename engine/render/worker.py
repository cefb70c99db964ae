"""The worker loop: take a frame, capture it into a ring slot, blend it if it is a transition
frame, hand the slot to the fence; and `Worker`, the thread that runs it for workers 1..W-1."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Protocol

from ..capture.session import BrowserSession
from ..composition.plan import FrameInfo
from ..errors import RenderCancelled
from ..pipeline.dispenser import FrameSource
from ..pipeline.fence import FenceAborted
from ..pipeline.ring import BufferRing
from .browser import Browser, capture_into
from .job import Job, blend_frame, done_future
from .lanes import Lane
from .result import Stats

__all__ = ["walk", "Worker", "Joinable"]


def walk(job: Job, browser: Browser, source: FrameSource[FrameInfo], ring: BufferRing) -> None:
    """One worker: take the next frame from `source` once a ring slot is free, capture it into
    the slot, blend transition frames (in the pool when there is one), and hand the slot to
    the fence in its frame's place.

    The worker holds the frame after the one it captures (taken once the current one has its
    slot), so the session knows its next time: video frames are decoded and fetched ahead. Frames
    are taken in increasing order, so the held frame never waits on a slot a later frame holds.
    """
    with job.stats.timed("wait_ring"):
        slot = ring.acquire()
    upcoming = source.take()
    while not job.stop.is_set():
        info = upcoming
        if info is None:
            ring.release(slot)
            return
        upcoming = source.take()
        try:
            if job.cancel is not None and job.cancel.is_set():
                raise RenderCancelled(f"render cancelled before frame {info.index}")
            capture_into(job, browser, info, slot, upcoming)
            if info.transition is None:
                future = done_future()
            elif job.blend_pool is None:
                blend_frame(job, info, slot)
                future = done_future()
            else:
                future = job.blend_pool.submit(blend_frame, job, info, slot)
        except BaseException:
            ring.release(slot)
            raise
        with job.stats.timed("wait_fence"):
            job.fence.put(info.index, (future, ring, slot))
        if upcoming is None:
            return
        with job.stats.timed("wait_ring"):
            slot = ring.acquire()
    ring.release(slot)  # stopped: the slot taken for the next frame goes back


class Joinable(Protocol):
    def join(self, timeout: float | None = None) -> None: ...


class Worker:
    """Worker i >= 1: a thread (or a `Renderer`'s lane) that opens its browser session as soon as it is created (worker 0
    is still loading the page then, so both start-ups share the CPUs), then waits for its
    orders: `start(job, source, ring)` to capture, or `dismiss()` when the render needs fewer
    workers. An error is handed to the job; a session that failed before orders came is opened
    again once (the render may still need it)."""

    def __init__(self, index: int, make: Callable[[], BrowserSession], stats: Stats, lane: Lane | None = None) -> None:
        self._make, self._stats = make, stats
        self._orders: queue.Queue[tuple[Job, FrameSource[FrameInfo], BufferRing] | None] = queue.Queue(1)
        if lane is not None:  # a Renderer's thread, kept between renders
            self._done: Joinable = lane.submit(self._run)
        else:
            thread = threading.Thread(target=self._run, name=f"engine-worker-{index}", daemon=True)
            thread.start()
            self._done = thread

    def join(self, timeout: float | None = None) -> None:
        """Wait until this worker is done (its session closed)."""
        self._done.join(timeout)

    def start(self, job: Job, source: FrameSource[FrameInfo], ring: BufferRing) -> None:
        self._orders.put((job, source, ring))

    def dismiss(self) -> None:
        try:
            self._orders.put_nowait(None)
        except queue.Full:  # already has its orders
            pass

    def _open(self) -> Browser:
        with self._stats.timed("startup"):
            return Browser(self._make)

    def _run(self) -> None:
        browser: Browser | None = None
        try:
            browser = self._open()
        except BaseException:  # noqa: BLE001 - tried again below if the render still needs this worker
            pass
        try:
            orders = self._orders.get()
            if orders is None:
                return
            job, source, ring = orders
            try:
                if browser is None:  # its first browser failed to start or died before orders came
                    browser = self._open()
                    job.count_restart()
                walk(job, browser, source, ring)
            except FenceAborted:
                pass
            except BaseException as exc:  # handed to the fence: raised once, by the caller
                job.abort(exc)
            if browser is not None:  # e.g. a <video> a script made, met only by this worker's frames
                job.worker_warnings.extend(browser.session.warnings)
        finally:
            if browser is not None:
                browser.close()
