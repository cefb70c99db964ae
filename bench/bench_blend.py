"""Blend throughput per transition and backend at 720p and 1080p, against a memcpy of the same
bytes measured in the same run, and the ratio gates that hold on a noisy machine.

    .venv/bin/python -m pytest bench/bench_blend.py --benchmark-columns=min,median,ops
"""

from __future__ import annotations

import numpy as np
import pytest
from benchutil import SIZES, best_of, best_of_alternating

import engine
from engine.blend.registry import GL_PREFERRED_ON_SOFTWARE

BUILTINS = [t.name for t in engine.transitions() if t.origin == "builtin" and t.name == t.kernel]


@pytest.fixture(scope="module")
def blenders():
    with engine.Blender("cpu") as cpu, engine.Blender("gl") as gl:
        yield {"cpu": cpu, "gl": gl}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_memcpy_reference(benchmark, frames, size: str) -> None:
    a, _, out = frames[size]
    benchmark.extra_info["bytes_moved"] = 2 * a.nbytes
    benchmark.pedantic(np.copyto, args=(out, a), rounds=20, warmup_rounds=2)


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("backend", ["cpu", "gl"])
@pytest.mark.parametrize("name", BUILTINS)
def test_blend_throughput(benchmark, blenders, frames, name: str, backend: str, size: str) -> None:
    a, b, out = frames[size]
    blender = blenders[backend]
    benchmark.extra_info["bytes_moved"] = 3 * a.nbytes
    benchmark.pedantic(blender.blend, args=(name, a, b, 0.37), kwargs={"out": out}, rounds=5, warmup_rounds=1)


@pytest.mark.gate
def test_gate_crossfade_reaches_half_memcpy_throughput(blenders, frames) -> None:
    """Bytes per second of the CPU crossfade (two frames read, one written) >= half a memcpy's."""
    a, b, out = frames["1080p"]
    memcpy = best_of(lambda: np.copyto(out, a), rounds=15)
    crossfade = best_of(lambda: blenders["cpu"].blend("crossfade", a, b, 0.37, out=out), rounds=15)
    ratio = (3 * a.nbytes / crossfade) / (2 * a.nbytes / memcpy)
    print(f"\nmemcpy {memcpy * 1e3:.2f} ms, crossfade {crossfade * 1e3:.2f} ms, throughput ratio {ratio:.2f}")
    assert ratio >= 0.5


@pytest.mark.gate
@pytest.mark.parametrize("name", BUILTINS)
def test_gate_cpu_kernel_beats_llvmpipe(blenders, frames, name: str) -> None:
    """Every CPU built-in is faster than its GLSL on the software renderer (upload and readback
    included), or `auto` is marked to choose GL for it."""
    gl = blenders["gl"]
    if not gl.info.gl_renderer or gl.info.gl_hardware:
        pytest.skip(f"GL renderer is {gl.info.gl_renderer!r}, not a software renderer: the gate compares with llvmpipe")
    a, b, out = frames["720p"]
    cpu_s, gl_s = best_of_alternating(lambda: blenders["cpu"].blend(name, a, b, 0.37, out=out),
                                      lambda: gl.blend(name, a, b, 0.37, out=out), rounds=6)
    print(f"\n{name}: cpu {cpu_s * 1e3:.1f} ms, gl (llvmpipe) {gl_s * 1e3:.1f} ms")
    if name in GL_PREFERRED_ON_SOFTWARE:
        with engine.Blender("auto") as auto:
            assert auto.choose(name) == "gl"
    else:
        assert cpu_s < gl_s
