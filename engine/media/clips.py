"""Media clips and their timing: which source time a composition time shows or plays. Pure.

A `MediaClip` is one ``<video>`` or ``<audio>`` element of the page, with HyperFrames' timing
attributes resolved to numbers (absolute composition seconds, sub-compositions included):

- it is on screen / audible in ``[start, end)``;
- composition time ``t`` maps to source time ``(t - start) * rate + media_start``;
- a video whose slot outlives its source holds the source's last frame; with ``loop`` the
  source wraps back to ``media_start`` instead; audio stops where its source ends (or loops).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from .automation import Automation
from .fx_chain import FxChain
from .groups import AudioGroup

__all__ = ["MediaClip", "RATE_RANGE", "clip_end", "source_time", "audible_span"]

#: HyperFrames clamps ``data-playback-rate`` into this range.
RATE_RANGE = (0.1, 5.0)


@dataclass(frozen=True)
class MediaClip:
    """One timed media element. `element` describes it for messages (``<video id="a" src="a.mp4">``)."""

    index: int
    kind: str  # "video" or "audio"
    element: str
    src: str
    path: Path
    start: float
    duration: float | None = None  # data-duration; None: as long as the source lasts
    media_start: float = 0.0
    rate: float = 1.0
    volume: float = 1.0
    muted: bool = False
    loop: bool = False
    host_end: float | None = None  # the end of the sub-composition holding it, if any
    timed: bool = True  # class="clip" or data-start: hidden outside its window (else it holds its last frame)
    source_duration: float | None = None  # set once the file was probed
    has_audio: bool = True  # False once probing found no audio stream (or data-has-audio="false")
    hdr: str | None = None  # "pq" or "hlg" once probing found an HDR-tagged video stream
    fx: FxChain | None = None  # data-fx-chain, parsed
    automation: Automation | None = None  # data-automation, parsed and bound to `fx`
    hidden: bool = False  # data-hidden on it or an ancestor: dropped from the mix (as in HyperFrames)
    group: AudioGroup | None = None  # the <hf-audio-group> bus it is summed into (data-audio-group)
    audio_notes: tuple[str, ...] = ()  # audio attributes ignored (warned as ``audio-fx``)

    @property
    def key(self) -> str:
        """A short stable name of this clip within its render (``m3``)."""
        return f"m{self.index}"

    @property
    def audible(self) -> bool:
        """Whether the clip contributes sound (its file has audio, not muted, volume above zero: its
        volume lane's somewhere when it has one, which replaces ``data-volume``)."""
        lane = self.automation.volume if self.automation is not None else None
        loud = any(point.v > 0 for point in lane.points) if lane is not None else self.volume > 0
        dropped = self.hidden or (self.group is not None and self.group.hidden)
        return self.has_audio and not self.muted and loud and not dropped


def clip_end(clip: MediaClip, source_duration: float, composition_duration: float) -> float:
    """Where the clip leaves the composition (seconds).

    A video's slot is its ``data-duration`` when given (it may outlive the source: the last
    frame holds), else what is left of the source at its rate (forever with ``loop``). Audio is
    bounded by its source unless it loops. Never past the end of the composition (or of the
    sub-composition holding it).
    """
    if clip.host_end is not None:
        composition_duration = min(composition_duration, clip.host_end)
    remaining = max(0.0, source_duration - clip.media_start) / clip.rate
    if clip.duration is not None:
        length = clip.duration if (clip.kind == "video" or clip.loop) else min(clip.duration, remaining)
    else:
        length = math.inf if clip.loop else remaining
    return min(clip.start + length, composition_duration)


def source_time(clip: MediaClip, t: float, source_duration: float, composition_duration: float) -> float | None:
    """The source time shown (video) or played (audio) at composition time `t`, or None outside the clip.

    Past the source's end a looping clip wraps to ``media_start``; a video holds its last frame
    (`source_duration` itself: the decoder shows the frame whose interval ends there).
    """
    if t < clip.start or t >= clip_end(clip, source_duration, composition_duration):
        return None
    when = (t - clip.start) * clip.rate + clip.media_start
    if when >= source_duration:
        loop_length = source_duration - clip.media_start
        if clip.loop and loop_length > 0:
            when = clip.media_start + math.fmod(when - clip.media_start, loop_length)
        elif clip.kind == "video":
            when = source_duration
        else:
            return None
    return when


def audible_span(clip: MediaClip, source_duration: float, composition_duration: float) -> tuple[float, float] | None:
    """``(start, end)`` composition seconds in which the clip is heard, or None when it is silent."""
    if not clip.audible:
        return None
    end = clip_end(clip, source_duration, composition_duration)
    if clip.kind == "video" and not clip.loop:  # a held last frame is silent
        end = min(end, clip.start + max(0.0, source_duration - clip.media_start) / clip.rate)
    return (clip.start, end) if end > clip.start else None
