"""Reading a composition without a browser: the static checks that come before the page is loaded
(`engine.capture.load_plan` loads it once for the rest).

The checks are shared with the lint (``python -m engine.lint``): `read_composition` runs them
stopping at the first problem (`build_plan`, then `check_assets` with a stopping `Checks`); the
lint runs the same functions collecting every problem (`census_findings`, a collecting `Checks`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CompositionError
from .checks import Checks
from .plan import Plan
from .source import local_asset_targets, read_static, resolve_source
from .validate import build_plan

__all__ = ["read_composition", "check_assets"]


def check_assets(raw: dict[str, Any], html_file: Path, checks: Checks) -> None:
    """Every relative asset reference of the census (script, stylesheet, image, media,
    sub-composition file) must name an existing file (``asset-missing``)."""
    for ref, where, target in local_asset_targets(raw, html_file):
        if not target.exists():
            checks.add("asset-missing", ref.get("line"),
                       CompositionError(f"{where}: local asset {str(target)!r} does not exist"))


def read_composition(path: str | Path, *, even_size: bool = True) -> tuple[Plan, dict[str, Any]]:
    """(static plan, raw census) of the composition at `path`, without a browser.

    The static plan lacks what page scripts add (``window.__hf.transitions``). Raises
    `CompositionError` for anything wrong in the HTML itself, including a referenced local
    asset (script, stylesheet, image, media) that does not exist.
    """
    html_file, _ = resolve_source(path)
    raw = read_static(html_file)
    plan = build_plan(raw, html_file, even_size=even_size)
    check_assets(raw, html_file, Checks(collect=False))
    return plan, raw
