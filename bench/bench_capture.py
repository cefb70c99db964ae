"""Capture throughput at 720p and 1080p: bare screenshots of the page against this engine's
seek + capture + widen, measured in the same run on the same page, and the overhead gate.

    .venv/bin/python -m pytest bench/bench_capture.py --benchmark-columns=min,median,ops

The bare side is a plain Playwright page of the same HTML in the same Chromium (no engine
runtime, animations playing in real time, so every screenshot shows a freshly rendered frame,
as every engine capture does). `bare_cdp` uses the capture method the engine uses (CDP
``Page.captureScreenshot`` with ``optimizeForSpeed``, base64, Pillow decode to 8-bit RGB), so
the engine's overhead is what it adds: the seek (virtual clock, clips, animations, timelines)
and the widening to rgb48le. The engine is measured in both capture modes; its default
(``beginframe``, no wait for the frame clock) is what the gate compares. `bare_playwright` is ``page.screenshot(type="png")``, for reference.
"""

from __future__ import annotations

import base64
import itertools
from pathlib import Path

import pytest
from benchutil import SIZES, best_of

from engine.capture import BrowserSession
from engine.capture.frames import decode_rgb8

#: The measured page: a gradient, text and two CSS animations, at each size of SIZES.
PAGE = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<style>
  html, body {{ margin: 0; }}
  #root {{ position: relative; width: {w}px; height: {h}px; overflow: hidden;
          background: linear-gradient(135deg, #1d2b64, #f8cdda); font: 64px sans-serif; color: #fff; }}
  h1 {{ position: absolute; left: 8%; top: 30%; margin: 0; animation: slide 4s ease-in-out both; }}
  .box {{ position: absolute; right: 10%; bottom: 15%; width: 20%; height: 25%; border-radius: 24px;
         background: rgba(255, 255, 255, 0.35); animation: spin 4s linear both; }}
  @keyframes slide {{ from {{ transform: translateX(-40px); opacity: 0.2; }} to {{ transform: translateX(120px); opacity: 1; }} }}
  @keyframes spin {{ to {{ transform: rotate(180deg); }} }}
</style>
</head>
<body>
<div id="root" data-composition-id="capture-{label}" data-width="{w}" data-height="{h}" data-duration="4">
  <h1>Capture throughput {label}</h1>
  <div class="box"></div>
</div>
</body>
</html>
"""
FORMATS = ("png", "jpeg")
MODES = ("beginframe", "screenshot")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """Composition folder per size, written from PAGE."""
    folders = {}
    for label, (width, height) in SIZES.items():
        folder = tmp_path_factory.mktemp(f"capture-{label}")
        (folder / "index.html").write_text(PAGE.format(w=width, h=height, label=label))
        folders[label] = folder
    return folders


@pytest.fixture(scope="module")
def sessions(pages):
    opened = {}
    try:
        for size in SIZES:
            for fmt in FORMATS:
                for mode in MODES:
                    opened[size, fmt, mode] = BrowserSession(pages[size], capture_format=fmt, capture_mode=mode)
        yield opened
    finally:
        for session in opened.values():
            session.close()


@pytest.fixture(scope="module")
def bare(sessions, pages):
    """(page, CDP session) per size: the same HTML in a plain page of the same browser (the one
    without begin-frame control, where a page draws by itself)."""
    out = {}
    for size, (width, height) in SIZES.items():
        context = sessions[size, "png", "screenshot"]._browser.new_context(viewport={"width": width, "height": height},
                                                             device_scale_factor=1)
        page = context.new_page()
        page.set_content((pages[size] / "index.html").read_text())
        cdp = context.new_cdp_session(page)
        cdp.send("Animation.setPlaybackRate", {"playbackRate": 0})  # idle: burns no CPU beside other measurements
        out[size] = (page, cdp)
    yield out
    for page, cdp in out.values():
        cdp.detach()
        page.context.close()


class playing:
    """Runs the bare page's animations (real time) only inside this block."""

    def __init__(self, cdp) -> None:
        self.cdp = cdp

    def __enter__(self) -> None:
        self.cdp.send("Animation.setPlaybackRate", {"playbackRate": 1})

    def __exit__(self, *exc: object) -> None:
        self.cdp.send("Animation.setPlaybackRate", {"playbackRate": 0})


def bare_cdp(cdp, fmt: str = "png"):
    data = cdp.send("Page.captureScreenshot", {"format": fmt, "optimizeForSpeed": True, "captureBeyondViewport": False,
                                               **({"quality": 90} if fmt == "jpeg" else {})})["data"]
    return decode_rgb8(base64.b64decode(data))


def engine_capture(session: BrowserSession, times=None):
    times = times if times is not None else itertools.cycle(range(120))
    return lambda: session.capture_frame(next(times) / 30)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_bare_playwright_screenshot(benchmark, bare, size: str) -> None:
    page, cdp = bare[size]
    with playing(cdp):
        benchmark.pedantic(lambda: page.screenshot(type="png"), rounds=5, warmup_rounds=1)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("size", sorted(SIZES))
def test_bare_cdp_capture_decode(benchmark, bare, size: str, fmt: str) -> None:
    with playing(bare[size][1]):
        benchmark.pedantic(bare_cdp, args=(bare[size][1], fmt), rounds=8, warmup_rounds=1)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("size", sorted(SIZES))
def test_engine_seek_capture_widen(benchmark, sessions, size: str, fmt: str, mode: str) -> None:
    benchmark.pedantic(engine_capture(sessions[size, fmt, mode]), rounds=8, warmup_rounds=1)


@pytest.mark.gate
@pytest.mark.parametrize("size", sorted(SIZES))
def test_engine_overhead_under_15_percent(sessions, bare, size: str) -> None:
    engine = engine_capture(sessions[size, "png", "beginframe"])
    cdp = bare[size][1]
    bare_times, engine_times = [], []
    for _ in range(6):  # interleaved blocks, minimum of all: the least noisy on a shared 2-core machine
        with playing(cdp):
            bare_times.append(best_of(lambda: bare_cdp(cdp), rounds=3))
        engine_times.append(best_of(engine, rounds=3))
    bare, eng = min(bare_times), min(engine_times)
    overhead = eng / bare - 1
    print(f"\n{size}: bare CDP PNG + decode {1 / bare:.1f} fps ({bare * 1e3:.1f} ms), engine seek + capture + widen "
          f"{1 / eng:.1f} fps ({eng * 1e3:.1f} ms): overhead {overhead * 100:+.1f} %")
    assert overhead < 0.15
