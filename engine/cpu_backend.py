"""The `cpu` blend backend: Cython kernels (``kernels/*.pyx`` -> ``engine._cpu.*``).

Each kernel module exports ``KERNELS`` (kernel name -> number of float parameters) and
``run(name, frm, to, out, progress, ratio, params, threads)``, which releases the GIL and
splits rows over OpenMP threads, writing into the caller's buffer.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from types import ModuleType

import numpy as np

from .config import env_int, usable_cpus
from .errors import BackendUnavailableError, BlendError
from .params import ParamValue, flatten_numeric
from .registry import Transition

__all__ = ["CPUBackend", "available_kernels", "default_threads"]

#: Kernel modules built from kernels/<name>.pyx.
KERNEL_MODULES = ("crossfade", "geometric", "noise", "noise_fx", "distortion")


@functools.lru_cache(maxsize=1)
def available_kernels() -> dict[str, tuple[ModuleType, int]]:
    """Kernel name -> (compiled module, float parameter count), for every module that is built."""
    found: dict[str, tuple[ModuleType, int]] = {}
    for module_name in KERNEL_MODULES:
        try:
            module = importlib.import_module(f"engine._cpu.{module_name}")
        except ImportError:
            continue
        for name, count in module.KERNELS.items():
            found[name] = (module, count)
    return found


def default_threads() -> int:
    """`ENGINE_CPU_THREADS` (1..256), else the number of CPUs this process may use."""
    return env_int("ENGINE_CPU_THREADS", usable_cpus(), 1, 256)


class CPUBackend:
    """Runs a transition's Cython kernel in the calling thread (GIL released, OpenMP inside)."""

    def __init__(self, threads: int | None = None) -> None:
        self.threads = default_threads() if threads is None else int(threads)
        if self.threads < 1:
            raise BackendUnavailableError(f"cpu_threads must be at least 1, got {threads!r}")

    @staticmethod
    def supports(transition: Transition) -> bool:
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
        try:
            module.run(transition.kernel, frm, to, out, progress, ratio, params, self.threads)
        except Exception as exc:
            raise BlendError(f"CPU kernel of transition {transition.name!r} failed: {exc}") from exc
        return out
