"""The preview's frames: one warm `engine.Renderer` on a thread of its own, every render through it.

A `Renderer` belongs to the thread that made it and renders one thing at a time, so every job
(a frame, the plan, a whole render) goes through one queue to that thread (`FrameService`). A
frame is what ``--still SECONDS`` renders, from a warm page: a `engine.render.stills.StillSession`
(one per quality) keeps the composition loaded and seeks it, giving the still render's exact
pixels and PNG bytes; a change of the files' digest or of the variables opens a new session
(closing the old one). Frames are cached by (frame index, quality, variables, the content
digest of the composition's files): the digest is taken before and after each render, and a
frame whose files changed during its render is not cached, so a cache never serves a frame of
an older version of the files.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from queue import Queue
from typing import Any

from ..composition.source import read_static, resolve_source
from ..composition.variables import check_values_object, declared_variables
from ..errors import EngineError, InputError, PreviewError
from ..pipeline.planning import parse_still, still_frame

__all__ = ["FolderDigest", "FrameService", "Frame", "PreviewError", "cli_message"]

#: Frames kept per service (a 1280x720 16-bit PNG is 1-3 MB).
CACHE_FRAMES = 240


def cli_message(exc: BaseException) -> str:
    """What ``python -m engine.render`` prints for `exc` (engine/render/cli.py)."""
    if isinstance(exc, InputError):
        return f"error: {exc}"
    if isinstance(exc, EngineError):
        return f"render failed: {exc}"
    return f"render failed: {type(exc).__name__}: {exc}"


class FolderDigest:
    """The content digest (SHA-256) of every file under a folder, hidden ones and `ignore` aside;
    a file is hashed again only when its size or modification time changed."""

    def __init__(self, root: Path, ignore: tuple[Path, ...] = ()) -> None:
        self.root, self.ignore = root, {p.resolve() for p in ignore}
        self._memo: dict[Path, tuple[tuple[int, int], str]] = {}
        self._lock = threading.Lock()

    def current(self) -> str:
        total = hashlib.sha256()
        with self._lock:
            for path in self._files():
                try:
                    st = path.stat()
                except OSError:
                    continue
                key = (st.st_size, st.st_mtime_ns)
                memo = self._memo.get(path)
                if memo is None or memo[0] != key:
                    memo = self._memo[path] = (key, _file_hash(path))
                total.update(f"{path.relative_to(self.root)}\0{memo[1]}\0".encode())
        return total.hexdigest()

    def _files(self) -> list[Path]:
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            found += [Path(folder, f) for f in sorted(files) if not f.startswith(".")]
        return [p for p in found if p.resolve() not in self.ignore]


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


@dataclass(frozen=True)
class Frame:
    """One rendered frame: the PNG's bytes, its index and time, and the render's warnings."""

    png: bytes
    index: int
    time: Fraction
    version: str
    warnings: list[dict[str, str]] = field(default_factory=list)
    cached: bool = False


def _variables_key(variables: Mapping[str, Any] | None) -> str:
    return json.dumps(check_values_object(dict(variables)) if variables else {}, sort_keys=True)


class FrameService:
    """Frames, the plan and renders of one composition, through one warm `Renderer` on its own
    thread (start it with `start`, stop it with `close`)."""

    def __init__(self, composition: str | os.PathLike[str], *, ignore: tuple[Path, ...] = ()) -> None:
        self.html_file, self.root = resolve_source(Path(composition))
        self.composition = Path(composition)
        self.digest = FolderDigest(self.root, ignore)
        self._jobs: Queue[tuple[Callable[[Any], Any], Future[Any]] | None] = Queue()
        self._cache: OrderedDict[tuple[int, str, str, str], Frame] = OrderedDict()
        self._info: dict[str, dict[str, Any]] = {}  # version -> info (or {"error": message})
        self._warnings: dict[str, dict[str, dict[str, str]]] = {}  # version -> warnings by key
        self._lock = threading.Lock()
        #: quality -> ((version, variables key), its warm page); used on the renderer's thread only
        self._stills: dict[str, tuple[tuple[str, str], Any]] = {}
        self._blender: Any = None  # the stills' blender, made on first use
        self._thread = threading.Thread(target=self._run, name="preview-renderer", daemon=True)
        self._started = threading.Event()
        self._start_error: BaseException | None = None

    # ---- the renderer's thread ----

    def start(self) -> FrameService:
        """Start the renderer thread (its Chromium and Playwright driver); raises what stopped it."""
        self._thread.start()
        self._started.wait()
        if self._start_error is not None:
            raise self._start_error
        return self

    def _run(self) -> None:
        from ..render.warm import Renderer

        try:
            renderer = Renderer(workers=1, quality="high")
        except BaseException as exc:  # noqa: BLE001 - handed to start()
            self._start_error = exc
            self._started.set()
            return
        self._started.set()
        try:
            while (job := self._jobs.get()) is not None:
                fn, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(fn(renderer))
                except BaseException as exc:  # noqa: BLE001 - the caller gets it
                    future.set_exception(exc)
        finally:
            self._close_stills()
            renderer.close()
            while not self._jobs.empty():  # asked for after close: answered, not left waiting
                left = self._jobs.get_nowait()
                if left is not None and left[1].set_running_or_notify_cancel():
                    left[1].set_exception(PreviewError("render failed: the preview is closed"))

    def submit(self, fn: Callable[[Any], Any]) -> Future[Any]:
        """Run `fn(renderer)` on the renderer's thread, after the jobs before it."""
        future: Future[Any] = Future()
        self._jobs.put((fn, future))
        return future

    def close(self) -> None:
        """Stop the renderer thread and its browsers. Idempotent."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=30)

    # ---- what the server asks ----

    def info(self) -> dict[str, Any]:
        """The composition's plan as JSON (`plan_json`) for the current files, or ``{"error": ...}``
        with the CLI's message; ``version`` names the files' digest."""
        version = self.digest.current()
        with self._lock:
            cached = self._info.get(version)
        if cached is None:
            cached = self.submit(lambda _renderer: self._load_info(version)).result()
        with self._lock:
            warnings_now = list(self._warnings.get(version, {}).values())
        return {**cached, "version": version[:16], "warnings": warnings_now}

    def _load_info(self, version: str) -> dict[str, Any]:
        try:  # on the renderer's thread: the plan of the page that then shows this version's frames
            with warnings.catch_warnings():  # listed with the frames
                warnings.simplefilter("ignore")
                plan = self._still_session("high", (version, _variables_key(None)), {}).plan
            info = plan_json(plan)
            info["variables"] = variables_json(read_static(self.html_file))
        except Exception as exc:  # noqa: BLE001 - shown in the page, as the CLI says it
            info = {"error": cli_message(exc)}
        with self._lock:
            self._info[version] = info
        return info

    def frame(self, t: float | str | Fraction, *, quality: str = "high",
              variables: Mapping[str, Any] | None = None) -> Frame:
        """The frame shown at `t` seconds (what ``--still t --quality QUALITY`` renders). Raises
        `PreviewError` with the CLI's message when the composition cannot render."""
        try:
            seconds, vkey = parse_still(t), _variables_key(variables)
        except InputError as exc:
            raise PreviewError(cli_message(exc)) from None
        info = self.info()
        if "error" in info:
            raise PreviewError(info["error"])
        fps, duration = Fraction(info["fps_exact"]), Fraction(info["duration_exact"])
        try:
            index = still_frame(seconds, fps, info["frames"], duration)[0]
        except InputError as exc:
            raise PreviewError(cli_message(exc)) from None
        version = self.digest.current()
        key = (index, quality, vkey, version)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return Frame(hit.png, hit.index, hit.time, hit.version, hit.warnings, cached=True)
        return self.submit(lambda renderer: self._render_frame(renderer, key, fps, json.loads(vkey))).result()

    def _render_frame(self, renderer: Any, key: tuple[int, str, str, str], fps: Fraction,
                      variables: dict[str, Any]) -> Frame:
        index, quality, vkey, version = key
        time = Fraction(index) / fps
        try:
            with warnings.catch_warnings():  # the session's warnings are listed with the frame
                warnings.simplefilter("ignore")
                stills = self._still_session(quality, (version, vkey), variables)
                try:
                    png, said = stills.png(time), stills.warnings
                except Exception:
                    self._close_stills(quality)  # the next frame opens the page again
                    raise
        except Exception as exc:  # noqa: BLE001 - the page shows the CLI's message
            raise PreviewError(cli_message(exc)) from None
        frame = Frame(png, index, time, version, said)
        if self.digest.current() == version:  # files changed meanwhile: this frame may mix versions
            with self._lock:
                self._cache[key] = frame
                while len(self._cache) > CACHE_FRAMES:
                    self._cache.popitem(last=False)
                found = self._warnings.setdefault(version, {})
                for w in frame.warnings:
                    found.setdefault(json.dumps(w, sort_keys=True), dict(w))
        return frame

    def _still_session(self, quality: str, key: tuple[str, str], variables: dict[str, Any]) -> Any:
        """The warm page of `quality` for files version and variables `key` (on the renderer's
        thread); another key closes the old page and opens a new one."""
        from ..blend.blender import Blender
        from ..render.stills import StillSession

        held = self._stills.get(quality)
        if held is not None and held[0] == key:
            return held[1]
        self._close_stills(quality)
        if self._blender is None:
            self._blender = Blender()
        stills = StillSession(self.composition, quality=quality, variables=variables or None, blender=self._blender)
        self._stills[quality] = (key, stills)
        return stills

    def _close_stills(self, quality: str | None = None) -> None:
        """Close the warm page of `quality` (all of them, and the blender, with None)."""
        for name in [quality] if quality is not None else list(self._stills):
            held = self._stills.pop(name, None)
            if held is not None:
                held[1].close()
        if quality is None and self._blender is not None:
            self._blender.close()
            self._blender = None

    def render(self, output: Path, *, frames: str | None = None, variables: Mapping[str, Any] | None = None,
               progress: Callable[[int, int], None] | None = None) -> Future[Any]:
        """Render the composition (or the frames ``START:END``) to `output` as the CLI does by
        default (``--quality standard``, ``--workers auto``); a future of its `RenderResult`."""
        values = check_values_object(dict(variables)) if variables else None

        def job(renderer: Any) -> Any:
            with warnings.catch_warnings():  # the render's warnings come back in its result
                warnings.simplefilter("ignore")
                return renderer.render(self.composition, output, frames=frames, variables=values, quality="standard",
                                       workers="auto", progress=progress)

        return self.submit(job)


def plan_json(plan: Any) -> dict[str, Any]:
    """The parts of a `Plan` the page draws: size, timing, scenes, clips and transitions."""
    def end(clip: Any) -> float:
        return float(plan.duration if clip is None or clip.end is None else clip.end)

    return {
        "width": plan.width, "height": plan.height, "fps": float(plan.fps), "fps_exact": str(plan.fps),
        "duration": float(plan.duration), "duration_exact": str(plan.duration), "frames": plan.frame_count,
        "composition_id": plan.composition_id,
        "scenes": [{"id": s.id, "start": float(s.clip.start) if s.clip else 0.0, "end": end(s.clip)}
                   for s in plan.scenes],
        "clips": [{"id": c.id, "tag": c.tag, "start": float(c.start), "end": end(c)} for c in plan.clips],
        "transitions": [{"shader": t.shader, "start": float(t.time), "end": float(t.end), "from": t.from_scene,
                         "to": t.to_scene, "ease": t.ease} for t in plan.transitions],
    }


def variables_json(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The declared ``data-composition-variables`` (id, type, default, options), for the form."""
    declared, _ = declared_variables(raw)
    return [{"id": v.id, "type": v.type or "string", "default": v.default, "options": list(v.options)}
            for v in declared.values()]
