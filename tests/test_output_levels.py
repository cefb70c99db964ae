"""Output levels: 16-bit RGB reaches YUV at the exact code values of the matrix (swscale takes
65280 as 16-bit full scale; the encoder scales by 255/256 first: `engine.output.encoder._rgb48_frame`)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from engine.output.encoder import Encoder


@pytest.mark.parametrize(("name", "codec", "pix_fmt", "white", "black", "step"), [
    ("a.mp4", "auto", "yuv420p", 235, 16, 219),
    ("b.mkv", "hevc", "yuv420p10le", 940, 64, 876),
    ("c.mov", "auto", "yuv444p12le", 3760, 256, 3504),
])
def test_white_grey_and_black_land_on_their_codes(tmp_path: Path, name: str, codec: str, pix_fmt: str, white: int,
                                                  black: int, step: int) -> None:
    frame = np.zeros((32, 96, 3), np.uint16)
    frame[:, :32] = 65535
    frame[:, 32:64] = 32768
    with Encoder(tmp_path / name, 96, 32, 10, codec=codec, quality="high") as encoder:
        for _ in range(2):
            encoder.write(frame.copy())
    with av.open(str(tmp_path / name)) as container:
        decoded = next(container.decode(video=0))
    assert decoded.format.name == pix_fmt
    plane = decoded.planes[0]
    dtype = np.uint8 if pix_fmt == "yuv420p" else np.uint16
    luma = np.frombuffer(memoryview(plane), dtype).reshape(plane.height, -1)[:, :96].astype(float)
    assert abs(np.median(luma[8:24, 4:28]) - white) <= 0.5 * step / 219  # white: 65535, not 65280, is full scale
    assert abs(np.median(luma[8:24, 36:60]) - (black + step * 32768 / 65535)) <= step / 219
    assert abs(np.median(luma[8:24, 68:92]) - black) <= 0.5 * step / 219
