"""Transitions between frames with alpha: premultiplied rgba64le, blended as two images.

Alpha renders carry frames as (height, width, 4) uint16 with premultiplied alpha: the colour is
already multiplied by its alpha, so mixing two frames mixes what they show (a crossfade from a
transparent scene to an opaque one is, half way, the opaque scene's colour at half alpha; with
straight alpha the transparent scene's invisible colour would bleed in). The one rule for every
transition, on GL and on the CPU alike: the frame's colour is the transition of the two
premultiplied colours, and its alpha is the same transition of the two alpha channels, each
blended as a grey image. A transition that moves, masks or mixes pixels (a wipe, a zoom, a
dissolve) moves, masks and mixes alpha with them; one that adds light (a flash, a glow, a leak)
adds to alpha what it adds to each colour's red channel, so the light shows over transparency.
Colour is finally kept at or below alpha, as premultiplied colour must be. (The conversions from
and to straight alpha are the frame contract's: `engine.frames`.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

__all__ = ["blend_rgba"]

_local = threading.local()

#: blend(frm, to, out) of rgb48le frames, the transition and its progress already chosen.
RgbBlend = Callable[[np.ndarray, np.ndarray, np.ndarray], object]


def _scratch(height: int, width: int) -> list[np.ndarray]:
    """Six (height, width, 3) buffers for this thread: from/to/out colour, from/to/out alpha."""
    key = (height, width)
    if getattr(_local, "key", None) != key:
        _local.key, _local.buffers = key, [np.empty((height, width, 3), np.uint16) for _ in range(6)]
    return list(_local.buffers)


def blend_rgba(blend: RgbBlend, frm: np.ndarray, to: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Blend premultiplied rgba64le `frm` and `to` into `out` with `blend`, the colour and the
    alpha as two rgb48le images (the rule above)."""
    height, width = frm.shape[:2]
    fc, tc, oc, fa, ta, oa = _scratch(height, width)
    np.copyto(fc, frm[..., :3])
    np.copyto(tc, to[..., :3])
    np.copyto(fa, frm[..., 3:4])  # broadcast: the alpha in all three channels
    np.copyto(ta, to[..., 3:4])
    blend(fc, tc, oc)
    blend(fa, ta, oa)
    out[..., 3] = oa[..., 0]
    np.minimum(oc, out[..., 3:4], out=out[..., :3])
    return out
