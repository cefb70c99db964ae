"""Colour filters on a native video layer (issue 29): the `colour` kernel against a numpy model of
Chromium's maths, and pages with ``filter: brightness(...) contrast(...)...`` on a video captured on
the native path against the poster path (real Chromium and PyAV).

Chromium applies each CSS colour function as an affine colour matrix in sRGB-encoded space (its cc
matrices, in float32, fused multiply-adds), clamped to [0, 1] after each, rounded to nearest-even
at the end. Measured here (Chromium headless shell, an 8-bit clip placed 1:1): brightness,
contrast, saturate, grayscale, sepia, invert and a three-function chain are bit-identical to the
poster path; hue-rotate leaves about 0.01 % of pixels one level off; opacity() (folded into the
layer's opacity) differs by under half a level (16-bit blending against Chromium's 8-bit). A
10-bit source is filtered at 16 bits (within 45 dB of Chromium's 8-bit result). Other functions
(blur, drop-shadow), opacity() over a background of the video's own, and any filter in an HDR
render keep the poster path, named.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import av
import numpy as np
import pytest
from media_gen import write_numbered_video
from test_video_layers_pixels import (  # noqa: F401 - warm: the fixture
    TIMES,
    V1,
    both,
    check_fallback,
    check_native,
    psnr,
    video,
    warm,
    write_page,
)

from engine.capture import BrowserSession
from engine.media.feed import VideoFrames

colour = importlib.import_module("engine.blend.kernels.colour")
f32 = np.float32
SIZE = (160, 96)  # the clip, shown 1:1 by V1


# ---- the kernel against a numpy model ------------------------------------------------------------

def matrix(name: str, amount: float) -> np.ndarray:
    """Chromium's 3x4 matrix of one function (float32 arithmetic, as cc builds it)."""
    a = f32(min(amount, 1.0) if name in ("grayscale", "sepia", "invert") else amount)
    m = np.zeros((3, 4), np.float32)
    if name in ("brightness", "contrast"):
        m[0, 0] = m[1, 1] = m[2, 2] = a
        if name == "contrast":
            m[:, 3] = f32(-0.5) * a + f32(0.5)
    elif name == "invert":
        m[0, 0] = m[1, 1] = m[2, 2] = f32(1) - f32(2) * a
        m[:, 3] = a
    elif name in ("saturate", "grayscale"):
        # luma weights of r and g, and what the diagonal adds (Chromium's constants)
        lr, lg, dr, dg = (0.213, 0.715, 0.787, 0.285) if name == "saturate" else (0.2126, 0.7152, 0.7874, 0.2848)
        k = a if name == "saturate" else f32(1) - a
        for i in range(3):
            m[i, 0] = f32(lr) + f32(dr) * k if i == 0 else f32(lr) - f32(lr) * k
            m[i, 1] = f32(lg) + f32(dg) * k if i == 1 else f32(lg) - f32(lg) * k
            m[i, 2] = f32(1) - (m[i, 0] + m[i, 1])
    elif name == "sepia":
        k = f32(1) - a
        base = [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]]
        diagonal = [0.607, 0.314, 0.869]
        for i in range(3):
            for j in range(3):
                b = f32(base[i][j])
                m[i, j] = b + f32(diagonal[i]) * k if i == j else b - b * k
    else:  # hue-rotate
        h = a * f32(math.pi) / f32(180)
        c, s = np.cos(h), np.sin(h)
        rows = [[(0.213, 0.787, -0.213), (0.715, -0.715, -0.715), (0.072, -0.072, 0.928)],
                [(0.213, -0.213, 0.143), (0.715, 0.285, 0.140), (0.072, -0.072, -0.283)],
                [(0.213, -0.213, -0.787), (0.715, -0.715, 0.715), (0.072, 0.928, 0.072)]]
        for i in range(3):
            for j, (b, kc, ks) in enumerate(rows[i]):
                m[i, j] = f32(b) + c * f32(kc) + s * f32(ks)
    return m


def reference(pixels: np.ndarray, chain: list[tuple[str, float]]) -> np.ndarray:
    """The model: each function's matrix with fused multiply-adds (exact in float64, rounded to
    float32), clamped; read as v * (1 / max), rounded to nearest-even."""
    top = f32(255 if pixels.dtype == np.uint8 else 65535)
    x = pixels.astype(np.float32) * (f32(1) / top)
    for name, amount in chain:
        m = matrix(name, amount).astype(np.float64)
        rgb = [x[..., k].astype(np.float64) for k in range(3)]
        out = []
        for i in range(3):
            acc = (rgb[2] * m[i, 2] + m[i, 3]).astype(np.float32)
            acc = (rgb[1] * m[i, 1] + acc).astype(np.float32)
            acc = (rgb[0] * m[i, 0] + acc).astype(np.float32)
            out.append(np.clip(acc, 0, 1))
        x = np.stack(out, -1)
    return np.rint(x * top).astype(pixels.dtype)


CHAINS = {
    "brightness": [("brightness", 0.7)], "brightness up": [("brightness", 1.4)],
    "contrast": [("contrast", 1.1)], "contrast down": [("contrast", 0.5)],
    "saturate": [("saturate", 1.2)], "saturate 0": [("saturate", 0.0)],
    "grayscale": [("grayscale", 0.6)], "grayscale over 1": [("grayscale", 3.0)],
    "sepia": [("sepia", 0.7)], "invert": [("invert", 0.3)], "hue-rotate": [("hue-rotate", 40.0)],
    "hue-rotate negative": [("hue-rotate", -200.0)],
    "grading chain": [("saturate", 0.88), ("contrast", 1.06), ("brightness", 0.97)],
    "clamped between": [("brightness", 1.8), ("contrast", 0.6), ("invert", 1.0), ("sepia", 0.4)],
}


@pytest.mark.parametrize("depth", [np.uint8, np.uint16])
@pytest.mark.parametrize("name", list(CHAINS))
def test_kernel_matches_the_model(name: str, depth: type) -> None:
    top = np.iinfo(depth).max
    pixels = np.random.default_rng(7).integers(0, top + 1, (37, 53, 3), dtype=depth)
    pixels[0, :3] = [[0, 0, 0], [top, top, top], [top, 0, top // 2]]
    got, expected = colour.apply(pixels, CHAINS[name], threads=2), reference(pixels, CHAINS[name])
    diff = np.abs(got.astype(np.int64) - expected)
    if name.startswith("hue-rotate"):  # numpy's float32 cos/sin may differ from libm's cosf/sinf by an ulp
        assert diff.max() <= 1 and (diff > 0).mean() < 0.002, f"{name}: {(diff > 0).mean():.4f}"
    else:
        assert np.array_equal(got, expected), f"{name}: {(diff > 0).sum()} values differ, up to {diff.max()}"
    assert got.dtype == pixels.dtype and not np.array_equal(got, pixels)


def test_kernel_in_place_scratch_and_threads() -> None:
    pixels = np.random.default_rng(3).integers(0, 256, (64, 80, 3), dtype=np.uint8)
    chain = CHAINS["grading chain"]
    kept = pixels.copy()
    fresh = colour.apply(pixels, chain, threads=1)
    assert np.array_equal(pixels, kept), "apply without out changed its input"
    scratch = np.zeros_like(pixels)
    assert colour.apply(pixels, chain, scratch, threads=3) is scratch and np.array_equal(scratch, fresh)
    assert colour.apply(pixels, chain, pixels) is pixels and np.array_equal(pixels, fresh)
    assert np.array_equal(colour.apply(kept, []), kept)  # no function: a copy
    assert np.array_equal(colour.apply(kept, [("brightness", 1.0), ("saturate", 1.0)]), kept)  # identities


@pytest.mark.parametrize(("args", "message"), [
    ((np.zeros((4, 4, 3), np.float32), [("brightness", 1)]), "src must be a uint8 or uint16 array"),
    ((np.zeros((4, 4, 4), np.uint8), [("brightness", 1)]), "shape (h, w, 3)"),
    ((np.zeros((4, 4, 3), np.uint8), [("blur", 2)]), "unknown colour filter function 'blur'; expected one of"),
    ((np.zeros((4, 4, 3), np.uint8), [("contrast", -1)]), "contrast() needs a finite amount of at least 0"),
    ((np.zeros((4, 4, 3), np.uint8), [("hue-rotate", float("nan"))]), "hue-rotate() needs a finite amount"),
    ((np.zeros((4, 4, 3), np.uint8), [("saturate",)]), "each filter must be a (name, amount) pair"),
    ((np.zeros((4, 4, 3), np.uint8), [("saturate", 1)], np.zeros((4, 4, 3), np.uint16)), "out must be a writeable"),
    ((np.zeros((4, 8, 3), np.uint8)[:, ::2], [("saturate", 1)]), "src must be C-contiguous"),
])
def test_kernel_refuses_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        colour.apply(*args)
    assert message in str(caught.value)


# ---- pages: native against the poster path ----------------------------------------------------------

@pytest.fixture(scope="module")
def colourful(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 24 fps clip of random colour blocks (4x4 px, a new picture each frame), 4:4:4 lossless."""
    path = tmp_path_factory.mktemp("filters") / "colours.mp4"
    rng = np.random.default_rng(5)
    w, h = SIZE
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=24, options={"qp": "0", "preset": "veryfast",
                                                                   "x264-params": "log=-1"})
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv444p"
        for i in range(48):
            blocks = rng.integers(0, 256, (h // 4, w // 4, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(blocks), format="rgb24").reformat(format="yuv444p")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


BOX = (40, 20, 160, 96)
#: the filter: whether the native frames are bit-identical to the poster path's (else held to 45 dB)
FILTERS = {
    "brightness(0.7)": True, "brightness(140%)": True, "contrast(1.1)": True, "saturate(1.2)": True,
    "grayscale(0.6)": True, "sepia(70%)": True, "invert(0.3)": True, "hue-rotate(40deg)": False,
    "hue-rotate(0.5turn)": False, "opacity(0.6)": False,
    "saturate(0.88) contrast(1.06) brightness(0.97)": True,
}


@pytest.mark.parametrize("css", list(FILTERS))
def test_colour_filter_is_native(tmp_path: Path, colourful: Path, warm: None, css: str) -> None:  # noqa: F811
    poster, native = both(write_page(tmp_path / "p", colourful, video(V1 + f"filter:{css}")))
    check_native(css, poster, native, kind="two_capture", box=BOX, shown=None, exact=FILTERS[css])
    unfiltered = write_page(tmp_path / "plain", colourful, video(V1))
    with BrowserSession(unfiltered, media_path="native", capture_format="png") as session:
        plain = session.capture_frame(TIMES[0])
    assert psnr(plain, native.frames[0], BOX) < 40, f"{css}: the filter changed nothing"


def test_filter_with_a_box_and_a_full_frame(tmp_path: Path, colourful: Path, warm: None) -> None:  # noqa: F811
    """The video's own box is filtered by Chromium in the part below (a green border turned grey by
    grayscale); a full-frame video with a filter is one capture (nothing below it)."""
    body = video(V1 + "border:4px solid #0c0;background:#c00;filter:grayscale(1) contrast(1.2)")
    poster, native = both(write_page(tmp_path / "box", colourful, body))
    check_native("box", poster, native, kind="two_capture", box=(40, 20, 168, 104), shown=None, exact=True)
    r, g, b = (native.frames[0][22, 100] // 257).tolist()
    assert abs(r - g) <= 1 and abs(g - b) <= 1 and g > 40, "the border was not filtered"
    full = video("position:absolute;left:0;top:0;width:320px;height:180px;object-fit:fill;"
                 "filter:saturate(0.9) contrast(1.04)")
    poster, native = both(write_page(tmp_path / "full", colourful, full))
    check_native("full frame", poster, native, kind="native", box=(0, 0, 320, 180), shown=None)


def test_ten_bit_source_is_filtered_at_16_bits(tmp_path: Path, warm: None) -> None:  # noqa: F811
    """A 10-bit clip is filtered at 16 bits: within 45 dB of Chromium's 8-bit filtering, with levels
    between the 8-bit ones kept."""
    deep = write_numbered_video(tmp_path / "deep.mp4", frames=48, fps=24, size=SIZE, codec="h264_10")
    folder = write_page(tmp_path / "p", deep, video(V1 + "filter:contrast(1.3) sepia(0.4)"))
    poster, _ = both(folder)
    with BrowserSession(folder, media_path="native", capture_format="png") as session:
        # a render's frames (`engine.render`): a source deeper than 8 bits decoded at 16
        session.share_video(VideoFrames(session.plan.media_clips, float(session.plan.duration), deep=True))
        frames = [session.capture_frame(t).copy() for t in TIMES]
        assert session._video is not None
        assert session._video.frames.layer_frames.get("two_capture") == len(TIMES)
    x, y, w, h = BOX
    for t, a, b in zip(TIMES, poster.frames, frames, strict=True):
        assert psnr(a, b) >= 45 and psnr(a, b, BOX) >= 45, f"t={t}: {psnr(a, b, BOX):.1f} dB in the box"
        assert np.mean(b[y:y + h, x:x + w] % 257 != 0) > 0.5, f"t={t}: the filtered 10-bit frame has 8 bits"


def test_opacity_filter_over_a_background_of_its_own_is_refused(tmp_path: Path, colourful: Path,
                                                               warm: None) -> None:  # noqa: F811
    body = video(V1 + "background:#c00;filter:opacity(0.5) contrast(1.2)")
    poster, native = both(write_page(tmp_path / "p", colourful, body))
    check_fallback("opacity()", poster, native, "as a group (filter: opacity(0.5) contrast(1.2); background-color")


REFUSED = {"blur(2px)": "blur()", "contrast(1.1) drop-shadow(rgb(0, 0, 0) 2px 2px 0px)": "drop-shadow()"}


@pytest.mark.parametrize("css", list(REFUSED))
def test_other_filter_functions_keep_the_poster(tmp_path: Path, colourful: Path, warm: None, css: str) -> None:  # noqa: F811
    named = REFUSED[css]
    poster, native = both(write_page(tmp_path / "p", colourful, video(V1 + f"filter:{css}")))
    check_fallback(css, poster, native, f"filter not drawn natively (filter: {css}; {named} is not a colour function")


def test_hdr_render_keeps_the_poster(tmp_path: Path, colourful: Path, warm: None) -> None:  # noqa: F811
    """In an HDR render Chromium filters the SDR picture: a filtered video is refused natively, named."""
    folder = write_page(tmp_path / "p", colourful, video(V1 + "filter:contrast(1.1)"))
    with BrowserSession(folder, media_path="native", capture_format="png", dynamic_range="hdr") as session:
        session.capture_frame(TIMES[0])
        assert session._video is not None
        kinds = dict(session._video.frames.layer_frames)
        found = [w for w in session.warnings if w.code == "native-video"]
    assert kinds.get("poster") == 1 and not kinds.get("two_capture"), kinds
    assert len(found) == 1 and "drawn natively in SDR renders only (this render is HDR: hlg)" in found[0].message

