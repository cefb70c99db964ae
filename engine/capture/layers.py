"""Native video layers: a decoded video frame composited into the captured page, in rgb48le.

The page runtime (``layers.js``) plans, after each seek, which videos of the frame can be drawn
outside the browser (in paint order: the first, then each later one that can join it within the
same captures, `layers_of`): where (`NativeLayer.rect`, object-fit resolved), what of it is
visible (`clip`, and the `rounded` clips of border-radius on it or a clipping ancestor), at
which `opacity`, through which colour `filters` (CSS brightness, contrast... on the video:
`engine.blend.kernels.colour`, applied to a copy of the frame before it is placed), and whether
anything shows below it (`below`). The page is then captured in parts around the video, in CSS painting order: what paints below it (when
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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import CaptureError
from .frames import decode_rgb8

__all__ = ["NativeLayer", "OverlayDecoder", "compose", "signal_overlay", "layer_kinds", "layers_of", "fallbacks_of",
           "refusals_of", "prefer_poster", "LAYER_KINDS"]

#: How a video on screen reaches a frame: composited natively with nothing below it (one capture),
#: natively between a capture of what lies below and one of what lies above, or painted by Chromium.
LAYER_KINDS = ("native", "two_capture", "poster")

#: The colour filter functions a native layer applies (`engine.blend.kernels.colour.FUNCTIONS`).
COLOUR_FILTERS = ("brightness", "contrast", "saturate", "grayscale", "sepia", "invert", "hue-rotate")


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
    #: CSS colour filter functions on the video, in order: (name, amount), hue-rotate in degrees
    #: (`engine.blend.kernels.colour`); () when none
    filters: tuple[tuple[str, float], ...] = ()
    #: a rotated or skewed video's map (a, b, c, d, e, f, as CSS matrix()) from its local CSS px
    #: (origin at its content box's top left) to viewport pixels; `rect`, `clip` and `rounded` are
    #: then local (`engine.blend.kernels.place_affine`); None: upright, all in viewport pixels
    matrix: tuple[float, float, float, float, float, float] | None = None
    #: with a matrix: the viewport box (x0, y0, x1, y1) it is drawn within (the viewport and
    #: upright clipping ancestors); None: the whole frame
    area: tuple[float, float, float, float] | None = None

    @classmethod
    def from_page(cls, value: Any) -> NativeLayer | None:
        """The layer of a seek's result (None: no native layer); CaptureError when malformed."""
        if value is None:
            return None
        try:
            rect = tuple(float(v) for v in value["rect"])
            clip = tuple(float(v) for v in value["clip"])
            rounded = tuple(tuple(float(v) for v in r) for r in value.get("rounded") or ())
            filters = tuple((str(name), float(amount)) for name, amount in value.get("filters") or ())
            matrix = None if value.get("matrix") is None else tuple(float(v) for v in value["matrix"])
            area = None if matrix is None or value.get("area") is None else tuple(float(v) for v in value["area"])
            layer = cls(int(value["index"]), rect, clip, float(value["opacity"]), bool(value["below"]),  # type: ignore[arg-type]
                        rounded, filters=filters, matrix=matrix, area=area)  # type: ignore[arg-type]
        except (AttributeError, KeyError, TypeError, ValueError):
            raise CaptureError(f"the page runtime returned a malformed video layer: {value!r}") from None
        finite = all(math.isfinite(v) for v in rect + clip + sum(rounded, ()))
        if len(rect) != 4 or len(clip) != 4 or not finite or any(len(r) != 12 or min(r[4:]) < 0 for r in rounded):
            raise CaptureError(f"the page runtime returned a malformed video layer: {value!r}")
        if matrix is not None and (len(matrix) != 6 or not all(math.isfinite(v) for v in matrix + (area or ()))
                                   or abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]) < 1e-9
                                   or (area is not None and len(area) != 4)):
            raise CaptureError(f"the page runtime returned a video layer with a malformed matrix {value['matrix']!r} "
                               f"or area {value.get('area')!r}; expected six finite numbers (a, b, c, d, e, f) of an "
                               "invertible 2D map and four (x0, y0, x1, y1)")
        if any(name not in COLOUR_FILTERS or not math.isfinite(v) or (v < 0 and name != "hue-rotate")
               for name, v in filters):
            raise CaptureError(f"the page runtime returned a video layer with an unsupported filter {filters!r}; "
                               f"expected (name, amount) pairs of {', '.join(COLOUR_FILTERS)}")
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


def compose(buffer: np.ndarray, layers: NativeLayer | Sequence[NativeLayer],
            pixels: np.ndarray | Sequence[np.ndarray],
            overlay: np.ndarray | tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Draw each layer's `pixels` (its clip's decoded frame, uint8 or uint16 RGB; one layer and
    one frame, or lists of both in the page's paint order) into `buffer` (rgb48le, holding the part
    below the videos, or anything when the first layer's `below` is False: it covers it), then
    `overlay` (the part above the videos: straight-alpha RGBA8, or an HDR render's `signal_overlay`)
    over them. Returns `buffer`."""
    if isinstance(layers, NativeLayer):
        layers, pixels = [layers], [pixels]  # type: ignore[list-item]
    if len(layers) != len(pixels):
        raise ValueError(f"compose: {len(layers)} layers but {len(pixels)} frames")
    # imported here: a session without video never needs the compiled module
    composite = importlib.import_module("engine.blend.kernels.composite")
    shape = overlay[0].shape if isinstance(overlay, tuple) else overlay.shape
    if shape[:2] != buffer.shape[:2]:
        raise CaptureError(f"the browser returned a {shape[1]}x{shape[0]} overlay; expected "
                           f"{buffer.shape[1]}x{buffer.shape[0]}")
    for layer, frame in zip(layers, pixels, strict=True):
        _draw(composite, buffer, layer, frame)
    if isinstance(overlay, tuple):
        composite.over_deep(buffer, *overlay)
    else:
        composite.over(buffer, overlay)
    return buffer


def _draw(composite: Any, buffer: np.ndarray, layer: NativeLayer, pixels: np.ndarray) -> None:
    """Draw one layer's decoded frame `pixels` into `buffer` (`composite`: the compiled kernels)."""
    if layer.filters:  # into a copy: the decoded frame is shared (the feed's cache)
        pixels = importlib.import_module("engine.blend.kernels.colour").apply(pixels, layer.filters)
    if layer.matrix is not None:  # rotated or skewed: drawn through its local-to-viewport map
        affine = importlib.import_module("engine.blend.kernels.place_affine")
        affine.place_affine(buffer, pixels, layer.matrix, layer.rect, layer.clip, max(0.0, min(1.0, layer.opacity)),
                            rounded=layer.rounded or None, edge_bias=affine.CHROMIUM_EDGE_BIAS, bounds=layer.area,
                            mipmaps=True)
        return
    composite.place(buffer, pixels, layer.rect, layer.clip, max(0.0, min(1.0, layer.opacity)),
                    rounded=layer.rounded or None)


def layer_kinds(layers: NativeLayer | Sequence[NativeLayer] | None, visible: int) -> dict[str, int]:
    """How the `visible` videos of one capture were drawn: its native layers (paint order) all of
    the first one's kind (by whether anything lies below it: the later ones take no capture of their
    own, they share the frame's), every other video as a poster."""
    layers = [] if layers is None else [layers] if isinstance(layers, NativeLayer) else list(layers)
    two = bool(layers) and layers[0].below
    return {"native": 0 if two else len(layers), "two_capture": len(layers) if two else 0,
            "poster": max(0, visible - len(layers))}


def prefer_poster(depths: dict[int, int], media_path: str, capture_format: str, hdr: str | None) -> list[int]:
    """The clips (index -> bit depth of its video: `depths`) `auto` keeps on the poster path where
    their split would need the part below: 8-bit SDR footage when captures are JPEG. Chromium painting
    such a frame in the one capture costs less than a capture below it and one above (measured:
    1.11-1.36x, bench/RESULTS.md), and the frame has no bits the poster would lose. A video that
    covers the frame (one capture), deeper footage, HDR, PNG captures (``--quality high``) and
    ``media_path='native'`` keep the native path."""
    if media_path != "auto" or capture_format != "jpeg" or hdr is not None:
        return []
    return sorted(index for index, depth in depths.items() if depth <= 8)


def layers_of(reply: Any) -> list[NativeLayer]:
    """The native layers of a seek's reply, in paint order: its ``layers`` (the first is its
    ``layer``), or only its ``layer`` from a page that plans one; CaptureError when malformed."""
    first = NativeLayer.from_page(reply.get("layer"))
    if first is None:
        return []
    found = reply.get("layers")
    if found is None:
        return [first]
    if not isinstance(found, list) or not found:
        raise CaptureError(f"the page runtime returned malformed video layers: {found!r}")
    layers = [NativeLayer.from_page(value) for value in found]
    if layers[0] != first or any(layer is None for layer in layers) or \
            len({layer.index for layer in layers if layer is not None}) != len(layers):
        raise CaptureError(f"the page runtime returned video layers {found!r} that do not start with its layer "
                           f"{reply.get('layer')!r} or repeat a video")
    return [layer for layer in layers if layer is not None]


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
