"""Builds the Cython CPU kernels in ``kernels/`` as ``engine.blend.kernels.<name>``.

The default build is portable (``-O3``, no ``-march=native``) and uses OpenMP when the compiler
accepts ``-fopenmp``, else builds serial kernels. Build-time knobs (documented in README):

- ``ENGINE_NATIVE=1``: tune for this machine's CPU (``-march=native``); default 0.
- ``ENGINE_OPENMP=auto|1|0``: OpenMP detection, forced on, or off; default auto.
- ``ENGINE_KERNELS=name,name``: build only these kernel modules (development); default all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

ROOT = Path(__file__).resolve().parent


def _flag(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip().lower() or default
    if value not in allowed:
        sys.exit(f"setup.py: {name}={value!r} is not valid; expected one of {', '.join(allowed)}")
    return value


def _compiler_accepts_openmp() -> bool:
    """True when the C compiler builds and links a tiny OpenMP program."""
    cc = (sysconfig.get_config_var("CC") or "cc").split()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "omp.c")
        src.write_text("#include <omp.h>\nint main(void){return omp_get_max_threads() > 0 ? 0 : 1;}\n")
        try:
            done = subprocess.run([*cc, "-fopenmp", str(src), "-o", str(Path(tmp, "omp"))], capture_output=True)
        except OSError:
            return False
        return done.returncode == 0


native = _flag("ENGINE_NATIVE", ("0", "1"), "0") == "1"
openmp_choice = _flag("ENGINE_OPENMP", ("auto", "0", "1"), "auto")
use_openmp = openmp_choice == "1" or (openmp_choice == "auto" and _compiler_accepts_openmp())

compile_args = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-Wno-unused-function", "-Wno-unreachable-code"]
link_args: list[str] = []
if native:
    compile_args.append("-march=native")
if use_openmp:
    compile_args.append("-fopenmp")
    link_args.append("-fopenmp")
print(f"setup.py: kernels build with openmp={use_openmp} native={native}", file=sys.stderr)

only = {n.strip() for n in os.environ.get("ENGINE_KERNELS", "").split(",") if n.strip()}
known = {p.stem for p in (ROOT / "kernels").glob("*.pyx")}
if only - known:
    sys.exit(f"setup.py: ENGINE_KERNELS names unknown modules {sorted(only - known)}; known: {sorted(known)}")

extensions = [
    Extension(
        f"engine.blend.kernels.{pyx.stem}",
        [str(pyx.relative_to(ROOT))],
        include_dirs=[numpy.get_include(), "kernels"],
        extra_compile_args=compile_args,
        extra_link_args=link_args,
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"), ("ENGINE_OPENMP", int(use_openmp))]
        + ([("ENGINE_NATIVE_BUILD", "1")] if native else []),
        depends=[str(p.relative_to(ROOT)) for p in sorted((ROOT / "kernels").glob("*.p[xy]i")) + sorted((ROOT / "kernels").glob("*.h"))],
    )
    for pyx in sorted((ROOT / "kernels").glob("*.pyx"))
    if not only or pyx.stem in only
]

setup(
    ext_modules=cythonize(
        extensions,
        include_path=["kernels"],
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
            "embedsignature": True,
        },
        compile_time_env={"ENGINE_OPENMP": use_openmp},
    ),
)
