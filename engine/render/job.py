"""The shared state of one render (`Job`) and the blend of one transition frame."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from ..blend.blender import Blender
from ..blend.registry import Transition
from ..capture.fidelity import PageWarning
from ..composition.plan import FrameInfo, Plan
from ..errors import BlendError
from ..media.feed import VideoFrames
from ..pipeline.fence import ReorderFence
from ..pipeline.ring import BufferRing, Slot
from .result import Stats

__all__ = ["Job", "FenceEntry", "blend_frame", "checked_transition", "done_future"]

#: What the fence holds for a frame: its blend (done for a normal frame), and the ring slot.
FenceEntry = tuple["Future[None]", BufferRing, Slot]


@dataclass
class Job:
    """Shared state of one render. `transitions` holds each shader of the frames, looked up once."""

    plan: Plan
    frames: list[FrameInfo]
    blender: Blender
    transitions: Mapping[str, Transition]
    stats: Stats
    fence: ReorderFence[FenceEntry]
    blend_pool: ThreadPoolExecutor | None
    cancel: threading.Event | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    rings: list[BufferRing] = field(default_factory=list)
    video: VideoFrames | None = None  # the video clips' frames, decoded once for every worker
    #: what the other workers' sessions met that cannot be rendered faithfully (reported as they close)
    worker_warnings: list[PageWarning] = field(default_factory=list)
    captures: int = 0  # pictures taken from the browsers (a native video layer's parts count each)
    browser_restarts: int = 0  # browsers replaced after a crash or a hang (`engine.render.browser`)
    _captures_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_captures(self, n: int) -> None:
        """Add `n` pictures taken by one worker (thread-safe)."""
        with self._captures_lock:
            self.captures += n

    def count_restart(self) -> None:
        """Record one browser replaced after a crash or a hang (thread-safe)."""
        with self._captures_lock:
            self.browser_restarts += 1

    def abort(self, error: BaseException) -> None:
        """Stop every thread of the render: the fence and each ring raise `error` to their waiters."""
        self.stop.set()
        self.fence.abort(error)
        for ring in self.rings:
            ring.abort(error)


def checked_transition(blender: Blender, shader: str) -> Transition:
    """The transition `shader` of `blender`, compiled when it runs on GL: a shader with no backend
    here, or GLSL that does not compile, fails before any capture."""
    transition = blender.transition(shader)
    if blender.choose(transition) == "gl":
        blender.compile(transition)
    return transition


def blend_frame(job: Job, info: FrameInfo, slot: Slot) -> None:
    """Blend transition frame `info` from the slot's two captures into its output buffer."""
    spec = info.transition
    assert spec is not None and info.progress is not None
    with job.stats.timed("blend"):
        try:
            job.blender.blend(job.transitions[spec.shader], slot.frm, slot.to, info.progress, params=spec.params,
                              out=slot.out)
        except Exception as exc:
            raise BlendError(f"blend of frame {info.index} (t={float(info.time):g} s, transition {spec.shader!r}, "
                             f"progress {info.progress:.3f}) failed: {exc}") from exc


def done_future() -> Future[None]:
    """A future that is already done (a normal frame, or a blend run in the worker itself)."""
    future: Future[None] = Future()
    future.set_result(None)
    return future
