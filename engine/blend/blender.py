"""`Blender` and `blend()`: one transition frame from two rgb48le frames, on GL or CPU.

Backends: ``gl`` (moderngl, EGL), ``cpu`` (Cython kernels) and ``auto``: GL when its renderer
is real GPU hardware, else the CPU kernel when the transition has one (and is not marked
faster on llvmpipe), else GL on the software renderer.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import BackendUnavailableError, EngineError
from ..frames import check_out, check_pair, check_progress
from ..knobs import knob
from .alpha import blend_rgba
from .backend import BlendBackend
from .cpu_backend import CPUBackend
from .gl_backend import GLBackend, is_software_renderer
from .registry import Transition, get_transition

__all__ = ["Blender", "BlendInfo", "blend", "BACKENDS"]

log = logging.getLogger("engine.blend")

BACKENDS: tuple[str, ...] = knob("backend").choices or ()


@dataclass(frozen=True)
class BlendInfo:
    """What a blender runs on: the requested backend and what GL turned out to be."""

    requested: str
    gl_renderer: str | None
    gl_hardware: bool
    gl_unavailable_reason: str | None
    cpu_threads: int


class Blender:
    """A reusable blender: holds the GL context (on its own thread), caches and CPU settings.

    Thread-safe: `blend` may be called from several threads; GL work is serialised on the GL
    thread, CPU kernels run in the caller's thread with the GIL released. Close it once
    (or use it as a context manager).
    """

    def __init__(self, backend: str = "auto", *, cpu_threads: int | None = None) -> None:
        self.backend = str(knob("backend").check(backend))
        self._cpu = CPUBackend(cpu_threads)
        self._gl: GLBackend | None = None
        self._gl_reason: str | None = None
        self._gl_probed = False
        self._lock = threading.Lock()
        self._reported: set[tuple[str, str]] = set()
        self._closed = False
        if self.backend == "gl":
            self._require_gl("backend='gl' was requested")

    # ---- backend choice -----------------------------------------------------------------------

    def _probe_gl(self) -> GLBackend | None:
        with self._lock:
            if not self._gl_probed:
                self._gl_probed = True
                try:
                    self._gl = GLBackend()
                    log.info("GL renderer: %s (%s)", self._gl.renderer,
                             "software" if is_software_renderer(self._gl.renderer) else "hardware")
                except BackendUnavailableError as exc:
                    self._gl_reason = str(exc)
                    log.warning("%s; blending on the CPU kernels", exc)
            return self._gl

    def _require_gl(self, why: str) -> GLBackend:
        gl = self._probe_gl()
        if gl is None:
            raise BackendUnavailableError(f"{why}, but {self._gl_reason}")
        return gl

    @property
    def info(self) -> BlendInfo:
        """The requested backend, the GL renderer's name and whether it is hardware (probes GL)."""
        gl = self._probe_gl() if self.backend != "cpu" else self._gl
        renderer = gl.renderer if gl else None
        return BlendInfo(self.backend, renderer, bool(renderer and not is_software_renderer(renderer)),
                         self._gl_reason, self._cpu.threads)

    @property
    def gl_renderer(self) -> str | None:
        """The GL renderer's name if GL was opened (no probe), else None."""
        gl = self._gl
        return gl.renderer if gl is not None else None

    @staticmethod
    def transition(transition: Transition | str) -> Transition:
        """`transition` itself, or the registered transition of that name (looked up once by a
        caller that blends it on every frame)."""
        return transition if isinstance(transition, Transition) else get_transition(transition)

    def choose(self, transition: Transition | str) -> str:
        """The backend (``"gl"`` or ``"cpu"``) this blender uses for `transition`."""
        t = self.transition(transition)
        if self.backend == "cpu":
            if not self._cpu.supports(t):
                raise BackendUnavailableError(
                    f"transition {t.name!r} has no CPU kernel (it runs on backend 'gl' or 'auto' only)"
                )
            return "cpu"
        if self.backend == "gl":
            self._require_gl("backend='gl' was requested")
            return "gl"
        gl = self._probe_gl()
        if gl is not None and not is_software_renderer(gl.renderer):
            return "gl"
        if self._cpu.supports(t) and (t.cpu_preferred or gl is None):
            return "cpu"
        if gl is None:
            raise BackendUnavailableError(
                f"transition {t.name!r} has no CPU kernel and no GL context is available ({self._gl_reason})"
            )
        return "gl"

    # ---- blending ------------------------------------------------------------------------------

    def blend(
        self,
        transition: Transition | str,
        frm: np.ndarray,
        to: np.ndarray,
        progress: float,
        *,
        params: Mapping[str, Any] | None = None,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """The transition frame at `progress` (0: `frm`, 1: `to`), written into `out` if given."""
        if self._closed:
            raise EngineError("this Blender is closed")
        t = self.transition(transition)
        values = t.resolve_params(params)
        a, b = check_pair(frm, to)
        p = check_progress(progress)
        target = check_out(out, a, a, b)
        backend = self.choose(t)
        if (t.name, backend) not in self._reported:
            self._reported.add((t.name, backend))
            log.info("transition %r blends on %s%s", t.name, backend,
                     f" ({self._gl.renderer})" if backend == "gl" and self._gl else "")
        runner: BlendBackend | None = self._cpu if backend == "cpu" else self._gl
        assert runner is not None  # choose() returns "gl" only once GL is open
        if a.shape[2] == 4:  # premultiplied rgba64le: colour and alpha blended alike (engine.blend.alpha)
            return blend_rgba(lambda f, g, o: runner.blend(t, values, f, g, p, o), a, b, target)
        return runner.blend(t, values, a, b, p, target)

    def compile(self, transition: Transition | str) -> None:
        """Compile the transition's GLSL now (ShaderCompileError with the compiler's log)."""
        t = self.transition(transition)
        self._require_gl(f"compiling transition {t.name!r} needs GL").compile(t)

    def close(self) -> None:
        """Release the GL context and its objects. Safe to call more than once."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            gl, self._gl = self._gl, None
        self._cpu.close()
        if gl is not None:
            gl.close()

    def __enter__(self) -> Blender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default: dict[str, Blender] = {}
_default_lock = threading.Lock()


def _default_blender(backend: str) -> Blender:
    key = str(knob("backend").check(backend))
    with _default_lock:
        blender = _default.get(key)
        if blender is None:
            blender = _default[key] = Blender(key)
        return blender


@atexit.register
def _close_defaults() -> None:
    with _default_lock:
        for blender in _default.values():
            blender.close()
        _default.clear()


def blend(
    name: str | Transition,
    frm: np.ndarray,
    to: np.ndarray,
    progress: float,
    *,
    params: Mapping[str, Any] | None = None,
    backend: str = "auto",
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Blend two rgb48le frames with transition `name` at `progress` in [0, 1].

    Uses a process-wide `Blender` per backend (created on first use, closed at exit). Returns
    `out` when given, else a new frame.
    """
    return _default_blender(backend).blend(name, frm, to, progress, params=params, out=out)
