"""A 10-bit source keeps its levels through a native video layer (issue 29, step 3): a 10-bit luma
ramp rendered to a 10-bit output comes out without the 8-bit staircase the poster path leaves."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from helpers import composition

import engine

W, H = 512, 32
LO, HI = 64, 940  # limited-range 10-bit luma from black to white


def write_ramp(path: Path) -> Path:
    """A lossless 10-bit H.264 clip (BT.709, limited) whose luma rises linearly left to right."""
    ramp = np.round(LO + (HI - LO) * np.arange(W) / (W - 1)).astype(np.uint16)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10, options={"preset": "ultrafast", "qp": "0",
                                                                   "x264-params": "log=-1"})
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p10le"
        stream.codec_context.colorspace, stream.codec_context.color_range = 1, 1
        for i in range(3):
            frame = av.VideoFrame(W, H, "yuv420p10le")
            for n, plane in enumerate(frame.planes):
                rows, width = plane.height, plane.line_size // 2
                values = np.tile(ramp, (rows, 1)) if n == 0 else np.full((rows, plane.width), 512, np.uint16)
                padded = np.zeros((rows, width), np.uint16)
                padded[:, :values.shape[1]] = values
                plane.update(padded.tobytes())
            frame.colorspace, frame.color_range, frame.pts = 1, 1, i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def luma_residual(video: Path) -> float:
    """RMS distance (10-bit codes) of the middle row's luma from its least-squares straight line,
    over the ramp's inner 90 % (the edges' chroma-siting blur left out)."""
    with av.open(str(video)) as container:
        frame = next(container.decode(video=0))
        bits = 10 if "p10" in frame.format.name else 12 if "p12" in frame.format.name else 0
        assert bits, f"not a 10- or 12-bit output: {frame.format.name}"  # ProRes decodes at 12 bits
        plane = frame.planes[0]
        row = np.frombuffer(bytes(plane), np.uint16).reshape(plane.height, plane.line_size // 2)[H // 2, :W]
        row = row / (1 << (bits - 10))
    x = np.arange(W)[W // 20: -W // 20].astype(float)
    y = row[W // 20: -W // 20].astype(float)
    fit = np.polyval(np.polyfit(x, y, 1), x)
    return float(np.sqrt(np.mean((y - fit) ** 2)))


@pytest.fixture(scope="module")
def ramp_comp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ramp")
    write_ramp(folder / "ramp.mp4")
    video = f'<video src="ramp.mp4" muted style="position:absolute;left:0;top:0;width:{W}px;height:{H}px"></video>'
    return composition(folder, video, id="r", width=W, height=H, duration=0.2, fps=10,
                       head="<style>body{margin:0;background:#000}</style>")


def test_source_ramp_is_straight(ramp_comp: Path) -> None:
    assert luma_residual(ramp_comp / "ramp.mp4") < 0.35


@pytest.mark.parametrize(("codec", "suffix"), [("prores", ".mov"), ("hevc", ".mp4")])
def test_ten_bits_kept_on_the_native_path_and_lost_on_the_poster_path(ramp_comp: Path, tmp_path: Path, codec: str,
                                                                       suffix: str) -> None:
    """At --quality high: ProRes 4444 XQ, and HEVC Main 10 (crf 16; at crf 20 the encoder's own
    quantisation left 0.62 codes)."""
    residual = {}
    for path in ("native", "poster"):
        out = tmp_path / f"{path}{suffix}"
        result = engine.render(ramp_comp, out, codec=codec, quality="high", workers=1,
                               capture={"media_path": path})
        assert result.video_layers["native" if path == "native" else "poster"] == result.frames
        residual[path] = luma_residual(out)
    assert residual["native"] < 0.6, residual
    assert residual["poster"] > 0.8, residual  # the 8-bit staircase: this test can tell the two apart
