# Stub of the compiled module built from kernels/noise.pyx (its TABLE, KERNELS and run() come from common.pxi).
import numpy as np
import numpy.typing as npt

from .common import KERNELS as KERNELS
from .common import TABLE as TABLE
from .common import Kernel as Kernel
from .common import run as run

FIELDS: dict[str, int]

def make_field(name: str, field: npt.NDArray[np.float32], ratio: float, params: npt.NDArray[np.float32],
               threads: int) -> None: ...
def run_with_field(name: str, frm: npt.NDArray[np.uint16], to: npt.NDArray[np.uint16], out: npt.NDArray[np.uint16],
                   progress: float, ratio: float, params: npt.NDArray[np.float32], field: npt.NDArray[np.float32],
                   threads: int) -> None: ...
