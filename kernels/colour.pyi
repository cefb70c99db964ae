# Stub of the compiled module built from kernels/colour.pyx (CSS colour filters on a native video layer).
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

_Pixels = TypeVar("_Pixels", npt.NDArray[np.uint8], npt.NDArray[np.uint16])

#: the functions `apply` takes, by name (CSS filter function names)
FUNCTIONS: tuple[str, ...]

def apply(src: _Pixels, filters: Sequence[tuple[str, float]], out: _Pixels | None = None,
          threads: int = 0) -> _Pixels: ...
