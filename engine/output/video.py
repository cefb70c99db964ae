"""A video file written by PyAV: the video stream (rgb48le converted by swscale, bt709 matrix,
limited range, tagged bt709) and, with audio, an audio stream interleaved with it: after frame
i the samples up to (i + 1) / fps are muxed, so the audio lasts exactly as long as the frames."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ..media.audio_encode import AudioTrack, SampleReader
from .formats import CODECS, make_folders, remove_folders

__all__ = ["VideoSink", "CONTAINERS"]

#: Extension -> PyAV container format.
CONTAINERS = {".mp4": "mp4", ".mkv": "matroska", ".mov": "mov", ".webm": "webm"}


class VideoSink:
    """Writes frames to the video file `tmp` (renamed onto the output by the `Encoder`)."""

    def __init__(self, tmp: Path, suffix: str, codec: str, quality: str, width: int, height: int, fps: Fraction,
                 samples: np.ndarray | SampleReader | None, sample_rate: int, *, alpha: bool = False) -> None:
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
            stream.options = dict(spec.options[quality])
            ctx = stream.codec_context
            ctx.colorspace = ctx.color_primaries = ctx.color_trc = 1  # bt709
            ctx.color_range = 1  # limited (MPEG) range
            if samples is not None:
                self._audio = AudioTrack(self._container, fmt, samples, sample_rate)
        except BaseException:
            self.discard()
            raise
        self._stream, self._pix_fmt = stream, pix_fmt

    def encode(self, video: Any, count: int) -> None:
        """Encode the rgb48le (or straight rgba64le) frame `video` as frame number `count` (0, 1, ... in the file)."""
        from av.video.reformatter import ColorRange, Colorspace

        video = video.reformat(format=self._pix_fmt, src_colorspace=Colorspace.ITU709,
                               dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG,
                               dst_color_trc=1, dst_color_primaries=1)
        video.pts = count
        for packet in self._stream.encode(video):
            self._container.mux(packet)
        if self._audio is not None:
            self._audio.write_until(self._audio.target(count + 1, self.fps))

    def finish(self, frames: int) -> None:
        """Flush the encoders and close the file, the audio cut to the length of `frames` frames."""
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        if self._audio is not None:
            self._audio.finish(self._audio.target(frames, self.fps))
        self._container.close()

    def discard(self) -> None:
        try:
            self._container.close()
        finally:
            self._tmp.unlink(missing_ok=True)
            remove_folders(self._made)
