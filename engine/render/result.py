"""What a render reports: seconds per stage (`Stats`) and the `RenderResult` it returns."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..capture.fidelity import is_unfaithful

__all__ = ["Stats", "RenderResult", "transition_summary", "media_summary"]


def transition_summary(spec: dict[str, Any]) -> dict[str, Any]:
    """A transition's contract dict with JSON-friendly parameters (an image parameter is named, not copied)."""
    params = {name: f"<image {value.shape[1]}x{value.shape[0]}>" if hasattr(value, "shape") else value
              for name, value in spec.get("params", {}).items()}
    return {**spec, "params": params}


def media_summary(clips: Sequence[Any], audio: dict[str, Any] | None) -> dict[str, Any]:
    """The media clips a render decoded, and its audio mix (None: no audio stream)."""
    listed = [{"element": c.element, "kind": c.kind, "src": c.src, "start": round(c.start, 6),
               "source_duration": c.source_duration, "audible": c.audible} for c in clips]
    return {"clips": listed, "audio": audio}


class Stats:
    """Seconds per stage, summed over threads (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            with self._lock:
                self.seconds[stage] += elapsed


@dataclass
class RenderResult:
    """What a render did: output, frames, time, the path/backend/workers used, seconds per stage."""

    output: Path
    frames: int
    seconds: float
    path: str
    path_reason: str
    partition: str | None
    workers: int
    ring_depth: int
    backend: str
    gl_renderer: str | None
    width: int
    height: int
    fps: Fraction
    codec: str
    quality: str
    capture_format: str
    capture_mode: str
    stage_seconds: dict[str, float] = field(default_factory=dict)
    frame_hashes: list[str] | None = None
    warnings: list[dict[str, str]] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, Any] = field(default_factory=dict)
    alpha: bool = False
    dynamic_range: str = "sdr"  # sdr, hdr-pq or hdr-hlg (`engine.media.hdr`)
    dynamic_range_reason: str = ""
    #: frames of each kind summed over videos (``native``, ``two_capture``, ``poster``) and the
    #: videos the native path refused (``fallbacks``); empty without video
    video_layers: dict[str, Any] = field(default_factory=dict)
    captures: int = 0  # pictures taken from the browsers
    browser_restarts: int = 0  # browsers replaced after a crash or a hang (their frames captured again)

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(output=str(self.output), fps=str(self.fps), frames_per_second=round(self.frames_per_second, 3))
        data["stage_seconds"] = {k: round(v, 4) for k, v in self.stage_seconds.items()}
        return data

    def summary(self) -> str:
        # a mistake or a choice (an undeclared variable, a misspelled attribute...) is not something drawn unfaithfully
        unfaithful = sum(is_unfaithful(w.get("code", "")) for w in self.warnings)
        notices = len(self.warnings) - unfaithful
        return (f"{self.output}: {self.frames} frames {self.width}x{self.height} @ {float(self.fps):g} fps "
                f"({self.capture_format} {self.capture_mode} capture, {self.quality}{', alpha' if self.alpha else ''}"
                f"{', ' + self.dynamic_range.upper() if self.dynamic_range != 'sdr' else ''}) in "
                f"{self.seconds:.1f} s ({self.frames_per_second:.1f} fps); path {self.path}"
                f"{f' ({self.partition})' if self.partition else ''}, {self.workers} worker(s), ring {self.ring_depth}, "
                f"blend {self.backend}"
                + (f"; {unfaithful} warning(s): not everything rendered faithfully" if unfaithful else "")
                + (f"; {notices} other warning(s)" if notices else "")
                + (f"; {self.browser_restarts} browser(s) replaced after a crash or hang" if self.browser_restarts else ""))
