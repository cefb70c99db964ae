"""Benchmarks and ratio gates. Run: `make bench` (all) or `pytest bench -m gate` (gates only)."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))

from benchutil import SIZES  # noqa: E402


@pytest.fixture(scope="session")
def frames() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    out = {}
    for label, (w, h) in SIZES.items():
        a = rng.integers(0, 65536, (h, w, 3), dtype=np.uint16)
        b = rng.integers(0, 65536, (h, w, 3), dtype=np.uint16)
        out[label] = (a, b, np.empty_like(a))
    return out
