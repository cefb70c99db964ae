"""Easing functions: endpoints, symmetry, GSAP's polynomial degrees, names and errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.composition.easing import DEFAULT_EASE, EASE_NAMES, canonical_ease, ease, get_ease
from engine.errors import CompositionError


@pytest.mark.parametrize("name", EASE_NAMES)
def test_every_ease_maps_endpoints_exactly(name: str) -> None:
    assert ease(name, 0.0) == 0.0
    assert ease(name, 1.0) == 1.0
    assert ease(name, -3.0) == 0.0 and ease(name, 7.0) == 1.0
    assert ease(name, math.nan) == 0.0


@pytest.mark.parametrize("name", EASE_NAMES)
@given(p=st.floats(0.0, 1.0), q=st.floats(0.0, 1.0))
def test_every_ease_is_monotonic_and_bounded(name: str, p: float, q: float) -> None:
    lo, hi = min(p, q), max(p, q)
    assert 0.0 <= ease(name, lo) <= ease(name, hi) <= 1.0


def test_gsap_degrees_and_shapes() -> None:
    assert ease("linear", 0.3) == ease("none", 0.3) == 0.3
    assert ease("power1.in", 0.5) == pytest.approx(0.25)  # quad
    assert ease("power2.in", 0.5) == pytest.approx(0.125)  # cubic
    assert ease("power4.in", 0.5) == pytest.approx(0.5**5)  # quint
    assert ease("power3.out", 0.5) == pytest.approx(1 - 0.5**4)
    assert ease("power2.inOut", 0.25) == pytest.approx(0.0625)
    assert ease("sine.out", 0.5) == pytest.approx(math.sin(math.pi / 4))
    assert ease("sine.inOut", 0.5) == pytest.approx(0.5)


@pytest.mark.parametrize("family", ["power1", "power2", "power3", "power4", "sine"])
@given(p=st.floats(0.0, 1.0))
def test_in_out_are_mirror_images(family: str, p: float) -> None:
    assert ease(f"{family}.out", p) == pytest.approx(1 - ease(f"{family}.in", 1 - p), abs=1e-12)
    assert ease(f"{family}.inOut", p) == pytest.approx(1 - ease(f"{family}.inOut", 1 - p), abs=1e-12)


def test_names_default_and_aliases() -> None:
    assert DEFAULT_EASE == "power2.inOut"
    assert canonical_ease(None) == canonical_ease("") == "power2.inOut"
    assert canonical_ease("POWER2.INOUT") == "power2.inOut"
    assert canonical_ease("power3") == "power3.out"  # GSAP: a bare name is .out
    assert get_ease(None)(0.25) == ease("power2.inOut", 0.25)


def test_unknown_ease_names_close_matches() -> None:
    with pytest.raises(CompositionError, match=r"unknown ease 'power2.inout2'.*did you mean 'power2.inOut'"):
        canonical_ease("power2.inout2", "x.html: <hf-transition> data-ease: ")
    with pytest.raises(CompositionError, match="unknown ease 'bounce'"):
        ease("bounce", 0.5)
