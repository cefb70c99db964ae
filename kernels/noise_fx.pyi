# Stub of the compiled module built from kernels/noise_fx.pyx (its TABLE, KERNELS and run() come from common.pxi).
from .common import KERNELS as KERNELS
from .common import TABLE as TABLE
from .common import Kernel as Kernel
from .common import run as run
