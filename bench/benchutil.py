"""Helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}


def best_of(fn: Callable[[], object], rounds: int = 7, warmup: int = 1) -> float:
    """Minimum wall time of `fn` over `rounds` runs, in seconds (the least noisy statistic)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def best_of_alternating(first: Callable[[], object], second: Callable[[], object], rounds: int = 7) -> tuple[float, float]:
    """Minimum wall times of two functions measured in turn, so that a change of load on a
    noisy machine hits both alike. One warm-up call each."""
    first()
    second()
    a, b = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        first()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        second()
        b.append(time.perf_counter() - start)
    return min(a), min(b)
