# Stub of the compiled module built from kernels/composite.pyx (native video layers).
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: sub-scanlines per pixel row on which a rounded corner's coverage is measured
SUB: int

def place(dst: npt.NDArray[np.uint16], src: npt.NDArray[np.uint8] | npt.NDArray[np.uint16], rect: Sequence[float],
          clip: Sequence[float], opacity: float = 1.0, threads: int = 0,
          rounded: Sequence[Sequence[float]] | None = None) -> None: ...
def over(dst: npt.NDArray[np.uint16], overlay: npt.NDArray[np.uint8], threads: int = 0) -> None: ...
def over_deep(dst: npt.NDArray[np.uint16], colour: npt.NDArray[np.uint16], alpha: npt.NDArray[np.uint8],
              threads: int = 0) -> None: ...
