"""Reading a composition: static checks in Python first, then the page loaded once for the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CompositionError
from .plan import Plan
from .source import local_asset_refs, read_static, resolve_source
from .validate import build_plan

__all__ = ["read_composition", "load_plan"]


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


def load_plan(path: str | Path, *, even_size: bool = True, **options: Any) -> Plan:
    """The complete plan of the composition at `path`: static checks, then the page loaded once.

    `options` are `engine.capture.CaptureOptions` fields (``allow_network``, ``url_map``,
    ``timeout_ms``...). Raises `CompositionError` (or a registry error) naming what is wrong.
    """
    from ..capture.session import BrowserSession  # the browser side imports this package

    with BrowserSession(path, even_size=even_size, **options) as session:
        return session.plan
