"""Render options and the pure decisions made from them (frame range, worker count, ring depth)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..blender import BACKENDS
from ..capture.options import CaptureOptions
from ..config import check_choice, check_int, env_int
from ..cpu_backend import default_threads
from ..encoder import CODECS, QUALITIES
from ..errors import ConfigError
from ..gl_backend import gl_disabled
from ..pipeline.planning import PARTITIONS, should_use_hybrid_layered_path

__all__ = ["RenderOptions", "RenderDecision", "decide", "PATHS", "parse_frame_range", "split_frame_range", "parse_fps",
           "choose_workers", "ring_depth_from_env", "check_environment", "BROWSER_BYTES"]

PATHS = ("auto", "sequential", "hybrid")

#: Capture format and JPEG quality each quality preset allows (lossless only at ``high``).
CAPTURE_FORMAT_BY_QUALITY = {"draft": "jpeg", "standard": "jpeg", "high": "png"}
JPEG_QUALITY_BY_QUALITY = {"draft": 80, "standard": 95, "high": 95}

#: Memory one Chromium session takes besides its ring (measured: 150-250 MB for small pages).
BROWSER_BYTES = 300 * 1024 * 1024


def parse_fps(value: Any) -> Fraction:
    """Frames per second from 30, 29.97, "30000/1001" or a Fraction; 1..240."""
    try:
        fps = Fraction(str(value).strip()) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"fps={value!r} is not valid; expected a number such as 30 or 30000/1001") from None
    if not 1 <= fps <= 240:
        raise ConfigError(f"fps={value!r} is not valid; expected 1 to 240")
    return fps.limit_denominator(1_000_000)


def split_frame_range(spec: str | tuple[int, int]) -> tuple[int, int | None]:
    """(START, END or None for "to the end") of a frame range, checked without the composition:
    integers, START >= 0 and START < END."""
    if isinstance(spec, tuple):
        if len(spec) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in spec):
            raise ConfigError(f"frames={spec!r} is not valid; expected (START, END) integers or 'START:END'")
        start, end = spec
    else:
        text = str(spec).strip()
        if text.count(":") != 1:
            raise ConfigError(f"frames={spec!r} is not valid; expected START:END, e.g. 0:90 or 30:")
        left, right = (s.strip() for s in text.split(":"))
        try:
            start = int(left) if left else 0
            end = int(right) if right else None
        except ValueError:
            raise ConfigError(f"frames={spec!r} is not valid; START and END must be integers") from None
    if start < 0:
        raise ConfigError(f"frames={spec!r} is not valid; START must be 0 or more")
    if end is not None and end <= start:
        raise ConfigError(f"frames={spec!r} is not valid; START ({start}) must be less than END ({end}), "
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
            f"frames={spec!r} is not valid; the composition has {frame_count} frames, 0 to {frame_count - 1}: "
            f"expected START < {frame_count} and END at most {frame_count} (END is exclusive)"
        )
    return range(start, end)


def ring_depth_from_env() -> int:
    """`ENGINE_RING_DEPTH` (1..64), default 4."""
    return env_int("ENGINE_RING_DEPTH", 4, 1, 64)


def choose_workers(*, cpus: int, available_bytes: int, ring_bytes: int, frame_count: int) -> int:
    """`--workers auto`: one browser session per CPU, as many as memory allows (a session costs
    its ring plus BROWSER_BYTES, and half the available memory is the budget), never more than
    there are frames, at least 1."""
    per_worker = ring_bytes + BROWSER_BYTES
    by_memory = max(1, (available_bytes // 2) // per_worker)
    return max(1, min(cpus, by_memory, frame_count))


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable), or 4 GiB when it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 1024**3


@dataclass(frozen=True)
class RenderOptions:
    """Every render option, validated on construction (ConfigError names the bad one)."""

    fps: Fraction | None = None
    workers: int | str = "auto"
    backend: str = "auto"
    path: str = "auto"
    partition: str = "dynamic"
    ring_depth: int | None = None
    codec: str = "h264"
    quality: str = "standard"
    frames: str | tuple[int, int] | None = None
    hash_frames: bool = False
    capture: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.fps is not None:
            object.__setattr__(self, "fps", parse_fps(self.fps))
        if isinstance(self.workers, str) and self.workers.strip().lower() == "auto":
            object.__setattr__(self, "workers", "auto")
        else:
            object.__setattr__(self, "workers", check_int("workers", self.workers, 1, 64))
        object.__setattr__(self, "backend", check_choice("backend", self.backend, BACKENDS))
        object.__setattr__(self, "path", check_choice("path", self.path, PATHS))
        object.__setattr__(self, "partition", check_choice("partition", self.partition, PARTITIONS))
        depth = ring_depth_from_env() if self.ring_depth is None else check_int("ring_depth", self.ring_depth, 1, 64)
        object.__setattr__(self, "ring_depth", depth)
        object.__setattr__(self, "codec", check_choice("codec", self.codec, tuple(CODECS)))
        object.__setattr__(self, "quality", check_choice("quality", self.quality, QUALITIES))
        if not isinstance(self.hash_frames, bool):
            raise ConfigError(f"hash_frames={self.hash_frames!r} is not valid; expected True or False")
        if self.frames is not None:
            split_frame_range(self.frames)
        if self.path == "hybrid" and isinstance(self.workers, int) and self.workers < 2:
            raise ConfigError(f"path 'hybrid' needs at least 2 workers; workers={self.workers!r}")
        check_environment(self.capture)

    def session_options(self) -> dict[str, Any]:
        """Options for each browser session: the `capture` ones, with the capture format the
        quality preset allows unless one was chosen (option or ENGINE_CAPTURE_FORMAT): exact
        PNG at ``high``, JPEG at ``standard`` (quality 95) and ``draft`` (quality 80). The
        JPEG is 4:2:0 like the h264/hevc output, so at ``standard`` it costs the video 1-2 dB
        against exact PNG (bench/RESULTS.md) and halves the capture time."""
        options = dict(self.capture)
        chosen = "capture_format" in options or os.environ.get("ENGINE_CAPTURE_FORMAT", "").strip()
        if not chosen:
            options["capture_format"] = CAPTURE_FORMAT_BY_QUALITY[self.quality]
        if options.get("capture_format", "png") == "jpeg" and "jpeg_quality" not in options:
            options["jpeg_quality"] = JPEG_QUALITY_BY_QUALITY[self.quality]
        return options


def check_environment(capture: Mapping[str, Any] | None = None) -> None:
    """Check the environment knobs a render reads (``ENGINE_GL``, ``ENGINE_CPU_THREADS``, the
    capture ones) and the `capture` options before any browser starts: a bad value fails at
    once, also where this render would never read it (no transition: no GL probe)."""
    gl_disabled()
    default_threads()
    CaptureOptions.from_env(**dict(capture or {}))


@dataclass(frozen=True)
class RenderDecision:
    """How a render runs: the path, why, how many workers, and the ring depth."""

    hybrid: bool
    reason: str
    workers: int
    ring_depth: int


def decide(options: RenderOptions, *, frame_count: int, transition_frames: int, frame_bytes: int, cpus: int,
           available_bytes: int) -> RenderDecision:
    """The path and worker count for a render of `frame_count` frames (pure).

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
    if options.path == "hybrid" and workers < 2:
        raise ConfigError(f"path 'hybrid' needs at least 2 workers; this render has {workers} "
                          f"({frame_count} frame(s), workers={options.workers!r})")
    if options.path == "auto":
        gate = should_use_hybrid_layered_path(hdr=False, workers=workers, frame_count=frame_count,
                                              transition_frame_count=transition_frames)
        hybrid, reason = gate.hybrid, gate.reason
    else:
        hybrid, reason = options.path == "hybrid", f"path {options.path!r} was asked for"
    return RenderDecision(hybrid, reason, workers if hybrid else 1, depth)
