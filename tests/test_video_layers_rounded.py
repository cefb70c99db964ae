"""Rounded corners on native video layers (issue 29), real Chromium and PyAV: `border-radius` on
the video (clipping its content box to the inner radii) or on an `overflow: hidden` ancestor
(its padding box) is drawn natively, with anti-aliased curves (kernels/composite.pyx), and
matches the poster path, where Chromium paints the frame through its own rounded clip.

Measured here (Chromium headless shell, 320x180, 16-bit PSNR over the frame): 16 px corners
62 dB, a 50 % ellipse 52-54 dB, elliptical corners of their own 69 dB, a rounded wrapper 58 dB;
every pixel that differs lies on a curve (Skia measures the curve's coverage with other
sub-samples than the kernel's 16 sub-scanlines: at most 35 levels of 255 on a pixel the curve
crosses). So the frame is held to 45 dB and everything one pixel clear of the curves to bit
identity.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest
from media_gen import read_frame_number
from test_video_layers_pixels import (  # noqa: F401 - clip, warm: the fixtures
    TIMES,
    V1,
    Shots,
    both,
    clip,
    psnr,
    video,
    warm,
    write_page,
)

composite = importlib.import_module("engine.blend.kernels.composite")

FPS = 24
BELOW = '<div style="position:absolute;inset:0;background:linear-gradient(90deg,#246,#a52)"></div>'
WRAPPER = '<div id="w" style="position:absolute;left:40px;top:20px;width:160px;height:96px;overflow:hidden;{}">{}</div>'
FILL = video("display:block;width:160px;height:96px")
#: (body, the rounded clips in frame pixels (box, then rx, ry per corner from the top left), the
#: displayed picture where its number is read or None)
CASES = {
    "16px on the video": (video(V1 + "border-radius:16px"), [(40, 20, 200, 116, *(16,) * 8)], (40, 20, 160, 96)),
    "50% on the video (an ellipse)": (video(V1 + "border-radius:50%"), [(40, 20, 200, 116, *(80, 48) * 4)], None),
    "elliptical corners of their own": (
        video(V1 + "border-radius:4px 24px 40px 10px / 30px 8px 20px 12px"),
        [(40, 20, 200, 116, 4, 30, 24, 8, 40, 20, 10, 12)], (40, 20, 160, 96)),
    "radius less padding": (video(V1 + "border-radius:24px;padding:6px"), [(46, 26, 206, 122, *(18,) * 8)],
                            (46, 26, 160, 96)),
    "rounded overflow wrapper over a background": (
        BELOW + WRAPPER.format("border-radius:20px", FILL), [(40, 20, 200, 116, *(20,) * 8)], (40, 20, 160, 96)),
    "rounded wrapper with a border, rounded video": (
        BELOW + WRAPPER.format("border-radius:30px 10px;border:4px solid #fc0",
                               video("display:block;width:160px;height:96px;border-radius:12px")),
        [(44, 24, 204, 120, *(12,) * 8), (44, 24, 204, 120, 26, 26, 6, 6, 26, 26, 6, 6)], (44, 24, 160, 96)),
}


def curve_band(shape: tuple[int, int], rounded: list[tuple[float, ...]]) -> np.ndarray:
    """Pixels a curve of `rounded` crosses (partly covered by the kernel), grown by one pixel."""
    band = np.zeros(shape, bool)
    for r in rounded:
        dst = np.zeros((*shape, 3), np.uint16)
        composite.place(dst, np.full((2, 2, 3), 255, np.uint8), r[:4], r[:4], rounded=[r])
        band |= (dst[..., 0] > 0) & (dst[..., 0] < 65535)
    grown = band.copy()
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1), (-1, 1), (1, -1)):
        grown |= np.roll(band, (dy, dx), axis=(0, 1))
    return grown


def check_rounded(name: str, poster: Shots, native: Shots, rounded: list[tuple[float, ...]],
                  shown: tuple[int, int, int, int] | None) -> None:
    """`native` took the native path with the part below captured, matches `poster` to 45 dB over
    the frame and bit for bit one pixel clear of the curves; the frame number reads back."""
    assert native.kinds.get("two_capture") == len(TIMES) and native.kinds.get("poster") == 0, f"{name}: {native.kinds}"
    assert native.served <= 2, f"{name}: {native.served} pictures served: the native path was not taken"
    assert not [w for w in native.warnings if w.code == "native-video"], name
    band = curve_band(poster.frames[0].shape[:2], rounded)
    for t, a, b in zip(TIMES, poster.frames, native.frames, strict=True):
        assert psnr(a, b) >= 45, f"{name} at t={t}: {psnr(a, b):.1f} dB"
        off = np.nonzero((a != b).any(axis=2) & ~band)
        assert not len(off[0]), f"{name} at t={t}: pixels off the curves differ, e.g. at {off[1][:3]}, {off[0][:3]}"
        assert (a != b).any(axis=2).sum() <= band.sum(), name
        if shown is not None:
            assert read_frame_number(b, shown) == round(t * FPS), f"{name} at t={t}"


@pytest.mark.parametrize("case", list(CASES))
def test_rounded_corners_native(tmp_path: Path, clip: Path, warm: None, case: str) -> None:  # noqa: F811
    body, rounded, shown = CASES[case]
    poster, native = both(write_page(tmp_path / "p", clip, body))
    check_rounded(case, poster, native, rounded, shown)
    # the corners really are cut: the frame's corner pixel shows what lies below, not footage
    x0, y0 = int(rounded[0][0]), int(rounded[0][1])
    assert np.array_equal(native.frames[0][y0, x0], poster.frames[0][y0, x0])
    assert psnr(native.frames[0], poster.frames[0], (x0, y0, 4, 4)) >= 40


def test_one_axis_clip_with_rounded_corners_falls_back(tmp_path: Path, clip: Path, warm: None) -> None:  # noqa: F811
    """`overflow-x: clip` alone on a rounded ancestor: not reproduced natively, named."""
    body = WRAPPER.format("border-radius:20px;overflow:visible;overflow-x:clip", FILL)
    poster, native = both(write_page(tmp_path / "p", clip, body))
    assert native.kinds.get("poster") == len(TIMES), native.kinds
    found = [w for w in native.warnings if w.code == "native-video"]
    assert len(found) == 1 and "clips one axis only" in found[0].message and 'id="w"' in found[0].message, found
    for a, b in zip(poster.frames, native.frames, strict=True):
        assert np.array_equal(a, b)
