"""HyperFrames' shader library (``@hyperframes/shader-transitions``) read into this engine's
transitions (pure).

In render mode (the page runtime sets the library's flag) ``HyperShader.init`` publishes
``window.__hf.transitions`` as ``{time, duration, shader, ease, fromScene, toScene}`` and puts
the scenes' visibility on the composition's timeline. An entry without a shader is a CSS
crossfade that the page draws itself with opacity tweens: it is left to the page, not blended.
``init``'s ``accentColor`` (which the library does not publish; the runtime keeps it) becomes
the colour parameters of the built-ins that have them, with the library's own formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ACCENT_PARAMS", "accent_colors", "from_hypershader"]

Color = tuple[float, float, float]

#: Built-in -> {its colour parameter: which of the library's accent colours feeds it}. The
#: library derives three colours from ``accentColor``: ``accent``, ``dark`` and ``bright``.
ACCENT_PARAMS: dict[str, dict[str, str]] = {
    "domain-warp": {"edge_color": "bright"},
    "ridged-burn": {"red_color": "dark", "orange_color": "accent", "hot_color": "bright"},
    "sdf-iris": {"glow_color": "bright"},
    "light-leak": {"leak_color": "accent", "flare_color": "bright"},
}


def accent_colors(accent: str) -> dict[str, Color]:
    """The library's three colours from a ``#rrggbb`` accent: the colour, 0.35 of it, and
    ``min(1, 1.5 c + 0.2)``; like the library, anything else reads as mid grey."""
    text = accent.strip()
    digits = text[1:7] if text.startswith("#") else ""
    try:
        if len(digits) != 6:
            raise ValueError
        r, g, b = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        r = g = b = 0.5
    return {
        "accent": (r, g, b),
        "dark": (r * 0.35, g * 0.35, b * 0.35),
        "bright": (min(1.0, r * 1.5 + 0.2), min(1.0, g * 1.5 + 0.2), min(1.0, b * 1.5 + 0.2)),
    }


def from_hypershader(published: Sequence[Any], init: Mapping[str, Any]) -> tuple[list[Any], list[str]]:
    """(entries to blend, descriptions of the crossfades the page draws itself) from the
    library's published `published` transitions and the options of its `init` call."""
    accent = init.get("accentColor")
    colors = accent_colors(accent) if isinstance(accent, str) else None
    blended: list[Any] = []
    page_drawn: list[str] = []
    for i, entry in enumerate(published):
        if not isinstance(entry, dict):
            blended.append(entry)  # validation names it
            continue
        if entry.get("shader") is None:
            page_drawn.append(f"window.__hf.transitions[{i}] ({entry.get('fromScene')!r} -> {entry.get('toScene')!r} "
                              f"at {entry.get('time')} s): a CSS crossfade the page draws itself")
            continue
        params = dict(entry.get("params") or {})
        if colors is not None:
            for param, which in ACCENT_PARAMS.get(str(entry.get("shader")), {}).items():
                params.setdefault(param, colors[which])
        blended.append({**entry, "params": params})
    return blended, page_drawn
