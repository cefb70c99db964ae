"""Pure decisions of the render pipeline: which path, and which worker renders which frames."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ConfigError

__all__ = ["GateDecision", "should_use_hybrid_layered_path", "partition", "PARTITIONS", "FIXED_PARTITIONS"]

#: ``dynamic`` (a shared queue, `dispenser.SharedFrames`) first; the fixed partitions after it.
PARTITIONS = ("dynamic", "interleaved", "contiguous")
FIXED_PARTITIONS = ("interleaved", "contiguous")


@dataclass(frozen=True)
class GateDecision:
    """Whether the hybrid layered path may run, and why (the reason is reported to the user)."""

    hybrid: bool
    reason: str


def should_use_hybrid_layered_path(
    *, hdr: bool, workers: int, frame_count: int, transition_frame_count: int
) -> GateDecision:
    """The hybrid path needs SDR content, at least 2 workers, at least one frame, and at least
    one frame outside every transition window; anything else stays on the sequential path."""
    if hdr:
        return GateDecision(False, "HDR content renders on the sequential path")
    if workers < 2:
        return GateDecision(False, f"{workers} worker: the hybrid path needs at least 2")
    if frame_count < 1:
        return GateDecision(False, "no frames to render")
    if transition_frame_count >= frame_count:
        return GateDecision(False, "every frame is inside a transition window")
    return GateDecision(True, f"{workers} workers over {frame_count} frames")


def partition(frames: Sequence[int], workers: int, how: str = "interleaved") -> list[list[int]]:
    """Split `frames` (ascending) between `workers`; each share stays ascending.

    ``interleaved``: worker i takes frames i, i+W, i+2W...: completions arrive nearly in order,
    so the reorder window stays about W*K frames. ``contiguous``: slices of ceil(N/W) frames
    (HyperFrames' choice: worker 2 waits for worker 1's whole slice to be written).
    Shares may be empty when there are fewer frames than workers.
    """
    if workers < 1:
        raise ConfigError(f"workers={workers!r} is not valid; expected at least 1")
    if how == "interleaved":
        return [list(frames[i::workers]) for i in range(workers)]
    if how == "contiguous":
        size = max(1, math.ceil(len(frames) / workers))
        return [list(frames[i * size:(i + 1) * size]) for i in range(workers)]
    raise ConfigError(f"partition={how!r} is not valid; expected one of: {', '.join(FIXED_PARTITIONS)}")
