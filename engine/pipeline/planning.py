"""Pure decisions of the render pipeline: which path, how many workers, which worker renders
which frames. Every input is a plain value (the machine's CPUs and memory are measured by the
caller, `engine.config`), so each decision is tested without a browser."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol, TypeVar

from ..config import option_name
from ..errors import ConfigError

__all__ = ["GateDecision", "should_use_hybrid_layered_path", "partition", "PARTITIONS", "FIXED_PARTITIONS",
           "RenderDecision", "decide", "split_frame_range", "parse_frame_range", "choose_workers", "early_workers", "BROWSER_BYTES", "PathChoices",
           "parse_still", "still_frame"]

T = TypeVar("T")

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


def partition(frames: Sequence[T], workers: int, how: str = "interleaved") -> list[list[T]]:
    """Split `frames` (ascending) between `workers`; each share stays ascending.

    ``interleaved``: worker i takes frames i, i+W, i+2W...: completions arrive nearly in order,
    so the reorder window stays about W*K frames. ``contiguous``: slices of ceil(N/W) frames
    (HyperFrames' choice: worker 2 waits for worker 1's whole slice to be written).
    Shares may be empty when there are fewer frames than workers.
    """
    if workers < 1:
        raise ConfigError(f"{option_name('workers')}={workers!r} is not valid; expected at least 1")
    if how == "interleaved":
        return [list(frames[i::workers]) for i in range(workers)]
    if how == "contiguous":
        size = max(1, math.ceil(len(frames) / workers))
        return [list(frames[i * size:(i + 1) * size]) for i in range(workers)]
    raise ConfigError(f"{option_name('partition')}={how!r} is not valid; expected one of: {', '.join(FIXED_PARTITIONS)}")


#: Memory one Chromium session takes besides its ring (measured: 150-250 MB for small pages).
BROWSER_BYTES = 300 * 1024 * 1024


class PathChoices(Protocol):
    """What a render asked for (`engine.render.RenderOptions` provides it)."""

    @property
    def path(self) -> str: ...
    @property
    def workers(self) -> int | str: ...
    @property
    def ring_depth(self) -> int | None: ...
    @property
    def frames(self) -> str | tuple[int, int] | None: ...
    @property
    def still(self) -> object: ...


def choose_workers(*, cpus: int, available_bytes: int, ring_bytes: int, frame_count: int) -> int:
    """`--workers auto`: one browser session per CPU, as many as memory allows (a session costs
    its ring plus BROWSER_BYTES, and half the available memory is the budget), never more than
    there are frames, at least 1."""
    per_worker = ring_bytes + BROWSER_BYTES
    by_memory = max(1, (available_bytes // 2) // per_worker)
    return max(1, min(cpus, by_memory, frame_count))


@dataclass(frozen=True)
class RenderDecision:
    """How a render runs: the path, why, how many workers, and the ring depth."""

    hybrid: bool
    reason: str
    workers: int
    ring_depth: int


def decide(options: PathChoices, *, frame_count: int, transition_frames: int, frame_bytes: int, cpus: int,
           available_bytes: int, hdr: bool = False) -> RenderDecision:
    """The path and worker count for a render of `frame_count` frames.

    ``--path auto`` follows the hybrid gate; ``hybrid`` needs at least 2 workers (ConfigError
    otherwise); workers never outnumber frames; the sequential path uses one.
    """
    depth = int(options.ring_depth or 4)
    if isinstance(options.workers, int):
        workers = options.workers
    else:
        workers = choose_workers(cpus=cpus, available_bytes=available_bytes, ring_bytes=3 * depth * frame_bytes,
                                 frame_count=frame_count)
    workers = max(1, min(workers, frame_count))
    if options.path == "hybrid" and hdr:
        raise ConfigError("path 'hybrid' cannot render HDR: HDR content renders on the sequential path; ask for "
                          "path 'auto' or 'sequential', or for SDR output")
    if options.path == "hybrid" and workers < 2:
        raise ConfigError(f"path 'hybrid' needs at least 2 workers; this render has {workers} "
                          f"({frame_count} frame(s), workers={options.workers!r})")
    if options.path == "auto":
        gate = should_use_hybrid_layered_path(hdr=hdr, workers=workers, frame_count=frame_count,
                                              transition_frame_count=transition_frames)
        hybrid, reason = gate.hybrid, gate.reason
    else:
        hybrid, reason = options.path == "hybrid", f"path {options.path!r} was asked for"
    return RenderDecision(hybrid, reason, workers if hybrid else 1, depth)


def early_workers(options: PathChoices, cpus: int) -> int:
    """How many workers besides worker 0 to start before the plan is known: those a hybrid
    render would use (`workers`, or one per CPU for ``auto``), none when the render is
    sequential by choice, a still, or its frame range holds a single frame (a browser started for
    nothing costs a page load on a CPU the first one needs, and is waited for to close)."""
    if options.path == "sequential" or options.still is not None:
        return 0
    if options.frames is not None:
        start, end = split_frame_range(options.frames)
        if end is not None and end - start < 2:
            return 0
    wanted = options.workers if isinstance(options.workers, int) else cpus
    return max(0, wanted - 1)


def split_frame_range(spec: str | tuple[int, int]) -> tuple[int, int | None]:
    """(START, END or None for "to the end") of a frame range, checked without the composition:
    integers, START >= 0 and START < END."""
    end: int | None
    if isinstance(spec, tuple):
        if len(spec) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in spec):
            raise ConfigError(f"{option_name('frames')}={spec!r} is not valid; expected (START, END) integers or 'START:END'")
        start, end = spec
    else:
        text = str(spec).strip()
        if text.count(":") != 1:
            raise ConfigError(f"{option_name('frames')}={spec!r} is not valid; expected START:END, e.g. 0:90 or 30:")
        left, right = (s.strip() for s in text.split(":"))
        try:
            start = int(left) if left else 0
            end = int(right) if right else None
        except ValueError:
            raise ConfigError(f"{option_name('frames')}={spec!r} is not valid; START and END must be integers") from None
    if start < 0:
        raise ConfigError(f"{option_name('frames')}={spec!r} is not valid; START must be 0 or more")
    if end is not None and end <= start:
        raise ConfigError(f"{option_name('frames')}={spec!r} is not valid; START ({start}) must be less than END ({end}), "
                          "which is exclusive")
    return start, end


def parse_frame_range(spec: str | tuple[int, int] | None, frame_count: int) -> range:
    """Frames START:END (END exclusive; either side may be empty) within the composition."""
    if spec is None:
        return range(frame_count)
    start, end_or_none = split_frame_range(spec)
    end = frame_count if end_or_none is None else end_or_none
    if not 0 <= start < end <= frame_count:
        raise ConfigError(
            f"{option_name('frames')}={spec!r} is not valid; the composition has {frame_count} frames, 0 to {frame_count - 1}: "
            f"expected START < {frame_count} and END at most {frame_count} (END is exclusive)"
        )
    return range(start, end)


def parse_still(value: object) -> Fraction:
    """The time of a still (``--still SECONDS``): a number of seconds, 0 or more."""
    try:
        seconds = Fraction(str(value).strip()) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"{option_name('still')}={value!r} is not valid; expected a time in seconds such as 2 or 1.5") from None
    if isinstance(value, bool) or seconds < 0:
        raise ConfigError(f"{option_name('still')}={value!r} is not valid; expected a time in seconds, 0 or more")
    return seconds


def still_frame(seconds: Fraction, fps: Fraction, frame_count: int, duration: Fraction) -> range:
    """The one frame shown at time `seconds`: the frame whose interval [i/fps, (i+1)/fps) holds it."""
    index = math.floor(seconds * fps)
    if index >= frame_count:
        raise ConfigError(f"{option_name('still')}={float(seconds):g} s is not valid; the composition lasts {float(duration):g} s "
                          f"(its last frame is at {float(Fraction(frame_count - 1) / fps):g} s)")
    return range(index, index + 1)
