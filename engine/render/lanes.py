"""What a `Renderer` keeps between renders and lends to each: `Lane`, a worker thread with its
browsers kept warm, and `WarmState`, the lanes for workers 1..W-1 and the blenders (one per
backend, keeping their GL context and shader programs)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from ..blend.blender import Blender
from ..capture.launch import WarmBrowsers, keep_browsers_warm

__all__ = ["Lane", "WarmState"]


class _Task:
    def __init__(self, fn: Callable[[], None]) -> None:
        self.fn, self.done = fn, threading.Event()

    def run(self) -> None:
        try:
            self.fn()
        finally:
            self.done.set()

    def join(self, timeout: float | None = None) -> None:
        self.done.wait(timeout)


class Lane:
    """A worker thread kept between renders: it runs the tasks given to it one at a time, with its
    browsers kept warm."""

    def __init__(self, index: int) -> None:
        self._tasks: queue.Queue[_Task | None] = queue.Queue()
        self.warm: WarmBrowsers | None = None
        self.thread = threading.Thread(target=self._loop, name=f"engine-lane-{index}", daemon=True)
        self.thread.start()

    def submit(self, fn: Callable[[], None]) -> _Task:
        """Run `fn` on this lane's thread after the tasks before it; `join()` the result to wait."""
        task = _Task(fn)
        self._tasks.put(task)
        return task

    def _loop(self) -> None:
        with keep_browsers_warm() as self.warm:
            while (task := self._tasks.get()) is not None:
                task.run()

    def close(self, timeout: float = 30) -> None:
        self._tasks.put(None)
        self.thread.join(timeout)


class WarmState:
    """What a render borrows from its `Renderer`: lanes for workers 1..W-1, and blenders."""

    def __init__(self) -> None:
        self.lanes: list[Lane] = []
        self.blenders: dict[str, Blender] = {}

    def lane(self, index: int) -> Lane:
        """The lane of worker `index` (1, 2, ...), started on first use."""
        while len(self.lanes) < index:
            self.lanes.append(Lane(len(self.lanes) + 1))
        return self.lanes[index - 1]

    def blender(self, backend: str) -> Blender:
        if backend not in self.blenders:
            self.blenders[backend] = Blender(backend)
        return self.blenders[backend]

    def close(self) -> None:
        for lane in self.lanes:
            lane.close()
        for blender in self.blenders.values():
            blender.close()
        self.lanes.clear()
        self.blenders.clear()
