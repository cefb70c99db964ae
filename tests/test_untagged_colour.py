"""Colour of untagged footage: a video whose file leaves the YUV matrix unspecified is decoded with
players' rule (`engine.media.probe.untagged_matrix`): BT.601 below HD sizes, BT.709 from 1280x720
up; a tagged video keeps its tag. Real H.264 clips made with PyAV, decoded by the engine's own
`VideoDecoder`, and one render through `engine.render`.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from av.video.reformatter import ColorRange, Colorspace
from helpers import composition

import engine
from engine.media.probe import probe_source, untagged_matrix
from engine.media.video import VideoDecoder

GREEN = (0, 255, 0)
UNSPECIFIED, BT709, SMPTE170M = 2, 1, 6  # FFmpeg's AVColorSpace


def write_green(path: Path, size: tuple[int, int], matrix: Colorspace, tag: int = UNSPECIFIED) -> Path:
    """Two lossless H.264 frames of pure green converted to limited-range YUV with `matrix`,
    tagged with the AVColorSpace `tag` (UNSPECIFIED: no matrix tag, no range tag)."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=24, options={"preset": "ultrafast", "qp": "0",
                                                                   "x264-params": "log=-1"})
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.colorspace = tag
        stream.codec_context.color_range = 0 if tag == UNSPECIFIED else 1
        for i in range(2):
            rgb = av.VideoFrame.from_ndarray(np.full((height, width, 3), GREEN, np.uint8), format="rgb24")
            frame = rgb.reformat(format="yuv420p", dst_colorspace=matrix, dst_color_range=ColorRange.MPEG)
            frame.colorspace, frame.color_range = tag, (0 if tag == UNSPECIFIED else 1)
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def decoded(path: Path, depth: int) -> np.ndarray:
    """The engine's pixel (0..255 floats) at the middle of the clip's first frame."""
    info = probe_source(path, f'<video src="{path.name}">', need_video=True)
    with VideoDecoder(info, depth=depth) as decoder:
        pixels = decoder.frame_at(0)[1]
    top = 255.0 if depth == 8 else 65535.0
    return pixels[pixels.shape[0] // 2, pixels.shape[1] // 2].astype(float) * 255.0 / top


def test_the_rule_by_size() -> None:
    assert untagged_matrix(640, 360) == "smpte170m"
    assert untagged_matrix(720, 576) == "smpte170m"  # PAL SD
    assert untagged_matrix(720, 480) == "smpte170m"  # NTSC SD
    assert untagged_matrix(1279, 719) == "smpte170m"
    assert untagged_matrix(1280, 720) == "bt709"
    assert untagged_matrix(1280, 536) == "bt709"  # a 2.39:1 HD crop: wide enough
    assert untagged_matrix(960, 720) == "bt709"  # 4:3 HD: high enough
    assert untagged_matrix(720, 1280) == "bt709"  # portrait HD
    assert untagged_matrix(1920, 1080) == "bt709"


@pytest.mark.parametrize("depth", [8, 16])
def test_untagged_sd_clip_is_bt601(tmp_path: Path, depth: int) -> None:
    path = write_green(tmp_path / "sd.mp4", (640, 360), Colorspace.ITU601)
    pixel = decoded(path, depth)
    assert np.abs(pixel - GREEN).max() <= 2.0, pixel
    # what BT.709 (the old assumption) makes of the same samples: visibly not green
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
    wrong = frame.reformat(format="rgb24", src_colorspace=Colorspace.ITU709).to_ndarray()[180, 320].astype(float)
    assert np.abs(wrong - GREEN).max() > 15, wrong


@pytest.mark.parametrize("size", [(1280, 720), (960, 720)])
def test_untagged_hd_clip_is_bt709(tmp_path: Path, size: tuple[int, int]) -> None:
    path = write_green(tmp_path / "hd.mp4", size, Colorspace.ITU709)
    for depth in (8, 16):
        pixel = decoded(path, depth)
        assert np.abs(pixel - GREEN).max() <= 2.0, (depth, pixel)


@pytest.mark.parametrize("size, matrix, tag", [
    ((640, 360), Colorspace.ITU709, BT709),        # small but tagged BT.709: its tag, not the size rule
    ((1280, 720), Colorspace.ITU601, SMPTE170M),   # HD but tagged BT.601
])
def test_tagged_clip_keeps_its_tag(tmp_path: Path, size: tuple[int, int], matrix: Colorspace, tag: int) -> None:
    path = write_green(tmp_path / "tagged.mp4", size, matrix, tag)
    with av.open(str(path)) as container:
        assert next(container.decode(video=0)).colorspace == tag
    pixel = decoded(path, 8)
    assert np.abs(pixel - GREEN).max() <= 2.0, pixel


@pytest.mark.browser
def test_render_shows_untagged_sd_green_as_green(tmp_path: Path) -> None:
    folder = composition(tmp_path / "comp", '<video class="clip" src="green.mp4" muted></video>', id="g", width=160,
                         height=90, duration=0.2, fps=10,
                         head="<style>html, body { margin: 0; background: #000 }video { position: absolute; left: 0; "
                         "top: 0; width: 160px; height: 90px; object-fit: fill }</style>")
    write_green(folder / "green.mp4", (640, 360), Colorspace.ITU601)
    out = tmp_path / "out.mp4"
    result = engine.render(folder, out, workers=1, quality="high")
    assert result.frames == 2
    with av.open(str(out)) as container:
        frame = next(container.decode(video=0))
        assert frame.colorspace == BT709  # the output is tagged: decode it as such
        rgb = frame.reformat(format="rgb24", src_colorspace=Colorspace.ITU709).to_ndarray()
    pixel = rgb[45, 80].astype(float)
    assert np.abs(pixel - GREEN).max() <= 6.0, pixel  # BT.709 decoding of the clip gives (0, 216, 0)
