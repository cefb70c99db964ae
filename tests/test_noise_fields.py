"""Noise fields computed once per transition: the same pixels as computing them every frame."""

from __future__ import annotations

import numpy as np
import pytest
from images import random_frame, structured_frame

import engine
from engine.blend.cpu_backend import MAX_FIELDS, CPUBackend, available_kernels
from engine.blend.params import flatten_numeric

FIELD_KERNELS = ["dissolve", "domain-warp", "cross-warp-morph"]


def parts(name: str, values: dict | None = None):
    transition = engine.get_transition(name)
    module, _ = available_kernels()[name]
    merged = {p.name: p.default for p in transition.params}
    merged.update(values or {})
    return transition, module, merged, np.asarray(flatten_numeric(transition.params, merged), dtype=np.float32)


@pytest.mark.parametrize("name", FIELD_KERNELS)
@pytest.mark.parametrize("size", [(64, 96), (37, 53)])  # a row that does not fill its last chunk
def test_cached_field_gives_the_same_pixels(name: str, size: tuple[int, int]) -> None:
    h, w = size
    frm, to = structured_frame(w, h, seed=1), random_frame(w, h, seed=2)
    transition, module, values, params = parts(name)
    assert name in module.FIELDS
    backend = CPUBackend(2)
    for progress in (0.0, 0.2, 0.5, 0.77, 1.0):
        inline = np.empty_like(frm)
        module.run(name, frm, to, inline, progress, w / h, params, 2)
        cached = backend.blend(transition, values, frm, to, progress, np.empty_like(frm))
        assert np.array_equal(inline, cached), f"{name} at progress {progress}"
    assert len(backend._fields) == 1  # one field served every frame


def test_fields_follow_size_and_parameters_and_are_bounded() -> None:
    backend = CPUBackend(1)
    transition, _, values, _ = parts("cross-warp-morph")
    frm = random_frame(48, 32, seed=3)
    out = np.empty_like(frm)
    backend.blend(transition, values, frm, frm, 0.5, out)
    backend.blend(transition, dict(values, seed=22), frm, frm, 0.5, out)
    assert len(backend._fields) == 2
    small = random_frame(24, 16, seed=4)
    backend.blend(transition, values, small, small, 0.5, np.empty_like(small))
    assert len(backend._fields) == MAX_FIELDS == 2
    assert {key[1:3] for key in backend._fields} == {(32, 48), (16, 24)}
    backend.clear()
    assert not backend._fields


def test_field_shape_is_checked() -> None:
    _, module, _, params = parts("dissolve")
    with pytest.raises(ValueError, match="1"):
        module.make_field("dissolve", np.empty((8, 8, 2), np.float32), 1.0, params, 1)
    with pytest.raises(KeyError, match="ridged-burn"):
        module.make_field("ridged-burn", np.empty((8, 8, 1), np.float32), 1.0, params, 1)
    frame = random_frame(8, 8, seed=5)
    with pytest.raises(ValueError, match="does not fit"):
        module.run_with_field("dissolve", frame, frame, np.empty_like(frame), 0.5, 1.0, params,
                              np.zeros((8, 9, 1), np.float32), 1)
