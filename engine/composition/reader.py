"""Reading a composition without a browser: the static checks that come before the page is loaded
(`engine.capture.load_plan` loads it once for the rest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CompositionError
from .plan import Plan
from .source import local_asset_refs, read_static, resolve_source
from .validate import build_plan

__all__ = ["read_composition"]


def read_composition(path: str | Path, *, even_size: bool = True) -> tuple[Plan, dict[str, Any]]:
    """(static plan, raw census) of the composition at `path`, without a browser.

    The static plan lacks what page scripts add (``window.__hf.transitions``). Raises
    `CompositionError` for anything wrong in the HTML itself, including a referenced local
    asset (script, stylesheet, image, media) that does not exist.
    """
    html_file, _ = resolve_source(path)
    raw = read_static(html_file)
    plan = build_plan(raw, html_file, even_size=even_size)
    for where, target in local_asset_refs(raw, html_file):
        if not target.exists():
            raise CompositionError(f"{where}: local asset {str(target)!r} does not exist")
    return plan, raw
