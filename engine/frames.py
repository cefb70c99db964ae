"""The frame-buffer contract and its one check: uint16, C-contiguous, (height, width, 3) rgb48le,
or (height, width, 4) rgba64le with premultiplied alpha (colour already multiplied by alpha, as
alpha renders carry it; `premultiply_into` and `unpremultiply` convert from and to straight
alpha, and `engine.blend.alpha` is how transitions blend it).

Every part that takes a frame (blend, capture into a caller's buffer, the encoder) checks it
here, so the rule and its messages are the same everywhere."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .errors import FrameError, ProgressError

__all__ = ["check_frame", "check_pair", "check_out", "check_progress", "new_frame", "premultiply_into",
           "unpremultiply"]


def check_frame(frame: Any, what: str, *, shape: tuple[int, int, int] | None = None,
                writeable: bool = False) -> np.ndarray:
    """Return `frame` if it honours the frame contract (and has `shape`, and is writeable when
    asked), else raise FrameError naming `what` and what is expected."""
    expected = f"uint16 (rgb48le or rgba64le) of shape {shape}" if shape is not None else "uint16 (rgb48le or rgba64le)"
    if not isinstance(frame, np.ndarray):
        raise FrameError(f"{what} must be a numpy.ndarray of dtype {expected}, got {type(frame).__name__}")
    if frame.dtype != np.uint16:
        raise FrameError(f"{what} has dtype {frame.dtype}; expected {expected}")
    if frame.ndim != 3 or frame.shape[2] not in (3, 4):
        raise FrameError(f"{what} has shape {frame.shape}; expected {shape or '(height, width, 3) or (height, width, 4)'}")
    if frame.shape[0] < 1 or frame.shape[1] < 1:
        raise FrameError(f"{what} has shape {frame.shape}; width and height must be at least 1")
    if shape is not None and frame.shape != shape:
        raise FrameError(f"{what} has shape {frame.shape}; expected {shape}")
    if not frame.flags.c_contiguous:
        raise FrameError(f"{what} is not C-contiguous; pass numpy.ascontiguousarray({what})")
    if frame.dtype.byteorder == ">":
        raise FrameError(f"{what} is big-endian; expected little-endian rgb48le")
    if writeable and not frame.flags.writeable:
        raise FrameError(f"{what} is read-only; pass a writeable buffer")
    return frame


def new_frame(height: int, width: int, channels: int = 3) -> np.ndarray:
    """A fresh rgb48le buffer, or rgba64le with `channels` 4 (uninitialised)."""
    return np.empty((height, width, channels), dtype=np.uint16)


def check_pair(frm: Any, to: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both input frames valid and of the same size."""
    a = check_frame(frm, "from-frame")
    b = check_frame(to, "to-frame")
    if a.shape[:2] != b.shape[:2]:
        raise FrameError(
            f"from-frame is {a.shape[1]}x{a.shape[0]} but to-frame is {b.shape[1]}x{b.shape[0]}; "
            "both frames must have the same size"
        )
    if a.shape != b.shape:
        raise FrameError(f"from-frame has {a.shape[2]} channels but to-frame {b.shape[2]}; both must be rgb48le "
                         "(3) or both premultiplied rgba64le (4)")
    return a, b


def check_out(out: Any, like: np.ndarray, *inputs: np.ndarray) -> np.ndarray:
    """A caller's output buffer: valid, writeable, the inputs' size, sharing no memory with them."""
    if out is None:
        return np.empty_like(like)
    o = check_frame(out, "out", shape=like.shape, writeable=True)
    for frame in inputs:
        if np.may_share_memory(o, frame):
            raise FrameError("out shares memory with an input frame; pass a separate buffer")
    return o


def check_progress(progress: Any) -> float:
    """Progress as a float in [0, 1]; ProgressError for NaN, infinities or values outside."""
    if isinstance(progress, bool) or not isinstance(progress, (int, float, np.floating, np.integer)):
        raise ProgressError(f"progress must be a number in [0, 1], got {progress!r}")
    value = float(progress)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ProgressError(f"progress must be in [0, 1], got {value!r}")
    return value


def premultiply_into(rgba8: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Straight 8-bit RGBA (a PNG capture) -> premultiplied rgba64le in `out`: alpha ``a * 257``,
    colour ``round(c * a * 257 / 255)`` (exact: opaque pixels keep ``c * 257``)."""
    alpha = rgba8[..., 3:4].astype(np.uint32)
    colour = rgba8[..., :3].astype(np.uint32) * alpha * 257
    np.floor_divide(colour + 127, 255, out=colour)
    out[..., :3] = colour
    np.multiply(rgba8[..., 3], np.uint16(257), out=out[..., 3], dtype=np.uint16)
    return out


def unpremultiply(frame: np.ndarray) -> np.ndarray:
    """Premultiplied rgba64le -> straight rgba64le (a new array), what encoders store; colour
    under zero alpha is 0."""
    alpha = frame[..., 3:4].astype(np.uint32)
    colour = frame[..., :3].astype(np.uint32) * 65535 + alpha // 2
    np.floor_divide(colour, np.maximum(alpha, 1), out=colour)
    straight = np.empty_like(frame)
    np.minimum(colour, 65535, out=colour)
    straight[..., :3] = np.where(alpha > 0, colour, 0)
    straight[..., 3] = frame[..., 3]
    return straight
