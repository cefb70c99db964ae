"""`Renderer`: renders one after another with the start-up paid once.

A render normally starts everything and stops it again: a Playwright driver and a Chromium per
worker, the GL context and the compiled shaders. A `Renderer` keeps them between its renders:
worker 0 runs on the thread that made the renderer, workers 1..W-1 on threads of its own
(`engine.render.lanes.Lane`) that live as long as it does, each keeping its driver and Chromium
running (`engine.capture.launch.keep_browsers_warm`); its blenders (one per backend) keep their
GL context and shader programs. Each render still gets fresh browser contexts (no cookies, cache or
storage carried over), its own plan, fence, rings and encoder, so its frames are the frames a
cold render makes.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..capture.launch import keep_browsers_warm
from ..errors import ConfigError, EngineError
from .lanes import WarmState
from .options import RenderDefaults, RenderOptions
from .result import RenderResult

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11; mypy knows both

__all__ = ["Renderer"]


class Renderer:
    """Renders compositions one after another, keeping browsers, the GL context and compiled
    shaders between renders::

        with engine.Renderer(workers=2, quality="high") as renderer:
            for name in ("intro", "outro"):
                renderer.render(f"comps/{name}", f"out/{name}.mp4")

    Keyword options given here are the defaults of each `render` (which takes every option of
    `engine.render` and may override them). A renderer belongs to the thread that made it (its
    worker 0 runs there, on Playwright's thread-bound API); `close()` (or leaving the ``with``
    block) stops everything it started.
    """

    def __init__(self, **defaults: Unpack[RenderDefaults]) -> None:
        RenderOptions(**_options_only(dict(defaults)))  # a bad default fails here, not at the first render
        self._defaults: dict[str, Any] = dict(defaults)
        self._thread = threading.get_ident()
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(keep_browsers_warm())
        self._state = WarmState()
        self._stack.callback(self._state.close)
        self._closed = False
        self.renders = 0

    def render(self, composition: str | os.PathLike[str], output: str | os.PathLike[str],
               **options: Unpack[RenderDefaults]) -> RenderResult:
        """Render `composition` to `output` (see `engine.render` for the options and errors)."""
        from .run import run_render

        if self._closed:
            raise EngineError("this Renderer is closed")
        if threading.get_ident() != self._thread:
            raise EngineError("a Renderer renders on the thread that made it (its browsers belong to that thread)")
        merged: dict[str, Any] = {**self._defaults, **options}
        progress, cancel = merged.pop("progress", None), merged.pop("cancel", None)
        result = run_render(Path(composition), Path(output), RenderOptions(**_options_only(merged)), progress, cancel,
                            warm=self._state)
        self.renders += 1
        return result

    def close(self) -> None:
        """Stop every browser and thread, and release the GL context. Idempotent."""
        if not self._closed:
            self._closed = True
            self._stack.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _options_only(values: dict[str, Any]) -> dict[str, Any]:
    """`values` checked against RenderOptions' fields (a TypeError would not name the option)."""
    from dataclasses import fields

    known = {f.name for f in fields(RenderOptions)}
    unknown = sorted(set(values) - known - {"progress", "cancel"})
    if unknown:
        raise ConfigError(f"unknown render option(s): {', '.join(unknown)}; expected some of: {', '.join(sorted(known))}")
    out = {k: v for k, v in values.items() if k in known}
    if out.get("capture") is not None:
        out["capture"] = dict(out["capture"])
    return out
