"""SDR pictures placed in an HDR signal, as BT.2408 says: what the page draws (and, until HDR
layers stay native, the tone-mapped footage) reaches an HDR output at reference white.

An rgb48le frame holds BT.709 primaries and the BT.1886 transfer (the SDR picture every capture
is). `to_hdr_signal` takes it to display light (BT.1886 inverse, gamma 2.4), to BT.2020
primaries (the BT.2087 matrix), puts SDR white at 203 nits, and encodes that light with the
output's transfer: PQ (SMPTE ST 2084 inverse EOTF: white at 58 % signal, 10-bit limited code
573) or HLG (the BT.2100 inverse OOTF at a 1000-nit nominal peak, system gamma 1.2, then the
OETF: white at 75 % signal, code 721). The result is rgb48le in the HDR signal, which the
encoder turns into BT.2020 non-constant-luminance YUV.

The non-linear steps go through lookup tables indexed by the square root of linear light, so
near-black keeps its precision (an 8-bit capture's darkest step is 1.6e-6 of white in linear
light) and a 1080p frame costs a few table look-ups and one 3x3 matrix per pixel.
"""

from __future__ import annotations

import numpy as np

__all__ = ["REFERENCE_WHITE_NITS", "BT709_TO_BT2020", "pq_encode", "hlg_encode", "hlg_from_display", "to_hdr_signal"]

#: BT.2408: SDR reference white in an HDR signal.
REFERENCE_WHITE_NITS = 203.0
_HLG_PEAK_NITS = 1000.0
_HLG_GAMMA = 1.2
#: BT.2087: linear BT.709 RGB to linear BT.2020 RGB.
BT709_TO_BT2020 = np.array([[0.6274, 0.3293, 0.0433],
                            [0.0691, 0.9195, 0.0114],
                            [0.0164, 0.0880, 0.8956]], dtype=np.float32)
_BT2020_LUMA = np.array([0.2627, 0.6780, 0.0593], dtype=np.float32)
_TABLE = 1 << 16  # entries of each lookup table


def pq_encode(nits: np.ndarray) -> np.ndarray:
    """SMPTE ST 2084 inverse EOTF: absolute luminance (nits, 0..10000) to PQ signal (0..1)."""
    m1, m2, c1, c2, c3 = 2610 / 16384, 2523 / 4096 * 128, 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
    y = np.power(np.clip(np.asarray(nits, dtype=np.float64) / 10000.0, 0.0, 1.0), m1)
    return np.asarray(np.power((c1 + c2 * y) / (1 + c3 * y), m2))


def hlg_encode(scene: np.ndarray) -> np.ndarray:
    """BT.2100 HLG OETF: normalised scene light (0..1) to HLG signal (0..1)."""
    a, b = 0.17883277, 1 - 4 * 0.17883277
    c = 0.5 - a * np.log(4 * a)
    e = np.clip(np.asarray(scene, dtype=np.float64), 0.0, 1.0)
    low = np.sqrt(3 * e)
    high = a * np.log(np.maximum(12 * e - b, 1e-12)) + c
    return np.asarray(np.where(e <= 1 / 12, low, high))


def _sqrt_domain(fn: object) -> np.ndarray:
    """A table over u in [0, 1] (u = sqrt of linear light) of fn(u * u), as 16-bit codes."""
    u = np.linspace(0.0, 1.0, _TABLE)
    values = fn(u * u)  # type: ignore[operator]
    return np.round(np.clip(values, 0.0, 1.0) * 65535.0).astype(np.uint16)


_BT1886 = (np.linspace(0.0, 1.0, 65536) ** 2.4).astype(np.float32)  # 16-bit SDR code -> relative linear light
_PQ_TABLE = _sqrt_domain(lambda lin: pq_encode(lin * REFERENCE_WHITE_NITS))
# HLG: display light at the reference white's level, relative to the nominal peak, after the inverse OOTF
_HLG_TABLE = _sqrt_domain(hlg_encode)


def to_hdr_signal(frame: np.ndarray, transfer: str) -> np.ndarray:
    """The rgb48le SDR `frame` ((h, w, 3) uint16, BT.709) as rgb48le in the `transfer` (``pq`` or
    ``hlg``) signal with BT.2020 primaries, SDR white at BT.2408's reference white."""
    if transfer not in ("pq", "hlg"):
        raise ValueError(f"transfer must be 'pq' or 'hlg', got {transfer!r}")
    linear = _BT1886[frame[..., :3]]  # relative to SDR white
    linear = linear @ BT709_TO_BT2020.T
    np.clip(linear, 0.0, 1.0, out=linear)
    if transfer == "pq":
        index = np.sqrt(linear)
        return _PQ_TABLE[np.rint(index * (_TABLE - 1)).astype(np.int32)]
    # HLG: display light relative to the 1000-nit peak, then the inverse OOTF and the OETF
    return hlg_from_display(linear * np.float32(REFERENCE_WHITE_NITS / _HLG_PEAK_NITS))


def hlg_from_display(display: np.ndarray) -> np.ndarray:
    """BT.2020 linear display light relative to HLG's 1000-nit nominal peak ((..., 3), 0..1) as
    HLG signal codes (uint16): the inverse OOTF (scene light = display light * Yd^((1 - gamma) /
    gamma), system gamma 1.2), then the OETF."""
    display = np.asarray(display, dtype=np.float32)
    luma = np.maximum(display @ _BT2020_LUMA, np.float32(1e-9))
    scene = display * (luma ** np.float32((1 - _HLG_GAMMA) / _HLG_GAMMA))[..., None]
    np.clip(scene, 0.0, 1.0, out=scene)
    return _HLG_TABLE[np.rint(np.sqrt(scene) * (_TABLE - 1)).astype(np.int32)]
