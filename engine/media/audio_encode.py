"""The audio stream of an output file, written alongside the video as it advances.

MP4 and MKV get AAC at 192 kb/s (what HyperFrames writes), WebM Opus at 192 kb/s (the only
codecs WebM allows are Opus and Vorbis, and this PyAV build has Opus). MOV gets 24-bit PCM: a MOV is the
ProRes master, so its sound stays lossless too, and 24 bits keep the float mix well below audible
quantisation noise without dithering (HyperFrames writes AAC into MOV as well).

AAC's encoder delay (1024 priming samples) and Opus's (312) are recorded by the MP4/MOV muxer as
an edit list and by Matroska/WebM as its codec delay, so the first decoded sample is at time 0 with the first frame.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Protocol

import numpy as np

__all__ = ["AUDIO_CODECS", "AAC_BIT_RATE", "AudioTrack", "ArraySamples", "SampleReader", "check_samples"]

#: Container format -> (encoder, the sample format it takes, its frame size: 0 for any).
AUDIO_CODECS = {"mp4": ("aac", "fltp", 1024), "matroska": ("aac", "fltp", 1024), "mov": ("pcm_s24le", "s32", 0),
                "webm": ("libopus", "flt", 960)}
AAC_BIT_RATE = 192_000


def check_samples(samples: np.ndarray) -> np.ndarray:
    """`samples` as planar stereo float32 ``(2, n)``; ValueError when it has another shape."""
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim != 2 or data.shape[0] != 2:
        raise ValueError(f"audio of shape {data.shape}; expected planar stereo (2, n) float32")
    return data


class SampleReader(Protocol):
    """Where the encoder takes its audio from, in order: `engine.media.mixer.MixStream`, or an array."""

    def read(self, count: int) -> np.ndarray:
        """The next `count` samples, planar stereo float32 ``(2, count)`` (zeros past the end)."""


class ArraySamples:
    """A `SampleReader` over planar stereo float32 samples held in memory."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples, self.pos = check_samples(samples), 0

    def read(self, count: int) -> np.ndarray:
        out = np.zeros((2, count), np.float32)
        have = self.samples[:, self.pos:self.pos + count]
        out[:, :have.shape[1]] = have
        self.pos += count
        return out


class AudioTrack:
    """Encodes the samples of `samples` (a `SampleReader` or a planar stereo float32 array) into an
    audio stream of `container`, in order.

    `write_until(n)` encodes and muxes the samples before sample `n` (AAC and Opus: whole frames
    only); `finish(n)` encodes the rest up to exactly `n` samples (the given array trimmed or
    zero-padded to that length) and flushes the encoder.
    """

    def __init__(self, container: Any, fmt: str, samples: SampleReader | np.ndarray, sample_rate: int) -> None:
        codec, sample_fmt, frame_size = AUDIO_CODECS[fmt]
        self.samples = ArraySamples(samples) if isinstance(samples, np.ndarray) else samples
        self.sample_rate = sample_rate
        stream: Any = container.add_stream(codec, rate=sample_rate)
        stream.layout, stream.format = "stereo", sample_fmt
        stream.time_base = Fraction(1, sample_rate)
        if frame_size:
            stream.bit_rate = AAC_BIT_RATE
        self._container, self._stream = container, stream
        self._frame = frame_size
        self.written = 0  # samples handed to the encoder

    def target(self, frames: int, fps: Fraction) -> int:
        """The sample count that lasts exactly as long as `frames` video frames."""
        return round(Fraction(frames) * self.sample_rate / fps)

    def write_until(self, end: int) -> None:
        if self._frame:
            end = self.written + (end - self.written) // self._frame * self._frame
        self._encode(end)

    def finish(self, end: int) -> None:
        self._encode(end)
        for packet in self._stream.encode(None):
            self._container.mux(packet)

    def _encode(self, end: int) -> None:
        from av.audio.frame import AudioFrame

        step = self._frame or max(end - self.written, 1)
        while self.written < end:
            count = min(step, end - self.written)
            data = np.ascontiguousarray(self.samples.read(count), dtype=np.float32)
            frame = AudioFrame.from_ndarray(data, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = self.sample_rate, self.written
            frame.time_base = Fraction(1, self.sample_rate)
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
            self.written += count
