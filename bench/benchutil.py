"""Helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

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


_PAGE = """<!doctype html><html><head><style>
html, body {{ margin: 0; background: #000; }} .scene {{ position: absolute; inset: 0; overflow: hidden; }}
{css}
</style></head><body>
<div id="root" data-composition-id="{name}" data-width="{w}" data-height="{h}" data-duration="{dur:g}" data-fps="30">
{body}
</div></body></html>"""


def write_composition(folder: Path, *, name: str, width: int, height: int, seconds: float, body: str,
                      css: str = "") -> Path:
    """A 30 fps composition in `folder` (index.html): black page, `.scene` layers filling the root,
    `css` added to the style sheet, `body` (scenes, clips, transitions) inside the root."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(_PAGE.format(css=css, name=name, w=width, h=height, dur=seconds, body=body),
                                       encoding="utf-8")
    return folder
