"""Small helpers the test files share: decoding a rendered video, writing a composition."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import av
import numpy as np


class Video(NamedTuple):
    """A decoded video: its frames, its duration in seconds (0.0 when the file gives none) and its
    video stream (codec, rate and size stay readable after the file is closed)."""

    frames: list[np.ndarray]
    duration: float
    stream: Any


def decode_video(path: str | Path, format: str = "rgb24") -> Video:
    """Every frame of `path`'s first video stream as `format` arrays (``rgb24``, ``rgb48le``...)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format=format) for f in container.decode(stream)]
        duration = float(container.duration / av.time_base) if container.duration else 0.0
        return Video(frames, duration, stream)


def composition(folder: Path, body: str = "", *, head: str = "", width: int = 64, height: int = 36,
                duration: float = 1, fps: float | None = None, id: str = "t", **root: Any) -> Path:
    """Write `folder`/index.html: a composition root ``<div id="root" data-composition-id=...>``
    holding `body` (more root attributes as keywords: ``data_start=0`` is ``data-start="0"``);
    returns `folder`."""
    attrs = {"data-composition-id": id, "data-width": width, "data-height": height, "data-duration": duration,
             **({"data-fps": fps} if fps is not None else {}),
             **{name.replace("_", "-"): value for name, value in root.items()}}
    shown = " ".join(f'{name}="{value}"' for name, value in attrs.items())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        f"<!doctype html>\n<html><head>{head}</head><body>\n<div id=\"root\" {shown}>\n{body}\n</div>\n</body></html>\n",
        encoding="utf-8")
    return folder
