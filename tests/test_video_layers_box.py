"""A video with a box of its own (background, border, shadow, outline) on the native path (issue 29),
real Chromium and PyAV.

The part below the video is captured with the element visible but its poster moved out of sight
(layers.js: the "box" mark), so Chromium paints the box and not the frame; the frame is then
placed natively in the content box (object-fit as always) and what paints above comes after.
Each page is captured as exact PNG on both paths and held to 45 dB (16-bit PSNR) over the frame
and over the element's box, with the footage's frame number read back; where the box shows (the
letterbox bars, the border, the shadow, the outline) its colour is checked on the native frames.
What the split cannot reproduce (an outline drawn over the frame, an outline of an in-flow video,
opacity over a background of its own) keeps the poster path, named.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_video_layers_pixels import (  # noqa: F401 - clip, warm: the fixtures
    V1,
    both,
    check_fallback,
    check_native,
    clip,
    video,
    warm,
    write_page,
)

WIDE = "position:absolute;left:40px;top:20px;width:240px;height:90px;"  # 8:3; the source is 5:3
PAGE_BG = [0x20, 0x30, 0x40]


def rgb8(frame: np.ndarray, x: int, y: int) -> list[int]:
    return (frame[y, x] // 257).tolist()


def near(found: list[int], expected: list[int], tolerance: int = 2) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(found, expected, strict=True))


def darker(found: list[int], than: list[int]) -> bool:
    return sum(found) < sum(than) - 15


#: (body, kind, the element's box to compare, the displayed picture (its number read) or None,
#:  [(x, y, what the native frame shows there)])
CASES = {
    "background with contain: the letterbox bars show it": (
        video(WIDE + "background:#0c0;object-fit:contain"), "two_capture", (40, 20, 240, 90), (85, 20, 150, 90),
        [(50, 60, lambda c: near(c, [0, 0xcc, 0])), (270, 60, lambda c: near(c, [0, 0xcc, 0]))]),
    "background image and padding": (
        video(V1 + "padding:8px;background:linear-gradient(90deg,#c00,#00c)"), "two_capture", (40, 20, 176, 112),
        (48, 28, 160, 96), [(43, 70, lambda c: c[0] > 150 and c[2] < 60), (212, 70, lambda c: c[2] > 150 and c[0] < 60)]),
    "box-shadow": (
        video(V1 + "box-shadow:6px 8px 10px rgba(0,0,0,.9)"), "two_capture", (30, 10, 190, 126), (40, 20, 160, 96),
        [(204, 70, lambda c: darker(c, PAGE_BG)), (120, 120, lambda c: darker(c, PAGE_BG)),
         (20, 70, lambda c: near(c, PAGE_BG))]),
    "inset box-shadow in the letterbox bars": (
        video(WIDE + "object-fit:contain;background:#eee;box-shadow:inset 0 0 12px 4px #a00"), "two_capture",
        (40, 20, 240, 90), (85, 20, 150, 90), [(42, 60, lambda c: c[0] > c[1] + 60), (62, 60, lambda c: near(c, [0xee] * 3))]),
    "border with border-radius": (
        video(V1 + "border:4px solid #fc0;border-radius:16px;object-fit:cover"), "two_capture", (40, 20, 168, 104),
        None, [(42, 68, lambda c: near(c, [0xff, 0xcc, 0])), (120, 22, lambda c: near(c, [0xff, 0xcc, 0])),
               (41, 21, lambda c: near(c, PAGE_BG, 30))]),
    "outline": (
        video(V1 + "outline:3px solid #e22;outline-offset:2px"), "two_capture", (34, 14, 172, 108), (40, 20, 160, 96),
        [(36, 70, lambda c: near(c, [0xee, 0x22, 0x22])), (38, 70, lambda c: near(c, PAGE_BG))]),
    "every decoration at once, under a caption": (
        video(WIDE + "object-fit:contain;background:#123;border:3px solid #fff;border-radius:10px;"
                     "box-shadow:0 4px 12px #000;outline:2px dashed #0cf;outline-offset:3px")
        + '<div style="position:absolute;left:60px;top:90px;background:rgba(0,0,0,.6)">Caption</div>',
        "two_capture", (30, 10, 260, 110), None, [(50, 60, lambda c: near(c, [0x11, 0x22, 0x33]))]),
    "full-frame video with a black background: one capture": (
        video("position:absolute;left:0;top:0;width:320px;height:180px;object-fit:cover;background:#000")
        + '<div style="position:absolute;left:20px;top:70px">Title</div>', "native", (0, 0, 320, 180), None, []),
}


@pytest.mark.parametrize("case", list(CASES))
def test_own_box_is_native(tmp_path: Path, clip: Path, warm: None, case: str) -> None:  # noqa: F811
    body, kind, box, shown, probes = CASES[case]
    poster, native = both(write_page(tmp_path / "p", clip, body))
    check_native(case, poster, native, kind=kind, box=box, shown=shown)
    for frame in native.frames:
        for x, y, shows in probes:
            assert shows(rgb8(frame, x, y)), f"{case}: {rgb8(frame, x, y)} at ({x}, {y})"


def test_the_below_part_holds_the_box_and_not_the_frame(tmp_path: Path, clip: Path, warm: None) -> None:  # noqa: F811
    """A 1:1 placement over a background and a border of its own: the part below holds the box and
    no trace of the poster (the frame of an earlier capture), so native equals poster to the bit."""
    body = video(V1 + "background:#0c0;border:2px solid #fff")
    poster, native = both(write_page(tmp_path / "p", clip, body))
    check_native("exact", poster, native, kind="two_capture", box=(40, 20, 164, 100), shown=(42, 22, 160, 96),
                 exact=True)


#: refused: (body, what the reason must name)
REFUSED = {
    "outline over the frame": (video(V1 + "outline:3px solid #e22;outline-offset:-6px"), "outline-offset: -6px"),
    "outline of an in-flow video": ("<div>" + video("display:block;margin:20px 40px;width:160px;height:96px;"
                                                    "outline:2px solid #e22") + "</div>",
                                    "neither positioned nor a stacking context"),
    "opacity over its own background": (video(V1 + "opacity:.6;background:#0c0;object-fit:contain"),
                                        "opacity: 0.6; background-color: rgb(0, 204, 0)"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_own_box_the_split_cannot_reproduce_falls_back(tmp_path: Path, clip: Path, warm: None, case: str) -> None:  # noqa: F811
    body, reason = REFUSED[case]
    poster, native = both(write_page(tmp_path / "p", clip, body))
    check_fallback(case, poster, native, reason)


def test_opacity_with_only_a_border_and_shadow_is_native(tmp_path: Path, clip: Path, warm: None) -> None:  # noqa: F811
    """A border and an outer shadow lie outside the content box: opacity over them and the frame is
    the same painted in two parts."""
    body = ('<div style="position:absolute;left:0;top:0;width:160px;height:180px;background:#fa0"></div>'
            + video(V1 + "opacity:.55;border:3px solid #fff;box-shadow:0 0 8px #000"))
    poster, native = both(write_page(tmp_path / "p", clip, body))
    check_native("opacity", poster, native, kind="two_capture", box=(32, 12, 182, 118), shown=None)



SCALED = ('<div style="position:absolute;left:21px;top:13px;width:250px;height:151px;display:flex;'
          'align-items:center;justify-content:center;transform:scale(.9)">{}</div>')


@pytest.mark.parametrize(("case", "style", "db"), [("plain", "", 45.0), ("border", "border:8px solid #fff;", 42.0)])
def test_half_pixel_offset_in_a_scaled_wrapper(tmp_path: Path, clip: Path, warm: None,  # noqa: F811
                                               case: str, style: str, db: float) -> None:
    """A video centred at 27.5 px in a wrapper scaled by 0.9 (as HyperFrames' style-9-prod puts its
    bordered footage): Chromium snaps the picture's edges in LayoutUnits (1/64 px, half up), which
    float noise through the scale turned into 27.4999 (rounded down) before layers.js quantised
    them: 34 dB (28 with an 8 px white border) against the poster path, now 48 (44: Skia covers the
    fractional edges against the border otherwise than the kernel's exact area)."""
    body = SCALED.format(video("display:block;width:160px;height:96px;" + style))
    poster, native = both(write_page(tmp_path / "p", clip, body))
    box = (76, 47, 140, 83)  # the picture less its fractional edges (74-218, 45.75-131.25 on screen)
    check_native(case, poster, native, kind="two_capture", box=box, shown=None, db=db)
