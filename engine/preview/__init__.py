"""A preview of a composition: its exact frames (the render's own) in a browser page or a notebook.

::

    python -m engine.preview examples/showcase          # prints preview: http://127.0.0.1:PORT/?token=...

    import engine
    player = engine.preview("examples/showcase")         # in Jupyter: shows the player inline
    pixels = engine.still("examples/showcase", 2.5)      # (height, width, 3) uint16 (rgb48) array

The parts: `frames` (a warm `Renderer` on its own thread, the frame cache), `events` (server-sent
events and the folder watcher), `server` (the HTTP server), `cli` (the command line), and the
page under ``page/``. This package module is callable: ``engine.preview(comp)`` is `preview`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .server import PreviewServer

__all__ = ["preview", "still", "Preview"]


class Preview:
    """A running preview server (on background threads) for a notebook or a script: `url` is the
    page; in Jupyter it displays as the player (an iframe). `close()` stops it."""

    def __init__(self, server: PreviewServer, height: int = 560) -> None:
        self.server, self.height = server, height

    @property
    def url(self) -> str:
        return self.server.url

    def frame_url(self, t: float) -> str:
        """The address of the frame at `t` seconds (``/frame.png``)."""
        return self.url.replace("/?token=", f"/frame.png?t={t:g}&token=")

    def _repr_html_(self) -> str:
        from html import escape

        return (f'<iframe src="{escape(self.url)}" width="100%" height="{int(self.height)}" '
                'style="border:0" title="engine preview"></iframe>')

    def __repr__(self) -> str:
        return f"Preview({self.url})"

    def close(self) -> None:
        self.server.close()

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def preview(composition: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 0,
            output: str | os.PathLike[str] | None = None, height: int = 560) -> Preview:
    """Start a preview server of `composition` in the background and return it (`Preview`):
    in a notebook it shows the player inline. Raises `CompositionError` when `composition` is no
    composition."""
    from .server import PreviewServer

    return Preview(PreviewServer(composition, host=host, port=port, output=output).start(), height)


def still(composition: str | os.PathLike[str], t: float | str, *, quality: str = "high",
          **options: Any) -> np.ndarray:
    """The frame shown at `t` seconds as a NumPy array: what ``--still t`` renders (`engine.render`
    with ``still=t``; `options` are its other options, e.g. ``variables``), decoded from its PNG:
    (height, width, 3) ``uint16`` (rgb48) at ``quality="high"``, ``uint8`` (rgb24) otherwise;
    (height, width, 4) with ``alpha=True``."""
    import av

    from ..render.api import render

    with tempfile.TemporaryDirectory(prefix="engine-still-") as folder:
        out = Path(folder) / "still.png"
        render(composition, out, still=t, quality=quality, **options)
        with av.open(str(out)) as container:
            frame = next(container.decode(video=0))
            deep = "48" in frame.format.name or "64" in frame.format.name
            alpha = frame.format.name.startswith(("rgba", "ya"))
            fmt = ("rgba64le" if deep else "rgba") if alpha else ("rgb48le" if deep else "rgb24")
            return frame.to_ndarray(format=fmt)


class _CallableModule(types.ModuleType):
    """``engine.preview(comp)`` calls `preview`, whether ``engine.preview`` names the package (once
    imported, Python sets it so) or the function."""

    def __call__(self, composition: str | os.PathLike[str], **kwargs: Any) -> Preview:
        return preview(composition, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
