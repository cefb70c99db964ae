"""The encoder: PyAV in-process on its own thread, fed frames in order.

Output goes to a temporary file beside the target and is renamed onto it only when the whole
video was written: a failed or interrupted render leaves neither the output nor the temporary
file. rgb48le is converted by swscale (bt709 matrix, limited range) straight to the codec's
pixel format, and the stream is tagged bt709. With `audio`, an audio stream (see
`engine.media.audio_encode`) is interleaved with the video: after frame i, the samples up to
(i + 1) / fps are muxed, and the audio lasts exactly as long as the frames written.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .config import check_choice
from .errors import ConfigError, EngineError, MediaError
from .media.audio_encode import AudioTrack, SampleReader, check_samples

__all__ = ["Encoder", "CODECS", "QUALITIES", "EncodeError", "check_output_path"]

QUALITIES = ("draft", "standard", "high")


@dataclass(frozen=True)
class CodecSpec:
    encoder: str
    pix_fmt: str
    container: str
    extensions: tuple[str, ...]
    options: dict[str, dict[str, str]]


#: Codec name -> encoder, pixel format, container, accepted extensions, options per quality.
CODECS: dict[str, CodecSpec] = {
    "h264": CodecSpec("libx264", "yuv420p", "mp4", (".mp4", ".mkv", ".mov"), {
        "draft": {"crf": "28", "preset": "veryfast"},
        "standard": {"crf": "20", "preset": "veryfast"},
        "high": {"crf": "16", "preset": "slow"},
    }),
    "hevc": CodecSpec("libx265", "yuv420p10le", "mp4", (".mp4", ".mkv", ".mov"), {
        "draft": {"crf": "30", "preset": "veryfast", "x265-params": "log-level=error"},
        "standard": {"crf": "24", "preset": "fast", "x265-params": "log-level=error"},
        "high": {"crf": "20", "preset": "slow", "x265-params": "log-level=error"},
    }),
    "prores": CodecSpec("prores_ks", "yuv444p10le", "mov", (".mov",), {
        "draft": {"profile": "4444"},
        "standard": {"profile": "4444"},
        "high": {"profile": "4444xq"},
    }),
}

_CONTAINERS = {".mp4": "mp4", ".mkv": "matroska", ".mov": "mov"}


def _rgb48_frame(pixels: np.ndarray) -> Any:
    """An rgb48le `av.VideoFrame` holding a copy of `pixels`. The copy is numpy's, which lets other
    threads run (``VideoFrame.from_ndarray`` holds the GIL for the whole 12 MB of a 1080p frame)."""
    from av.video.frame import VideoFrame

    height, width = pixels.shape[:2]
    video = VideoFrame(width, height, "rgb48le")
    plane = video.planes[0]
    rows = np.frombuffer(memoryview(plane), np.uint8).reshape(height, plane.line_size)
    np.copyto(rows[:, :width * 6].view(np.uint16).reshape(height, width, 3), pixels)
    return video


class EncodeError(EngineError):
    """The encoder failed (disk full, codec error); the message names the frame."""


def check_output_path(output: str | os.PathLike[str], codec: str) -> Path:
    """The output path, if its folder exists and is writable and its extension fits `codec`."""
    spec = CODECS[check_choice("codec", codec, tuple(CODECS))]
    path = Path(output)
    if path.suffix.lower() not in spec.extensions:
        raise ConfigError(
            f"output {str(path)!r} has extension {path.suffix or '(none)'!r}; codec {codec!r} writes "
            f"{', '.join(spec.extensions)}"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigError(f"output folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"output folder {str(folder)!r} is not writable")
    if path.is_dir():
        raise ConfigError(f"output {str(path)!r} is a folder; expected a file path")
    return path


class Encoder:
    """Encodes rgb48le frames in the order given, on a thread of its own.

    `write(frame, done=callback)` queues a frame (waiting when `queue_depth` frames are queued);
    `callback` runs as soon as the frame's pixels were copied out, so its buffer can be reused.
    `finish()` flushes and renames the file into place; `abort()` discards everything. Both are
    safe to call more than once, and `abort()` after `finish()` does nothing.

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
        codec: str = "h264",
        quality: str = "standard",
        queue_depth: int = 8,
        hash_frames: bool = False,
        audio: np.ndarray | SampleReader | None = None,
        sample_rate: int = 48000,
    ) -> None:
        self.codec = check_choice("codec", codec, tuple(CODECS))
        self.quality = check_choice("quality", quality, QUALITIES)
        self.output = check_output_path(output, self.codec)
        self.width, self.height, self.fps = width, height, Fraction(fps)
        self.frames_written = 0
        self.seconds = 0.0
        self.hashes: list[str] | None = [] if hash_frames else None
        try:
            self._samples = check_samples(audio) if isinstance(audio, np.ndarray) else audio
        except ValueError as exc:
            raise EncodeError(f"{self.output}: {exc}") from None
        self.sample_rate = sample_rate
        self._audio: AudioTrack | None = None
        self._tmp = self.output.with_name(f".{self.output.name}.{uuid.uuid4().hex[:8]}.partial{self.output.suffix}")
        self._queue: queue.Queue[tuple[np.ndarray, Callable[[], None] | None] | None] = queue.Queue(queue_depth)
        self._error: BaseException | None = None
        self._state = "open"
        self._lock = threading.Lock()
        self._container: Any = None
        self._stream: Any = None
        self._open()
        self._thread = threading.Thread(target=self._loop, name="engine-encoder", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        import av

        spec = CODECS[self.codec]
        try:
            fmt = _CONTAINERS[self.output.suffix.lower()]
            options = {"movflags": "+write_colr"} if fmt in ("mp4", "mov") else {}
            container = av.open(str(self._tmp), "w", format=fmt, options=options)
        except OSError as exc:
            raise EncodeError(f"cannot write {self.output}: {exc}") from None
        try:
            stream: Any = container.add_stream(spec.encoder, rate=self.fps)
            stream.width, stream.height, stream.pix_fmt = self.width, self.height, spec.pix_fmt
            stream.time_base = 1 / self.fps
            stream.options = dict(spec.options[self.quality])
            ctx = stream.codec_context
            ctx.colorspace = ctx.color_primaries = ctx.color_trc = 1  # bt709
            ctx.color_range = 1  # limited (MPEG) range
            if self._samples is not None:
                self._audio = AudioTrack(container, fmt, self._samples, self.sample_rate)
        except BaseException:
            container.close()
            self._tmp.unlink(missing_ok=True)
            raise
        self._container, self._stream, self._pix_fmt = container, stream, spec.pix_fmt

    def _loop(self) -> None:
        from av.video.reformatter import ColorRange, Colorspace

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
                video = _rgb48_frame(frame)
                if done:
                    done()
                    done = None
                video = video.reformat(format=self._pix_fmt, src_colorspace=Colorspace.ITU709,
                                       dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG,
                                       dst_color_trc=1, dst_color_primaries=1)
                video.pts = self.frames_written
                for packet in self._stream.encode(video):
                    self._container.mux(packet)
                self.frames_written += 1
                if self._audio is not None:
                    self._audio.write_until(self._audio.target(self.frames_written, self.fps))
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
        if frame.shape != (self.height, self.width, 3) or frame.dtype != np.uint16:
            raise EncodeError(f"frame of shape {frame.shape} {frame.dtype}; expected ({self.height}, {self.width}, 3) uint16")
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
                for packet in self._stream.encode(None):
                    self._container.mux(packet)
                if self._audio is not None:
                    self._audio.finish(self._audio.target(self.frames_written, self.fps))
                self._container.close()
            except MediaError:
                raise
            except BaseException as exc:
                raise EncodeError(f"finishing {self.output} failed: {exc}") from exc
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
            if self._container is not None:
                self._container.close()
        except Exception:  # noqa: BLE001 - the file is deleted next; its close errors do not matter
            pass
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.finish()
        else:
            self.abort()
