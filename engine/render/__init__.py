"""Rendering a composition to a video: `engine.render(...)`, `python -m engine.render` and the
`engine-render` console script (`main`).

The stage files: `run` the orchestrator (a short sequence of named steps), `worker` the loop
that captures (and blends) a worker's frames, `browser` a worker's session and its restart
policy, `job` the shared state and the blend of a frame, `feed` the fence-to-encoder feed,
`result` the stats and the result, `options` the validated options, `lanes` what a warm
`Renderer` (`warm`) lends each render, `api` the `render` function, `cli` the command line.

::

    import engine
    result = engine.render("examples/showcase", "out/showcase.mp4", workers="auto", quality="standard")
    print(result.summary(), result.stage_seconds)
"""

from __future__ import annotations

from .api import render
from .cli import main
from .options import PATHS, RenderOptions
from .run import RenderResult
from .warm import Renderer

__all__ = ["render", "main", "Renderer", "RenderResult", "RenderOptions", "PATHS"]
