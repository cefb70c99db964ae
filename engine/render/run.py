"""The renderer: browser sessions -> (blend) -> reorder fence -> encoder, on one or W workers.

Threads: the calling thread runs worker 0 (its browser session is the one that read the
plan), workers 1..W-1 run in threads of their own (Playwright's sync API belongs to the thread
that started it), a feeder thread takes frames out of the fence in order and hands them to
the encoder, which encodes on its own thread. Transition frames are blended by a small pool
(hybrid) or in the worker itself (sequential). Any error aborts the fence and every ring, all
threads stop, everything is closed once in `finally`, and the first error is raised as itself.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..blender import Blender
from ..capture.session import BrowserSession
from ..composition.plan import FrameInfo, Plan
from ..encoder import Encoder, check_output_path
from ..errors import BlendError, CaptureError, RenderCancelled
from ..pipeline.fence import FenceAborted, ReorderFence
from ..pipeline.dispenser import FrameSource, frame_sources
from ..pipeline.ring import BufferRing, Slot
from ..config import usable_cpus
from .options import RenderOptions, available_memory, decide, parse_frame_range, split_frame_range

__all__ = ["RenderResult", "render_plan_and_encode", "Stats"]

log = logging.getLogger("engine.render")

#: New browser sessions a worker may start after its browser crashed or stopped answering.
MAX_RESTARTS = 2

ProgressCallback = Callable[[int, int], None]


class Stats:
    """Seconds per stage, summed over threads (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            with self._lock:
                self.seconds[stage] += elapsed


@dataclass
class RenderResult:
    """What a render did: output, frames, time, the path/backend/workers used, seconds per stage."""

    output: Path
    frames: int
    seconds: float
    path: str
    path_reason: str
    partition: str | None
    workers: int
    ring_depth: int
    backend: str
    gl_renderer: str | None
    width: int
    height: int
    fps: Fraction
    codec: str
    quality: str
    capture_format: str
    capture_mode: str
    stage_seconds: dict[str, float] = field(default_factory=dict)
    frame_hashes: list[str] | None = None

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(output=str(self.output), fps=str(self.fps), frames_per_second=round(self.frames_per_second, 3))
        data["stage_seconds"] = {k: round(v, 4) for k, v in self.stage_seconds.items()}
        return data

    def summary(self) -> str:
        return (f"{self.output}: {self.frames} frames {self.width}x{self.height} @ {float(self.fps):g} fps "
                f"({self.capture_format} {self.capture_mode} capture, {self.quality}) in "
                f"{self.seconds:.1f} s ({self.frames_per_second:.1f} fps); path {self.path}"
                f"{f' ({self.partition})' if self.partition else ''}, {self.workers} worker(s), ring {self.ring_depth}, "
                f"blend {self.backend}")


@dataclass
class _Job:
    """Shared state of one render."""

    plan: Plan
    frames: list[FrameInfo]
    blender: Blender
    stats: Stats
    fence: ReorderFence[tuple[Future[None], BufferRing, Slot]]
    blend_pool: ThreadPoolExecutor | None
    cancel: threading.Event | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    rings: list[BufferRing] = field(default_factory=list)
    backends: set[str] = field(default_factory=set)

    def abort(self, error: BaseException) -> None:
        self.stop.set()
        self.fence.abort(error)
        for ring in self.rings:
            ring.abort(error)


def _blend(job: _Job, info: FrameInfo, slot: Slot) -> None:
    spec = info.transition
    assert spec is not None and info.progress is not None
    with job.stats.timed("blend"):
        try:
            job.blender.blend(spec.shader, slot.frm, slot.to, info.progress, params=spec.params, out=slot.out)
        except Exception as exc:
            raise BlendError(f"blend of frame {info.index} (t={float(info.time):g} s, transition {spec.shader!r}, "
                             f"progress {info.progress:.3f}) failed: {exc}") from exc


def _done_future() -> Future[None]:
    future: Future[None] = Future()
    future.set_result(None)
    return future


class _Browser:
    """A worker's browser session, replaced by a new one when it crashes or stops answering."""

    def __init__(self, make: Callable[[], BrowserSession], session: BrowserSession | None = None) -> None:
        self._make = make
        self.session = session if session is not None else make()
        self.restarts = 0

    def restart(self) -> None:
        self.session.close()
        self.session = self._make()
        self.restarts += 1

    def close(self) -> None:
        self.session.close()


def _capture(job: _Job, browser: _Browser, info: FrameInfo, slot: Slot) -> None:
    """Capture frame `info` into `slot`; on a browser failure (crash, no answer) start a new
    session and capture the frame again, at most MAX_RESTARTS times per worker."""
    while True:
        try:
            with job.stats.timed("capture"):
                session = browser.session
                if info.transition is None:
                    session.capture_frame(info.time, out=slot.out)
                else:
                    session.capture_scenes(info.time, [(info.transition.from_scene, slot.frm),
                                                       (info.transition.to_scene, slot.to)])
            return
        except CaptureError as exc:
            where = f"frame {info.index} (t={float(info.time):g} s)"
            if job.stop.is_set() or browser.restarts >= MAX_RESTARTS:
                tried = f" after {browser.restarts} new browser session(s)" if browser.restarts else ""
                raise CaptureError(f"capture of {where} failed{tried}: {exc}") from exc
            log.warning("capture of %s failed (%s); starting a new browser session", where, exc)
            with job.stats.timed("startup"):
                browser.restart()


def _walk(job: _Job, browser: _Browser, source: FrameSource[FrameInfo], ring: BufferRing) -> None:
    """One worker: take the next frame from `source` once a ring slot is free, capture it into
    the slot, blend transition frames (in the pool when there is one), and hand the slot to
    the fence in its frame's place."""
    while not job.stop.is_set():
        with job.stats.timed("wait_ring"):
            slot = ring.acquire()
        info = source.take()
        if info is None:
            ring.release(slot)
            return
        try:
            if job.cancel is not None and job.cancel.is_set():
                raise RenderCancelled(f"render cancelled before frame {info.index}")
            _capture(job, browser, info, slot)
            if info.transition is None:
                future = _done_future()
            elif job.blend_pool is None:
                _blend(job, info, slot)
                future = _done_future()
            else:
                future = job.blend_pool.submit(_blend, job, info, slot)
        except BaseException:
            ring.release(slot)
            raise
        with job.stats.timed("wait_fence"):
            job.fence.put(info.index, (future, ring, slot))


class _Worker:
    """Worker i >= 1: a thread that opens its browser session as soon as it is created (worker 0
    is still loading the page then, so both start-ups share the CPUs), then waits for its
    orders: `start(job, source, ring)` to capture, or `dismiss()` when the render needs fewer
    workers. An error is handed to the job; a session that failed before orders came is opened
    again once (the render may still need it)."""

    def __init__(self, index: int, make: Callable[[], BrowserSession], stats: Stats) -> None:
        self._make, self._stats = make, stats
        self._orders: queue.Queue[tuple[_Job, FrameSource[FrameInfo], BufferRing] | None] = queue.Queue(1)
        self.thread = threading.Thread(target=self._run, name=f"engine-worker-{index}", daemon=True)
        self.thread.start()

    def start(self, job: _Job, source: FrameSource[FrameInfo], ring: BufferRing) -> None:
        self._orders.put((job, source, ring))

    def dismiss(self) -> None:
        try:
            self._orders.put_nowait(None)
        except queue.Full:  # already has its orders
            pass

    def _open(self) -> _Browser:
        with self._stats.timed("startup"):
            return _Browser(self._make)

    def _run(self) -> None:
        browser: _Browser | None = None
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
                if browser is None:
                    browser = self._open()
                _walk(job, browser, source, ring)
            except FenceAborted:
                pass
            except BaseException as exc:  # handed to the fence: raised once, by the caller
                job.abort(exc)
        finally:
            if browser is not None:
                browser.close()


def early_workers(options: RenderOptions, cpus: int) -> int:
    """How many workers besides worker 0 to start before the plan is known (pure): those a
    hybrid render would use (`workers`, or one per CPU for ``auto``), none when the render is
    sequential by choice or its frame range holds a single frame."""
    if options.path == "sequential":
        return 0
    if options.frames is not None:
        start, end = split_frame_range(options.frames)
        if end is not None and end - start < 2:
            return 0
    wanted = options.workers if isinstance(options.workers, int) else cpus
    return max(0, wanted - 1)


def _feed(job: _Job, encoder: Encoder, progress: ProgressCallback | None) -> None:
    """Frames out of the fence in order, into the encoder; the slot returns to its ring once
    the encoder copied it."""
    done = 0
    try:
        while True:
            with job.stats.timed("wait_frames"):
                entry = job.fence.get()
                if entry is None:
                    return
                _, (future, ring, slot) = entry
                try:
                    future.result()
                except BaseException:
                    ring.release(slot)
                    raise
            encoder.write(slot.out, done=lambda ring=ring, slot=slot: ring.release(slot))
            done += 1
            if progress is not None:
                progress(done, len(job.frames))
    except FenceAborted:
        pass
    except BaseException as exc:
        job.abort(exc)


def render_plan_and_encode(
    composition: str | Path,
    output: str | Path,
    options: RenderOptions,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> RenderResult:
    """Render `composition` to `output` with `options` (see `engine.render`)."""
    started = time.perf_counter()
    out_path = check_output_path(output, options.codec)
    stats = Stats()
    threads: list[threading.Thread] = []
    job: _Job | None = None
    encoder: Encoder | None = None
    blender: Blender | None = None
    session: BrowserSession | None = None
    browser: _Browser | None = None
    workers_early: list[_Worker] = []
    try:
        session_options = options.session_options()
        workers_early = [_Worker(i, lambda: BrowserSession(composition, **session_options), stats)
                         for i in range(1, 1 + early_workers(options, usable_cpus()))]
        with stats.timed("startup"):
            session = BrowserSession(composition, **session_options)
        plan = session.plan if options.fps is None else replace(session.plan, fps=options.fps)
        indices = parse_frame_range(options.frames, plan.frame_count)
        frames = [plan.frame(i) for i in indices]
        transition_frames = sum(f.is_transition for f in frames)
        decision = decide(options, frame_count=len(frames), transition_frames=transition_frames,
                          frame_bytes=plan.width * plan.height * 6, cpus=usable_cpus(),
                          available_bytes=available_memory())
        hybrid, workers, depth = decision.hybrid, decision.workers, decision.ring_depth
        blender = Blender(options.backend)
        for shader in sorted({f.transition.shader for f in frames if f.transition is not None}):
            # fail before any capture: a shader with no backend here, or GLSL that does not compile
            if blender.choose(shader) == "gl":
                blender.compile(shader)
        fence: ReorderFence[tuple[Future[None], BufferRing, Slot]] = ReorderFence(
            [f.index for f in frames], capacity=max(2, workers * depth))
        pool = ThreadPoolExecutor(max_workers=max(1, min(2, usable_cpus() - 1)), thread_name_prefix="engine-blend") \
            if hybrid and transition_frames else None
        job = _Job(plan, frames, blender, stats, fence, pool, cancel)
        shares = frame_sources(frames, workers if hybrid else 1, options.partition if hybrid else "contiguous")
        job.rings = [BufferRing(depth, plan.width, plan.height) for _ in shares]
        encoder = Encoder(out_path, plan.width, plan.height, plan.fps, codec=options.codec, quality=options.quality,
                          hash_frames=options.hash_frames)
        feeder = threading.Thread(target=_feed, args=(job, encoder, progress), name="engine-feed", daemon=True)
        feeder.start()
        threads.append(feeder)
        for i in range(1, len(shares)):
            if i > len(workers_early):
                workers_early.append(_Worker(i, lambda: BrowserSession(plan, **session_options), stats))
            workers_early[i - 1].start(job, shares[i], job.rings[i])
        for worker in workers_early[len(shares) - 1:]:
            worker.dismiss()
        threads += [w.thread for w in workers_early]
        workers_early = []
        browser = _Browser(lambda: BrowserSession(plan, **session_options), session)
        try:
            _walk(job, browser, shares[0], job.rings[0])
        except FenceAborted:
            pass
        except BaseException as exc:
            job.abort(exc)
        for thread in threads:
            thread.join()
        threads.clear()
        if job.fence.error is not None:
            raise job.fence.error
        with stats.timed("encode_flush"):
            encoder.finish()
        stats.seconds["encode"] = encoder.seconds
        used = sorted({blender.choose(s) for s in {f.transition.shader for f in frames if f.transition}})
        return RenderResult(
            output=out_path, frames=len(frames), seconds=time.perf_counter() - started,
            path="hybrid" if hybrid else "sequential", path_reason=decision.reason,
            partition=options.partition if hybrid else None, workers=len(shares), ring_depth=depth,
            backend="+".join(used) or "none", gl_renderer=blender.gl_renderer,
            width=plan.width, height=plan.height, fps=plan.fps, codec=options.codec, quality=options.quality,
            capture_format=session.options.capture_format, capture_mode=session.capture_mode, stage_seconds=dict(stats.seconds),
            frame_hashes=encoder.hashes,
        )
    except BaseException as exc:
        if job is not None:
            job.abort(exc)
        raise
    finally:
        for worker in workers_early:  # not started: the render failed before its plan was made
            worker.dismiss()
        for thread in threads + [w.thread for w in workers_early]:
            thread.join(timeout=30)
        if job is not None and job.blend_pool is not None:
            job.blend_pool.shutdown(wait=True, cancel_futures=True)
        if encoder is not None:
            encoder.abort()  # no-op after a successful finish()
        if browser is not None:
            browser.close()
        elif session is not None:
            session.close()
        if blender is not None:
            blender.close()
