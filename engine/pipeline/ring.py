"""A worker's ring of K buffer triples ``(from, to, out)``, allocated once.

Capture of the next frame proceeds while earlier blends are in flight; a slot is handed out
again only after whoever held it (the blend, then the encoder) released it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .fence import FenceAborted

__all__ = ["BufferRing", "Slot"]


@dataclass(eq=False)
class Slot:
    """One triple of frame buffers (rgb48le, or premultiplied rgba64le); `out` holds the finished frame."""

    number: int
    frm: np.ndarray
    to: np.ndarray
    out: np.ndarray


class BufferRing:
    """K slots used in turn; `acquire` waits until the next slot in turn is released."""

    def __init__(self, depth: int, width: int, height: int, channels: int = 3) -> None:
        if depth < 1:
            raise ValueError(f"ring depth must be at least 1, got {depth}")
        shape = (height, width, channels)
        self.slots = [Slot(i, *(np.zeros(shape, np.uint16) for _ in range(3))) for i in range(depth)]
        self._free = [True] * depth
        self._turn = 0
        self._cond = threading.Condition()
        self._error: BaseException | None = None

    @property
    def depth(self) -> int:
        return len(self.slots)

    @property
    def nbytes(self) -> int:
        return sum(s.frm.nbytes + s.to.nbytes + s.out.nbytes for s in self.slots)

    def acquire(self, timeout: float | None = None) -> Slot:
        """The next slot in turn, once its previous user released it."""
        with self._cond:
            slot_no = self._turn
            while not self._free[slot_no]:
                if self._error is not None:
                    raise FenceAborted(self._error)
                if not self._cond.wait(timeout):
                    raise TimeoutError(f"ring slot {slot_no} was not released within {timeout} s")
            if self._error is not None:
                raise FenceAborted(self._error)
            self._free[slot_no] = False
            self._turn = (slot_no + 1) % len(self.slots)
            return self.slots[slot_no]

    def release(self, slot: Slot) -> None:
        """Give `slot` back (its frame was encoded, or the render is being torn down)."""
        with self._cond:
            if self._free[slot.number]:
                raise ValueError(f"ring slot {slot.number} released twice")
            self._free[slot.number] = True
            self._cond.notify_all()

    def abort(self, error: BaseException) -> None:
        """Wake waiters; they raise FenceAborted with `error`."""
        with self._cond:
            if self._error is None:
                self._error = error
            self._cond.notify_all()
