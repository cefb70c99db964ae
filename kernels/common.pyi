# Stub of what kernels/common.pxi gives every compiled kernel module (it is included, not
# imported: each module's stub re-exports these names).
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
