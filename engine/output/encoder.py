"""The encoder: frames fed in order, encoded on a thread of its own into the output the path and
codec ask for (`engine.output`): a video file (PyAV: h264, hevc, prores, vp9, av1; with its
audio), an animated GIF, one still PNG or a numbered PNG sequence.

Output goes to temporary files beside the target and is moved onto it only when everything was
written: a failed or interrupted render leaves neither the output nor a temporary file.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..caller import option
from ..config import check_choice
from ..errors import ConfigError, EncodeError, MediaError
from ..frames import unpremultiply
from ..media.audio_encode import SampleReader, check_samples
from .formats import CODECS, QUALITIES, CodecSpec, OutputTarget, check_output_path, resolve_output

__all__ = ["Encoder", "CODECS", "QUALITIES", "CodecSpec", "EncodeError", "check_output_path", "FrameSink"]


class FrameSink(Protocol):
    """Where the encoder thread puts frames: `engine.output.video.VideoSink`, `.gif.GifSink`,
    `.images.StillSink` or `.images.SequenceSink`. `swscale_white`: the sink converts 16-bit RGB
    to YUV with swscale, whose full scale is 65280, not 65535 (`_rgb48_frame`)."""

    swscale_white: bool

    def encode(self, video: Any, count: int) -> None:
        """Encode the rgb48le `av.VideoFrame` `video`, the `count`-th frame of the output."""

    def finish(self, frames: int) -> None:
        """Complete the temporary output after `frames` frames."""

    def discard(self) -> None:
        """Delete whatever was written."""


def _rgb48_frame(pixels: np.ndarray, swscale_white: bool = False) -> Any:
    """An rgb48le `av.VideoFrame` holding a copy of `pixels`, or for premultiplied rgba64le pixels
    an rgba64le frame of their straight colour (what encoders store). The copy is numpy's, which
    lets other threads run (``VideoFrame.from_ndarray`` holds the GIL for the whole 12 MB of a
    1080p frame).

    `swscale_white`: the copy is scaled by 255/256 (``v - (v >> 8)``: 65535 becomes 65280 exactly,
    every level within half a step of ``v * 65280 / 65535``), because swscale's 16-bit RGB to YUV
    takes 65280 (255 * 256) as full scale: unscaled, white 65535 came out at 10-bit luma 943 and
    8-bit 236 instead of 940 and 235, everything 0.39 % too bright."""
    from av.video.frame import VideoFrame

    height, width, channels = pixels.shape
    if channels == 4:
        pixels = unpremultiply(pixels)
    video = VideoFrame(width, height, "rgba64le" if channels == 4 else "rgb48le")
    plane = video.planes[0]
    rows = np.frombuffer(memoryview(plane), np.uint8).reshape(height, plane.line_size)
    copy = rows[:, :width * 2 * channels].view(np.uint16).reshape(height, width, channels)
    if swscale_white:
        np.subtract(pixels, pixels >> 8, out=copy)  # the copy and the scale in one pass
    else:
        np.copyto(copy, pixels)
    return video



class Encoder:
    """Encodes rgb48le frames in the order given, on a thread of its own.

    `write(frame, done=callback)` queues a frame (waiting when `queue_depth` frames are queued);
    `callback` runs as soon as the frame's pixels were copied out, so its buffer can be reused.
    `finish()` flushes and renames the file into place; `abort()` discards everything. Both are
    safe to call more than once, and `abort()` after `finish()` does nothing.

    `transfer`: ``pq`` or ``hlg`` for an HDR output (`engine.output.hdr`: BT.2020 tags and
    matrix, HDR10 metadata for PQ; a codec that cannot hold HDR is a ConfigError), None for SDR.
    An HDR output's frames are given in its signal (rgb48le BT.2020 PQ or HLG: an HDR
    `engine.capture.BrowserSession`'s frames are).

    `audio`: planar stereo float32 samples ``(2, n)`` at `sample_rate`, starting with the first
    frame, or a `SampleReader` giving them in order (`engine.media.mixer.MixStream`, which mixes
    as the video advances); None writes no audio stream.
    """

    def __init__(
        self,
        output: str | os.PathLike[str],
        width: int,
        height: int,
        fps: Fraction | int,
        *,
        codec: str = "auto",
        transfer: str | None = None,
        quality: str = "standard",
        queue_depth: int = 8,
        hash_frames: bool = False,
        audio: np.ndarray | SampleReader | None = None,
        sample_rate: int = 48000,
        still: bool = False,
        first_index: int = 0,
        alpha: bool = False,
    ) -> None:
        self.target: OutputTarget = resolve_output(output, codec, still=still, transfer=transfer)
        if alpha:
            self.target.check_alpha()
            if self.target.transfer is not None:
                raise ConfigError(f"{output}: an HDR output with alpha is not supported yet; render it SDR "
                                  f"({option('dynamic_range', '', repr('sdr'))}) or without alpha")
        self.channels = 4 if alpha else 3
        self.codec = self.target.codec
        self.quality = check_choice("quality", quality, QUALITIES)
        self.output = self.target.path
        self.width, self.height, self.fps = width, height, Fraction(fps)
        self.frames_written = 0
        self.seconds = 0.0
        self.hashes: list[str] | None = [] if hash_frames else None
        if audio is not None and not self.target.has_audio:
            raise EncodeError(f"{self.output}: a {self.target.kind} output holds no audio")
        try:
            samples = check_samples(audio) if isinstance(audio, np.ndarray) else audio
        except ValueError as exc:
            raise EncodeError(f"{self.output}: {exc}") from None
        self._queue: queue.Queue[tuple[np.ndarray, Callable[[], None] | None] | None] = queue.Queue(queue_depth)
        self._error: BaseException | None = None
        self._state = "open"
        self._lock = threading.Lock()
        self._tmp = self.output.with_name(f".{self.output.name}.{uuid.uuid4().hex[:8]}.partial{self.output.suffix}")
        self._sink = self._open(samples, sample_rate, first_index)
        self._thread = threading.Thread(target=self._loop, name="engine-encoder", daemon=True)
        self._thread.start()

    def _open(self, samples: np.ndarray | SampleReader | None, sample_rate: int, first_index: int) -> FrameSink:
        from .gif import GifSink
        from .images import SequenceSink, StillSink
        from .video import VideoSink

        kind, size, alpha = self.target.kind, (self.width, self.height), self.channels == 4
        try:
            if kind == "sequence":
                return SequenceSink(self.output, *size, self.quality, first_index, alpha=alpha)
            if kind == "still":
                return StillSink(self._tmp, *size, self.quality, alpha=alpha)
            if kind == "gif":
                keep = self._tmp.with_suffix(".mkv")
                return GifSink(self._tmp, keep, self.quality, *size, self.fps)
            return VideoSink(self._tmp, self.output.suffix, self.codec, self.quality, *size, self.fps, samples,
                             sample_rate, alpha=alpha, transfer=self.target.transfer)
        except OSError as exc:
            raise EncodeError(f"cannot write {self.output}: {exc}") from None

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            frame, done = item
            if self._error is not None:
                if done:
                    done()
                continue
            try:
                start = time.perf_counter()
                if self.hashes is not None:
                    self.hashes.append(hashlib.blake2b(frame.data, digest_size=16).hexdigest())
                # an HDR output's frames come in its signal (`engine.media.hdr_layers`)
                video = _rgb48_frame(frame, self._sink.swscale_white)
                if done:
                    done()
                    done = None
                self._sink.encode(video, self.frames_written)
                self.frames_written += 1
                self.seconds += time.perf_counter() - start
            except MediaError as exc:  # a media file that fails while its sound is mixed: bad input, named
                self._error = exc
            except BaseException as exc:
                self._error = EncodeError(f"encoding frame {self.frames_written} to {self.output} failed: {exc}")
                self._error.__cause__ = exc
            finally:
                if done:
                    done()

    @property
    def error(self) -> BaseException | None:
        return self._error

    def write(self, frame: np.ndarray, done: Callable[[], None] | None = None, timeout: float | None = None) -> None:
        """Queue the next frame (uint16, (height, width, 3)); raises the encoder's error if it failed."""
        if self._error is not None:
            raise self._error
        if self._state != "open":
            raise EncodeError("the encoder is closed")
        if frame.shape != (self.height, self.width, self.channels) or frame.dtype != np.uint16:
            raise EncodeError(f"frame of shape {frame.shape} {frame.dtype}; expected "
                              f"({self.height}, {self.width}, {self.channels}) uint16")
        self._queue.put((frame, done), timeout=timeout)

    def _stop_thread(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def finish(self) -> Path:
        """Flush the encoder, close the file and rename it onto the output path."""
        with self._lock:
            if self._state == "finished":
                return self.output
            if self._state != "open":
                raise EncodeError("the encoder was aborted")
            self._state = "closing"
        try:
            self._stop_thread()
            if self._error is not None:
                raise self._error
            if self.frames_written == 0:
                raise EncodeError(f"no frames were encoded; {self.output} was not written")
            try:
                self._sink.finish(self.frames_written)
            except MediaError:
                raise
            except BaseException as exc:
                raise EncodeError(f"finishing {self.output} failed: {exc}") from exc
            if self.target.kind != "sequence":
                os.replace(self._tmp, self.output)
            self._state = "finished"
            return self.output
        except BaseException:
            self._discard()
            raise

    def abort(self) -> None:
        """Stop, close and delete the temporary file; the output path is left untouched."""
        with self._lock:
            if self._state in ("finished", "aborted"):
                return
            was_open = self._state == "open"
            self._state = "aborting"
        if was_open:
            self._error = self._error or EncodeError("aborted")
            self._stop_thread()
        self._discard()

    def _discard(self) -> None:
        self._state = "aborted"
        try:
            self._sink.discard()
        except Exception:  # noqa: BLE001 - the temporary files are deleted next; close errors do not matter
            pass
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.finish()
        else:
            self.abort()
