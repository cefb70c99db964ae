"""`MixStream`: the render's audio mix made block by block, as the encoder asks for it.

Memory stays flat whatever the render's length: only the block asked for and each playing clip's
decoded leftover are held (a 10-minute mix held whole would be 230 MB of float32). The rules are
`engine.media.audio`'s (placement at the exact sample, volume capped at +12 dB, pitch-keeping
rate, loops); the sum is hard-clipped to [-1, 1], with the peak and the clipped count reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from .audio import MAX_GAIN, SAMPLE_RATE, AudioSource, _clip_stream, _NoAudio
from .clips import audible_span

__all__ = ["MixStream"]


@dataclass
class _Playing:
    source: AudioSource
    first: int  # composition sample where the clip starts sounding
    last: int   # ... and stops
    gain: float
    stream: Iterator[np.ndarray] | None = None
    pos: int = 0  # composition sample of the stream's next sample
    left: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), np.float32))

    def take(self, count: int) -> np.ndarray:
        """The next `count` samples of the clip (stereo; zeros once its file ends)."""
        parts, have = [], 0
        while have < count:
            if self.left.shape[1] == 0:
                chunk = next(self.stream, None) if self.stream is not None else None
                if chunk is None:
                    break
                self.left = chunk if chunk.shape[0] == 2 else np.repeat(chunk[:1], 2, axis=0)
            part = self.left[:, :count - have]
            self.left = self.left[:, part.shape[1]:]
            parts.append(part)
            have += part.shape[1]
        self.pos += count
        out = np.zeros((2, count), np.float32)
        if parts:
            joined = np.concatenate(parts, axis=1)
            out[:, :joined.shape[1]] = joined
        return out

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()
        self.stream = None


class MixStream:
    """The mix of `sources` from composition time `start_s` on, read in order with `read(count)`."""

    def __init__(self, sources: Sequence[AudioSource], composition_duration: float, *, start_s: float = 0.0,
                 sample_rate: int = SAMPLE_RATE) -> None:
        self.sample_rate = sample_rate
        self.end = max(0, round(composition_duration * sample_rate))
        self.pos = round(start_s * sample_rate)
        self.peak = 0.0
        self.clipped = 0
        self.clips = 0  # clips that sounded
        self._pending: list[_Playing] = []
        for source in sources:
            span = audible_span(source.clip, source.source_duration, composition_duration)
            if span is None:
                continue
            first, last = round(span[0] * sample_rate), min(self.end, round(span[1] * sample_rate))
            if last > first:
                gain = max(0.0, min(float(source.clip.volume), MAX_GAIN))
                self._pending.append(_Playing(source, first, last, gain))
        self._pending.sort(key=lambda p: p.first)
        self._playing: list[_Playing] = []

    def _start(self, clip: _Playing, at: int) -> None:
        clip.stream = _clip_stream(clip.source, self.sample_rate)
        clip.pos = clip.first
        try:
            chunk = next(clip.stream, None)  # opens the file: a video without sound is found here
        except _NoAudio:  # silent, not an error
            clip.close()
            return
        if chunk is not None:
            clip.left = chunk if chunk.shape[0] == 2 else np.repeat(chunk[:1], 2, axis=0)
        skip = at - clip.first  # a render of frames START:END begins inside the clip
        while skip > 0:
            step = min(skip, 1 << 16)
            clip.take(step)
            skip -= step
        self.clips += 1
        self._playing.append(clip)

    def read(self, count: int) -> np.ndarray:
        """The next `count` samples, planar stereo float32 ``(2, count)``, clipped to [-1, 1]."""
        a, b = self.pos, self.pos + count
        out = np.zeros((2, count), np.float32)
        while self._pending and self._pending[0].first < b:
            clip = self._pending.pop(0)
            if clip.last > a:
                self._start(clip, max(a, clip.first))
        for clip in list(self._playing):
            lo, hi = max(a, clip.pos), min(b, clip.last)
            if hi > lo:
                out[:, lo - a:hi - a] += clip.gain * clip.take(hi - lo)
            if clip.pos >= clip.last:
                clip.close()
                self._playing.remove(clip)
        if count:
            magnitude = float(np.abs(out).max())
            self.peak = max(self.peak, magnitude)
            if magnitude > 1.0:
                self.clipped += int(np.count_nonzero(np.abs(out) > 1.0))
                np.clip(out, -1.0, 1.0, out=out)
        self.pos = b
        return out

    def close(self) -> None:
        for clip in self._playing + self._pending:
            clip.close()
        self._playing, self._pending = [], []
