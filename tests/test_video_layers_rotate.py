"""Rotated, skewed and rotated-and-scaled videos composited natively (issue 29, "rotations").

A video whose own transform or an ancestor's rotates or skews it is drawn through its
local-to-viewport map (layers.js `tiltedGeometry`, kernels/place_affine.pyx): the kernel unit
tests hold it to a numpy reference (exact for quarter turns, `composite.place` bit for bit with
the identity map, the exact area on a rotated edge), and the pixel tests (real Chromium and PyAV,
lossless PNG captures) to the poster path, where Chromium paints the frame itself.

Measured here (Chromium headless shell, 320x180, 16-bit PSNR over the frame, three frames each):
rotate(-2deg) 59.3-61.7 dB, rotate(15deg) with border-radius 55.3-56.5, a rotated rounded
overflow wrapper 51.8-52.1, skewX(8deg) 58.8-61.8, object-fit cover under rotate: 6deg 59.2-61.7,
rotate(4deg) scale(0.8) on a wrapper 56.8-57.5, inside a larger upright clip 49.8-50.1, cut by an
upright clip 60.0-66.8, a quarter turn bit-identical. Only pixels the edges cross differ. Chromium does not cover a straight edge of
the frame by its area: a pixel a covers shows about a * min(1, a + 0.1) (0.15 for 0.35, 0.30 for
half), which `edge_bias` reproduces; with the exact area the same cases gave 44-48 dB. A
turned picture minified is sampled from Skia's mipmaps (`mipmaps`): a detailed 640x360 clip at
320x180 turned -2deg, 39 dB with the box filter, 55-56 dB with them (1:1 turned: 60 dB).
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import numpy as np
import pytest
from media_gen import read_frame_number
from test_video_layers_pixels import (  # noqa: F401 - clip, warm: the fixtures
    TIMES,
    V1,
    Shots,
    both,
    check_fallback,
    clip,
    psnr,
    video,
    warm,
    write_page,
)

from engine.capture.layers import NativeLayer, compose
from engine.errors import CaptureError

composite = importlib.import_module("engine.blend.kernels.composite")
affine = importlib.import_module("engine.blend.kernels.place_affine")
place_affine = affine.place_affine


def rotation(degrees: float, cx: float, cy: float, tx: float = 0.0, ty: float = 0.0) -> tuple[float, ...]:
    """CSS rotate(`degrees`) about local (cx, cy), then translated by (tx, ty): a, b, c, d, e, f."""
    t = math.radians(degrees)
    c, s = math.cos(t), math.sin(t)
    return (c, s, -s, c, cx - c * cx + s * cy + tx, cy - s * cx - c * cy + ty)


def area_reference(shape: tuple[int, int], matrix: tuple[float, ...], box: tuple[float, float, float, float],
                   n: int = 64) -> np.ndarray:
    """The fraction of each destination pixel inside local `box` mapped by `matrix` (n x n samples)."""
    a, b, c, d, e, f = matrix
    det = a * d - b * c
    g = (np.arange(n) + 0.5) / n
    out = np.zeros(shape)
    for y in range(shape[0]):
        for x in range(shape[1]):
            X, Y = np.meshgrid(x + g, y + g)
            u = (d * (X - e) - c * (Y - f)) / det
            v = (-b * (X - e) + a * (Y - f)) / det
            out[y, x] = ((u >= box[0]) & (u <= box[2]) & (v >= box[1]) & (v <= box[3])).mean()
    return out


# ---- the kernel ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize(("rect", "clip_box", "opacity"), [
    ((10.25, 7.5, 130.7, 80.3), (0, 0, 999, 999), 0.8),  # magnified, fractional edges
    ((3.3, 2.1, 40.2, 30.9), (10.5, 4, 30.25, 25), 1.0),  # minified (box filter), clipped
    ((5, 5, 85, 53), (0, 0, 999, 999), 1.0),  # 1:1
])
def test_identity_matrix_draws_what_place_draws(dtype: type, rect: tuple[float, ...], clip_box: tuple[float, ...],
                                                opacity: float) -> None:
    rng = np.random.default_rng(3)
    src = rng.integers(0, np.iinfo(dtype).max + 1, (48, 80, 3)).astype(dtype)
    a = rng.integers(0, 65536, (100, 160, 3)).astype(np.uint16)
    b = a.copy()
    composite.place(a, src, rect, clip_box, opacity)
    place_affine(b, src, (1, 0, 0, 1, 0, 0), rect, clip_box, opacity)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_quarter_turns_are_exact(turns: int) -> None:
    """rotate(90deg * turns) of a 1:1 picture on whole pixels: every pixel is a source pixel."""
    rng = np.random.default_rng(turns)
    src = rng.integers(0, 65536, (30, 50, 3)).astype(np.uint16)
    dst = np.zeros((70, 70, 3), np.uint16)
    place_affine(dst, src, rotation(90 * turns, 25, 15, 10, 20), (0, 0, 50, 30), (0, 0, 50, 30))
    expected = np.rot90(src, k=-turns)  # CSS angles turn clockwise (y down)
    h, w = expected.shape[:2]
    y0, x0 = 20 + 15 - h // 2, 10 + 25 - w // 2
    assert np.array_equal(dst[y0:y0 + h, x0:x0 + w], expected)
    dst[y0:y0 + h, x0:x0 + w] = 0
    assert not dst.any(), "pixels outside the turned picture were drawn"


def test_minified_quarter_turn_averages_boxes() -> None:
    """A 2:1 minification with a quarter turn: each pixel is the mean of a 2x2 source block."""
    rng = np.random.default_rng(5)
    src = rng.integers(0, 256, (20, 40, 3)).astype(np.uint8)
    dst = np.zeros((20, 10, 3), np.uint16)
    # local 0..20 x 0..10 (the picture at half size), turned clockwise into x 0..10, y 0..20
    place_affine(dst, src, (0, 1, -1, 0, 10, 0), (0, 0, 20, 10), (0, 0, 20, 10))
    blocks = src.reshape(10, 2, 20, 2, 3).mean(axis=(1, 3)) * 257
    assert np.abs(dst.astype(float) - np.rot90(blocks, k=-1)).max() <= 1.0


@pytest.mark.parametrize("degrees", [-2.0, 15.0, 33.0])
def test_rotated_edges_cover_their_area(degrees: float) -> None:
    """White over black through a rotation: each edge pixel's value is its area inside the turned
    box (within 2 % of a pixel: the trapezoid of the edge's normal is exact for one straight edge;
    the corners, where two edges meet, within 6 %)."""
    box = (0.0, 0.0, 40.0, 24.0)
    matrix = rotation(degrees, 20, 12, 12.3, 10.6)
    dst = np.zeros((48, 64, 3), np.uint16)
    place_affine(dst, np.full((4, 4, 3), 255, np.uint8), matrix, box, box)
    got = dst[..., 0] / 65535.0
    ref = area_reference(got.shape, matrix, box)
    corners = np.zeros(got.shape, bool)
    for x, y in ((0, 0), (40, 0), (0, 24), (40, 24)):
        a, b, c, d, e, f = matrix
        X, Y = a * x + c * y + e, b * x + d * y + f
        corners[max(0, int(Y) - 1):int(Y) + 2, max(0, int(X) - 1):int(X) + 2] = True
    assert np.abs(got - ref)[~corners].max() <= 0.02
    assert np.abs(got - ref).max() <= 0.06
    assert ((got > 0) & (got < 1)).sum() > 40  # the edges are anti-aliased, not stepped


def test_rotated_rounded_clip_and_opacity() -> None:
    """A rounded clip (local) cuts the turned picture's corners; opacity scales the coverage."""
    box = (0.0, 0.0, 60.0, 40.0)
    matrix = rotation(20, 30, 20, 10, 12)
    full = np.zeros((70, 80, 3), np.uint16)
    cut = full.copy()
    half = full.copy()
    white = np.full((4, 4, 3), 65535, np.uint16)
    place_affine(full, white, matrix, box, box)
    place_affine(cut, white, matrix, box, box, rounded=[(*box, *(12,) * 8)])
    place_affine(half, white, matrix, box, box, 0.5, rounded=[(*box, *(12,) * 8)])
    a, b, c, d, e, f = matrix
    corner = (round(a * 1 + c * 1 + e), round(b * 1 + d * 1 + f))  # local (1, 1), inside the box, outside the curve
    centre = (round(a * 30 + c * 20 + e), round(b * 30 + d * 20 + f))
    assert full[corner[1], corner[0], 0] == 65535 and cut[corner[1], corner[0], 0] == 0
    assert cut[centre[1], centre[0], 0] == 65535 and half[centre[1], centre[0], 0] == 32768
    lost = (full[..., 0].astype(float) - cut[..., 0]).sum() / 65535.0
    assert abs(lost - 4 * (12 * 12 - math.pi * 36)) < 4.0  # four corners of 12 px: (4 - pi) * 144 px
    assert np.abs(half[..., 0].astype(float) - cut[..., 0] / 2).max() <= 1.0


def test_mipmaps_as_chromium_samples_a_turned_picture() -> None:
    """`mipmaps`: a minified source is reduced to Skia's nearest mipmap level (2x2 means, [1, 2, 1]
    over three on an odd side), then sampled bilinearly; level 1 from 2:1 (a CSS matrix's six
    digits included), 2 from 4:1 (its -0.5 bias: 1.4:1 stays at level 0)."""
    assert [affine.mip_level(s) for s in (1.0, 0.72, 0.5000001, 0.5, 0.36, 0.25, 0.1)] == [0, 0, 1, 1, 1, 2, 3]
    src = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 10
    level = affine.mipmap(src, 1)
    assert level.shape == (1, 1, 3) and level.dtype == np.uint8
    w = src.astype(float)
    expected = (w[0, 0] + 2 * w[0, 1] + w[0, 2] + w[1, 0] + 2 * w[1, 1] + w[1, 2]) / 8
    assert np.abs(level[0, 0] - expected).max() <= 1
    rng = np.random.default_rng(11)
    big = rng.integers(0, 256, (40, 64, 3)).astype(np.uint8)
    matrix = rotation(-2, 16, 10, 4, 3)  # 64x40 shown at 32x20, turned: level 1
    a, b = np.zeros((30, 42, 3), np.uint16), np.zeros((30, 42, 3), np.uint16)
    place_affine(a, big, matrix, (0, 0, 32, 20), (0, 0, 32, 20), mipmaps=True)
    place_affine(b, affine.mipmap(big, 1), matrix, (0, 0, 32, 20), (0, 0, 32, 20))
    assert np.array_equal(a, b)
    c = np.zeros((30, 42, 3), np.uint16)
    place_affine(c, big, matrix, (0, 0, 32, 20), (0, 0, 32, 20))  # without: a box filter on the full source
    assert not np.array_equal(a, c)


def test_kernel_refuses_bad_input() -> None:
    dst = np.zeros((10, 10, 3), np.uint16)
    src = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match="matrix must be invertible"):
        place_affine(dst, src, (1, 2, 2, 4, 0, 0), (0, 0, 4, 4), (0, 0, 4, 4))
    with pytest.raises(ValueError, match="matrix must be 6 finite numbers .a, b, c, d, e, f., got .1, 0, 0, 1."):
        place_affine(dst, src, (1, 0, 0, 1), (0, 0, 4, 4), (0, 0, 4, 4))
    with pytest.raises(ValueError, match="6 finite numbers"):
        place_affine(dst, src, (1, 0, 0, 1, math.nan, 0), (0, 0, 4, 4), (0, 0, 4, 4))
    with pytest.raises(ValueError, match="rect must have x1 > x0"):
        place_affine(dst, src, (1, 0, 0, 1, 0, 0), (4, 0, 0, 4), (0, 0, 4, 4))
    with pytest.raises(ValueError, match="dst must be a uint16 array"):
        place_affine(dst.astype(np.uint8), src, (1, 0, 0, 1, 0, 0), (0, 0, 4, 4), (0, 0, 4, 4))
    with pytest.raises(ValueError, match="opacity must be in"):
        place_affine(dst, src, (1, 0, 0, 1, 0, 0), (0, 0, 4, 4), (0, 0, 4, 4), 1.5)


def test_native_layer_matrix_from_the_page() -> None:
    base = {"index": 0, "rect": [0, 0, 16, 9], "clip": [0, 0, 16, 9], "opacity": 1, "below": True, "rounded": []}
    assert NativeLayer.from_page(base).matrix is None  # type: ignore[union-attr]
    layer = NativeLayer.from_page({**base, "matrix": [0.9, 0.1, -0.1, 0.9, 40, 20], "area": [30, 20, 60, 40]})
    assert layer is not None and layer.matrix == (0.9, 0.1, -0.1, 0.9, 40.0, 20.0) and layer.area == (30, 20, 60, 40)
    for bad in ([1, 0, 0, 1], [1, 2, 2, 4, 0, 0], [1, 0, 0, 1, "x", 0], [1, 0, 0, 1, float("inf"), 0]):
        with pytest.raises(CaptureError, match="malformed"):
            NativeLayer.from_page({**base, "matrix": bad})
    for area in ([0, 0, 10], [0, 0, float("nan"), 4]):
        with pytest.raises(CaptureError, match="area"):
            NativeLayer.from_page({**base, "matrix": [1, 0, 0, 1, 0, 0], "area": area})
    # compose draws a layer with a matrix through place_affine
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (9, 16, 3)).astype(np.uint8)
    layer = NativeLayer.from_page({**base, "matrix": list(rotation(30, 8, 4.5, 20, 12)), "area": [0, 0, 26.5, 40]})
    assert layer is not None and layer.matrix is not None
    got = compose(np.zeros((40, 50, 3), np.uint16), layer, pixels, np.zeros((40, 50, 4), np.uint8))
    expected = np.zeros((40, 50, 3), np.uint16)
    place_affine(expected, pixels, layer.matrix, layer.rect, layer.clip, edge_bias=affine.CHROMIUM_EDGE_BIAS,
                 bounds=layer.area)
    assert np.array_equal(got, expected) and got.any() and not got[:, 27:].any()


def test_bounds_clip_in_the_viewport() -> None:
    """`bounds`: an upright box of dst the drawing is clipped to, by exact area (a half column)."""
    rng = np.random.default_rng(9)
    src = rng.integers(0, 256, (20, 30, 3)).astype(np.uint8)
    matrix = rotation(12, 15, 10, 10, 8)
    whole, bounded = np.zeros((40, 50, 3), np.uint16), np.zeros((40, 50, 3), np.uint16)
    place_affine(whole, src, matrix, (0, 0, 30, 20), (0, 0, 30, 20))
    place_affine(bounded, src, matrix, (0, 0, 30, 20), (0, 0, 30, 20), bounds=(0, 12, 25.5, 40))
    assert np.array_equal(bounded[12:, :25], whole[12:, :25])
    assert not bounded[:12].any() and not bounded[:, 26:].any()
    assert np.abs(bounded[12:, 25].astype(float) - whole[12:, 25] / 2).max() <= 1.0
    with pytest.raises(ValueError, match="bounds must be 4"):
        place_affine(bounded, src, matrix, (0, 0, 30, 20), (0, 0, 30, 20), bounds=(0, 0, 1))


def test_edge_bias_is_chromiums_edge_response() -> None:
    """edge_bias: a straight edge covering e of a pixel shows e * min(1, e + bias) (Chromium's 0.30
    for half a pixel); curves and whole pixels are unchanged."""
    white = np.full((2, 2, 3), 255, np.uint8)
    exact, biased = np.zeros((4, 8, 3), np.uint16), np.zeros((4, 8, 3), np.uint16)
    place_affine(exact, white, (1, 0, 0, 1, 0, 0), (1.5, 0, 6.25, 4), (0, 0, 8, 4))
    place_affine(biased, white, (1, 0, 0, 1, 0, 0), (1.5, 0, 6.25, 4), (0, 0, 8, 4), edge_bias=affine.CHROMIUM_EDGE_BIAS)
    assert list(exact[0, :, 0]) == [0, 32768, *(65535,) * 4, 16384, 0]
    expected = [0, 65535 * 0.5 * 0.6, *(65535,) * 4, 65535 * 0.25 * 0.35, 0]
    assert np.abs(biased[0, :, 0] - np.array(expected)).max() <= 1.0, biased[0, :, 0]
    with pytest.raises(ValueError, match="edge_bias must be in"):
        place_affine(exact, white, (1, 0, 0, 1, 0, 0), (0, 0, 2, 2), (0, 0, 2, 2), edge_bias=-0.1)


# ---- against the poster path (real Chromium) -----------------------------------------------------

BELOW = '<div style="position:absolute;inset:0;background:linear-gradient(90deg,#246,#a52)"></div>'
WRAPPER = ('<div id="w" style="position:absolute;left:60px;top:30px;width:160px;height:96px;overflow:hidden;{}">'
           + video("display:block;width:160px;height:96px") + "</div>")
#: the page's body, by case
CASES = {
    "rotate(-2deg) on the video": video(V1 + "transform:rotate(-2deg)"),
    "rotate(15deg) with border-radius": video(V1 + "transform:rotate(15deg);border-radius:16px"),
    "rotated wrapper, overflow hidden and border-radius": BELOW + WRAPPER.format("transform:rotate(-3deg);border-radius:20px"),
    "skewX(8deg)": video(V1 + "transform:skewX(8deg)"),
    "object-fit cover under rotate: 6deg": video(
        "position:absolute;left:40px;top:20px;width:200px;height:100px;object-fit:cover;rotate:6deg"),
    "rotated and scaled wrapper": BELOW + '<div style="position:absolute;left:30px;top:20px;transform:rotate(4deg) '
                                          'scale(0.8)">' + video("display:block;width:240px;height:144px") + "</div>",
}


def check_rotated(name: str, poster: Shots, native: Shots, db: float = 45.0) -> None:
    """`native` drew the video natively (two captures: a rotated video never covers the frame)
    and matches the poster path to `db` over the frame."""
    assert native.kinds.get("two_capture") == len(TIMES) and native.kinds.get("poster") == 0, f"{name}: {native.kinds}"
    assert native.served <= 2, f"{name}: {native.served} pictures served: the native path was not taken"
    assert not [w for w in native.warnings if w.code == "native-video"], name
    for t, a, b in zip(TIMES, poster.frames, native.frames, strict=True):
        assert psnr(a, b) >= db, f"{name} at t={t}: {psnr(a, b):.1f} dB"


@pytest.mark.parametrize("case", list(CASES))
def test_rotated_video_is_native(tmp_path: Path, clip: Path, warm: None, case: str) -> None:  # noqa: F811
    poster, native = both(write_page(tmp_path / "p", clip, CASES[case]))
    check_rotated(case, poster, native)
    # the footage moves: the frames at 0 and 0.5 s differ inside the video on both paths
    assert psnr(native.frames[0], native.frames[1]) < 40 and psnr(poster.frames[0], poster.frames[1]) < 40


def test_quarter_turn_reads_back(tmp_path: Path, clip: Path, warm: None) -> None:  # noqa: F811
    """rotate(90deg): the picture turned a quarter, on whole pixels; the frame number drawn in the
    footage reads back from the native frame turned back."""
    body = video("position:absolute;left:40px;top:40px;width:160px;height:96px;transform:rotate(90deg)")
    poster, native = both(write_page(tmp_path / "p", clip, body))
    check_rotated("quarter turn", poster, native, db=50.0)
    for a, b in zip(poster.frames, native.frames, strict=True):
        assert np.array_equal(a, b)  # a quarter turn on whole pixels: Skia copies pixels too
    for t, frame in zip(TIMES, native.frames, strict=True):
        upright = np.rot90(frame[8:168, 72:168], k=1)  # the 96 x 160 box at centre (120, 88), turned back
        assert read_frame_number(upright) == round(t * 24), f"t={t}"


REFUSED = {
    "rotate3d": (video(V1 + "transform:rotate3d(1,1,0,30deg)"), 'id="v"', "3D-transformed (transform: matrix3d("),
    "perspective": (video(V1 + "transform:perspective(300px) rotateY(15deg)"), 'id="v"', "3D-transformed"),
    "a clip rotated against the video": (
        '<div id="w" style="position:absolute;left:60px;top:30px;width:160px;height:96px;overflow:hidden;'
        'transform:rotate(10deg)">' + video("display:block;width:160px;height:96px;transform:rotate(-25deg)") + "</div>",
        'id="w"', "clips it at an angle"),
    "a rounded upright clip cutting a rotated video": (
        '<div id="w" style="position:absolute;left:40px;top:20px;width:160px;height:96px;overflow:hidden;'
        'border-radius:12px">' + video("display:block;width:160px;height:96px;transform:rotate(10deg)") + "</div>",
        'id="w"', "clips it at an angle"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_tilts_fall_back(tmp_path: Path, clip: Path, warm: None, case: str) -> None:  # noqa: F811
    """3D transforms, and a clip the video is rotated against that cuts it (neither a box in its
    local space nor an upright box without rounded corners), keep the poster path with a warning
    naming the element and the reason."""
    body, named, reason = REFUSED[case]
    poster, native = both(write_page(tmp_path / "p", clip, body))
    check_fallback(case, poster, native, reason, named)


UPRIGHT_CLIPS = {
    # leaves the video whole: it clips nothing
    "larger": ('<div id="w" style="position:absolute;left:20px;top:10px;width:280px;height:160px;overflow:hidden">'
               + video("position:absolute;left:40px;top:30px;width:160px;height:96px;transform:rotate(-5deg)")
               + "</div>"),
    # cuts it (a full-frame canvas with overflow hidden, the footage rotated and pushed past its
    # edge, as HyperFrames' style-13-prod does): a box of the viewport
    "cutting": ('<div id="w" style="position:absolute;left:30px;top:20px;width:200px;height:120px;overflow:hidden">'
                + video("position:absolute;left:-30px;top:10px;width:160px;height:96px;transform:rotate(4deg) "
                        "scale(1.2)") + "</div>"),
}


@pytest.mark.parametrize("case", list(UPRIGHT_CLIPS))
def test_rotated_video_in_an_upright_clip_is_native(tmp_path: Path, clip: Path, warm: None, case: str) -> None:  # noqa: F811
    """An upright overflow clip around a rotated video: native, the clip drawn as a box of the
    viewport (`bounds`); nothing of the footage shows outside it."""
    poster, native = both(write_page(tmp_path / "p", clip, UPRIGHT_CLIPS[case]))
    check_rotated(case, poster, native)
    if case == "cutting":  # left of the clip's box: the page's background only, on both paths
        assert np.array_equal(native.frames[1][:, :30], poster.frames[1][:, :30])
        assert len(np.unique(native.frames[1][:, :30].reshape(-1, 3), axis=0)) == 1
