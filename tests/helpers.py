"""Small helpers the test files share: decoding a rendered video, writing a composition."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import av
import numpy as np


class Video(NamedTuple):
    """A decoded video: its frames, its duration in seconds (0.0 when the file gives none) and its
    video stream's fields (`StreamInfo`, readable after the file is closed)."""

    frames: list[np.ndarray]
    duration: float
    stream: Any


@dataclass(frozen=True)
class StreamInfo:
    """What the tests read of a decoded video stream, kept after its container is closed (PyAV
    refuses to read a closed container's stream from 18.1.1 on)."""

    average_rate: Fraction | None
    time_base: Fraction | None
    codec_name: str
    pix_fmt: str | None
    colorspace: int
    color_primaries: int
    color_trc: int
    color_range: int

    @property
    def codec_context(self) -> StreamInfo:
        """The same fields under the name PyAV's stream uses (``stream.codec_context.colorspace``)."""
        return self


def decode_video(path: str | Path, format: str = "rgb24") -> Video:
    """Every frame of `path`'s first video stream as `format` arrays (``rgb24``, ``rgb48le``...),
    its duration and what the stream says of itself (`StreamInfo`)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format=format) for f in container.decode(stream)]
        duration = float(container.duration / av.time_base) if container.duration else 0.0
        cc = stream.codec_context
        info = StreamInfo(stream.average_rate, stream.time_base, cc.name, cc.pix_fmt, cc.colorspace,
                          cc.color_primaries, cc.color_trc, cc.color_range)
        return Video(frames, duration, info)


def composition(folder: Path, body: str = "", *, head: str = "", width: int = 64, height: int = 36,
                duration: float = 1, fps: float | None = None, id: str = "t", **root: Any) -> Path:
    """Write `folder`/index.html: a composition root ``<div id="root" data-composition-id=...>``
    holding `body` (more root attributes as keywords: ``data_start=0`` is ``data-start="0"``);
    returns `folder`. The doctype, `head` and ``<body>`` are line 1, the root line 2, and `body`
    starts on line 3 (what line-numbered findings count from)."""
    attrs = {"data-composition-id": id, "data-width": width, "data-height": height, "data-duration": duration,
             **({"data-fps": fps} if fps is not None else {}),
             **{name.replace("_", "-"): value for name, value in root.items()}}
    shown = " ".join(f'{name}="{value}"' for name, value in attrs.items())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        f"<!doctype html><html><head>{head}</head><body>\n<div id=\"root\" {shown}>\n{body}\n</div>\n</body></html>\n",
        encoding="utf-8")
    return folder


#: FFmpeg's transfer codes and x265's names of the HDR transfers
HDR_TRC = {"pq": 16, "hlg": 18}
_X265_TRANSFER = {"pq": "smpte2084", "hlg": "arib-std-b67"}


def write_hdr_video(path: Path, rgb: np.ndarray, transfer: str, *, frames: int = 2, lossless: bool = False) -> Path:
    """`frames` frames of the picture `rgb` (uint16 (h, w, 3), the signal's code values) as 10 fps
    10-bit 4:2:0 video tagged BT.2020 (primaries, non-constant-luminance matrix) with the `transfer`
    (``pq``/``hlg``): HEVC Main 10 (libx265, near-lossless), or with `lossless` H.264 (libx264 qp 0)."""
    height, width = rgb.shape[:2]
    with av.open(str(path), "w") as out:
        if lossless:
            stream = out.add_stream("libx264", rate=10, options={"preset": "ultrafast", "qp": "0", "x264-params": "log=-1"})
        else:
            params = f"log-level=error:colorprim=bt2020:transfer={_X265_TRANSFER[transfer]}:colormatrix=bt2020nc:crf=4"
            stream = out.add_stream("libx265", rate=10, options={"preset": "ultrafast", "x265-params": params})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p10le"
        cc = stream.codec_context
        cc.color_primaries, cc.color_trc, cc.colorspace = 9, HDR_TRC[transfer], 9
        picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb48le")
        for i in range(frames):
            yuv = picture.reformat(format="yuv420p10le", src_colorspace=9, dst_colorspace=9)
            yuv.pts = i
            for packet in stream.encode(yuv):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
