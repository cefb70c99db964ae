"""The reorder fence: frames finished out of order leave in frame order, with backpressure.

Producers `put(index, item)`; a producer whose index is `capacity` or more ahead of the next
frame due waits, so memory stays bounded on any length of video. `abort(error)` (from any
thread) wakes every waiter: waiting and later calls raise `FenceAborted` carrying the first
error, which the orchestrator re-raises once, as itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

__all__ = ["ReorderFence", "FenceAborted"]

T = TypeVar("T")


class FenceAborted(Exception):
    """The fence was aborted; `.error` is the first error that aborted it."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"render aborted: {error!r}")
        self.error = error


class ReorderFence(Generic[T]):
    """Ordering buffer for the frames ``order[0], order[1], ...`` (ascending indices)."""

    def __init__(self, order: list[int], capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"fence capacity must be at least 1, got {capacity}")
        self._order = order
        self._position = {index: pos for pos, index in enumerate(order)}
        self._capacity = capacity
        self._next = 0  # position in `order` of the next frame due out
        self._pending: dict[int, T] = {}
        self._cond = threading.Condition()
        self._error: BaseException | None = None
        self.max_pending = 0

    @property
    def error(self) -> BaseException | None:
        return self._error

    def abort(self, error: BaseException) -> None:
        """Record `error` (the first one wins) and wake every waiter."""
        with self._cond:
            if self._error is None:
                self._error = error
            self._cond.notify_all()

    def _check(self) -> None:
        if self._error is not None:
            raise FenceAborted(self._error)

    def put(self, index: int, item: T, timeout: float | None = None) -> None:
        """Hand in frame `index`; waits while it is `capacity` or more ahead of the next due."""
        pos = self._position.get(index)
        if pos is None:
            raise KeyError(f"frame {index} is not part of this render")
        with self._cond:
            while True:
                self._check()
                if pos < self._next + self._capacity:
                    break
                if not self._cond.wait(timeout):
                    raise TimeoutError(f"frame {index} waited {timeout} s for room in the reorder fence")
            if pos < self._next or index in self._pending:
                raise ValueError(f"frame {index} was handed to the reorder fence twice")
            self._pending[index] = item
            self.max_pending = max(self.max_pending, len(self._pending))
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> tuple[int, T] | None:
        """The next frame in order (waiting for it), or None once every frame has left."""
        with self._cond:
            while True:
                self._check()
                if self._next >= len(self._order):
                    return None
                index = self._order[self._next]
                if index in self._pending:
                    item = self._pending.pop(index)
                    self._next += 1
                    self._cond.notify_all()
                    return index, item
                if not self._cond.wait(timeout):
                    raise TimeoutError(f"waited {timeout} s for frame {index}")

    def __iter__(self) -> Iterator[tuple[int, T]]:
        while (entry := self.get()) is not None:
            yield entry
