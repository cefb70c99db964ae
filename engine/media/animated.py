"""Animated images (GIF, animated PNG or WebP) in a composition: Chromium animates them on its own
clock, not the render's (begin-frame captures hold one frame, screenshots advance in real time),
so each is named as an ``animated-image`` warning instead of rendering a wrong frame silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..composition.source import local_asset_targets

__all__ = ["animated_images", "frame_count"]

_FORMATS = {".gif": "gif", ".png": "apng", ".apng": "apng", ".webp": "webp"}


def frame_count(path: Path, limit: int = 2) -> int:
    """Frames in the image at `path`, counted up to `limit` (0 when it cannot be read as animated)."""
    import av

    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        return 0
    try:
        with av.open(str(path), format=fmt) as container:
            count = 0
            for _ in container.decode(video=0):
                count += 1
                if count >= limit:
                    break
            return count
    except (av.FFmpegError, OSError, ValueError, IndexError):
        return 0


def animated_images(raw: dict[str, Any], html_file: Path) -> list[tuple[str, str, int | None]]:
    """``(element, message, line)`` of each local ``<img>`` of the static census whose file has more
    than one frame."""
    found = []
    for ref, _, target in local_asset_targets(raw, html_file):
        if ref.get("tag") != "img" or not target.is_file() or frame_count(target) < 2:
            continue
        ident = f' id="{ref["id"]}"' if ref.get("id") else ""
        element = f'<img{ident} src="{ref["url"]}">'
        found.append((element, "is an animated image: Chromium animates it on its own clock, not the render's, so its "
                      "frames are not the composition's (use a <video> clip, which the engine decodes frame by frame)",
                      ref.get("line")))
    return found
