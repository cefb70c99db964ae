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
