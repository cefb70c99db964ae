"""The render plan of a composition: immutable dataclasses and pure frame-timing functions.

Frame i is at ``t = i / fps`` (exact `Fraction` arithmetic, so 30000/1001 fps does not drift).
Frame i is a transition frame when ``time <= t < time + duration`` for one of the plan's
transitions; its progress is ``(t - time) / duration`` passed through the transition's ease.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..media.clips import MediaClip
from .easing import get_ease

__all__ = ["Clip", "Scene", "TransitionSpec", "MediaElement", "Plan", "FrameInfo", "frame_time", "transition_at", "frame_count"]


def _frozen_map(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class Clip:
    """A timed element (``class="clip"``): visible in ``[start, end)``; `end` None means to the end."""

    index: int
    tag: str
    id: str | None
    start: Fraction
    duration: Fraction | None

    @property
    def end(self) -> Fraction | None:
        return None if self.duration is None else self.start + self.duration

    def visible_at(self, t: Fraction | float) -> bool:
        """Whether the clip shows at time `t` (seconds)."""
        end = self.end
        return self.start <= t and (end is None or t < end)


@dataclass(frozen=True)
class Scene:
    """A scene (``class="scene"`` with an ``id``): what transitions blend. `clip` if it is timed too."""

    id: str
    tag: str
    index: int
    clip: Clip | None = None


@dataclass(frozen=True, eq=True)
class TransitionSpec:
    """One transition: ``{time, duration, shader, ease, from_scene, to_scene, params}``.

    `params` holds the shader's parameters resolved against the transition registry (defaults
    overlaid with the composition's values). `origin` says where it was declared.
    """

    time: Fraction
    duration: Fraction
    shader: str
    ease: str
    from_scene: str
    to_scene: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    origin: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _frozen_map(self.params))

    @property
    def end(self) -> Fraction:
        return self.time + self.duration

    def covers(self, t: Fraction | float) -> bool:
        """Whether time `t` lies in ``[time, time + duration)``."""
        return self.time <= t < self.end

    def progress(self, t: Fraction | float) -> float:
        """Eased progress at `t` (raw progress clamped to [0, 1] first)."""
        raw = float((Fraction(t) - self.time) / self.duration)
        return get_ease(self.ease)(raw)

    def as_dict(self) -> dict[str, Any]:
        """The contract's dict form (times as floats)."""
        return {
            "time": float(self.time),
            "duration": float(self.duration),
            "shader": self.shader,
            "ease": self.ease,
            "from_scene": self.from_scene,
            "to_scene": self.to_scene,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class MediaElement:
    """A ``<video>`` or ``<audio>`` element (its timing and attributes), kept for the media work."""

    index: int
    tag: str
    id: str | None
    src: str | None
    start: Fraction
    duration: Fraction | None
    attrs: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attrs", _frozen_map(self.attrs))


@dataclass(frozen=True)
class FrameInfo:
    """Frame `index` at `time`; `transition` and eased `progress` when it is a transition frame."""

    index: int
    time: Fraction
    transition: TransitionSpec | None = None
    progress: float | None = None

    @property
    def is_transition(self) -> bool:
        return self.transition is not None


def frame_time(index: int, fps: Fraction) -> Fraction:
    """Time in seconds of frame `index` at `fps` frames per second."""
    return Fraction(index) / Fraction(fps)


def frame_count(duration: Fraction, fps: Fraction) -> int:
    """Number of frames whose time lies in ``[0, duration)``."""
    return math.ceil(Fraction(duration) * Fraction(fps))


def transition_at(transitions: Sequence[TransitionSpec], t: Fraction | float) -> tuple[TransitionSpec, float] | None:
    """The transition covering time `t` and its eased progress, or None for a normal frame."""
    for spec in transitions:
        if spec.covers(t):
            return spec, spec.progress(t)
    return None


@dataclass(frozen=True)
class Plan:
    """Everything needed to render a composition, read once from its page."""

    source: Path
    root_dir: Path
    composition_id: str
    width: int
    height: int
    fps: Fraction
    duration: Fraction
    clips: tuple[Clip, ...] = ()
    scenes: tuple[Scene, ...] = ()
    transitions: tuple[TransitionSpec, ...] = ()
    media: tuple[MediaElement, ...] = ()
    #: The page's video and audio clips, validated and probed (`engine.capture` fills them in).
    media_clips: tuple[MediaClip, ...] = ()
    #: ``(element, src, transfer)`` of each local ``<img>`` tagged PQ or HLG (`engine.media.hdr_images`).
    hdr_images: tuple[tuple[str, str, str], ...] = ()
    #: The root has no data-duration: the page's root timeline gives it (`with_timeline_duration`).
    duration_from_timeline: bool = False

    @property
    def frame_count(self) -> int:
        return frame_count(self.duration, self.fps)

    @property
    def scene_ids(self) -> tuple[str, ...]:
        return tuple(scene.id for scene in self.scenes)

    def scene(self, scene_id: str) -> Scene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)

    def frame_time(self, index: int) -> Fraction:
        return frame_time(index, self.fps)

    def frame(self, index: int) -> FrameInfo:
        """Timing of frame `index`: its time and, for a transition frame, the transition and progress."""
        if not 0 <= index < self.frame_count:
            raise IndexError(f"frame {index} is outside 0..{self.frame_count - 1}")
        t = self.frame_time(index)
        hit = transition_at(self.transitions, t)
        if hit is None:
            return FrameInfo(index, t)
        return FrameInfo(index, t, hit[0], hit[1])

    def frames(self) -> list[FrameInfo]:
        return [self.frame(i) for i in range(self.frame_count)]
