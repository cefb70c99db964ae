"""Server-sent events for the preview page: a `Broadcaster` of named events to every open page,
and a `FolderWatcher` (``watchfiles``) that announces each save in the composition's folder."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["Broadcaster", "FolderWatcher", "sse"]


def sse(event: str, data: Any) -> bytes:
    """One server-sent event: ``event: NAME`` and its JSON data."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


class Broadcaster:
    """Hands every `publish`ed event to each subscriber's queue (one per open event stream)."""

    def __init__(self) -> None:
        self._queues: list[queue.Queue[bytes | None]] = []
        self._lock = threading.Lock()

    def subscribe(self) -> queue.Queue[bytes | None]:
        q: queue.Queue[bytes | None] = queue.Queue()
        with self._lock:
            self._queues.append(q)
        return q

    def unsubscribe(self, q: queue.Queue[bytes | None]) -> None:
        with self._lock:
            if q in self._queues:
                self._queues.remove(q)

    def publish(self, event: str, data: Any) -> None:
        message = sse(event, data)
        with self._lock:
            for q in self._queues:
                q.put(message)

    def close(self) -> None:
        """End every stream (each subscriber gets None)."""
        with self._lock:
            for q in self._queues:
                q.put(None)
            self._queues.clear()

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._queues)


class FolderWatcher:
    """Calls `on_change(paths)` from a thread of its own after each change under `root` (hidden
    files and `ignore` aside), within about 0.2 s of the save."""

    def __init__(self, root: Path, on_change: Callable[[list[str]], None], ignore: tuple[Path, ...] = ()) -> None:
        self.root, self.on_change = root, on_change
        self.ignore = {str(p.resolve()) for p in ignore}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="preview-watcher", daemon=True)

    def start(self) -> FolderWatcher:
        self._thread.start()
        return self

    def _wanted(self, _change: Any, path: str) -> bool:
        name = Path(path).name
        return path not in self.ignore and not name.startswith(".") and not name.endswith("~")

    def _run(self) -> None:
        from watchfiles import watch

        for changes in watch(self.root, watch_filter=self._wanted, debounce=100, step=25, stop_event=self._stop,
                             rust_timeout=500, yield_on_timeout=False, raise_interrupt=False):
            try:
                self.on_change(sorted({str(Path(p).relative_to(self.root)) for _, p in changes}))
            except Exception:  # noqa: BLE001 - a failing listener must not stop the watcher
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
