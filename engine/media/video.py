"""Decoding one video source to the RGB frame shown at any source time.

`VideoDecoder.frame_at(when)` gives the frame whose presentation interval ``[pts_i, pts_i+1)``
contains `when` (seconds from the source's first frame): intervals come from the decoded frames'
own timestamps (variable frame rate and B-frames need nothing special: frames leave the decoder
in presentation order), compared in the stream's time base.

Rounding: `when` usually comes from float arithmetic (``(t - start) * rate + media_start``), and
containers round timestamps to their tick (WebM: 1 ms, so 24 fps frame 1 starts at 42 ms, not
41.67). So `when` up to `tolerance` below a frame's start counts as that frame: half a tick of
the stream's time base, at least 1 us and at most 1 ms.

Decoding is sequential. Moving forward decodes forward; a backward jump seeks (to the keyframe
before, then decodes forward), and so does a forward jump of more than `SEEK_AHEAD` seconds when
a keyframe lies in between (by the container's index; without one, the distance alone decides).
Asking for the same time or another time within the same frame costs nothing.

Colour: swscale converts with the frame's own matrix and range; where the file leaves the
matrix unspecified, players' rule (`probe.untagged_matrix`): BT.601 below 1280x720, BT.709 from
1280 wide or 720 high up; range unspecified is limited. Depth 8 gives uint8 RGB (swscale's accurate
rounding and full chroma interpolation: within half a level of the exact matrix), depth 16 uint16
RGB (``rgb48le``, accurate rounding; 10/12-bit sources keep their bits). Rotation from the display
matrix is applied, so pixels are (height, width, 3) of the displayed size. An HDR source (PQ or
HLG) is decoded at 16 bits and tone-mapped to BT.709 SDR (`engine.media.tonemap`), or with
``tone_map=False`` kept as its signal (an HDR render's native layers).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from fractions import Fraction
from types import TracebackType
from typing import Any

import av
import numpy as np
from av.video.reformatter import Colorspace, Interpolation, VideoReformatter

from ..errors import MediaError
from .probe import UNTAGGED_HD, UNTAGGED_SD, SourceInfo, untagged_matrix
from .tonemap import tone_map_to_sdr

__all__ = ["VideoDecoder", "SEEK_AHEAD"]

#: seconds: a forward jump longer than this seeks instead of decoding through (keyframe permitting)
SEEK_AHEAD = 2.0
_UNSPECIFIED = 2  # AVCOL_SPC_UNSPECIFIED
_SWS_MATRIX = {UNTAGGED_HD: Colorspace.ITU709, UNTAGGED_SD: Colorspace.ITU601}  # untagged_matrix -> swscale's
_ACCURATE = Interpolation.BILINEAR | Interpolation.ACCURATE_RND
# full chroma interpolation makes 8-bit output exact, but corrupts rgb48le output in this swscale
_ACCURATE_8 = _ACCURATE | Interpolation.FULL_CHR_H_INT

_Decoded = tuple[int, Any]  # (pts, av.VideoFrame)


class VideoDecoder:
    """Sequential decoder of one video source, giving the frame shown at any source time."""

    def __init__(self, info: SourceInfo, *, depth: int = 8, threads: int = 0, order: str = "rgb",
                 accurate: bool = True, tone_map: bool = True) -> None:
        """`order` ``bgr`` gives BMP's byte order; ``accurate=False`` converts with swscale's fast
        path (2-3 levels off the exact matrix, a tenth of the cost: for frames going to JPEG).
        ``tone_map=False``: an HDR source's frames keep their signal (16-bit BT.2020 RGB in its
        PQ or HLG transfer), for an HDR render (`engine.media.hdr_layers`)."""
        if info.video is None:
            raise ValueError(f"{info.path}: VideoDecoder needs a source probed with its video stream")
        if depth not in (8, 16):
            raise ValueError(f"depth must be 8 or 16, not {depth!r}")
        self.info = info
        self.video = info.video
        self.depth = depth
        self.seeks = 0
        self.decoded = 0
        self._element = info.element or "<video>"
        if order not in ("rgb", "bgr"):
            raise ValueError(f"order must be 'rgb' or 'bgr', not {order!r}")
        self._hdr = self.video.transfer if tone_map else None  # "pq" / "hlg": tone-mapped to SDR (engine.media.tonemap)
        # an HDR source is decoded at 16 bits (then mapped, or kept as its signal)
        deep = depth == 16 or self.video.transfer is not None
        self._format = order + ("48le" if deep else "24")  # bgr: the byte order of BMP
        self._interpolation = (_ACCURATE if deep else _ACCURATE_8) if accurate else Interpolation.BILINEAR
        self._turns = -(self.video.rotation // 90) % 4  # np.rot90 turns counter-clockwise
        self._reformatter = VideoReformatter()  # one swscale context for all frames (a new one per frame is slow)
        self._gains: dict[tuple[str, int, int], float] = {}
        self._scratch: np.ndarray | None = None  # depth 16: the white-gain correction's buffers
        self._buffer: np.ndarray | None = None
        self._threads = threads
        self._container: Any = None
        self._closed = False
        self._open()
        self._time_base: Fraction = self._stream.time_base
        self._start = round(Fraction(self.video.start_time) / self._time_base)
        #: seconds below a frame's start that still count as that frame (see the module doc)
        self.tolerance = min(max(float(self._time_base) / 2, 1e-6), 1e-3)
        self._ticks_per_second = 1 / float(self._time_base)
        self._seek_ahead = SEEK_AHEAD * self._ticks_per_second
        self._end = self._start + math.ceil(self.video.duration * self._ticks_per_second)  # for seek targets
        self._frames: Iterator[_Decoded] | None = None
        self._cur: _Decoded | None = None
        self._next: _Decoded | None = None
        self._eof = False
        self._last_when: float | None = None
        self._result: tuple[int, np.ndarray] | None = None

    # -- public ----------------------------------------------------------------------------------

    def frame_at(self, when: float) -> tuple[int, np.ndarray]:
        """``(frame_id, pixels)`` of the frame shown at `when` seconds from the source's first frame.

        The first frame before it, the last one from its start on. `frame_id` is the frame's pts
        (unique per source frame); `pixels` stay valid until the next call.
        """
        if when == self._last_when and self._result is not None and not self._closed:
            return self._result
        pts, frame = self.raw_at(when)
        if self._result is None or self._result[0] != pts:
            self._result = (pts, self._convert(frame))
        self._last_when = when
        return self._result

    def frame_id_at(self, when: float) -> int:
        """The id (pts) of the frame shown at `when`, decoding up to it but converting nothing."""
        return self.raw_at(when)[0]

    def raw_at(self, when: float) -> tuple[int, Any]:
        """``(frame_id, av.VideoFrame)`` shown at `when`, as decoded (not converted, not rotated)."""
        if self._closed:
            raise ValueError(f"{self.info.path}: the decoder is closed")
        if not math.isfinite(when):
            raise ValueError(f"source time must be a finite number, not {when!r}")
        limit = self._start + (when + self.tolerance) * self._ticks_per_second
        try:
            self._position(limit)
            self._advance(limit)
        except av.FFmpegError as exc:
            raise MediaError(f"{self._element}: decoding the video of {self.info.path} failed at {when:.3f} s "
                             f"({exc})") from None
        if self._cur is None:
            raise MediaError(f"{self._element}: no frame of {self.info.path} could be decoded")
        return self._cur

    def close(self) -> None:
        """Release the file and the decoder (idempotent)."""
        if not self._closed:
            self._closed = True
            self._frames = None
            self._cur = self._next = None
            self._result = None
            self._container.close()

    def __enter__(self) -> VideoDecoder:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- decoding --------------------------------------------------------------------------------

    def _open(self) -> None:
        """(Re)open the file, positioned at its start."""
        if self._container is not None:
            self._container.close()
        try:
            self._container = av.open(os.fspath(self.info.path))
            self._stream = self._container.streams[self.video.stream_index]
        except (av.FFmpegError, OSError, IndexError) as exc:
            raise MediaError(f"{self._element}: cannot open {self.info.path} ({exc})") from None
        cc = self._stream.codec_context
        cc.thread_type = "AUTO"
        cc.thread_count = self._threads
        self._frames, self._cur, self._next, self._eof = None, None, None, False

    def _decode(self) -> Iterator[_Decoded]:
        """Frames from the current demux position on, as (pts, frame), pts strictly increasing."""
        last: int | None = None
        step = 1
        for packet in self._container.demux(self._stream):
            try:
                frames = packet.decode()
            except (av.error.InvalidDataError, av.error.UndefinedError):
                continue  # a damaged packet: FFmpeg conceals it on the next ones
            for frame in frames:
                pts = frame.pts
                if pts is None:  # no timestamp: one frame interval after the previous one
                    pts = self._start if last is None else last + step
                if last is not None:
                    if pts <= last:  # a duplicate or a leftover from before a seek
                        continue
                    step = pts - last
                last = pts
                self.decoded += 1
                yield pts, frame

    def _read(self) -> _Decoded | None:
        if self._frames is None:
            self._frames = self._decode()
        item = next(self._frames, None)
        if item is None:
            self._eof = True
        return item

    def _position(self, limit: float) -> None:
        """Seek when the wanted frame is behind the decoder or far ahead of it."""
        cur = self._cur
        if cur is None:
            if self._eof and self._next is None:
                self._seek(limit)  # nothing left where the last seek landed
            return  # fresh, reopened or just after a seek: decode on
        if limit < cur[0]:
            if cur[0] <= self._start:
                return  # before the first frame: the first frame shows
            self._seek(limit)
            return
        position = self._next[0] if self._next is not None else cur[0]
        if limit - position > self._seek_ahead and self._keyframe_after(position, limit):
            self._seek(limit)

    def _keyframe_after(self, position: float, limit: float) -> bool:
        """Whether the index has a keyframe in ``(position, limit]`` (True without an index)."""
        entries = self._stream.index_entries
        if len(entries) == 0:
            return True
        i = entries.search_timestamp(min(math.floor(limit), self._end), backward=True)
        return i >= 0 and entries[i].timestamp > position

    def _seek(self, limit: float) -> None:
        """Seek to the keyframe before `limit`, stepping back further until the first frame decoded is
        at or before it (demuxers without an index, such as MPEG-TS, land after it); at the start,
        reopen the file instead (a seek there may skip the first keyframe). The first frame decoded
        is left as the next one."""
        self.seeks += 1
        target = min(math.floor(limit), self._end)
        back = self._ticks_per_second  # one second, doubled at each retry
        while True:
            if target <= self._start:
                self._open()
                return
            try:
                self._container.seek(target, backward=True, stream=self._stream)
            except av.FFmpegError:
                target = self._start
                continue
            self._frames, self._cur, self._next, self._eof = None, None, None, False
            first = self._read()
            if first is not None and first[0] <= limit:
                self._next = first
                return
            target = math.floor(target - back)
            back *= 2

    def _advance(self, limit: float) -> None:
        """Decode forward until the next frame starts after `limit`; the current one is then the answer."""
        while True:
            if self._next is None and not self._eof:
                self._next = self._read()
            nxt = self._next
            if nxt is None:
                return
            if self._cur is not None and nxt[0] > limit:
                return
            self._cur, self._next = nxt, None

    # -- conversion ------------------------------------------------------------------------------

    def _reformat(self, reformatter: VideoReformatter, frame: Any) -> np.ndarray:
        rgb_source = frame.format.name.startswith(("gbr", "rgb", "bgr"))
        colorspace = None
        if frame.colorspace == _UNSPECIFIED and not rgb_source:
            colorspace = _SWS_MATRIX[untagged_matrix(frame.width, frame.height)]
        out = reformatter.reformat(frame, format=self._format, src_colorspace=colorspace,
                                   interpolation=self._interpolation, threads=self._threads)
        return out.to_ndarray()

    def _gain(self, frame: Any) -> float:
        """The factor that takes swscale's 16-bit RGB of YUV white (65283 for limited range: its deep
        path scales by 255 * 256, not 65535) to 65535, measured once per pixel format and range."""
        key = (frame.format.name, frame.color_range, frame.colorspace)
        gain = self._gains.get(key)
        if gain is None:
            gain = self._gains[key] = self._measure_gain(frame)
        return gain

    def _measure_gain(self, frame: Any) -> float:
        fmt = frame.format
        name = str(fmt.name)
        if not name.startswith("yuv") or name.endswith("be") or len(frame.planes) < 3:
            return 1.0
        bits = int(fmt.components[0].bits)
        full = name.startswith("yuvj") or frame.color_range == 2
        white = (1 << bits) - 1 if full else 235 << (bits - 8)
        neutral = 1 << (bits - 1)
        dtype = np.dtype(np.uint8) if bits <= 8 else np.dtype("<u2")
        probe = av.VideoFrame(16, 16, name)
        for plane, value in zip(probe.planes, (white, neutral, neutral, white), strict=False):
            view = memoryview(plane).cast("B")
            view[:] = np.full(len(view) // dtype.itemsize, value, dtype).tobytes()
        probe.colorspace, probe.color_range = frame.colorspace, frame.color_range
        level = float(self._reformat(VideoReformatter(), probe)[8, 8].min())
        return 65535.0 / level if 64000.0 < level < 65534.5 else 1.0

    def _convert(self, frame: Any) -> np.ndarray:
        """RGB pixels of `frame` in display orientation, C-contiguous."""
        pixels = self._reformat(self._reformatter, frame)
        if pixels.dtype == np.uint16:
            gain = self._gain(frame)
            if gain != 1.0:
                if self._scratch is None or self._scratch.shape != pixels.shape:
                    self._scratch = np.empty(pixels.shape, np.float32)
                    self._buffer = np.empty(pixels.shape, np.uint16)
                assert self._buffer is not None
                np.multiply(pixels, np.float32(gain), out=self._scratch)
                np.add(self._scratch, np.float32(0.5), out=self._scratch)
                np.minimum(self._scratch, np.float32(65535.0), out=self._scratch)
                np.copyto(self._buffer, self._scratch, casting="unsafe")
                pixels = self._buffer
        if self._hdr is not None:
            order = [2, 1, 0] if self._format.startswith("bgr") else [0, 1, 2]
            pixels = tone_map_to_sdr(pixels[..., order], self._hdr)[..., order]
            if self.depth == 8:
                pixels = ((pixels.astype(np.uint32) + 128) // 257).astype(np.uint8)
        if self._turns:
            pixels = np.rot90(pixels, k=self._turns)
        return np.ascontiguousarray(pixels)
