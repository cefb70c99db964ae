# Stub of the compiled module built from kernels/place_affine.pyx (native video layers drawn
# through a 2D affine map: rotated, skewed or scaled-with-rotation videos).
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: sub-scanlines of rounded.pxi (its box clips are shared with composite.place)
SUB: int
#: the edge_bias matching Chromium's straight edges of a video's frame
CHROMIUM_EDGE_BIAS: float

def place_affine(dst: npt.NDArray[np.uint16], src: npt.NDArray[np.uint8] | npt.NDArray[np.uint16],
                 matrix: Sequence[float], rect: Sequence[float], clip: Sequence[float], opacity: float = 1.0,
                 threads: int = 0, rounded: Sequence[Sequence[float]] | None = None, edge_bias: float = 0.0,
                 bounds: Sequence[float] | None = None, mipmaps: bool = False) -> None: ...
def mip_level(scale: float) -> int: ...
def mipmap(src: npt.NDArray[np.uint8] | npt.NDArray[np.uint16], level: int) -> npt.NDArray[np.uint8] | npt.NDArray[np.uint16]: ...
