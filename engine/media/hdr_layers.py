"""A video's decoded pixels in an HDR render's signal, for native layers (issue 30).

An HDR render composites in the output's signal (BT.2020, PQ or HLG, rgb48le): the page's SDR
pictures are converted into it (`engine.output.hdr_signal.to_hdr_signal`), and a native video
layer is placed as decoded, so a source in the output's transfer passes with its code values
untouched where nothing lies over it. What `native_signal` does per source:

- an HDR source in the output's transfer: nothing (its 16-bit RGB signal as swscale decodes it
  with the BT.2020 matrix);
- an HDR source in the other transfer: to display light and back (PQ's EOTF; HLG's inverse OETF
  and OOTF at a 1000-nit nominal peak), then the output's encoding: the two meet at equal
  display light, as BT.2408's conversion between them does;
- an SDR source: as the page's pictures are, SDR white at BT.2408's 203 nits.

`sdr_picture` is what Chromium is given instead, for the frames a video falls back to the
poster path: an HDR signal tone-mapped to BT.709 (`engine.media.tonemap`).
"""

from __future__ import annotations

import numpy as np

from ..output.hdr_signal import hlg_from_display, pq_encode, to_hdr_signal
from .tonemap import hlg_display, pq_eotf, tone_map_to_sdr

__all__ = ["native_signal", "sdr_picture", "convert_transfer"]

_HLG_PEAK_NITS = 1000.0


def _wide(pixels: np.ndarray) -> np.ndarray:
    """uint16 RGB (8-bit pixels scaled by 257, so 255 lands on 65535)."""
    return pixels if pixels.dtype == np.uint16 else pixels.astype(np.uint16) * np.uint16(257)


def convert_transfer(pixels: np.ndarray, source: str, target: str) -> np.ndarray:
    """BT.2020 RGB signal `pixels` (uint16, (..., 3)) in transfer `source` (``pq``/``hlg``) as the
    same display light in transfer `target`, uint16."""
    if source == target:
        return pixels
    signal = pixels.astype(np.float64) / 65535.0
    nits = pq_eotf(signal) if source == "pq" else hlg_display(signal)
    if target == "hlg":
        return hlg_from_display(np.minimum(nits / _HLG_PEAK_NITS, 1.0))
    return np.asarray(np.rint(np.clip(pq_encode(nits), 0.0, 1.0) * 65535.0), dtype=np.uint16)


def native_signal(pixels: np.ndarray, source: str | None, output: str) -> np.ndarray:
    """Decoded RGB `pixels` of a source in transfer `source` (``pq``, ``hlg``; None: SDR BT.709)
    in the `output` transfer's signal (uint16, C-contiguous; a copy)."""
    wide = _wide(pixels)
    if source is None:
        return np.ascontiguousarray(to_hdr_signal(wide, output))
    converted = convert_transfer(wide, source, output)
    return np.ascontiguousarray(converted if converted is not pixels else pixels.copy())


def sdr_picture(pixels: np.ndarray, source: str | None) -> np.ndarray:
    """What the poster path shows of decoded `pixels` of a source in transfer `source`: HDR
    tone-mapped to SDR, SDR as it is."""
    return pixels if source is None else tone_map_to_sdr(_wide(pixels), source)
