"""HyperFrames' deterministic fonts: the Latin font files it bundles (``fonts/``, OFL-1.1) and
its alias map (``fonts/fonts.json``), which the page runtime (``fonts.js``) applies.

With ``fonts="hyperframes"`` (the default) every ``font-family`` a composition names is looked
up case-insensitively: a bundled family (Inter, Montserrat, Roboto...) or an alias of one
(Arial, Helvetica, Segoe UI -> Inter, Courier New -> JetBrains Mono, Georgia -> EB Garamond...)
gets ``@font-face`` rules under the authored name, served from this package, so text looks
the same on every machine and as in HyperFrames; a stack that starts with a generic family
(``sans-serif``, ``system-ui``...) gets Inter in front. A family that is neither bundled, nor
declared by the page, nor installed is a ``font-fallback`` warning. ``fonts="system"`` leaves
the page's fonts to fontconfig.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["FONT_URL_PREFIX", "FONT_MODES", "fonts_dir", "manifest", "runtime_config"]

#: Where the page finds the bundled files (served by `AssetRouter`, never from the composition).
FONT_URL_PREFIX = "/__engine/fonts/"
FONT_MODES = ("hyperframes", "system")


def fonts_dir() -> Path:
    return Path(str(resources.files("engine.capture").joinpath("fonts")))


@functools.cache
def manifest() -> dict[str, Any]:
    """The bundled families, their weights and files, the alias map and the generic names."""
    data: dict[str, Any] = json.loads((fonts_dir() / "fonts.json").read_text(encoding="utf-8"))
    return data


def runtime_config(mode: str, font_dir: Path | None = None) -> dict[str, Any] | None:
    """What ``fonts.js`` needs for `mode` and the local font folder (None: leave the fonts to the
    system). With ``system`` only the folder's families are given faces."""
    from .font_dir import runtime_faces

    local = runtime_faces(font_dir)
    m = manifest()
    if mode != "hyperframes":
        if not local:
            return None
        return {"prefix": FONT_URL_PREFIX, "fonts": {}, "aliases": {}, "generic": m["generic"], "primary": None,
                "unicodeRange": m["unicode_range"], "local": local}
    return {"prefix": FONT_URL_PREFIX, "fonts": m["fonts"], "aliases": m["aliases"], "generic": m["generic"],
            "primary": m["primary"], "unicodeRange": m["unicode_range"], "local": local}
