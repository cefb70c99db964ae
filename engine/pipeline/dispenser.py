"""Which worker captures which frame next: a shared queue (``dynamic``) or fixed shares.

Workers call `take()` after they hold a ring slot, so every frame handed out already has a
buffer: the frames in flight stay within workers x ring depth of the encoder's next frame,
which is the reorder fence's capacity, and the oldest one is always being worked on.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from .planning import partition

__all__ = ["FrameSource", "SharedFrames", "OwnFrames", "frame_sources"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class FrameSource(Protocol[T_co]):
    def take(self) -> T_co | None:
        """The next frame for the calling worker, or None when there is none left."""


class OwnFrames(Generic[T]):
    """One worker's fixed share, in order."""

    def __init__(self, frames: Sequence[T]) -> None:
        self._frames = list(frames)
        self._next = 0

    def take(self) -> T | None:
        if self._next >= len(self._frames):
            return None
        self._next += 1
        return self._frames[self._next - 1]


class SharedFrames(OwnFrames[T]):
    """Frames in order to whichever worker asks first: a worker that starts late or meets a
    slow (transition) frame simply takes fewer, and nobody waits on a fixed share."""

    def __init__(self, frames: Sequence[T]) -> None:
        super().__init__(frames)
        self._lock = threading.Lock()

    def take(self) -> T | None:
        with self._lock:
            return super().take()


def frame_sources(frames: Sequence[T], workers: int, how: str) -> list[FrameSource[T]]:
    """One source per worker: the same `SharedFrames` for ``dynamic``, else the `partition` shares."""
    if how == "dynamic":
        shared = SharedFrames(frames)
        return [shared] * max(1, workers)
    return [OwnFrames(share) for share in partition(frames, workers, how)]
