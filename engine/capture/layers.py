"""Native video layers: a decoded video frame composited into the captured page, in rgb48le.

The page runtime (``layers.js``) plans, after each seek, whether one video of the frame can be
drawn outside the browser: where (`NativeLayer.rect`, object-fit resolved), what of it is
visible (`clip`, and the `rounded` clips of border-radius on it or a clipping ancestor), at
which `opacity`, and whether anything shows below it (`below`). The page is
then captured in parts around the video, in CSS painting order: what paints below it (when
anything does; the session's capture format), the video's own background, border, shadow and
outline included (its frame moved out of sight), then what paints above it, as a PNG with alpha.
`compose` draws the frame over the first part (bilinear, with anti-aliased edges) and the
second part over that (exact integer source-over): Chromium neither fetches, decodes nor
paints the frame, and a 10-bit source keeps its bits up to the encoder.
"""

from __future__ import annotations

import base64
import importlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import CaptureError
from .frames import decode_rgb8

__all__ = ["NativeLayer", "OverlayDecoder", "compose", "signal_overlay", "layer_kinds", "fallbacks_of", "refusals_of",
           "LAYER_KINDS"]

#: How a video on screen reaches a frame: composited natively with nothing below it (one capture),
#: natively between a capture of what lies below and one of what lies above, or painted by Chromium.
LAYER_KINDS = ("native", "two_capture", "poster")


@dataclass(frozen=True)
class NativeLayer:
    """Where the page's plan draws clip `index`'s frame (viewport pixels: x0, y0, x1, y1), and its
    rounded clips: each x0, y0, x1, y1, then rx, ry of each corner clockwise from the top left."""

    index: int
    rect: tuple[float, float, float, float]
    clip: tuple[float, float, float, float]
    opacity: float
    below: bool
    rounded: tuple[tuple[float, ...], ...] = ()

    @classmethod
    def from_page(cls, value: Any) -> NativeLayer | None:
        """The layer of a seek's result (None: no native layer); CaptureError when malformed."""
        if value is None:
            return None
        try:
            rect = tuple(float(v) for v in value["rect"])
            clip = tuple(float(v) for v in value["clip"])
            rounded = tuple(tuple(float(v) for v in r) for r in value.get("rounded") or ())
            layer = cls(int(value["index"]), rect, clip, float(value["opacity"]), bool(value["below"]),  # type: ignore[arg-type]
                        rounded)
        except (AttributeError, KeyError, TypeError, ValueError):
            raise CaptureError(f"the page runtime returned a malformed video layer: {value!r}") from None
        finite = all(math.isfinite(v) for v in rect + clip + sum(rounded, ()))
        if len(rect) != 4 or len(clip) != 4 or not finite or any(len(r) != 12 or min(r[4:]) < 0 for r in rounded):
            raise CaptureError(f"the page runtime returned a malformed video layer: {value!r}")
        return layer


class OverlayDecoder:
    """Overlay pictures (base64 PNG with alpha) decoded to RGBA8, the last one kept: a frame
    without damage returns the very same picture (`engine.capture.shutter`), which is not decoded
    again."""

    def __init__(self) -> None:
        self._last: str | None = None
        self._rgba: np.ndarray | None = None
        self.decoded = 0
        self.reused = 0

    def __call__(self, overlay_b64: str) -> np.ndarray:
        if overlay_b64 is self._last and self._rgba is not None:
            self.reused += 1
            return self._rgba
        self._rgba = np.ascontiguousarray(decode_rgb8(base64.b64decode(overlay_b64), alpha=True))
        self._last = overlay_b64
        self.decoded += 1
        return self._rgba


def signal_overlay(rgba: np.ndarray, transfer: str) -> tuple[np.ndarray, np.ndarray]:
    """The overlay `rgba` (straight-alpha RGBA8) for an HDR render: its colour in the `transfer`'s
    signal (uint16 RGB, `engine.output.hdr_signal.to_hdr_signal`) and its coverage (uint8)."""
    from ..output.hdr_signal import to_hdr_signal  # numpy work only an HDR render needs

    colour = to_hdr_signal(rgba[..., :3].astype(np.uint16) * np.uint16(257), transfer)
    return np.ascontiguousarray(colour), np.ascontiguousarray(rgba[..., 3])


def compose(buffer: np.ndarray, layer: NativeLayer, pixels: np.ndarray,
            overlay: np.ndarray | tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Draw `pixels` (the clip's decoded frame, uint8 or uint16 RGB) into `buffer` (rgb48le, holding
    the part below the video, or anything when `layer.below` is False: the video covers it), then
    `overlay` (the part above the video: straight-alpha RGBA8, or an HDR render's `signal_overlay`)
    over it. Returns `buffer`."""
    # imported here: a session without video never needs the compiled module
    composite = importlib.import_module("engine.blend.kernels.composite")
    shape = overlay[0].shape if isinstance(overlay, tuple) else overlay.shape
    if shape[:2] != buffer.shape[:2]:
        raise CaptureError(f"the browser returned a {shape[1]}x{shape[0]} overlay; expected "
                           f"{buffer.shape[1]}x{buffer.shape[0]}")
    composite.place(buffer, pixels, layer.rect, layer.clip, max(0.0, min(1.0, layer.opacity)),
                    rounded=layer.rounded or None)
    if isinstance(overlay, tuple):
        composite.over_deep(buffer, *overlay)
    else:
        composite.over(buffer, overlay)
    return buffer


def layer_kinds(layer: NativeLayer | None, visible: int) -> dict[str, int]:
    """How the `visible` videos of one capture were drawn: the native layer (if any) by whether
    anything lies below it, every other one as a poster."""
    native = layer is not None and not layer.below
    two = layer is not None and layer.below
    return {"native": int(native), "two_capture": int(two),
            "poster": max(0, visible - (1 if layer is not None else 0))}


def refusals_of(value: Any) -> dict[str, tuple[str, str]]:
    """The page's refusals (``{index: {element, reason}}``) as index -> (element, reason); malformed
    entries are skipped."""
    if not isinstance(value, dict):
        return {}
    return {str(key): (entry["element"], entry["reason"]) for key, entry in value.items()
            if isinstance(entry, dict) and isinstance(entry.get("element"), str)
            and isinstance(entry.get("reason"), str)}


def fallbacks_of(value: Any) -> list[tuple[str, str]]:
    """The page's refusals (``{index: {element, reason}}``) as (element, reason) pairs; malformed
    entries are skipped."""
    return list(refusals_of(value).values())
