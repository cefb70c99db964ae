"""PNG output: one still, or a numbered sequence (one file per frame).

Frames are encoded by PyAV's PNG encoder: 8-bit RGB (``rgb24``, each 16-bit value rounded to the
nearest 8-bit one), or 16-bit RGB (``rgb48be``, the frame exactly) at quality ``high``; with
alpha, RGBA (``rgba`` / ``rgba64be``, straight alpha as PNG stores it). Nothing
appears at the output names until the whole render succeeded: a still is written to a temporary
file beside it; a sequence into a hidden temporary folder beside its files, moved into place
by `finish` (files of the same names are replaced; other files in the folder are left alone).
A folder that did not exist is made, and removed again if the render fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from .formats import CODECS, make_folders, remove_folders, sequence_name

__all__ = ["png_bytes", "StillSink", "SequenceSink"]


class _PngEncoder:
    def __init__(self, width: int, height: int, quality: str, alpha: bool = False) -> None:
        import av

        options = CODECS["png"].options[quality]
        deep = options.get("bits") == "16"
        self.pix_fmt = ("rgba64be" if deep else "rgba") if alpha else ("rgb48be" if deep else "rgb24")
        self._codec: Any = av.CodecContext.create("png", "w")
        self._codec.width, self._codec.height, self._codec.pix_fmt = width, height, self.pix_fmt
        self._codec.options = {"compression_level": options["compression_level"]} if "compression_level" in options \
            else {}

    def encode(self, video: Any) -> bytes:
        packets = self._codec.encode(video.reformat(format=self.pix_fmt))
        return b"".join(bytes(p) for p in packets)


def png_bytes(video: Any, quality: str = "high") -> bytes:
    """The PNG file of the rgb48le `av.VideoFrame` `video` (16-bit at ``high``)."""
    return _PngEncoder(video.width, video.height, quality).encode(video)


class StillSink:
    """One frame, written as the PNG `output` (through the temporary file `tmp`)."""

    swscale_white = False  # 16-bit RGB written as it is

    def __init__(self, tmp: Path, width: int, height: int, quality: str, alpha: bool = False) -> None:
        self._tmp, self._png = tmp, _PngEncoder(width, height, quality, alpha)
        self._made = make_folders(tmp)  # the still's folder, if missing (removed again by `discard`)

    def encode(self, video: Any, count: int) -> None:
        if count > 0:
            raise ValueError("a still holds one frame")
        self._tmp.write_bytes(self._png.encode(video))

    def finish(self, frames: int) -> None:
        pass

    def discard(self) -> None:
        self._tmp.unlink(missing_ok=True)
        remove_folders(self._made)


class SequenceSink:
    """One PNG per frame, named from `pattern` (``f_%04d.png``) with the composition's frame number
    (`first_index` + the frame's count), written into a temporary folder and moved into place at
    `finish`."""

    swscale_white = False  # 16-bit RGB written as it is

    def __init__(self, pattern: Path, width: int, height: int, quality: str, first_index: int,
                 alpha: bool = False) -> None:
        self.pattern, self.first_index = pattern, first_index
        self.folder = pattern.parent if str(pattern.parent) else Path(".")
        self._made = make_folders(pattern)
        self._staging = self.folder / f".{uuid.uuid4().hex[:8]}.partial-sequence"
        self._staging.mkdir()
        self._png = _PngEncoder(width, height, quality, alpha)
        self.names: list[str] = []

    def encode(self, video: Any, count: int) -> None:
        name = sequence_name(self.pattern.name, self.first_index + count)
        (self._staging / name).write_bytes(self._png.encode(video))
        self.names.append(name)

    def finish(self, frames: int) -> None:
        for name in self.names:
            os.replace(self._staging / name, self.folder / name)
        self._staging.rmdir()

    def discard(self) -> None:
        shutil.rmtree(self._staging, ignore_errors=True)
        remove_folders(self._made)  # only where empty
