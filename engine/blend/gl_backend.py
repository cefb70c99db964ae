"""The `gl` blend backend: moderngl on a standalone EGL context that lives on its own thread.

Every GL call runs on that one thread (`engine-gl`), so any thread may ask for a blend while
capture goes on elsewhere. Programs are compiled once per transition; textures and render
targets are allocated once per frame size and reused: a blend allocates nothing on the GL side
(image parameters aside, which are uploaded once per image).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from ..errors import BackendUnavailableError, BlendError, ShaderCompileError
from ..knobs import knob
from .params import GLSL_TYPES, ParamValue
from .registry import Transition, read_shader

__all__ = ["GLBackend", "is_software_renderer", "gl_disabled"]

T = TypeVar("T")

#: Renderers that are software rasterisers, not GPU hardware.
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swiftshader", "software rasterizer", "lavapipe", "swrast")

#: Frame sizes whose textures stay allocated (least recently used beyond that are released).
MAX_CACHED_SIZES = 4


def is_software_renderer(renderer: str) -> bool:
    """True for llvmpipe, softpipe, SwiftShader and other software renderers."""
    name = renderer.lower()
    return any(s in name for s in SOFTWARE_RENDERERS)


def gl_disabled() -> bool:
    """`ENGINE_GL=off` turns the GL backend off (renders use the CPU kernels)."""
    gl = knob("gl")
    return gl.from_env(gl.default) == "off"


@dataclass
class _Targets:
    frm: Any
    to: Any
    color: Any
    fbo: Any

    def release(self) -> None:
        for obj in (self.fbo, self.color, self.frm, self.to):
            obj.release()


@dataclass
class _Program:
    program: Any
    vao: Any
    samplers: dict[str, int]

    def release(self) -> None:
        self.vao.release()
        self.program.release()


class _GLThread:
    """One daemon thread running submitted calls in order (it outlives interpreter shutdown's
    executor teardown, so `close()` still works from an atexit handler)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._loop, name="engine-gl", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            fn, args, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to the waiting caller
                future.set_exception(exc)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((fn, args, future))
        return future

    def shutdown(self) -> None:
        self._queue.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=30)


class GLBackend:
    """A moderngl context on a dedicated thread, with caches of programs and render targets."""

    def __init__(self) -> None:
        if gl_disabled():
            raise BackendUnavailableError("the GL backend is turned off (ENGINE_GL=off)")
        self._executor = _GLThread()
        self._closed = False
        self._close_lock = threading.Lock()
        self._programs: dict[tuple[str, str], _Program] = {}
        self._targets: OrderedDict[tuple[int, int], _Targets] = OrderedDict()
        self._images: dict[tuple[tuple[str, str], str], tuple[Any, Any]] = {}
        try:
            self._executor.submit(self._open).result()
        except BaseException as exc:
            self._executor.shutdown()
            self._closed = True
            raise BackendUnavailableError(f"no GL context available: {exc}") from exc

    # ---- on the GL thread ---------------------------------------------------------------------

    def _open(self) -> None:
        import moderngl

        self._moderngl = moderngl
        self.ctx = moderngl.create_standalone_context(require=330, backend="egl")  # type: ignore[arg-type]
        info = self.ctx.info
        self.renderer: str = str(info.get("GL_RENDERER", "unknown"))
        self.vendor: str = str(info.get("GL_VENDOR", "unknown"))
        self.version: str = str(info.get("GL_VERSION", "unknown"))
        self._vertex = read_shader("program/fullscreen.vert.glsl")
        self._head = read_shader("program/head.frag.glsl")
        self._tail = read_shader("program/tail.frag.glsl")
        neutral = np.linspace(0, 255, 256, dtype=np.float32).astype(np.uint8)
        ramp = np.repeat(neutral[None, :, None], 4, axis=2).copy()
        ramp[..., 3] = 255
        self._default_image = self.ctx.texture((256, 1), 4, ramp.tobytes())

    def _fragment_source(self, transition: Transition) -> str:
        return f"{self._head}\n#line 1\n{transition.source}\n#line 100000\n{self._tail}"

    def _program_for(self, transition: Transition) -> _Program:
        key = (transition.name, hashlib.sha1(transition.source.encode()).hexdigest())
        cached = self._programs.get(key)
        if cached is not None:
            return cached
        try:
            program = self.ctx.program(vertex_shader=self._vertex, fragment_shader=self._fragment_source(transition))
        except self._moderngl.Error as exc:
            log = str(exc).replace("GLSL Compiler failed", "").strip()
            raise ShaderCompileError(
                f"transition {transition.name!r} ({transition.origin}) failed to compile "
                f"(line numbers are the shader's own):\n{log}"
            ) from None
        vao = self.ctx.vertex_array(program, [])
        samplers: dict[str, int] = {}
        unit = 2
        for name, value in (("engine_from", 0), ("engine_to", 1)):
            if name in program:
                program[name].value = value  # type: ignore[union-attr]
        for param in transition.params:
            if GLSL_TYPES[param.type][0] == "s" and param.name in program:
                program[param.name].value = unit  # type: ignore[union-attr]
                samplers[param.name] = unit
                unit += 1
        entry = _Program(program, vao, samplers)
        self._programs[key] = entry
        return entry

    def _targets_for(self, width: int, height: int) -> _Targets:
        key = (width, height)
        found = self._targets.get(key)
        if found is not None:
            self._targets.move_to_end(key)
            return found
        ctx = self.ctx
        frm = ctx.texture((width, height), 3, dtype="nu2", alignment=2)
        to = ctx.texture((width, height), 3, dtype="nu2", alignment=2)
        color = ctx.texture((width, height), 4, dtype="nu2")
        for tex in (frm, to):
            tex.filter = (self._moderngl.NEAREST, self._moderngl.NEAREST)
            tex.repeat_x = tex.repeat_y = False
        targets = _Targets(frm, to, color, ctx.framebuffer(color_attachments=[color]))
        self._targets[key] = targets
        while len(self._targets) > MAX_CACHED_SIZES:
            _, old = self._targets.popitem(last=False)
            targets.fbo.use()  # never release the bound framebuffer
            old.release()
        return targets

    def _image_texture(self, pkey: tuple[str, str], name: str, image: Any) -> Any:
        cached = self._images.get((pkey, name))
        if cached is not None and cached[0] is image:
            return cached[1]
        if cached is not None:
            cached[1].release()
        arr = np.ascontiguousarray(image)
        dtype = "nu2" if arr.dtype == np.uint16 else "f1"
        tex = self.ctx.texture((arr.shape[1], arr.shape[0]), arr.shape[2], arr.tobytes(), dtype=dtype, alignment=1)
        self._images[(pkey, name)] = (image, tex)
        return tex

    def _blend(
        self,
        transition: Transition,
        values: Mapping[str, ParamValue],
        frm: np.ndarray,
        to: np.ndarray,
        progress: float,
        out: np.ndarray,
    ) -> np.ndarray:
        height, width = frm.shape[:2]
        entry = self._program_for(transition)
        program = entry.program
        targets = self._targets_for(width, height)
        targets.frm.write(frm)
        targets.to.write(to)
        ratio = width / height
        for name, value in (("engine_size", (float(width), float(height))), ("progress", progress),
                            ("ratio", ratio), ("_fromR", ratio), ("_toR", ratio)):
            if name in program:
                program[name].value = value
        pkey = (transition.name, transition.origin)
        for param in transition.params:
            if param.name not in program:
                continue
            value = values[param.name]
            if param.name in entry.samplers:
                tex = self._default_image if value is None else self._image_texture(pkey, param.name, value)
                tex.use(entry.samplers[param.name])
            else:
                program[param.name].value = value
        targets.frm.use(0)
        targets.to.use(1)
        targets.fbo.use()
        self.ctx.viewport = (0, 0, width, height)
        entry.vao.render(self._moderngl.TRIANGLES, vertices=3)
        targets.fbo.read_into(out, components=3, dtype="nu2", alignment=2)
        error = self.ctx.error
        if error != "GL_NO_ERROR":
            raise BlendError(f"GL error {error} while blending transition {transition.name!r}")
        return out

    def _release_all(self) -> None:
        for entry in self._programs.values():
            entry.release()
        for _, tex in self._images.values():
            tex.release()
        for targets in self._targets.values():
            targets.release()
        self._default_image.release()
        self._programs.clear()
        self._images.clear()
        self._targets.clear()
        self.ctx.release()

    # ---- from any thread ----------------------------------------------------------------------

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return self.submit(fn, *args).result()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        if self._closed:
            raise BlendError("the GL backend is closed")
        return self._executor.submit(fn, *args)

    @staticmethod
    def supports(transition: Transition) -> bool:
        """Every transition runs on GL (its GLSL is checked when it is compiled)."""
        return True

    def compile(self, transition: Transition) -> None:
        """Compile (and cache) the transition's program now; ShaderCompileError if it fails."""
        self._call(self._program_for, transition)

    def blend(
        self,
        transition: Transition,
        values: Mapping[str, ParamValue],
        frm: np.ndarray,
        to: np.ndarray,
        progress: float,
        out: np.ndarray,
    ) -> np.ndarray:
        """Blend on the GL thread into `out` (frames already checked by the caller)."""
        try:
            return self._call(self._blend, transition, values, frm, to, progress, out)
        except (ShaderCompileError, BlendError):
            raise
        except Exception as exc:
            raise BlendError(f"GL blend of transition {transition.name!r} failed: {exc}") from exc

    def close(self) -> None:
        """Release every GL object and the context, then stop the thread. Safe to call twice."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._executor.submit(self._release_all).result()
        finally:
            self._executor.shutdown()
