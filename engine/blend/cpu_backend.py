"""The `cpu` blend backend: Cython kernels (``kernels/*.pyx`` -> ``engine.blend.kernels.*``).

Each kernel module exports ``KERNELS`` (kernel name -> number of float parameters) and
``run(name, frm, to, out, progress, ratio, params, threads)``, which releases the GIL and
splits rows over OpenMP threads, writing into the caller's buffer. A module may also export
``FIELDS`` (kernel name -> floats per pixel of a noise field that does not depend on progress)
with ``make_field`` and ``run_with_field``: the backend then computes a transition's field once
and reuses it for every frame with the same size and parameters (`MAX_FIELDS` kept).
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from types import ModuleType

import numpy as np

from ..config import usable_cpus
from ..errors import BackendUnavailableError, BlendError
from ..knobs import knob
from .params import ParamValue, flatten_numeric
from .registry import Transition

__all__ = ["CPUBackend", "available_kernels", "default_threads"]

#: Kernel modules built from kernels/<name>.pyx.
KERNEL_MODULES = ("crossfade", "geometric", "noise", "noise_fx", "distortion")
#: Noise fields kept per backend (a 1080p field of 3 values per pixel is 25 MB).
MAX_FIELDS = 2


@functools.lru_cache(maxsize=1)
def available_kernels() -> dict[str, tuple[ModuleType, int]]:
    """Kernel name -> (compiled module, float parameter count), for every module that is built."""
    found: dict[str, tuple[ModuleType, int]] = {}
    for module_name in KERNEL_MODULES:
        try:
            module = importlib.import_module(f"engine.blend.kernels.{module_name}")
        except ImportError:
            continue
        for name, count in module.KERNELS.items():
            found[name] = (module, count)
    return found


def default_threads() -> int:
    """`ENGINE_CPU_THREADS` (1..256), else the number of CPUs this process may use."""
    return knob("cpu_threads").int_from_env(usable_cpus())


class CPUBackend:
    """Runs a transition's Cython kernel in the calling thread (GIL released, OpenMP inside)."""

    def __init__(self, threads: int | None = None) -> None:
        self.threads = default_threads() if threads is None else int(threads)
        if self.threads < 1:
            raise BackendUnavailableError(f"cpu_threads must be at least 1, got {threads!r}")
        self._fields: OrderedDict[tuple[object, ...], np.ndarray] = OrderedDict()
        self._fields_lock = threading.Lock()

    def clear(self) -> None:
        """Drop the cached noise fields."""
        with self._fields_lock:
            self._fields.clear()

    def close(self) -> None:
        """Release the cached noise fields (the backend holds nothing else). Safe to call twice."""
        self.clear()

    def _field(self, module: ModuleType, kernel: str, height: int, width: int, ratio: float,
               params: np.ndarray) -> np.ndarray:
        key = (kernel, height, width, ratio, params.tobytes())
        with self._fields_lock:
            field = self._fields.get(key)
            if field is not None:
                self._fields.move_to_end(key)
                return field
        field = np.empty((height, width, module.FIELDS[kernel]), dtype=np.float32)
        module.make_field(kernel, field, ratio, params, self.threads)
        with self._fields_lock:
            self._fields[key] = field
            while len(self._fields) > MAX_FIELDS:
                self._fields.popitem(last=False)
        return field

    @staticmethod
    def supports(transition: Transition) -> bool:
        """Whether the transition has a CPU kernel and that kernel module is built."""
        return transition.kernel is not None and transition.kernel in available_kernels()

    def blend(
        self,
        transition: Transition,
        values: Mapping[str, ParamValue],
        frm: np.ndarray,
        to: np.ndarray,
        progress: float,
        out: np.ndarray,
    ) -> np.ndarray:
        """Blend into `out` (frames already checked by the caller)."""
        entry = available_kernels().get(transition.kernel or "")
        if entry is None:
            raise BackendUnavailableError(f"transition {transition.name!r} has no CPU kernel")
        module, count = entry
        params = np.asarray(flatten_numeric(transition.params, values), dtype=np.float32)
        if params.shape[0] != count:
            raise BlendError(
                f"CPU kernel {transition.kernel!r} reads {count} parameter values but transition "
                f"{transition.name!r} declares {params.shape[0]}: kernel and GLSL are out of step"
            )
        ratio = frm.shape[1] / frm.shape[0]
        kernel = str(transition.kernel)
        try:
            if kernel in getattr(module, "FIELDS", {}):
                field = self._field(module, kernel, frm.shape[0], frm.shape[1], ratio, params)
                module.run_with_field(kernel, frm, to, out, progress, ratio, params, field, self.threads)
            else:
                module.run(kernel, frm, to, out, progress, ratio, params, self.threads)
        except Exception as exc:
            raise BlendError(f"CPU kernel of transition {transition.name!r} failed: {exc}") from exc
        return out
