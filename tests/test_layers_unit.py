"""Native video layers without a browser: the compositing kernel, the page's layer records, the
stats' counting and the overlay decoder (engine.capture.layers, kernels/composite.pyx)."""

from __future__ import annotations

import base64
import importlib
import numpy as np
import pytest
import av

from engine.capture.layers import NativeLayer, OverlayDecoder, compose, fallbacks_of, layer_kinds
from engine.errors import CaptureError

composite = importlib.import_module("engine.blend.kernels.composite")


def test_place_one_to_one_copies_exactly_and_widens_8_bits() -> None:
    rng = np.random.default_rng(3)
    src16 = rng.integers(0, 65536, (6, 8, 3), dtype=np.uint16)
    dst = np.zeros((10, 12, 3), np.uint16)
    composite.place(dst, src16, (2, 3, 10, 9), (0, 0, 12, 10))
    assert np.array_equal(dst[3:9, 2:10], src16) and not dst[:3].any() and not dst[:, :2].any()
    src8 = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    composite.place(dst, src8, (2, 3, 10, 9), (0, 0, 12, 10))
    assert np.array_equal(dst[3:9, 2:10], src8.astype(np.uint16) * 257)


def test_place_clips_blends_edges_and_opacity() -> None:
    src = np.full((4, 4, 3), 65535, np.uint16)
    dst = np.zeros((8, 8, 3), np.uint16)
    composite.place(dst, src, (1.5, 0, 5.5, 4), (0, 0, 4, 8), opacity=1.0)  # clipped at x = 4
    assert dst[0, 1, 0] == 32768 and dst[0, 2, 0] == 65535 and dst[0, 3, 0] == 65535 and dst[0, 4, 0] == 0
    dst[:] = 0
    composite.place(dst, src, (0, 0, 4, 4), (0, 0, 8, 8), opacity=0.25)
    assert dst[1, 1, 0] == 16384


def test_place_bilinear_of_a_ramp_is_linear_when_magnifying() -> None:
    src = np.zeros((1, 2, 3), np.uint16)
    src[0, 1] = 65535
    dst = np.zeros((1, 8, 3), np.uint16)
    composite.place(dst, src, (0, 0, 8, 1), (0, 0, 8, 1))
    row = dst[0, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 65535 and all(np.diff(row) >= 0)


def bilinear_reference(dst: np.ndarray, src: np.ndarray, rect: tuple[float, float, float, float],
                       clip: tuple[float, float, float, float], opacity: float) -> np.ndarray:
    """`composite.place` in float64 for a magnified source: bilinear at pixel centres (clamped),
    each pixel mixed by the area of it inside rect and clip, times opacity."""
    h, w = src.shape[:2]
    x0, y0, x1, y1 = rect
    values = src.astype(np.float64) * (257 if src.dtype == np.uint8 else 1)

    def axis(n: int, lo: float, hi: float, start: float, scale: float, size: int) -> tuple[np.ndarray, ...]:
        centres = np.clip((np.arange(n) + 0.5 - start) * scale - 0.5, 0, size - 1)
        first = np.floor(centres).astype(int)
        edges = np.arange(n)
        cover = np.clip(np.minimum(hi, edges + 1) - np.maximum(lo, edges), 0, 1)
        return first, np.minimum(first + 1, size - 1), centres - first, cover

    c0, c1, fx, cx = axis(dst.shape[1], max(x0, clip[0]), min(x1, clip[2]), x0, w / (x1 - x0), w)
    r0, r1, fy, cy = axis(dst.shape[0], max(y0, clip[1]), min(y1, clip[3]), y0, h / (y1 - y0), h)
    fx, fy = fx[None, :, None], fy[:, None, None]
    top = values[r0][:, c0] * (1 - fx) + values[r0][:, c1] * fx
    bottom = values[r1][:, c0] * (1 - fx) + values[r1][:, c1] * fx
    sample = top * (1 - fy) + bottom * fy
    alpha = (cy[:, None] * cx[None, :] * opacity)[:, :, None]
    return np.floor(dst + (sample - dst) * alpha + 0.5)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize(("rect", "clip", "opacity"), [
    ((-20.0, -11.25, 148.5, 90.0), (0, 0, 128, 72), 1.0),  # zoomed past the frame (a Ken Burns move)
    ((10.3, 5.6, 100.9, 61.2), (0, 0, 128, 72), 1.0),  # fractional edges
    ((10.3, 5.6, 100.9, 61.2), (20, 0, 90, 50.5), 0.6),  # clipped, translucent
])
def test_place_magnified_matches_the_bilinear_model(dtype: type, rect: tuple[float, float, float, float],
                                                     clip: tuple[float, float, float, float], opacity: float) -> None:
    """Both axes magnified take the kernel's two-tap row (`place_row_bilinear`): within one code
    of the float64 model everywhere, on one thread and on two."""
    rng = np.random.default_rng(7)
    top = 256 if dtype == np.uint8 else 65536
    src = rng.integers(0, top, (40, 60, 3), dtype=dtype)
    under = rng.integers(0, 65536, (72, 128, 3), dtype=np.uint16)
    expected = bilinear_reference(under, src, rect, clip, opacity)
    for threads in (1, 2):
        dst = under.copy()
        composite.place(dst, src, rect, clip, opacity, threads=threads)
        assert np.abs(dst.astype(np.float64) - expected).max() <= 1, threads


def test_over_is_exact_source_over() -> None:
    dst = np.full((1, 3, 3), 1000, np.uint16)
    overlay = np.array([[[255, 0, 0, 0], [255, 0, 0, 255], [255, 0, 0, 128]]], np.uint8)
    composite.over(dst, overlay)
    assert dst[0, 0].tolist() == [1000, 1000, 1000]
    assert dst[0, 1].tolist() == [65535, 0, 0]
    assert dst[0, 2, 0] == (255 * 128 * 257 + 127) // 255 + (1000 * 127 + 127) // 255


@pytest.mark.parametrize("bad", [np.zeros((2, 2, 3), np.float32), np.zeros((2, 2), np.uint8)])
def test_kernel_refuses_bad_arrays(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="src must be"):
        composite.place(np.zeros((2, 2, 3), np.uint16), bad, (0, 0, 2, 2), (0, 0, 2, 2))
    with pytest.raises(ValueError, match="opacity"):
        composite.place(np.zeros((2, 2, 3), np.uint16), np.zeros((2, 2, 3), np.uint8), (0, 0, 2, 2), (0, 0, 2, 2), 2.0)


def test_layer_records_from_the_page() -> None:
    layer = NativeLayer.from_page({"index": 2, "rect": [0, 0, 10, 5], "clip": [0, 0, 10, 5], "opacity": 1,
                                   "below": False})
    assert layer == NativeLayer(2, (0.0, 0.0, 10.0, 5.0), (0.0, 0.0, 10.0, 5.0), 1.0, False)
    assert NativeLayer.from_page(None) is None
    for bad in ({"index": 1}, {"index": 1, "rect": [0, 0, 1], "clip": [0, 0, 1, 1], "opacity": 1, "below": 0},
                {"index": 1, "rect": [0, 0, float("nan"), 1], "clip": [0, 0, 1, 1], "opacity": 1, "below": 0}):
        with pytest.raises(CaptureError, match="malformed video layer"):
            NativeLayer.from_page(bad)


def test_layer_kinds_and_fallbacks() -> None:
    covering = NativeLayer(0, (0, 0, 1, 1), (0, 0, 1, 1), 1.0, False)
    boxed = NativeLayer(0, (0, 0, 1, 1), (0, 0, 1, 1), 1.0, True)
    assert layer_kinds(covering, 1) == {"native": 1, "two_capture": 0, "poster": 0}
    assert layer_kinds(boxed, 3) == {"native": 0, "two_capture": 1, "poster": 2}
    assert layer_kinds(None, 2) == {"native": 0, "two_capture": 0, "poster": 2}
    assert fallbacks_of({"1": {"element": "<video id=a>", "reason": "rounded"}, "2": {"element": 3}}) == [
        ("<video id=a>", "rounded")]
    assert fallbacks_of(None) == [] and fallbacks_of([1]) == []


def _png_b64(rgba: np.ndarray) -> str:
    png = av.CodecContext.create("png", "w")
    png.width, png.height, png.pix_fmt = rgba.shape[1], rgba.shape[0], "rgba"
    packets = png.encode(av.VideoFrame.from_ndarray(rgba, format="rgba")) + png.encode(None)
    return base64.b64encode(b"".join(bytes(p) for p in packets)).decode()


def test_overlay_decoder_reuses_the_same_picture_and_compose_checks_size() -> None:
    rgba = np.zeros((4, 6, 4), np.uint8)
    rgba[1, 2] = (10, 20, 30, 255)
    picture = _png_b64(rgba)
    decode = OverlayDecoder()
    first = decode(picture)
    assert decode(picture) is first and (decode.decoded, decode.reused) == (1, 1)
    assert np.array_equal(first, rgba)
    buffer = np.zeros((4, 6, 3), np.uint16)
    layer = NativeLayer(0, (0, 0, 6, 4), (0, 0, 6, 4), 1.0, False)
    compose(buffer, layer, np.full((4, 6, 3), 100, np.uint8), first)
    assert buffer[0, 0].tolist() == [25700] * 3 and buffer[1, 2].tolist() == [2570, 5140, 7710]
    with pytest.raises(CaptureError, match="overlay"):
        compose(np.zeros((5, 6, 3), np.uint16), layer, np.zeros((4, 6, 3), np.uint8), first)


def test_place_box_filters_a_minified_axis() -> None:
    """Stripes two pixels wide, shown 7.4 times smaller: a box filter averages them to mid-grey;
    bilinear sampling alone would alias them into bands of black and white."""
    stripes = (((np.arange(1280) // 2) % 2) * 255).astype(np.uint8)[None, :, None].repeat(72, 0).repeat(3, 2)
    dst = np.zeros((10, 173, 3), np.uint16)
    composite.place(dst, np.ascontiguousarray(stripes), (0, 0, 173, 10), (0, 0, 173, 10))
    row = dst[5, :, 0].astype(float)
    assert abs(row.mean() - 32767.5) < 600 and row.std() < 4000, (row.mean(), row.std())


def test_ray_chunks_video_layer_stats_merge() -> None:
    from engine.render.distributed import merge_video_layers

    a = {"native": 3, "two_capture": 0, "poster": 1, "fallbacks": [{"element": "<video id=a>", "reason": "r1"}]}
    b = {"native": 2, "two_capture": 4, "poster": 0, "fallbacks": [{"element": "<video id=a>", "reason": "r2"},
                                                                     {"element": "<video id=b>", "reason": "r3"}]}
    assert merge_video_layers([a, b]) == {"native": 5, "two_capture": 4, "poster": 1, "fallbacks": [
        {"element": "<video id=a>", "reason": "r1"}, {"element": "<video id=b>", "reason": "r3"}]}
    assert merge_video_layers([{}, {}]) == {}
