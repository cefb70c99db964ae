"""The interface both blend backends implement (`GLBackend`, `CPUBackend`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np

from .params import ParamValue
from .registry import Transition

__all__ = ["BlendBackend"]


class BlendBackend(Protocol):
    """A backend blends two checked rgb48le frames into a caller's buffer.

    `supports` says whether it can run `transition` here; `blend` writes the transition frame
    at `progress` into `out` and returns it (frames, progress and `out` are already checked by
    `Blender`); `close` releases what it holds and may be called more than once.
    """

    def supports(self, transition: Transition) -> bool: ...

    def blend(self, transition: Transition, values: Mapping[str, ParamValue], frm: np.ndarray, to: np.ndarray,
              progress: float, out: np.ndarray) -> np.ndarray: ...

    def close(self) -> None: ...
