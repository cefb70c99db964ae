"""GL-vs-CPU parity and endpoints of every built-in transition (variants included).

The CPU kernels are ports of the GLSL files; these tests are what keeps them from drifting.
Floors: 48 dB on 16 bits (an RMS error of about one 8-bit level) for analytic transitions.
Noise-based transitions get their own floor in NOISE_FLOORS, each justified there.
"""

from __future__ import annotations

import numpy as np
import pytest
from images import psnr16, random_frame, structured_frame

import engine
from engine.blend.cpu_backend import CPUBackend

WIDTH, HEIGHT = 96, 64
PROGRESSES = (0.0, 0.25, 0.5, 0.75, 1.0)
ANALYTIC_FLOOR = 48.0

#: Transition -> (floor in dB, why it may sit below 48 dB). Never under 36 dB.
NOISE_FLOORS: dict[str, tuple[float, str]] = {}

BUILTINS = [t.name for t in engine.transitions() if t.origin == "builtin"]
IMAGES = {
    "random": (random_frame(WIDTH, HEIGHT, 1), random_frame(WIDTH, HEIGHT, 2)),
    "structured": (structured_frame(WIDTH, HEIGHT, 3), structured_frame(WIDTH, HEIGHT, 4)),
}


def test_every_builtin_has_a_cpu_kernel() -> None:
    missing = [t.name for t in engine.transitions() if t.origin == "builtin" and not t.has_cpu_kernel]
    assert missing == []
    unbuilt = [t.name for t in engine.transitions() if t.origin == "builtin" and not CPUBackend.supports(t)]
    assert unbuilt == []


@pytest.mark.parametrize("image", sorted(IMAGES))
@pytest.mark.parametrize("name", BUILTINS)
def test_gl_matches_cpu(name: str, image: str, gl_blender: engine.Blender, cpu_blender: engine.Blender) -> None:
    frm, to = IMAGES[image]
    floor = NOISE_FLOORS.get(name, (ANALYTIC_FLOOR, ""))[0]
    assert floor >= 36.0
    for p in PROGRESSES:
        gl = gl_blender.blend(name, frm, to, p)
        cpu = cpu_blender.blend(name, frm, to, p)
        score = psnr16(gl, cpu)
        assert score >= floor, f"{name} on {image} at progress {p}: GL vs CPU {score:.1f} dB < {floor} dB"


@pytest.mark.parametrize("name", BUILTINS)
def test_endpoints_show_one_scene(name: str, gl_blender: engine.Blender, cpu_blender: engine.Blender) -> None:
    frm, to = IMAGES["structured"]
    for blender in (gl_blender, cpu_blender):
        start = blender.blend(name, frm, to, 0.0).astype(np.int64)
        end = blender.blend(name, frm, to, 1.0).astype(np.int64)
        assert np.abs(start - frm).max() <= 2, f"{name} on {blender.backend} at 0 is not the from-frame"
        assert np.abs(end - to).max() <= 2, f"{name} on {blender.backend} at 1 is not the to-frame"


@pytest.mark.parametrize("name", BUILTINS)
def test_midway_differs_from_both_scenes(name: str, cpu_blender: engine.Blender) -> None:
    frm, to = IMAGES["structured"]
    mid = cpu_blender.blend(name, frm, to, 0.5)
    assert not np.array_equal(mid, frm) and not np.array_equal(mid, to)
