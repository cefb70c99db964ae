"""A video file written by PyAV: the video stream (rgb48le converted by swscale, bt709 matrix,
limited range, tagged bt709; for an HDR output the BT.2020 non-constant luminance matrix, tagged
BT.2020 with the PQ or HLG transfer and for PQ HDR10 metadata: `engine.output.hdr`) and, with audio, an audio stream interleaved with it: after frame
i the samples up to (i + 1) / fps are muxed, so the audio lasts exactly as long as the frames."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..media.audio_encode import AudioTrack, SampleReader
from .formats import CODECS, make_folders, remove_folders
from .hdr import BT2020, BT2020_NCL, TRC, hdr_options

__all__ = ["VideoSink", "CONTAINERS"]

#: Extension -> PyAV container format.
CONTAINERS = {".mp4": "mp4", ".mkv": "matroska", ".mov": "mov", ".webm": "webm"}
#: Frames a packet's decode time may come before its presentation time (B-frame reordering; x265 and
#: x264 reorder at most 16).
MAX_REORDER = 64


class VideoSink:
    """Writes frames to the video file `tmp` (renamed onto the output by the `Encoder`)."""

    swscale_white = True  # RGB to YUV by swscale (`engine.output.encoder._rgb48_frame`)

    def __init__(self, tmp: Path, suffix: str, codec: str, quality: str, width: int, height: int, fps: Fraction,
                 samples: np.ndarray | SampleReader | None, sample_rate: int, *, alpha: bool = False,
                 transfer: str | None = None) -> None:
        import av

        spec = CODECS[codec]
        if spec.encoder == "libsvtav1":
            os.environ.setdefault("SVT_LOG", "1")  # SVT-AV1 prints its configuration unless told errors only
        self.fps, self._tmp = fps, tmp
        fmt = CONTAINERS[suffix.lower()]
        options = {"movflags": "+write_colr"} if fmt in ("mp4", "mov") else {}
        self._made = make_folders(tmp)  # the output's folder, if missing (removed again by `discard`)
        try:
            self._container: Any = av.open(str(tmp), "w", format=fmt, options=options)
        except BaseException:
            remove_folders(self._made)
            raise
        self._audio: AudioTrack | None = None
        try:
            stream: Any = self._container.add_stream(spec.encoder, rate=fps)
            pix_fmt = spec.alpha_pix_fmt if alpha and spec.alpha_pix_fmt else spec.pix_fmt
            stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
            stream.time_base = 1 / fps
            options = dict(spec.options[quality])
            stream.options = hdr_options(codec, transfer, options) if transfer is not None else options
            # H.273 codes: matrix, primaries, transfer; bt709 (1) or BT.2020 NCL (9), BT.2020 (9), PQ/HLG
            self._tags = (BT2020_NCL, BT2020, TRC[transfer]) if transfer is not None else (1, 1, 1)
            ctx = stream.codec_context
            ctx.colorspace, ctx.color_primaries, ctx.color_trc = self._tags
            ctx.color_range = 1  # limited (MPEG) range
            if samples is not None:
                self._audio = AudioTrack(self._container, fmt, samples, sample_rate)
        except BaseException:
            self.discard()
            raise
        self._stream, self._pix_fmt = stream, pix_fmt
        self._last_dts: int | None = None  # of the last video packet muxed

    def encode(self, video: Any, count: int) -> None:
        """Encode the rgb48le (or straight rgba64le) frame `video` as frame number `count` (0, 1, ... in the file)."""
        from av.video.reformatter import ColorRange

        matrix, primaries, trc = self._tags  # the RGB -> YUV matrix is the one the stream is tagged with
        if matrix == 1:
            video = video.reformat(format=self._pix_fmt, src_colorspace=matrix, dst_colorspace=matrix,
                                   dst_color_range=ColorRange.MPEG, dst_color_trc=trc, dst_color_primaries=primaries)
        else:  # HDR: the matrix only; swscale given another transfer or primaries would convert the pixels too
            video = video.reformat(format=self._pix_fmt, src_colorspace=matrix, dst_colorspace=matrix,
                                   dst_color_range=ColorRange.MPEG)
            video.color_trc, video.color_primaries = trc, primaries
        video.pts = count
        for packet in self._stream.encode(video):
            self._mux_video(packet)
        if self._audio is not None:
            self._audio.write_until(self._audio.target(count + 1, self.fps))

    def _mux_video(self, packet: Any) -> None:
        """Mux one video packet. libx265 flushing a stream of a few frames (all its packets come at the
        flush) now and then gives them an uninitialised decode time (-7e13: the MP4 muxer then fails
        with "Not yet implemented"); a decode time after the packet's presentation time or more than
        `MAX_REORDER` frames before it is replaced by the next one in decode order."""
        pts, dts = packet.pts, packet.dts
        if pts is not None and dts is not None and not pts - MAX_REORDER <= dts <= pts:
            packet.dts = pts if self._last_dts is None else min(pts, self._last_dts + 1)
        if packet.dts is not None:
            self._last_dts = packet.dts
        self._container.mux(packet)

    def finish(self, frames: int) -> None:
        """Flush the encoders and close the file, the audio cut to the length of `frames` frames."""
        for packet in self._stream.encode(None):
            self._mux_video(packet)
        if self._audio is not None:
            self._audio.finish(self._audio.target(frames, self.fps))
        self._container.close()

    def discard(self) -> None:
        try:
            self._container.close()
        finally:
            self._tmp.unlink(missing_ok=True)
            remove_folders(self._made)
