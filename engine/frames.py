"""Checks of the frame-buffer contract: uint16, (height, width, 3), C-contiguous rgb48le."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .errors import FrameError, ProgressError

__all__ = ["check_frame", "check_pair", "check_out", "check_progress"]


def check_frame(frame: Any, what: str) -> np.ndarray:
    """Return `frame` if it honours the frame contract, else raise FrameError naming `what`."""
    if not isinstance(frame, np.ndarray):
        raise FrameError(f"{what} must be a numpy.ndarray of dtype uint16, got {type(frame).__name__}")
    if frame.dtype != np.uint16:
        raise FrameError(f"{what} has dtype {frame.dtype}; expected uint16 (rgb48le)")
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise FrameError(f"{what} has shape {frame.shape}; expected (height, width, 3)")
    if frame.shape[0] < 1 or frame.shape[1] < 1:
        raise FrameError(f"{what} has shape {frame.shape}; width and height must be at least 1")
    if not frame.flags.c_contiguous:
        raise FrameError(f"{what} is not C-contiguous; pass numpy.ascontiguousarray({what})")
    if frame.dtype.byteorder == ">":
        raise FrameError(f"{what} is big-endian; expected little-endian rgb48le")
    return frame


def check_pair(frm: Any, to: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both input frames valid and of the same size."""
    a = check_frame(frm, "from-frame")
    b = check_frame(to, "to-frame")
    if a.shape != b.shape:
        raise FrameError(
            f"from-frame is {a.shape[1]}x{a.shape[0]} but to-frame is {b.shape[1]}x{b.shape[0]}; "
            "both frames must have the same size"
        )
    return a, b


def check_out(out: Any, like: np.ndarray, *inputs: np.ndarray) -> np.ndarray:
    """A caller's output buffer: valid, writeable, the inputs' size, sharing no memory with them."""
    if out is None:
        return np.empty_like(like)
    o = check_frame(out, "out")
    if o.shape != like.shape:
        raise FrameError(f"out has shape {o.shape}; expected {like.shape} like the input frames")
    if not o.flags.writeable:
        raise FrameError("out is read-only; pass a writeable buffer")
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
