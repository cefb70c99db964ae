"""Each clip's audio, decoded from its file as a stream of chunks (`clip_stream`), ready to mix.

Behaviour follows HyperFrames' FFmpeg mixer (``audioMixer.ts``):

- a mono source stays mono (the mixer plays it at full level in both channels, HyperFrames'
  ``pan=stereo|FL=FL+FC|FR=FR+FC``, not swresample's -3 dB upmix); more channels are downmixed
  by swresample's default matrix (HyperFrames' ``-ac 2``);
- ``data-playback-rate`` changes tempo with pitch kept: FFmpeg's ``atempo`` (chained for rates
  below 0.5), as HyperFrames does and as a browser's ``preservesPitch`` does;
- ``data-media-start`` is honoured to the exact sample; looping is honoured (HyperFrames' mixer
  ignores ``loop``; the browser loops).

Samples are planar, shape ``(c, n)`` float32 with c 1 or 2 (the layout of PyAV's ``fltp``
frames). Placing, gain and summing are `engine.media.mixer`'s.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import MediaError
from .clips import RATE_RANGE, MediaClip

__all__ = ["AudioSource", "NoAudio", "atempo_lead", "clip_stream"]

_BLOCK = 1 << 18  # samples of silence per chunk where a looped file runs short


@dataclass(frozen=True)
class AudioSource:
    """What the mixer needs per clip: the clip (``audio``, or an unmuted ``video``) and its audio's length."""

    clip: MediaClip
    source_duration: float  # seconds of the file's audio stream


def clip_stream(source: AudioSource, sr: int) -> Iterator[np.ndarray]:
    """The clip's audio from ``media_start`` at ``sr``, looped if it loops, at its playback rate."""
    clip = source.clip
    if clip.loop:
        period = round((source.source_duration - clip.media_start) * sr)
        chunks = _looped(clip, period, sr) if period > 0 else iter(())
    else:
        chunks = _decode(clip, clip.media_start, sr)
    rate = min(max(clip.rate, RATE_RANGE[0]), RATE_RANGE[1])
    if abs(rate - 1.0) > 1e-9:
        chunks = _tempo(chunks, rate, sr)
    return chunks


def _looped(clip: MediaClip, period: int, sr: int) -> Iterator[np.ndarray]:
    """Passes of exactly `period` samples from ``media_start``, forever (silence where the file runs short)."""
    channels = 0
    while True:
        emitted = 0
        for chunk in _decode(clip, clip.media_start, sr):
            channels = chunk.shape[0]
            chunk = chunk[:, :period - emitted]
            emitted += chunk.shape[1]
            yield chunk
            if emitted >= period:
                break
        channels = channels or (1 if _channels(clip) == 1 else 2)
        while emitted < period:
            fill = min(period - emitted, _BLOCK)
            emitted += fill
            yield np.zeros((channels, fill), np.float32)


class NoAudio(Exception):
    """A video file without an audio stream."""


def _open(clip: MediaClip) -> Any:
    import av

    try:
        container = av.open(str(clip.path))
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise MediaError(f"{clip.element}: cannot read audio from {clip.path}: {exc}") from None
    if not container.streams.audio:
        container.close()
        if clip.kind == "video":
            raise NoAudio(clip.element)
        raise MediaError(f"{clip.element}: {clip.path} has no audio stream")
    return container


def _channels(clip: MediaClip) -> int:
    container = _open(clip)
    with container:
        return int(container.streams.audio[0].codec_context.channels or 2)


def _decode(clip: MediaClip, start_s: float, sr: int) -> Iterator[np.ndarray]:
    """The file's first audio stream from `start_s` seconds on: float32 ``(c, k)`` chunks at `sr`, c 1 or 2.

    Seeks (to the packet before `start_s`) when `start_s` is past the first second, then drops the
    decoded samples before `start_s` exactly, counting from the first frame's timestamp.
    """
    import av

    container = _open(clip)
    with container:
        stream = container.streams.audio[0]
        layout = "mono" if stream.codec_context.channels == 1 else "stereo"
        seeked = start_s > 1.0 and stream.time_base is not None
        if seeked:
            try:
                container.seek(int(start_s / stream.time_base), stream=stream, backward=True)
            except av.FFmpegError:
                seeked = False
                container.seek(0, stream=stream)
        resampler: Any = None
        template: Any = None  # the first frame the resampler was set up for
        skip: int | None = None
        try:
            for packet in container.demux(stream):
                for frame in packet.decode():
                    if skip is None:
                        t0 = frame.time if frame.time is not None else (start_s if seeked else 0.0)
                        skip = round((start_s - t0) * sr)
                        if skip < 0:  # the first frame starts after start_s: silence until it
                            yield np.zeros((1 if layout == "mono" else 2, -skip), np.float32)
                            skip = 0
                    if template is None or not _same_input(template, frame):  # a new resampler per format change
                        if resampler is not None:
                            for out in resampler.resample(None):
                                skip = yield from _emit(out, skip)
                        resampler = av.AudioResampler(format="fltp", layout=layout, rate=sr)
                        template = frame
                    for out in resampler.resample(frame):
                        skip = yield from _emit(out, skip)
            if resampler is not None:
                for out in resampler.resample(None):
                    skip = yield from _emit(out, skip)
        except av.FFmpegError as exc:
            raise MediaError(f"{clip.element}: decoding the audio of {clip.path} failed: {exc}") from None


def _same_input(first: Any, frame: Any) -> bool:
    """Whether `frame` has the format, layout and rate of `first`."""
    return bool(frame.format.name == first.format.name and frame.layout.name == first.layout.name
                and frame.sample_rate == first.sample_rate)


def _emit(frame: Any, skip: int | None) -> Generator[np.ndarray, None, int]:
    """Yield the frame's samples after dropping `skip` of them; return what is left to drop."""
    data = frame.to_ndarray()
    drop = min(skip or 0, data.shape[1])
    if data.shape[1] > drop:
        yield data[:, drop:]
    return (skip or 0) - drop


def atempo_lead(sr: int) -> int:
    """How many input samples FFmpeg's ``atempo`` output runs ahead: a quarter of its window.

    atempo's window is ``sample_rate / 24`` rounded up to a power of two (2048 at 48 kHz); its output
    sample ``k`` plays input sample ``k * tempo + window / 4`` (measured), so the stream is delayed by
    that many samples of silence to keep the clip's timing.
    """
    return (1 << math.ceil(math.log2(sr / 24))) // 4


def _tempo_stages(rate: float) -> list[float]:
    """atempo takes 0.5 to 100; slower rates are a chain of 0.5 stages (as HyperFrames builds it)."""
    stages: list[float] = []
    while rate < 0.5 - 1e-9:
        stages.append(0.5)
        rate /= 0.5
    return [*stages, rate]


def _chain_lead(stages: list[float], sr: int) -> int:
    """The input samples of silence that put a chain's output back on time: one stage's lead.

    Measured for chains of 2 to 4 stages (rates 0.1 to 0.45): the later stages add no lead.
    """
    return atempo_lead(sr) if stages else 0


def _tempo(chunks: Iterator[np.ndarray], rate: float, sr: int) -> Iterator[np.ndarray]:
    """The chunks through an ``atempo`` chain, pitch kept; its lead is compensated with leading silence."""
    import av
    from av.filter import Graph

    stages = _tempo_stages(rate)
    lead = _chain_lead(stages, sr)
    graph: Any = None
    layout = "stereo"
    pts = 0

    def push(data: np.ndarray | None) -> Iterator[np.ndarray]:
        nonlocal pts
        if data is None:
            graph.push(None)
        else:
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data, np.float32), format="fltp", layout=layout)
            frame.sample_rate, frame.pts, frame.time_base = sr, pts, Fraction(1, sr)
            pts += data.shape[1]
            graph.push(frame)
        while True:
            try:
                out = graph.pull()
            except (BlockingIOError, EOFError):  # needs more input / flushed
                return
            yield out.to_ndarray()

    try:
        for chunk in chunks:
            if graph is None:
                layout = "mono" if chunk.shape[0] == 1 else "stereo"
                graph = Graph()
                nodes = [graph.add_abuffer(sample_rate=sr, format="fltp", layout=layout, time_base=Fraction(1, sr))]
                nodes += [graph.add("atempo", f"{stage:.9g}") for stage in stages]
                nodes.append(graph.add("aformat", sample_fmts="fltp", channel_layouts=layout, sample_rates=str(sr)))
                nodes.append(graph.add("abuffersink"))
                graph.link_nodes(*nodes).configure()
                if lead:
                    yield from push(np.zeros((chunk.shape[0], lead), np.float32))
            for i in range(0, chunk.shape[1], 4096):
                yield from push(chunk[:, i:i + 4096])
        if graph is not None:  # a window of silence pushes the last samples out before the flush
            yield from push(np.zeros((1 if layout == "mono" else 2, 4 * atempo_lead(sr)), np.float32))
            yield from push(None)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
