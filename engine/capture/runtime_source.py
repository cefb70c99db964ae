"""The page runtime's source, injected (``add_init_script``) before any script of the composition."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .fonts import runtime_config

__all__ = ["runtime_source", "RUNTIME_FILES"]

#: The runtime's parts, in order: sub-composition assembly, timing and variables
#: (compositions.js), the deterministic fonts (fonts.js), the animation-library adapters
#: (adapters.js), video frames shown as posters (media.js), native video layers: the page
#: split around a video composited outside the browser (layers.js), then the clocks, seeking
#: and scene isolation (runtime.js).
RUNTIME_FILES = ("compositions.js", "fonts.js", "adapters.js", "media.js", "layers.js", "runtime.js")


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
