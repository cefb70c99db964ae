"""`engine.render(...)`: the Python call, its options validated into `RenderOptions` and run by
`run.run_render` (the package re-exports it; the command line calls it too)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from .options import RenderOptions, parse_fps
from .run import RenderResult, run_render

__all__ = ["render"]


def render(
    composition: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    fps: Fraction | float | str | None = None,
    workers: int | str = "auto",
    backend: str = "auto",
    path: str = "auto",
    partition: str = "dynamic",
    ring_depth: int | None = None,
    codec: str = "auto",
    quality: str = "standard",
    frames: str | tuple[int, int] | None = None,
    still: float | str | Fraction | None = None,
    hash_frames: bool = False,
    strict: bool = False,
    audio: bool = True,
    alpha: bool = False,
    dynamic_range: str = "auto",
    loudness: float | str | None = None,
    ray: str | None = None,
    chunk_frames: int | None = None,
    capture: Mapping[str, Any] | None = None,
    variables: Mapping[str, Any] | None = None,
    strict_variables: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> RenderResult:
    """Render the composition (an ``.html`` file or a folder with ``index.html``) to `output`.

    Options as the command line's (``python -m engine.render --help``). The output's extension
    picks the codec unless `codec` names one: a video file (``.mp4``, ``.mov``, ``.webm``, ``.mkv``),
    an animated ``.gif``, a PNG sequence (``frames/f_%04d.png``), or with `still` (seconds) the one
    frame shown then as a ``.png``; `capture` holds
    `engine.capture.CaptureOptions` fields (``allow_network``, ``url_map``, ``capture_format``...);
    `progress(done, total)` is called as frames reach the encoder; setting `cancel` (from any
    thread) stops the render at the next frame with `RenderCancelled`. Whatever the composition holds
    that the engine cannot render faithfully is a `engine.RenderWarning` (Python `warnings`) and an
    entry of `RenderResult.warnings`; with `strict` it is an `engine.UnfaithfulRenderError` instead,
    before anything is written. `variables` are values for the composition's declared variables
    (``data-composition-variables``), merged over their defaults in the page's
    ``window.__hyperframes.getVariables()``; one not declared, or of the wrong type, is a
    `engine.RenderWarning`, and bad input with `strict_variables`. `dynamic_range` (``auto``,
    ``hdr``, ``sdr``): whether the output is HDR (README, "HDR"). `loudness` (LUFS, -70..0)
    normalises the mix to that integrated loudness, true peak at most -1 dBTP. The output appears only when
    the whole video was written. Raises an `engine.InputError` for bad input and another
    `engine.EngineError` when the render fails.
    """
    options = RenderOptions(fps=None if fps is None else parse_fps(fps), workers=workers, backend=backend, path=path, partition=partition,
                            ring_depth=ring_depth, codec=codec, quality=quality, frames=frames, still=still,
                            hash_frames=hash_frames, strict=strict, audio=audio, alpha=alpha,
                            dynamic_range=dynamic_range, loudness=loudness, ray=ray, chunk_frames=chunk_frames,
                            capture=dict(capture or {}),
                            variables=variables, strict_variables=strict_variables)
    return run_render(Path(composition), Path(output), options, progress, cancel)
