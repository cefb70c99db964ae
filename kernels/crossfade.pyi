# Stub of the compiled module built from kernels/crossfade.pyx (see kernels/common.pxi for run()).
import numpy as np
import numpy.typing as npt

class Kernel:
    """An entry of TABLE: the float parameters a kernel reads and its noise field's floats per pixel."""

    nparams: int
    nfield: int

TABLE: dict[str, Kernel]
KERNELS: dict[str, int]

def run(name: str, frm: npt.NDArray[np.uint16], to: npt.NDArray[np.uint16], out: npt.NDArray[np.uint16],
        progress: float, ratio: float, params: npt.NDArray[np.float32], threads: int) -> None: ...
