"""More than one native video per frame (issue 29), real Chromium and PyAV.

Each page is captured as exact PNG at the same times on the native path (every video that can
join the split composited outside the browser, in paint order, between the part below the first
and the overlay) and on the poster path (Chromium paints every frame); they must agree to at least
45 dB PSNR and the source frame numbers drawn in each video must read back identically. The
second video of each page plays its source one second ahead (``data-media-start="1"``), so a
layer drawn with the other's frame would read back 24 frames off.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import composition
from media_gen import read_frame_number, write_numbered_video
from test_video_layers_pixels import Shots, psnr, shoot

import engine
from engine.capture.layers import NativeLayer, compose, layer_kinds, layers_of
from engine.errors import CaptureError, RenderWarning

W, H = 320, 180
TIMES = [0.0, 0.5, 1.0]  # test_video_layers_pixels.shoot captures these: source frames 0, 12, 24
FPS = 24
Box = tuple[int, int, int, int]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("multi") / "count.mp4"
    return write_numbered_video(path, frames=72, fps=FPS, size=(160, 96))


def video(vid: str, style: str, ahead: bool = False) -> str:
    start = ' data-media-start="1"' if ahead else ""
    return (f'<video id="{vid}" src="count.mp4" data-start="0" data-duration="2"{start} muted '
            f'style="{style}"></video>')


def write_page(folder: Path, clip: Path, body: str, width: int = W, height: int = H) -> Path:
    composition(folder, body, id="m", width=width, height=height, duration=2, fps=30,
                head="<style>body{margin:0;background:#203040;font:bold 20px sans-serif;color:#fff}</style>")
    shutil.copyfile(clip, folder / "count.mp4")
    return folder


def split_screen(width: int = W, height: int = H) -> str:
    """Two videos side by side (a flex row) under a title."""
    w, h = width // 2, round(width / 2 * 0.6)
    return (f'<div style="position:absolute;left:0;top:{(height - h) // 2}px;display:flex">'
            + video("a", f"width:{w}px;height:{h}px") + video("b", f"width:{w}px;height:{h}px", ahead=True)
            + '</div><div id="title" style="position:absolute;left:10px;top:2px;background:rgba(0,0,0,.5)">'
              'Split screen</div>')


PIP = (video("full", f"position:absolute;left:0;top:0;width:{W}px;height:{H}px;object-fit:fill")
       + video("pip", "position:absolute;left:188px;top:96px;width:120px;height:72px;border-radius:8px", ahead=True)
       + '<div id="caption" style="position:absolute;left:110px;top:152px;width:90px;height:22px;font-size:14px;'
         'background:rgba(0,0,0,.6)">Caption</div>')  # over both videos (only its background over the pip)


def check(name: str, poster: Shots, native: Shots, *, kind: str, layers: int, shown: dict[Box, int]) -> None:
    """`native` drew `layers` videos per capture natively (`kind`), the rest as posters; it matches
    `poster` to 45 dB; each of `shown` (a video's displayed box -> its source's frame offset) reads
    back the same frame number on both paths."""
    assert native.kinds.get(kind) == layers * len(TIMES), f"{name}: {native.kinds}"
    for t, a, b in zip(TIMES, poster.frames, native.frames, strict=True):
        assert psnr(a, b) >= 45, f"{name} at t={t}: {psnr(a, b):.1f} dB"
        for box, ahead in shown.items():
            want = round(t * FPS) + ahead
            assert read_frame_number(b, box) == want and read_frame_number(a, box) == want, (name, t, box)


def test_split_screen_composites_both_videos(tmp_path: Path, clip: Path) -> None:
    folder = write_page(tmp_path / "split", clip, split_screen())
    poster, native = shoot(folder, "poster"), shoot(folder, "native")
    check("split", poster, native, kind="two_capture", layers=2, shown={(0, 42, 160, 96): 0, (160, 42, 160, 96): 24})
    assert native.kinds.get("poster") == 0 and native.served <= 4, native  # each video's first frame and one prefetched
    assert not [w for w in native.warnings if w.code == "native-video"]


def test_picture_in_picture_with_a_caption_over_both(tmp_path: Path, clip: Path) -> None:
    """The full-frame video covers the page: no part below, one capture for both videos."""
    folder = write_page(tmp_path / "pip", clip, PIP)
    poster, native = shoot(folder, "poster"), shoot(folder, "native")
    check("pip", poster, native, kind="native", layers=2, shown={(188, 96, 120, 72): 24})  # the pip covers cells of the other
    assert native.kinds.get("poster") == 0 and native.served <= 4, native  # each video's first frame and one prefetched


CARD = '<div id="card" style="position:absolute;left:{x}px;top:{y}px;width:50px;height:40px;background:#c33"></div>'
A = video("a", "position:absolute;left:10px;top:10px;width:160px;height:96px")
B = video("b", "position:absolute;left:150px;top:74px;width:160px;height:96px", ahead=True)


def test_an_element_between_two_videos(tmp_path: Path, clip: Path) -> None:
    """A card painting between the videos: over the first only, it joins the overlay; over the
    second only, it moves to the part below (under both); both are native either way. Over both,
    the second keeps its poster, with the reason."""
    for name, x, y in (("over the first", 30, 30), ("under the second", 280, 60)):
        folder = write_page(tmp_path / name.replace(" ", "-"), clip, A + CARD.format(x=x, y=y) + B)
        poster, native = shoot(folder, "poster"), shoot(folder, "native")
        check(name, poster, native, kind="two_capture", layers=2, shown={(150, 74, 160, 96): 24})
        assert native.kinds.get("poster") == 0

    over = write_page(tmp_path / "over", clip, A + CARD.format(x=140, y=60) + B)
    poster, native = shoot(over, "poster"), shoot(over, "native")
    check("over", poster, native, kind="two_capture", layers=1, shown={})
    assert native.kinds.get("poster") == len(TIMES), native.kinds
    refused = [w for w in native.warnings if w.code == "native-video"]
    assert refused and all('id="b"' in w.element for w in refused), refused
    assert '<div id="card"> paints between <video id="a"' in refused[0].message, refused[0].message
    assert "and overlaps it" in refused[0].message


def test_a_later_video_with_its_own_box(tmp_path: Path, clip: Path) -> None:
    """A later video's border paints in the part below (its frame moved out of sight) where it
    meets no earlier native video; over one, the video keeps its poster, with the reason."""
    border = "width:120px;height:72px;border:3px solid #fc0;box-shadow:0 0 4px #000"
    apart = write_page(tmp_path / "apart", clip, A + video("b", f"position:absolute;left:180px;top:74px;{border}", True))
    poster, native = shoot(apart, "poster"), shoot(apart, "native")
    check("apart", poster, native, kind="two_capture", layers=2, shown={(10, 10, 160, 96): 0, (183, 77, 120, 72): 24})

    over = write_page(tmp_path / "over", clip, A + video("b", f"position:absolute;left:150px;top:74px;{border}", True))
    poster, native = shoot(over, "poster"), shoot(over, "native")
    check("over", poster, native, kind="two_capture", layers=1, shown={(153, 77, 120, 72): 24})
    refused = [w for w in native.warnings if w.code == "native-video"]
    message = refused[0].message if refused else ""
    assert "its own box (box-shadow: " in message and 'which would have to paint under <video id="a"' in message, message


def test_render_stats_and_frame_hashes_across_workers(tmp_path: Path, clip: Path) -> None:
    folder = write_page(tmp_path / "split", clip, split_screen())
    native = {"media_path": "native"}
    one = engine.render(folder, tmp_path / "one.mp4", frames="0:12", workers=1, hash_frames=True, capture=native)
    assert one.video_layers["two_capture"] == 2 * one.frames == 24, one.video_layers
    assert one.video_layers["poster"] == one.video_layers["native"] == 0 and not one.video_layers["fallbacks"]
    assert one.captures == 2 * one.frames  # below and overlay, shared by both videos
    two = engine.render(folder, tmp_path / "two.mp4", frames="0:12", workers=2, path="hybrid",
                        partition="contiguous", hash_frames=True, capture=native)
    assert two.frame_hashes == one.frame_hashes and two.video_layers["two_capture"] == 24
    poster = engine.render(folder, tmp_path / "poster.mp4", frames="0:12", workers=1, hash_frames=True,
                           capture={"media_path": "poster"})
    assert poster.video_layers["poster"] == 24 and poster.captures == poster.frames


def test_two_hdr_videos_keep_their_code_values_without_warnings(tmp_path: Path) -> None:
    """A PQ picture-in-picture over full-frame PQ footage: both native (one capture per frame), so
    no hdr-source warning, and the bands the small one leaves uncovered keep the source's codes."""
    from test_hdr_layers import BAND, H, W, band_codes, luma_codes, write_bands

    full = f"position:absolute;left:0;top:0;width:{W}px;height:{H}px"
    pip = f"position:absolute;left:{5 * BAND}px;top:{H // 2}px;width:{3 * BAND}px;height:{H // 2}px"
    videos = "".join(f'<video src="bands.mp4" data-start="0" data-duration="0.4" muted style="{style}"></video>'
                     for style in (full, pip))
    folder = composition(tmp_path / "c", videos, width=W, height=H, duration=0.4, fps=10)
    source = band_codes(luma_codes(write_bands(folder / "bands.mp4", "pq"))[0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = engine.render(folder, tmp_path / "out.mp4", quality="high")
    assert not [w for w in caught if issubclass(w.category, RenderWarning)], [str(w.message) for w in caught]
    assert result.dynamic_range == "hdr-pq" and result.video_layers["native"] == 2 * result.frames == 8
    assert result.captures == result.frames
    for luma in luma_codes(tmp_path / "out.mp4"):
        assert max(abs(a - b) for a, b in zip(source, band_codes(luma), strict=True)) <= 1


def _plan(index: int, below: bool = True) -> dict[str, Any]:
    return {"index": index, "rect": [0, 0, 4, 2], "clip": [0, 0, 4, 2], "opacity": 1, "below": below}


def test_layers_of_a_reply_and_their_kinds() -> None:
    first, second = _plan(0), {**_plan(3), "rect": [2, 0, 4, 2], "clip": [2, 0, 4, 2]}
    layers = layers_of({"layer": first, "layers": [first, second]})
    assert [layer.index for layer in layers] == [0, 3] and layers[1].clip == (2.0, 0.0, 4.0, 2.0)
    assert [layer.index for layer in layers_of({"layer": first})] == [0]  # a page that plans one
    assert layers_of({"layer": None, "layers": []}) == []
    for bad in ([second, first], [first, first], "x", []):
        with pytest.raises(CaptureError, match="video layers"):
            layers_of({"layer": first, "layers": bad})
    assert layer_kinds(layers, 3) == {"native": 0, "two_capture": 2, "poster": 1}
    covering = layers_of({"layer": _plan(0, below=False), "layers": [_plan(0, below=False), second]})
    assert layer_kinds(covering, 2) == {"native": 2, "two_capture": 0, "poster": 0}


def test_compose_draws_the_layers_in_paint_order_then_the_overlay() -> None:
    """The second layer covers the first where they overlap; the overlay covers both."""
    buffer = np.zeros((2, 4, 3), np.uint16)
    left = NativeLayer(0, (0, 0, 3, 2), (0, 0, 3, 2), 1.0, True)
    right = NativeLayer(1, (2, 0, 4, 2), (2, 0, 4, 2), 1.0, True)
    overlay = np.zeros((2, 4, 4), np.uint8)
    overlay[1, 0] = (255, 255, 255, 255)
    compose(buffer, [left, right], [np.full((2, 3, 3), 10, np.uint8), np.full((2, 2, 3), 20, np.uint8)], overlay)
    assert buffer[0, :, 0].tolist() == [2570, 2570, 5140, 5140] and buffer[1, 0, 0] == 65535
    with pytest.raises(ValueError, match="2 layers but 1 frames"):
        compose(buffer, [left, right], [np.zeros((2, 3, 3), np.uint8)], overlay)
