"""HDR still images in a composition: a local ``<img>`` whose file is tagged with the PQ or HLG
transfer (a PNG's cICP chunk, an AVIF's colour information) makes a render HDR, as an HDR video
does (`engine.media.hdr`). Chromium draws images (issue 29 measured the native path slower for
them), in SDR: so each is named as an ``hdr-source`` warning, in an HDR render and an SDR one alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..composition.source import local_asset_targets

__all__ = ["image_transfer", "hdr_images", "hdr_image_note"]


def image_transfer(path: Path) -> str | None:
    """``pq`` or ``hlg`` when the image at `path` is tagged with that transfer (None: SDR, or not
    readable as an image)."""
    import av

    from .probe import hdr_transfer

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            return hdr_transfer(next(container.decode(stream)), stream)
    except (av.FFmpegError, OSError, ValueError, IndexError, StopIteration):
        return None


def hdr_images(raw: dict[str, Any], html_file: Path) -> list[tuple[str, str, str, int | None]]:
    """``(element, src, transfer, line)`` of each local ``<img>`` of the static census whose file is
    tagged PQ or HLG."""
    found = []
    for ref, _, target in local_asset_targets(raw, html_file):
        if ref.get("tag") != "img" or not target.is_file():
            continue
        transfer = image_transfer(target)
        if transfer is not None:
            ident = f' id="{ref["id"]}"' if ref.get("id") else ""
            found.append((f'<img{ident} src="{ref["url"]}">', str(ref["url"]), transfer, ref.get("line")))
    return found


def hdr_image_note(src: str, transfer: str, render_transfer: str | None) -> str:
    """The ``hdr-source`` warning's text for an HDR image in a render whose output is
    `render_transfer` (None: SDR)."""
    kind = "PQ" if transfer == "pq" else "HLG"
    where = "the HDR output holds it at SDR brightness" if render_transfer else "the output is SDR"
    return (f"{src} is an HDR image ({kind}); Chromium draws images, in SDR (8 bits, its own tone mapping), so it "
            f"loses its highlights and wide gamut ({where}); HDR videos keep theirs as native layers")
