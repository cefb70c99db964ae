"""What runs on a Ray node for a distributed render: the shipped composition folder, unpacked
once per node process, and `ChunkRenderer`, the actor that renders chunks on a warm
`engine.Renderer` (its browser, GL context and shaders kept between the chunks it renders)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["pack_folder", "unpack_folder", "ChunkRenderer", "MAX_ARCHIVE_BYTES"]

#: A composition folder larger than this is refused (Ray's object store holds it for every node).
MAX_ARCHIVE_BYTES = 2 * 1024**3


def pack_folder(folder: Path) -> tuple[bytes, str]:
    """(gzip tar of `folder`'s files, its sha256): what is shipped to the nodes. Symbolic links are
    stored as links, so the node's sandbox refuses those that point outside, as here."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        tar.add(str(folder), arcname=".", recursive=True)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


_unpacked: dict[str, Path] = {}


def unpack_folder(data: bytes, digest: str) -> Path:
    """The folder `data` unpacks to (once per digest in this process)."""
    found = _unpacked.get(digest)
    if found is not None and found.is_dir():
        return found
    target = Path(tempfile.mkdtemp(prefix=f"engine-comp-{digest[:12]}-"))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(target, filter="tar")  # no absolute paths, no members outside the folder
    _unpacked[digest] = target
    return target


class ChunkRenderer:
    """A Ray actor (wrapped by `ray.remote` on the driver): renders frame ranges of a composition
    to video files with the render's options, on one warm `engine.Renderer`."""

    def __init__(self, defaults: dict[str, Any]) -> None:
        self._defaults = defaults
        self._renderer: Any = None
        self._scratch = Path(tempfile.mkdtemp(prefix="engine-chunks-"))

    def pid(self) -> int:
        return os.getpid()

    def render_chunk(self, archive: bytes, digest: str, html: str, start: int, end: int,
                     suffix: str) -> dict[str, Any]:
        """Render frames `start`..`end` (exclusive) of the composition at `html` inside the
        shipped folder; returns the encoded chunk's bytes, its frame hashes and stage seconds."""
        from .warm import Renderer  # lazy: a Renderer renders on Ray too (see tests/test_import_cycles.py)

        if self._renderer is None:  # made on the thread that runs this actor's tasks
            self._renderer = Renderer(**self._defaults)
        folder = unpack_folder(archive, digest)
        out = self._scratch / f"chunk-{start:08d}{suffix}"
        try:
            result = self._renderer.render(folder / html, out, frames=(start, end), audio=False, hash_frames=True)
            return {"start": start, "end": end, "data": out.read_bytes(), "hashes": result.frame_hashes,
                    "stage_seconds": result.stage_seconds, "backend": result.backend,
                    "capture_format": result.capture_format, "capture_mode": result.capture_mode,
                    "warnings": result.warnings, "video_layers": result.video_layers, "captures": result.captures,
                    "browser_restarts": result.browser_restarts,
                    "node": os.uname().nodename, "pid": os.getpid()}
        finally:
            out.unlink(missing_ok=True)

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        shutil.rmtree(self._scratch, ignore_errors=True)
