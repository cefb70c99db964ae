"""The audio mix: every audible clip placed on the composition's timeline and summed.

Behaviour follows HyperFrames' FFmpeg mixer (``audioMixer.ts``):

- 48 kHz stereo; a mono source plays at full level in both channels (HyperFrames' ``pan=stereo|
  FL=FL+FC|FR=FR+FC``, not swresample's -3 dB upmix); decoding, downmixing, the playback rate and
  loops are `engine.media.audio_decode`'s;
- ``data-volume`` is a linear gain clamped to ``[0, MAX_GAIN]`` (+12 dB, ``clampAudioGain``);
- clips are summed at unity (``amix`` with its normalisation compensated), then hard-clipped to
  [-1, 1] (HyperFrames leaves the float sum to the AAC encoder; the player clips it). The peak
  before clipping and the number of clipped values are reported.

A clip's ``data-fx-chain`` (`engine.media.fx_chain`) runs on the clip's own samples before its
volume (the fader after the inserts, as in a DAW), block by block with its state kept
(`engine.media.fx.ChainProcessor`); an effect with a tail (delay, reverb) keeps the clip sounding
after its source ends, up to the chain's `tail` (never past the composition's end). The mix's
integrated loudness and true peak are measured as it streams (`engine.media.loudness`).

A clip's ``data-automation`` (`engine.media.automation`) moves its effects' parameters (the
chain's clock starts at the clip's first sample) and its volume: a volume lane replaces
``data-volume``, evaluated per sample on the clip's clock (0 at its ``data-start``), clamped to
``[0, MAX_GAIN]``. An ``<audio>`` in an ``<hf-audio-group>`` (`engine.media.groups`) is summed
into its group's bus instead (after its own chain, lanes and volume); each bus runs from the
render's first sample to its last, through the group's chain and volume (its lanes on the
composition's clock), into the mix.

Deviation: a clip is placed at sample ``round(start * rate)`` (HyperFrames' ``adelay`` rounds to
whole milliseconds).

`MixStream` makes the render's mix block by block, as the encoder asks for it: memory stays flat
whatever the render's length (only the block asked for and each playing clip's decoded leftover
are held; a 10-minute mix held whole would be 230 MB of float32). `mix_audio` makes a whole mix
at once. Samples are planar, shape ``(2, n)`` float32 (the layout of PyAV's ``fltp`` AAC frames).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .audio_decode import AudioSource, NoAudio, clip_stream
from .automation import MAX_GAIN, Lane
from .clips import audible_span
from .groups import AudioGroup

if TYPE_CHECKING:  # pedalboard, scipy and pyloudnorm load only when a mix is made
    from .fx import ChainProcessor

__all__ = ["SAMPLE_RATE", "MAX_GAIN", "MixStream", "MixResult", "mix_audio", "segment"]

SAMPLE_RATE = 48000
#: samples `MixStream` mixes at a time (0.34 s at 48 kHz) however few are read: an encoder asks
#: for one AAC frame (1024) at a time, and mixing each of those alone multiplies every effect's
#: and decoder's per-call cost (60 s, 4 clips x 5 effects: 1.5 s mixed in blocks of 16384, about
#: 10 s in blocks of 1024). Effects keep their state across blocks, so the samples are the same.
MIX_BLOCK = 16384


@dataclass
class _Playing:
    source: AudioSource
    first: int  # composition sample where the clip starts sounding
    last: int   # ... and stops
    gain: float
    bus: str | None = None  # the id of the group bus it is summed into
    volume: Lane | None = None  # data-automation's volume lane (replaces `gain`), on the clip's clock
    dry_last: int = 0  # composition sample where the clip's own sound ends (`last` adds the chain's tail)
    fx: ChainProcessor | None = None
    stream: Iterator[np.ndarray] | None = None
    pos: int = 0  # composition sample of the clip's next output sample
    raw_pos: int = 0  # ... of its next decoded sample (ahead of `pos` by the chain's latency)
    primed: bool = False
    left: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), np.float32))

    def take(self, count: int) -> np.ndarray:
        """The next `count` samples of the clip, through its chain (stereo; zeros once its file ends).

        A chain with latency (the pitch shifter) is fed that many of the clip's samples ahead the
        first time, so that its output lines up with the clip's timeline.
        """
        self.pos += count
        if self.fx is None:
            return self._raw(count)
        if not self.primed:
            self.primed = True
            self.fx.process(self._raw(self.fx.latency))
        return self.fx.process(self._raw(count))

    def _raw(self, count: int) -> np.ndarray:
        """The clip's next `count` decoded samples (zeros past its own end, `dry_last`)."""
        parts, have = [], 0
        real = max(0, min(count, self.dry_last - self.raw_pos))
        self.raw_pos += count
        while have < real:
            if self.left.shape[1] == 0:
                chunk = next(self.stream, None) if self.stream is not None else None
                if chunk is None:
                    break
                self.left = chunk if chunk.shape[0] == 2 else np.repeat(chunk[:1], 2, axis=0)
            part = self.left[:, :real - have]
            self.left = self.left[:, part.shape[1]:]
            parts.append(part)
            have += part.shape[1]
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


class _Bus:
    """A group's bus: its members' sum, through its chain, then its volume (composition clock)."""

    def __init__(self, group: AudioGroup, sample_rate: int, at: int) -> None:
        self.rate = sample_rate
        self.gain = group.volume
        self.volume = group.automation.volume if group.automation is not None else None
        self.fx: ChainProcessor | None = None
        if group.fx is not None and group.fx.active:
            from .fx import ChainProcessor

            # (a pitch shifter on a bus is not read ahead: the bus lags by its latency)
            self.fx = ChainProcessor(group.fx, sample_rate, group.automation.fx if group.automation else None, at)

    def run(self, x: np.ndarray, at: int) -> np.ndarray:
        """The bus's output for its members' sum `x`, starting at composition sample `at`."""
        if self.fx is not None:
            x = self.fx.process(x)
        if self.volume is None:
            return x * np.float32(self.gain)
        gains = np.clip(self.volume.values(np.arange(at, at + x.shape[1]) / self.rate), 0.0, MAX_GAIN)
        return np.asarray(x * gains[None, :], np.float32)


class MixStream:
    """The mix of `sources` from composition time `start_s` on, read in order with `read(count)`."""

    def __init__(self, sources: Sequence[AudioSource], composition_duration: float, *, start_s: float = 0.0,
                 sample_rate: int = SAMPLE_RATE, gain: float = 1.0, clip: bool = True) -> None:
        self.sample_rate = sample_rate
        self.gain = gain  # on the whole mix, before clipping (`--loudness`'s normalisation)
        self.clip = clip  # False: the sum as it is (a measuring pass), not clipped to [-1, 1]
        self.end = max(0, round(composition_duration * sample_rate))
        self.pos = round(start_s * sample_rate)
        self.peak = 0.0
        self.clipped = 0
        self.clips = 0  # clips that sounded
        from .loudness import LoudnessMeter

        self.loudness = LoudnessMeter(sample_rate)
        self._pending: list[_Playing] = []
        self._buses: dict[str, _Bus] = {}
        for source in sources:
            span = audible_span(source.clip, source.source_duration, composition_duration)
            if span is None:
                continue
            first, last = round(span[0] * sample_rate), min(self.end, round(span[1] * sample_rate))
            if last > first:
                gain = max(0.0, min(float(source.clip.volume), MAX_GAIN))
                automation = source.clip.automation
                playing = _Playing(source, first, last, gain, dry_last=last,
                                   volume=automation.volume if automation is not None else None)
                group = source.clip.group
                if group is not None:
                    playing.bus = group.id
                    if group.id not in self._buses:
                        self._buses[group.id] = _Bus(group, sample_rate, self.pos)
                chain = source.clip.fx
                if chain is not None and chain.active:
                    from .fx import ChainProcessor

                    playing.fx = ChainProcessor(chain, sample_rate, automation.fx if automation is not None else None)
                    host = source.clip.host_end
                    end = self.end if host is None else min(self.end, round(host * sample_rate))
                    playing.last = max(last, min(end, last + playing.fx.tail))
                self._pending.append(playing)
        self._pending.sort(key=lambda p: p.first)
        self._playing: list[_Playing] = []
        self._mixed = self.pos  # the next sample `_mix` makes (read ahead of `pos`)
        self._ahead = np.zeros((2, 0), np.float32)  # mixed, not read yet

    def _start(self, clip: _Playing, at: int) -> None:
        clip.stream = clip_stream(clip.source, self.sample_rate)
        clip.pos = clip.raw_pos = clip.first
        try:
            chunk = next(clip.stream, None)  # opens the file: a video without sound is found here
        except NoAudio:  # silent, not an error
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
        """The next `count` samples, planar stereo float32 ``(2, count)``, times `gain`, clipped to [-1, 1]."""
        while self._ahead.shape[1] < count:  # mixed `MIX_BLOCK` at a time, served as asked
            block = self._mix(self._mixed, max(count - self._ahead.shape[1], MIX_BLOCK))
            self._ahead = block if not self._ahead.shape[1] else np.concatenate([self._ahead, block], axis=1)
            self._mixed += block.shape[1]
        out, self._ahead = self._ahead[:, :count], self._ahead[:, count:]
        if count:
            out = np.array(out, np.float32)  # its own memory: the caller may keep or change it
            if self.gain != 1.0:
                out *= np.float32(self.gain)
            magnitude = float(np.abs(out).max())
            self.peak = max(self.peak, magnitude)
            if magnitude > 1.0 and self.clip:
                self.clipped += int(np.count_nonzero(np.abs(out) > 1.0))
                np.clip(out, -1.0, 1.0, out=out)
            self.loudness.add(out)
        self.pos += count
        return out

    def _mix(self, a: int, count: int) -> np.ndarray:
        """The sum of every clip and bus over samples ``a .. a + count`` of the composition."""
        b = a + count
        out = np.zeros((2, count), np.float32)
        while self._pending and self._pending[0].first < b:
            clip = self._pending.pop(0)
            if clip.last > a:
                self._start(clip, max(a, clip.first))
        buses = {name: np.zeros((2, count), np.float32) for name in self._buses}
        for clip in list(self._playing):
            lo, hi = max(a, clip.pos), min(b, clip.last)
            into = out if clip.bus is None else buses[clip.bus]
            if hi > lo:
                if clip.volume is None:
                    into[:, lo - a:hi - a] += clip.gain * clip.take(hi - lo)
                else:  # per sample, on the clip's clock (0 at its data-start)
                    times = (np.arange(lo, hi) - round(clip.source.clip.start * self.sample_rate)) / self.sample_rate
                    gains = np.clip(clip.volume.values(times), 0.0, MAX_GAIN).astype(np.float32)
                    into[:, lo - a:hi - a] += gains[None, :] * clip.take(hi - lo)
            if clip.pos >= clip.last:
                clip.close()
                self._playing.remove(clip)
        for name, bus in self._buses.items():
            if count:
                out += bus.run(buses[name], a)
        return out

    def close(self) -> None:
        for clip in self._playing + self._pending:
            clip.close()
        self._playing, self._pending = [], []


@dataclass
class MixResult:
    """The mixed composition audio: ``samples`` is planar float32 ``(2, n)`` within [-1, 1]."""

    samples: np.ndarray
    peak: float  # largest absolute value before clipping
    clipped: int  # sample values (per channel) that were clipped to ±1
    clips: int  # clips mixed
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / self.sample_rate


def mix_audio(sources: Sequence[AudioSource], composition_duration: float, *, sample_rate: int = SAMPLE_RATE) -> MixResult:
    """Decode, place and sum every audible clip over ``round(composition_duration * sample_rate)`` samples.

    The whole mix at once (a render streams it instead: `MixStream`, the same rules). A clip's
    file that cannot be read or decoded raises MediaError naming the element and the file; a
    ``<video>`` whose file has no audio stream is silent (not counted in ``clips``).
    """
    stream = MixStream(sources, composition_duration, sample_rate=sample_rate)
    try:
        samples = stream.read(stream.end)
    finally:
        stream.close()
    return MixResult(samples, stream.peak, stream.clipped, stream.clips, sample_rate)


def segment(mix: MixResult, start_s: float, end_s: float) -> np.ndarray:
    """Samples ``round(start_s * sr)`` to ``round(end_s * sr)`` of the mix, zero-padded past its end."""
    first, last = round(start_s * mix.sample_rate), round(end_s * mix.sample_rate)
    part = np.zeros((2, max(0, last - first)), np.float32)
    lo, hi = max(first, 0), min(last, mix.samples.shape[1])
    if hi > lo:
        part[:, lo - first:hi - first] = mix.samples[:, lo:hi]
    return part
