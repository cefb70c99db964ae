"""The page runtime's source, injected (``add_init_script``) before any script of the composition."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .fonts import runtime_config

__all__ = ["runtime_source", "RUNTIME_FILES"]

#: The runtime's parts, in order, each one IIFE sharing what it offers the others through a hidden
#: ``window.__hfEngine*`` property: what every part shares (common.js: the element describer),
#: sub-composition assembly, timing and variables (compositions.js), the deterministic fonts
#: (fonts.js), the animation-library adapters (adapters.js), video frames shown as posters
#: (media.js), native video layers: paint order and box facts (paint_order.js), where and how a video
#: is drawn (layer_geometry.js), the page split around the videos composited outside the browser
#: (layers.js), the virtual clock: time, timers, requestAnimationFrame, Math.random (clock.js),
#: what HyperFrames' runtime predefines (hyperframes.js), timelines and animations put at a time
#: (seek.js), images decoded before a capture (assets.js), the engine's stylesheet and scene
#: isolation (isolate.js), the census of what cannot be rendered faithfully (census.js), then
#: ``window.__hfEngine``, what Python calls (runtime.js).
RUNTIME_FILES = ("common.js", "compositions.js", "fonts.js", "adapters.js", "media.js", "paint_order.js",
                 "layer_geometry.js", "layers.js", "clock.js",
                 "hyperframes.js", "seek.js", "assets.js", "isolate.js", "census.js", "runtime.js")


def runtime_source(seed: int, fonts: str, variables: Mapping[str, Any] | None = None,
                   font_dir: Path | None = None) -> str:
    """The page runtime for a session: its config (``window.__hfEngineConfig``), the render's
    variable values as ``window.__hfVariables`` (as HyperFrames' engine injects them, and only
    when there are some: ``window.__hyperframes.getVariables()`` merges them over the declared
    defaults), then `RUNTIME_FILES`."""
    folder = resources.files("engine.capture")
    parts = [folder.joinpath(name).read_text(encoding="utf-8") for name in RUNTIME_FILES]
    config = json.dumps({"seed": seed, "fonts": runtime_config(fonts, font_dir)})
    head = f"window.__hfEngineConfig = {config};\n"
    if variables:
        # JSON is a JavaScript expression; no HTML parser sees an init script, so no escaping
        head += f"window.__hfVariables = {json.dumps(dict(variables), allow_nan=False)};\n"
    return head + "\n".join(parts)
