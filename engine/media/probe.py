"""Probing a media file: its streams, sizes, rotation and durations, checked before any frame.

`probe_source` opens the file once with PyAV, picks the video stream (for a ``<video>``) and the
audio stream, checks that each has a decoder in this build and decodes its first frame (so a
corrupt file fails here, not mid-render), and reads durations from the stream or container
metadata; where a stream's duration is missing (WebM/Matroska often) it demuxes packets, without
decoding, to find the end of the last one. Every failure is a `MediaError` that names the
element and the file.

Rotation: FFmpeg keeps it as a display matrix, which PyAV 18 exposes only on decoded frames
(`VideoFrame.rotation`, from ``av_display_rotation_get``: degrees *counter-clockwise*, in
[-180, 180]); the stream metadata no longer carries ``rotate``. A phone's portrait clip reads
-90 there. `VideoInfo.rotation` is the clockwise turn a player applies to show the picture
upright: ``(-frame.rotation) % 360`` (so 90 for that portrait clip, whose coded frames are
landscape); `width`/`height` are the displayed size, the coded one swapped for 90 and 270.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from ..errors import MediaError

__all__ = ["SourceInfo", "VideoInfo", "AudioInfo", "probe_source", "pick_video_stream", "pick_audio_stream",
           "untagged_matrix"]

_VFR_PACKETS = 40  # packets whose timestamps decide whether the frame rate varies
_TAIL_SECONDS = 10.0
#: decoder names that differ from their codec's name
_CODEC_ALIASES = {"libdav1d": "av1", "libaom-av1": "av1", "mp3float": "mp3", "libopus": "opus", "libvpx-vp9": "vp9",
                  "libvpx": "vp8", "aac_fixed": "aac", "libvorbis": "vorbis"}  # how far before the container's end the packet scan for a duration starts


@dataclass(frozen=True)
class VideoInfo:
    """The video stream a ``<video>`` shows."""

    codec: str
    width: int  # displayed, after rotation
    height: int
    coded_width: int
    coded_height: int
    rotation: int  # clockwise degrees a player turns the coded picture: 0, 90, 180 or 270
    fps: float | None  # average frame rate
    bit_depth: int  # 8, 10, 12 (from the pixel format)
    pix_fmt: str
    duration: float  # end of the last frame's interval, from the first frame's pts (seconds)
    start_time: float  # the first frame's pts (seconds)
    variable_frame_rate: bool  # best-effort: the first packets' intervals differ
    stream_index: int = 0  # which stream of the container
    transfer: str | None = None  # "pq" (SMPTE ST 2084) or "hlg" (ARIB STD-B67): an HDR source; None: SDR


@dataclass(frozen=True)
class AudioInfo:
    """The audio stream a ``<video>`` or ``<audio>`` plays."""

    codec: str
    sample_rate: int
    channels: int
    duration: float  # seconds from the stream's first pts
    start_time: float  # the stream's first pts (seconds)
    stream_index: int = 0


@dataclass(frozen=True)
class SourceInfo:
    """What `probe_source` found in a file."""

    path: Path
    duration: float  # the longest of the streams used (video and/or audio)
    video: VideoInfo | None
    audio: AudioInfo | None
    element: str = ""  # the element it was probed for, for later messages


def _check_file(path: Path, element: str) -> None:
    if not path.exists():
        raise MediaError(f"{element}: {path} does not exist; expected a video or audio file")
    if path.is_dir():
        raise MediaError(f"{element}: {path} is a folder; expected a video or audio file")
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise MediaError(f"{element}: {path} cannot be read ({exc.strerror or exc})") from None


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def pick_video_stream(container: Any) -> Any | None:
    """The container's main video stream (cover art and other still pictures left out), or None."""
    streams = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
    if not streams:
        return None
    return max(streams, key=lambda s: (bool(s.disposition & av.stream.Disposition.default), -s.index))


def pick_audio_stream(container: Any) -> Any | None:
    """The container's main audio stream (the default one, else the first), or None."""
    streams = list(container.streams.audio)
    if not streams:
        return None
    return max(streams, key=lambda s: (bool(s.disposition & av.stream.Disposition.default), -s.index))


def _first_frame(container: Any, stream: Any, element: str, path: Path, kind: str,
                 extra: int = 0) -> tuple[Any, list[Any]]:
    """Decode the stream's first frame; also returns the packets read (at least `extra`, for timestamps)."""
    packets: list[Any] = []
    frame = None
    try:
        for packet in container.demux(stream):
            if packet.pts is not None:
                packets.append(packet)
            if frame is None:
                frame = next(iter(packet.decode()), None)
                if frame is None and len(packets) > 400:
                    break
            if frame is not None and len(packets) >= extra:
                break
    except av.FFmpegError as exc:
        raise MediaError(f"{element}: the {kind} of {path} is corrupt; decoding its first frame failed "
                         f"({_reason(exc)})") from None
    if frame is None:
        raise MediaError(f"{element}: the {kind} of {path} is corrupt or empty; no frame could be decoded from it")
    return frame, packets


def _codec_name(stream: Any, element: str, path: Path, kind: str) -> str:
    if stream.codec_context is None:
        raise MediaError(f"{element}: the {kind} stream of {path} has an unsupported codec (no decoder for it "
                         "in this FFmpeg build); expected e.g. H.264, HEVC, VP9, AV1 or ProRes video, "
                         "AAC, Opus, MP3, FLAC or PCM audio")
    name = str(stream.codec_context.name)
    return _CODEC_ALIASES.get(name, name)


def _seconds(ticks: int | None, time_base: Fraction | None) -> float | None:
    if ticks is None or time_base is None:
        return None
    return float(ticks * time_base)


def _scan_end(container: Any, stream: Any) -> int | None:
    """The end (pts + duration, in the stream's ticks) of the stream's last packet, by demuxing."""
    def scan() -> tuple[int | None, int]:
        end: int | None = None
        last_pts: int | None = None
        step = 0
        count = 0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            count += 1
            if last_pts is not None and packet.pts > last_pts:
                step = packet.pts - last_pts
            last_pts = packet.pts if last_pts is None else max(last_pts, packet.pts)
            finish = packet.pts + (packet.duration or step)
            end = finish if end is None else max(end, finish)
        return end, count

    if container.duration is not None and container.duration > _TAIL_SECONDS * av.time_base:
        try:
            target = container.duration - int(_TAIL_SECONDS * av.time_base) + (container.start_time or 0)
            container.seek(target, backward=True)
            end, count = scan()
            if count:
                return end
        except av.FFmpegError:
            pass
    container.seek(container.start_time or 0, backward=True)
    return scan()[0]


def _is_vfr(packets: list[Any]) -> bool:
    """Whether the first packets' presentation intervals differ (more than timestamp rounding)."""
    # decode order is not presentation order: the last packets read may leave gaps to be filled
    # by B-frames not yet read, so (unless the stream ended) only stamps below the last few count
    cutoff = max(p.pts for p in packets) if len(packets) < _VFR_PACKETS else min(p.pts for p in packets[-8:])
    stamps = sorted({p.pts for p in packets if p.pts <= cutoff})
    steps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    if len(steps) < 3:
        return False
    median = sorted(steps)[len(steps) // 2]
    return max(steps) - min(steps) > max(1.5, 0.02 * median)


#: The YUV matrix (FFmpeg's AVColorSpace name) of a video whose matrix is untagged, by picture size.
UNTAGGED_SD, UNTAGGED_HD = "smpte170m", "bt709"


def untagged_matrix(width: int, height: int) -> str:
    """The YUV matrix to decode a video with when its file does not say (colour matrix
    unspecified): players' rule (mpv, VLC), BT.601 (``smpte170m``) below HD sizes, BT.709 from
    1280x720 up (`width` >= 1280 or `height` >= 720, the coded picture's size). A tagged video
    keeps its tag."""
    return UNTAGGED_HD if width >= 1280 or height >= 720 else UNTAGGED_SD


#: FFmpeg's AVColorTransferCharacteristic values of the HDR transfers
_HDR_TRANSFERS = {16: "pq", 18: "hlg"}


def hdr_transfer(frame: Any, stream: Any) -> str | None:
    """``"pq"`` or ``"hlg"`` when the frame (or else the stream) is tagged with an HDR transfer."""
    for tagged in (frame, stream.codec_context):
        value = int(getattr(tagged, "color_trc", 2) or 2)
        if value in _HDR_TRANSFERS:
            return _HDR_TRANSFERS[value]
    return None


def _probe_video(container: Any, path: Path, element: str) -> VideoInfo:
    stream = pick_video_stream(container)
    if stream is None:
        raise MediaError(f"{element}: {path} has no video stream; expected a video file")
    codec = _codec_name(stream, element, path, "video")
    frame, packets = _first_frame(container, stream, element, path, "video", extra=_VFR_PACKETS)
    time_base = stream.time_base
    first_pts = frame.pts if frame.pts is not None else (stream.start_time or 0)
    duration: float | None = None
    if stream.duration is not None and stream.duration > 0:
        start = stream.start_time if stream.start_time is not None else first_pts
        duration = float((stream.duration + start - first_pts) * time_base)
    seen = max(p.pts for p in packets) - first_pts if packets else 0
    if duration is None or duration <= float(seen * time_base):  # missing, or contradicted by a frame
        end = _scan_end(container, stream)
        duration = float((end - first_pts) * time_base) if end is not None else 0.0
    fmt = frame.format
    bit_depth = max((c.bits for c in fmt.components), default=8)
    rotation = (-int(frame.rotation)) % 360
    rotation = (rotation + 45) // 90 * 90 % 360
    coded_w, coded_h = int(frame.width), int(frame.height)
    width, height = (coded_h, coded_w) if rotation in (90, 270) else (coded_w, coded_h)
    rate = stream.average_rate or stream.guessed_rate
    return VideoInfo(
        codec=codec, width=width, height=height, coded_width=coded_w, coded_height=coded_h, rotation=rotation,
        fps=float(rate) if rate else None, bit_depth=int(bit_depth), pix_fmt=str(fmt.name), duration=duration,
        start_time=float(first_pts * time_base), variable_frame_rate=_is_vfr(packets),
        stream_index=int(stream.index), transfer=hdr_transfer(frame, stream),
    )


def _probe_audio(container: Any, path: Path, element: str, required: bool, rewind: bool) -> AudioInfo | None:
    stream = pick_audio_stream(container)
    if stream is None:
        if required:
            raise MediaError(f"{element}: {path} has no audio stream; expected an audio file")
        return None
    codec = _codec_name(stream, element, path, "audio")
    if rewind:
        try:
            container.seek(container.start_time or 0, backward=True)
        except av.FFmpegError:
            pass  # not seekable: the audio's first frame is read from where the video probe stopped
    frame, _ = _first_frame(container, stream, element, path, "audio")
    time_base = stream.time_base
    first = stream.start_time if stream.start_time is not None else (frame.pts or 0)
    duration = _seconds(stream.duration, time_base)
    if not duration or duration <= 0:  # e.g. WebM: the end of the last packet, else the container's end
        end = _scan_end(container, stream)
        if end is not None:
            duration = float((end - first) * time_base)
        elif container.duration:
            duration = (container.duration - (container.start_time or 0)) / av.time_base
        else:
            duration = 0.0
    return AudioInfo(codec=codec, sample_rate=int(frame.sample_rate or stream.codec_context.sample_rate),
                     channels=int(frame.layout.nb_channels), duration=max(0.0, duration),
                     start_time=float(first * time_base), stream_index=int(stream.index))


#: Files probed well (by path, stream wanted, size and modification time), the latest last: the
#: render's static pre-probe and its page's census probe the same files.
_PROBED: dict[tuple[str, bool, int, int], SourceInfo] = {}
_PROBED_MAX = 64
_probed_lock = threading.Lock()


def _cache_key(path: Path, need_video: bool) -> tuple[str, bool, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (os.fspath(path.resolve()), need_video, stat.st_size, stat.st_mtime_ns)


def probe_source(path: Path, element: str, *, need_video: bool) -> SourceInfo:
    """Probe the media file of `element` (``<video id="a" src="a.mp4">``): a ``<video>`` needs a video
    stream (`need_video`) and uses its audio if any; an ``<audio>`` needs an audio stream. Raises
    `MediaError` (naming the element and the file) for a missing, unreadable, corrupt or unsupported file.
    A file probed before, unchanged since, is not opened again.
    """
    path = Path(path)
    try:
        _check_file(path, element)
        key = _cache_key(path, need_video)
        with _probed_lock:
            known = _PROBED.get(key) if key is not None else None
        if known is not None:
            return replace(known, path=path, element=element)
        info = _probe(path, element, need_video)
    except MediaError as exc:
        exc.element = exc.element or element or None  # the message names it already: str() stays the same
        raise
    if key is not None:
        with _probed_lock:
            _PROBED[key] = info
            while len(_PROBED) > _PROBED_MAX:
                del _PROBED[next(iter(_PROBED))]
    return info


def _probe(path: Path, element: str, need_video: bool) -> SourceInfo:
    try:
        container = av.open(os.fspath(path), metadata_errors="ignore")
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise MediaError(f"{element}: {path} is not a media file FFmpeg can read, or its header is corrupt "
                         f"({_reason(exc)}); expected a video or audio file") from None
    try:
        video = _probe_video(container, path, element) if need_video else None
        audio = _probe_audio(container, path, element, required=not need_video, rewind=need_video)
    except av.FFmpegError as exc:
        raise MediaError(f"{element}: reading {path} failed ({_reason(exc)})") from None
    finally:
        container.close()
    durations = [d.duration for d in (video, audio) if d is not None]
    return SourceInfo(path=path, duration=max(durations, default=0.0), video=video, audio=audio, element=element)
