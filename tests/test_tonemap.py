"""HDR sources in an SDR render: PQ and HLG tone-mapped to BT.709 (engine.media.tonemap), in the
pure operator and through the decoder on a PQ file written by PyAV (10-bit, tagged)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import write_hdr_video

from engine.media.probe import probe_source
from engine.media.tonemap import REFERENCE_WHITE_NITS, pq_eotf, tone_map_to_sdr
from engine.media.video import VideoDecoder


def pq_signal(nits: float) -> float:
    """SMPTE ST 2084's inverse EOTF."""
    m1, m2, c1, c2, c3 = 2610 / 16384, 2523 / 4096 * 128, 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
    y = (nits / 10000) ** m1
    return float(((c1 + c2 * y) / (1 + c3 * y)) ** m2)


def sdr(fraction_of_white: float) -> float:
    """The 16-bit BT.709 code of a linear fraction of SDR white (BT.1886 inverse)."""
    return fraction_of_white ** (1 / 2.4) * 65535


def test_operator_fixed_points() -> None:
    assert float(pq_eotf(np.array([pq_signal(203.0)]))[0]) == pytest.approx(203.0, rel=1e-4)
    levels = np.array([[[0, 0, 0], [pq_signal(100)] * 3, [pq_signal(203)] * 3, [pq_signal(1000)] * 3,
                        [pq_signal(10000)] * 3]]) * 65535
    out = tone_map_to_sdr(np.round(levels).astype(np.uint16), "pq")[0, :, 0].astype(float)
    assert out[0] == 0
    assert out[1] == pytest.approx(sdr(100 / REFERENCE_WHITE_NITS), rel=0.002)  # below the knee: unchanged
    assert out[2] == pytest.approx(sdr(0.8 + 0.2 * (1 - np.exp(-1))), rel=0.002)  # reference white: 93 %
    assert out[1] < out[2] < out[3] <= out[4] <= 65535  # highlights compressed, never clipped to a step
    assert out[3] > 0.999 * 65535 * 0.9999 ** 0  # 1000 nits: within 0.1 % of SDR white
    red = tone_map_to_sdr(np.array([[[pq_signal(500) * 65535, 0, 0]]], np.uint16), "pq")[0, 0]
    assert red[0] > 60000 and red[1] == 0 == red[2]  # BT.2020 red out of BT.709's gamut: clipped, hue kept
    hlg = tone_map_to_sdr(np.array([[[0.75 * 65535] * 3]], np.uint16), "hlg")[0, 0, 0]
    assert float(hlg) == pytest.approx(sdr(0.8 + 0.2 * (1 - np.exp(-(203.0 / 203 - 0.8) / 0.2))), rel=0.03)


def write_hdr(path: Path, trc: int, signals: list[float]) -> Path:
    """A lossless 10-bit H.264 of vertical grey bars at the given signal levels, tagged BT.2020 + `trc`."""
    rgb = np.zeros((16, 16 * len(signals), 3), np.uint16)
    for i, level in enumerate(signals):
        rgb[:, 16 * i:16 * (i + 1)] = round(level * 65535)
    return write_hdr_video(path, rgb, {16: "pq", 18: "hlg"}[trc], lossless=True)


@pytest.mark.parametrize("depth", [8, 16])
def test_a_pq_source_decodes_tone_mapped(tmp_path: Path, depth: int) -> None:
    path = write_hdr(tmp_path / "pq.mp4", 16, [0.0, pq_signal(100), pq_signal(203), pq_signal(1000)])
    info = probe_source(path, "<video>", need_video=True)
    assert info.video is not None and info.video.transfer == "pq"
    with VideoDecoder(info, depth=depth) as decoder:
        _, pixels = decoder.frame_at(0.0)
    row = pixels[8, 8::16, 1].astype(float) * (257 if depth == 8 else 1)
    expected = [0, sdr(100 / 203), sdr(0.8 + 0.2 * (1 - np.exp(-1))), 65535]
    assert row == pytest.approx(expected, abs=0.012 * 65535)  # 10-bit 4:2:0 YUV in between
