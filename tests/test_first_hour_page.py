"""What a first hour with HyperFrames compositions met, in a real Chromium: GSAP animations that are
not registered in ``window.__timelines`` follow the render's clock exactly (any worker split, any
frame order, a still); a paused one that never moves is named; footage marked ``crossorigin``
renders; an image or poster that fails to load is named; and ``--alpha`` makes the composition
root and the page transparent as HyperFrames does."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from images import psnr16
from media_gen import read_frame_number, write_numbered_video

import engine
from engine.capture import BrowserSession
from engine.errors import RenderWarning

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]

VENDOR = Path(__file__).parent / "fixtures" / "vendor"
GSAP = "https://cdn.jsdelivr.net/npm/gsap@3/dist/"
URL_MAP = {GSAP: str(VENDOR / "gsap")}
W, H = 160, 90


def page(body: str, *, head: str = "", duration: float = 3, fps: int = 30, style: str = "background:#123") -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8">
<style>html,body{{margin:0;{style}}} #root{{position:relative;width:{W}px;height:{H}px;overflow:hidden}}</style>
{head}</head><body>
<div id="root" data-composition-id="main" data-width="{W}" data-height="{H}" data-duration="{duration}" data-fps="{fps}">
{body}
</div></body></html>"""


def write(folder: Path, html: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(html, encoding="utf-8")
    return folder


def rgb(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24").astype(int)


def bar_left(frame: np.ndarray) -> int:
    """The left edge of the red bar in row 45 (-1: no red there)."""
    red = np.flatnonzero((frame[45, :, 0] > 180) & (frame[45, :, 1] < 80))
    return int(red[0]) if red.size else -1


# ---- GSAP outside window.__timelines: on the render's clock ----

#: A bar that an unregistered GSAP tween moves 0 -> 120 px over 3 s (linear), and a chart bar that
#: an unregistered timeline grows, started by a timer at 0.5 s.
UNREGISTERED = page(
    '<div id="bar" style="position:absolute;left:0;top:40px;width:10px;height:10px;background:#e00"></div>'
    '<div id="grow" style="position:absolute;left:0;bottom:0;width:20px;height:10px;background:#0c0;'
    'transform-origin:bottom"></div>',
    head=f'<script src="{GSAP}gsap.min.js"></script><script>'
         'window.addEventListener("DOMContentLoaded", () => {'
         ' gsap.to("#bar", {x: 120, duration: 3, ease: "none"});'
         ' setTimeout(() => { gsap.timeline().to("#grow", {scaleY: 4, duration: 2, ease: "none"}); }, 500);'
         '});</script>')


def test_unregistered_gsap_renders_the_same_in_any_split_and_as_a_still(tmp_path: Path) -> None:
    """At 10 fps (of the page's 30): 30 frames, one each 0.1 s."""
    comp = write(tmp_path / "gsap", UNREGISTERED)
    one = engine.render(comp, tmp_path / "one" / "f_%02d.png", workers=1, hash_frames=True, fps=10,
                        capture={"url_map": URL_MAP})
    two = engine.render(comp, tmp_path / "two" / "f_%02d.png", workers=2, partition="contiguous",
                        hash_frames=True, fps=10, capture={"url_map": URL_MAP})
    assert one.frame_hashes is not None and two.frame_hashes is not None and len(one.frame_hashes) == 30
    differ = [i for i, (a, b) in enumerate(zip(one.frame_hashes, two.frame_hashes, strict=True)) if a != b]
    assert differ == []
    # the bar is where the tween puts it at each frame's time (0 -> 120 px over 3 s)
    for index in (0, 10, 15, 20, 29):
        assert abs(bar_left(rgb(tmp_path / "one" / f"f_{index:02d}.png")) - 120 * index / 30) <= 1.5, index
    engine.render(comp, tmp_path / "still.png", still=2.0, capture={"url_map": URL_MAP})
    still = rgb(tmp_path / "still.png")
    assert bar_left(still) == 80
    assert np.array_equal(still, rgb(tmp_path / "one" / "f_20.png"))


def test_unregistered_gsap_is_exact_at_any_frame_order(tmp_path: Path) -> None:
    comp = write(tmp_path / "gsap", UNREGISTERED)
    with BrowserSession(comp, url_map=URL_MAP) as session:
        shots = {t: session.capture_frame(t).copy() for t in (2.5, 1.0, 0.0, 2.0, 1.0)}
        again = session.capture_frame(2.5).copy()
    with BrowserSession(comp, url_map=URL_MAP) as fresh:
        ordered = {t: fresh.capture_frame(t).copy() for t in (0.0, 1.0, 2.0, 2.5)}
    for t, frame in ordered.items():
        assert np.array_equal(shots[t], frame), t
    assert np.array_equal(again, ordered[2.5])
    grow = lambda f: int(np.count_nonzero(f[:, 5, 1] > 150 * 257))  # noqa: E731 - the chart bar's height
    # the timeline made by the timer at 0.5 s grows the bar 10 -> 40 px from 0.5 s to 2.5 s
    for t, height in ((0.0, 10), (1.0, 17.5), (2.0, 32.5), (2.5, 40)):
        assert abs(grow(ordered[t]) - height) <= 1, t


def test_a_paused_unregistered_timeline_is_named(tmp_path: Path) -> None:
    comp = write(tmp_path / "paused", page(
        '<div id="chart" style="position:absolute;left:0;top:0;width:20px;height:20px;background:#e00"></div>'
        '<div id="ok" style="position:absolute;left:40px;top:0;width:20px;height:20px;background:#0c0"></div>',
        head=f'<script src="{GSAP}gsap.min.js"></script><script>'
             'window.addEventListener("DOMContentLoaded", () => {'
             ' gsap.timeline({paused: true, id: "chart-in"}).to("#chart", {x: 100, duration: 1});'
             ' const tl = gsap.timeline({paused: true}); tl.to("#ok", {x: 50, duration: 1});'
             ' window.__timelines.main = tl;'  # registered: seeked by the engine, not named
             '});</script>', duration=1))
    with pytest.warns(RenderWarning, match="chart-in"):
        result = engine.render(comp, tmp_path / "out.mp4", workers=1, frames="0:1", capture={"url_map": URL_MAP})
    found = [w for w in result.warnings if w["code"] == "gsap-paused"]
    assert len(found) == 1, result.warnings
    assert found[0]["element"] == 'gsap.timeline({id: "chart-in"}) animating <div id="chart">'
    assert "window.__timelines" in found[0]["message"]


# ---- footage marked crossorigin (HyperFrames' production templates write it) ----

def footage(folder: Path, attributes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_numbered_video(folder / "clip.mp4", frames=30, fps=10, size=(W, H))
    return write(folder, page(f'<video id="clip" src="clip.mp4" muted {attributes} '
                              'style="position:absolute;inset:0;width:100%;height:100%"></video>', duration=2))


@pytest.mark.parametrize("attributes", ['crossorigin="anonymous"', "crossorigin", 'crossorigin="use-credentials"'])
def test_crossorigin_footage_renders_like_footage_without_it(tmp_path: Path, attributes: str) -> None:
    plain = footage(tmp_path / "plain", "")
    marked = footage(tmp_path / "marked", attributes)
    with BrowserSession(plain) as a, BrowserSession(marked) as b:
        for t in (0.0, 0.5, 1.2, 0.5):
            want, got = a.capture_frame(t).copy(), b.capture_frame(t)
            assert read_frame_number(got) == round(t * 10), (attributes, t)
            assert psnr16(want, got) > 40, (attributes, t)
        assert b.warnings == []


def test_a_crossorigin_image_of_a_mapped_url_loads_whatever_its_credentials_mode(tmp_path: Path) -> None:
    folder = tmp_path / "imgs"
    folder.mkdir()
    write_png(folder / "red.png", (255, 0, 0))
    comp = write(folder, page(
        '<img id="a" src="https://cdn.example.com/red.png" crossorigin="use-credentials" '
        'style="position:absolute;left:0;top:0;width:16px">'
        '<img id="b" src="https://cdn.example.com/red.png?b" crossorigin="anonymous" '
        'style="position:absolute;left:20px;top:0;width:16px">', duration=1))
    with BrowserSession(comp, url_map={"https://cdn.example.com/": str(folder)}) as session:
        frame = session.capture_frame(0.0)
        assert session.warnings == []
    assert (frame[8, 8] // 257).tolist() == [255, 0, 0] and (frame[8, 28] // 257).tolist() == [255, 0, 0]


# ---- images and posters that fail are named ----

def write_png(path: Path, colour: tuple[int, int, int]) -> None:
    with av.open(str(path), "w", format="image2", options={"update": "1"}) as out:
        stream = out.add_stream("png", rate=1)
        stream.width = stream.height = 16
        stream.pix_fmt = "rgb24"
        for packet in stream.encode(av.VideoFrame.from_ndarray(np.full((16, 16, 3), colour, np.uint8), format="rgb24")):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def test_a_broken_poster_and_an_image_broken_by_a_script_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "corrupt.png").write_bytes(b"\x89PNG broken" * 4)  # exists (static checks pass), does not decode
    write_png(folder / "fine.png", (0, 200, 0))
    comp = write(folder, page(
        '<video id="cover" poster="corrupt.png" muted style="width:32px;height:32px"></video>'
        '<img id="late" src="fine.png"><img id="good" src="fine.png">'
        '<script>setTimeout(() => { document.getElementById("late").src = "corrupt.png"; }, 500);</script>',
        duration=1, fps=10))
    with pytest.warns(RenderWarning) as caught:
        result = engine.render(comp, tmp_path / "out.mp4", workers=1)
    found = {w["element"]: w for w in result.warnings if w["code"] == "image"}
    assert set(found) == {'<video id="cover" poster="corrupt.png">', '<img id="late" src="corrupt.png">'}, result.warnings
    assert "poster failed to load" in found['<video id="cover" poster="corrupt.png">']["message"]
    assert any('<img id="late" src="corrupt.png">' in str(w.message) for w in caught)


# ---- --alpha: the composition root and the page are transparent, as HyperFrames makes them ----

def test_alpha_makes_the_body_and_the_roots_background_transparent(tmp_path: Path) -> None:
    comp = write(tmp_path / "alpha", page(
        '<div id="box" style="position:absolute;left:10px;top:10px;width:30px;height:20px;background:#0000ff"></div>'
        '<div data-composition-id="inner" style="position:absolute;left:80px;top:0;width:80px;height:90px;'
        'background:#808080"><p style="margin:0;width:20px;height:20px;background:#ff0000"></p></div>',
        style="background:#111", duration=0.2, fps=10).replace('<div id="root"', '<div id="root" style="background:#333"'))
    engine.render(comp, tmp_path / "f_%02d.png", alpha=True, quality="high", workers=1)
    with av.open(str(tmp_path / "f_00.png")) as container:
        rgba = next(container.decode(video=0)).to_ndarray(format="rgba64le")
    assert rgba[80, 60, 3] == 0 and rgba[5, 5, 3] == 0  # only the body's and the root's backgrounds there
    assert rgba[60, 120, 3] == 0  # a sub-composition's root is transparent too (as in HyperFrames)
    assert rgba[20, 20].tolist() == [0, 0, 65535, 65535]  # the box: opaque blue
    assert rgba[10, 90].tolist() == [65535, 0, 0, 65535]  # content inside the sub-composition: opaque
    # without --alpha the page is as written
    engine.render(comp, tmp_path / "o_%02d.png", quality="high", workers=1)
    assert (rgb(tmp_path / "o_00.png")[80, 60]).tolist() == [0x33] * 3
