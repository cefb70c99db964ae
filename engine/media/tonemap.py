"""HDR sources shown in an SDR render: PQ and HLG BT.2020 pictures tone-mapped to BT.709. Pure numpy.

Renders are SDR today (an HDR output is issue 13's work), so an HDR clip is converted, not shown
as its raw code values (which would look washed out and dim). The operator, documented in the
README:

1. Signal to display light in nits: PQ by SMPTE ST 2084's EOTF; HLG by BT.2100's inverse OETF
   and its OOTF for a 1000-nit display (system gamma 1.2).
2. BT.2020 primaries to BT.709 (BT.2087's matrix on linear light; out-of-gamut colour clipped).
3. Brightness relative to HDR reference white (BT.2408: 203 nits, where graphics white and skin
   tones sit), then a knee on the largest channel, scaling all three alike so hue is kept:
   unchanged up to 0.8 of SDR white, and above it ``k + (1 - k) * (1 - exp(-(x - k) / (1 - k)))``,
   which has slope 1 at the knee and approaches SDR white: 203 nits lands at 93 % of SDR white,
   1000 nits at 99.9 %.
4. BT.709 display-referred signal: the inverse of BT.1886's 2.4 gamma.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["tone_map_to_sdr", "REFERENCE_WHITE_NITS", "KNEE", "pq_eotf", "hlg_display"]

REFERENCE_WHITE_NITS = 203.0
KNEE = 0.8
_M1, _M2 = 2610 / 16384, 2523 / 4096 * 128
_C1, _C2, _C3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
_HLG_A, _HLG_B, _HLG_C = 0.17883277, 0.28466892, 0.55991073
_HLG_PEAK, _HLG_GAMMA = 1000.0, 1.2
#: BT.2087: linear BT.2020 RGB -> linear BT.709 RGB.
_BT2020_TO_709 = np.array([[1.6605, -0.5876, -0.0728], [-0.1246, 1.1329, -0.0083], [-0.0182, -0.1006, 1.1187]],
                          np.float32)
_BT2020_LUMA = np.array([0.2627, 0.6780, 0.0593], np.float32)


def pq_eotf(signal: np.ndarray) -> np.ndarray:
    """PQ signal in [0, 1] -> nits."""
    p = np.power(np.clip(signal, 0, 1), 1 / _M2)
    return 10000.0 * np.power(np.maximum(p - _C1, 0) / (_C2 - _C3 * p), 1 / _M1)


def _hlg_inverse_oetf(signal: np.ndarray) -> np.ndarray:
    e = np.clip(signal, 0, 1)
    return np.where(e <= 0.5, e * e / 3, (np.exp((e - _HLG_C) / _HLG_A) + _HLG_B) / 12)


def hlg_display(rgb_signal: np.ndarray) -> np.ndarray:
    """HLG RGB signal (..., 3) in [0, 1] -> display light in nits on a 1000-nit display."""
    scene = _hlg_inverse_oetf(rgb_signal)
    luma = np.maximum(scene @ _BT2020_LUMA, 1e-12)[..., None]
    return _HLG_PEAK * np.power(luma, _HLG_GAMMA - 1) * scene


@functools.lru_cache(maxsize=4)
def _signal_lut(transfer: str, levels: int) -> np.ndarray:
    """Code value -> nits for PQ (a table over the code values); HLG's OOTF mixes channels, so its
    table gives the scene signal only."""
    signal = np.arange(levels, dtype=np.float64) / (levels - 1)
    return (pq_eotf(signal) if transfer == "pq" else signal).astype(np.float32)


def _knee(x: np.ndarray) -> np.ndarray:
    above = KNEE + (1 - KNEE) * (1 - np.exp(-(x - KNEE) / (1 - KNEE)))
    return np.where(x <= KNEE, x, above)


def tone_map_to_sdr(pixels: np.ndarray, transfer: str) -> np.ndarray:
    """BT.2020 `transfer` (``pq`` or ``hlg``) RGB code values (uint8 or uint16, (..., 3)) -> BT.709
    SDR code values of the same dtype (the operator above)."""
    levels = 256 if pixels.dtype == np.uint8 else 65536
    lut = _signal_lut(transfer, levels)
    values = lut[pixels]
    nits = values if transfer == "pq" else hlg_display(values)
    linear = np.maximum(nits @ _BT2020_TO_709.T, 0) / REFERENCE_WHITE_NITS
    peak = linear.max(axis=-1, keepdims=True)
    scale = np.where(peak > KNEE, _knee(peak) / np.maximum(peak, 1e-12), 1.0)
    sdr = np.clip(linear * scale, 0, 1)
    out = np.power(sdr, 1 / 2.4) * (levels - 1) + 0.5
    return out.astype(pixels.dtype)
