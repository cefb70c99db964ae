"""HDR still images (issue 30, detection): a local <img> whose PNG carries a cICP chunk with the PQ
or HLG transfer makes the render HDR, as an HDR video does, and is named (hdr-source): Chromium
draws images, in SDR."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from helpers import composition

import engine
from engine.errors import RenderWarning
from engine.media.hdr_images import image_transfer

CICP_TRANSFER = {"pq": 16, "hlg": 18, "sdr": 1}


def write_png(path: Path, transfer: str, level: int = 40000) -> Path:
    """An 8x4 16-bit RGB PNG of one grey `level`, with a cICP chunk (BT.2020 primaries, `transfer`)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + np.full((8, 3), level, ">u2").tobytes() for _ in range(4))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 4, 16, 2, 0, 0, 0))
                     + chunk(b"cICP", bytes([9, CICP_TRANSFER[transfer], 0, 1]))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def test_image_transfer_reads_the_tags(tmp_path: Path) -> None:
    assert image_transfer(write_png(tmp_path / "pq.png", "pq")) == "pq"
    assert image_transfer(write_png(tmp_path / "hlg.png", "hlg")) == "hlg"
    assert image_transfer(write_png(tmp_path / "sdr.png", "sdr")) is None
    (tmp_path / "junk.png").write_bytes(b"not an image")
    assert image_transfer(tmp_path / "junk.png") is None


@pytest.mark.parametrize("transfer", ["pq", "hlg"])
def test_an_hdr_image_makes_the_render_hdr_and_is_named(tmp_path: Path, transfer: str) -> None:
    folder = composition(tmp_path / "c", '<img id="photo" src="photo.png" style="width:64px;height:36px">',
                         duration=0.2, fps=10)
    write_png(folder / "photo.png", transfer)
    with pytest.warns(RenderWarning, match=r'<img id="photo" src="photo.png">.*HDR image.*Chromium draws images'):
        result = engine.render(folder, tmp_path / "out.mp4")
    assert (result.dynamic_range, result.codec) == (f"hdr-{transfer}", "hevc")
    assert '<img id="photo"' in result.dynamic_range_reason
    assert [w["code"] for w in result.warnings] == ["hdr-source"]
    with pytest.warns(RenderWarning, match="the output is SDR"):
        sdr = engine.render(folder, tmp_path / "sdr.mp4", dynamic_range="sdr")
    assert sdr.dynamic_range == "sdr"
