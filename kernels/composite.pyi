# Stub of the compiled module built from kernels/composite.pyx (native video layers).
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

def place(dst: npt.NDArray[np.uint16], src: npt.NDArray[np.uint8] | npt.NDArray[np.uint16], rect: Sequence[float],
          clip: Sequence[float], opacity: float = 1.0, threads: int = 0) -> None: ...
def over(dst: npt.NDArray[np.uint16], overlay: npt.NDArray[np.uint8], threads: int = 0) -> None: ...
