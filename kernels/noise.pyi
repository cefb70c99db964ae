# Stub of the compiled module built from kernels/noise.pyx (see kernels/common.pxi for run()).
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

FIELDS: dict[str, int]

def make_field(name: str, field: npt.NDArray[np.float32], ratio: float, params: npt.NDArray[np.float32],
               threads: int) -> None: ...
def run_with_field(name: str, frm: npt.NDArray[np.uint16], to: npt.NDArray[np.uint16], out: npt.NDArray[np.uint16],
                   progress: float, ratio: float, params: npt.NDArray[np.float32], field: npt.NDArray[np.float32],
                   threads: int) -> None: ...
