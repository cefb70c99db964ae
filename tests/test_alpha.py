"""Transparent output (--alpha): premultiplied RGBA through capture, blends (GL and CPU alike)
and the encoders that keep alpha, checked by decoding."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from images import psnr16

import engine
from engine.errors import ConfigError
from engine.frames import premultiply_into, unpremultiply

ALPHA = Path(__file__).parent / "fixtures" / "alpha"
BUILTINS = [t.name for t in engine.transitions() if t.origin == "builtin"]
W, H = 96, 64


def rgba_frame(seed: int) -> np.ndarray:
    """Premultiplied rgba64le noise with alpha from 0 to 1 (colour never above alpha)."""
    rng = np.random.default_rng(seed)
    alpha = rng.integers(0, 65536, (H, W, 1), dtype=np.uint32)
    alpha[: H // 4] = 0
    alpha[-H // 4:] = 65535
    colour = rng.integers(0, 65536, (H, W, 3), dtype=np.uint32) * alpha // 65535
    return np.concatenate([colour, alpha], axis=2).astype(np.uint16)


def test_premultiply_and_back() -> None:
    straight = np.array([[[255, 0, 0, 128], [10, 200, 30, 255], [90, 90, 90, 0]]], np.uint8)
    pre = premultiply_into(straight, np.empty((1, 3, 4), np.uint16))
    assert pre[0, 0].tolist() == [32896, 0, 0, 32896]  # red at half alpha: colour 0.502 * alpha
    assert pre[0, 1].tolist() == [2570, 51400, 7710, 65535]  # opaque: v * 257, exact
    assert pre[0, 2].tolist() == [0, 0, 0, 0]
    back = unpremultiply(pre)
    assert back[0, 0].tolist() == [65535, 0, 0, 32896] and back[0, 1].tolist() == pre[0, 1].tolist()
    assert back[0, 2].tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize("backend", ["gl", "cpu"])
def test_crossfade_from_transparent_to_opaque_is_half_transparent_with_the_opaque_colour(backend: str) -> None:
    clear = np.zeros((H, W, 4), np.uint16)
    opaque = np.zeros((H, W, 4), np.uint16)
    opaque[...] = (0, 40000, 20000, 65535)
    with engine.Blender(backend) as blender:
        half = blender.blend("crossfade", clear, opaque, 0.5)
    assert np.abs(half[0, 0].astype(int) - (0, 20000, 10000, 32768)).max() <= 1
    straight = unpremultiply(half)
    assert np.abs(straight[0, 0, :3].astype(int) - (0, 40000, 20000)).max() <= 2  # the opaque scene's colour


@pytest.mark.parametrize("name", BUILTINS)
def test_gl_matches_cpu_on_rgba(name: str, gl_blender: engine.Blender, cpu_blender: engine.Blender) -> None:
    frm, to = rgba_frame(1), rgba_frame(2)
    for p in (0.0, 0.5, 1.0):
        gl, cpu = gl_blender.blend(name, frm, to, p), cpu_blender.blend(name, frm, to, p)
        assert (gl[..., :3] <= gl[..., 3:]).all() and (cpu[..., :3] <= cpu[..., 3:]).all()  # premultiplied
        for what, a, b in (("colour", gl[..., :3], cpu[..., :3]), ("alpha", gl[..., 3:], cpu[..., 3:])):
            score = psnr16(np.ascontiguousarray(a), np.ascontiguousarray(b))
            assert score >= 36, f"{name} at {p}: GL vs CPU {what} {score:.1f} dB"
    for blender in (gl_blender, cpu_blender):  # the endpoints are the scenes, alpha included
        assert np.abs(blender.blend(name, frm, to, 0.0).astype(int) - frm).max() <= 2, (name, blender.backend)
        assert np.abs(blender.blend(name, frm, to, 1.0).astype(int) - to).max() <= 2, (name, blender.backend)


@pytest.mark.parametrize(("output", "kwargs", "message"), [
    ("v.mp4", {}, r"codec 'h264' has no alpha channel .* prores \(.mov\), vp9 \(.webm, .mkv\), png \(.png\)"),
    ("v.gif", {}, "codec 'gif' has no alpha channel"),
    ("v.mov", {"capture": {"capture_format": "jpeg"}}, "alpha needs PNG captures"),
])
def test_alpha_needs_an_encoder_and_a_capture_that_keep_it(tmp_path: Path, output: str, kwargs: dict[str, object],
                                                            message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        engine.render(ALPHA, tmp_path / output, alpha=True, workers=1, **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def decode_rgba(path: Path) -> list[np.ndarray]:
    """Straight rgba64le frames of `path` (VP9's alpha needs libvpx's decoder)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if stream.codec_context.name == "vp9":
            decoder = av.CodecContext.create("libvpx-vp9", "r")
            return [f.to_ndarray(format="rgba64le") for p in container.demux(stream) for f in decoder.decode(p)]
        return [f.to_ndarray(format="rgba64le") for f in container.decode(stream)]


# (frame, (y, x)) -> expected straight (r, g, b, a) in [0, 1]: before, inside and after the crossfade.
POINTS = {
    (0, (4, 4)): (None, 0.0),                     # nothing painted: transparent
    (0, (12, 12)): ((1, 0, 0), 0.5),              # the half-transparent red box
    (0, (12, 45)): ((0, 0, 1), 1.0),              # the opaque blue square
    (10, (4, 4)): ((0, 1, 0), 0.5),               # half way: the green at half alpha (premultiplied mix)
    (10, (12, 12)): ((1 / 3, 2 / 3, 0), 0.75),    # red .5 over nothing, mixed with opaque green
    (10, (12, 45)): ((0, 0.5, 0.5), 1.0),
    (19, (4, 4)): ((0, 1, 0), 1.0),
}


def check_points(frames: list[np.ndarray], colour_tol: float, alpha_tol: float) -> None:
    assert len(frames) == 20
    for (index, (y, x)), (colour, alpha) in POINTS.items():
        got = frames[index][y, x].astype(float) / 65535
        assert abs(got[3] - alpha) <= alpha_tol, (index, y, x, got)
        if colour is not None:
            assert np.abs(got[:3] - colour).max() <= colour_tol, (index, y, x, got)


@pytest.mark.usefixtures("chromium_leak_check")
@pytest.mark.parametrize(("output", "backend", "workers", "colour_tol"), [
    ("seq/f_%02d.png", "cpu", 1, 0.01),     # 16-bit RGBA PNG at high: exact but for 8-bit captures
    ("seq/f_%02d.png", "gl", 2, 0.01),      # GL, on the hybrid path
    ("v.mov", "cpu", 2, 0.02),              # ProRes 4444 with alpha
    ("v.webm", "gl", 1, 0.06),              # VP9 yuva420p: 4:2:0 colour, lossy
])
def test_alpha_render_decoded_at_known_points(tmp_path: Path, output: str, backend: str, workers: int,
                                              colour_tol: float) -> None:
    out = tmp_path / output
    result = engine.render(ALPHA, out, alpha=True, backend=backend, workers=workers, quality="high")
    assert result.alpha and result.capture_format == "png" and result.backend == backend
    if "%" in output:
        frames = [decode_rgba(out.parent / f"f_{i:02d}.png")[0] for i in range(20)]
        with av.open(str(out.parent / "f_00.png")) as container:
            assert container.streams.video[0].codec_context.pix_fmt == "rgba64be"
    else:
        frames = decode_rgba(out)
    check_points(frames, colour_tol, 0.02)


@pytest.mark.usefixtures("chromium_leak_check")
def test_alpha_and_opaque_paths_agree_where_the_page_is_opaque(tmp_path: Path) -> None:
    opaque = engine.render(ALPHA, tmp_path / "o" / "f_%02d.png", quality="high", workers=1)
    alpha = engine.render(ALPHA, tmp_path / "a" / "f_%02d.png", quality="high", workers=1, alpha=True)
    assert opaque.frames == alpha.frames == 20
    last_opaque = decode_rgba(tmp_path / "o" / "f_19.png")[0]
    last_alpha = decode_rgba(tmp_path / "a" / "f_19.png")[0]
    assert psnr16(np.ascontiguousarray(last_opaque[..., :3]), np.ascontiguousarray(last_alpha[..., :3])) > 60
