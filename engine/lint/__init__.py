"""Linting a composition: every problem found without capturing a frame, all at once.

``python -m engine.lint COMP`` (or ``engine-lint``) prints one ``file:line: error: message``
line per problem; from Python::

    from engine.lint import lint
    for problem in lint("examples/showcase"):      # [Problem(file, line, severity, code, message)]
        print(problem)

The checks are the render's own (it refuses every composition with an error here): the plan's
validation (`engine.composition.validate`, run collecting instead of stopping), the static
asset check, the file server's path rules, the media census and probe. Warnings are what a
render accepts but is probably a mistake: clips outside the composition's time, references
to other origins that an offline render blocks, a clamped playback rate. ``page=True``
(``--page``) also loads the page in Chromium for script-made transitions and load errors.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..capture.router import AssetRouter
from ..capture.sandbox import normalize_url_map
from ..composition.lint import ERROR, WARNING, Problem, lint_census, sort_problems
from ..composition.source import read_static, resolve_source
from ..errors import CompositionError
from .files import annotate, asset_problems, media_problems

__all__ = ["lint", "Problem", "ERROR", "WARNING", "shown_path"]


def shown_path(path: Path) -> str:
    """`path` as printed: relative to the working directory when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


def lint(path: str | Path, *, even_size: bool = True, allow_network: bool = False,
         url_map: Mapping[str, str | Path] | None = None, media: bool = True, page: bool = False,
         **capture: Any) -> list[Problem]:
    """Every problem of the composition at `path` (an ``.html`` file or a folder with ``index.html``),
    sorted by line. `media=False` skips probing media files (the slowest static check); `page=True`
    loads the page in Chromium when the static checks found no error (`capture`: more capture
    options for it, e.g. ``timeout_ms``). Raises `CompositionError` when `path` is not a
    composition at all and `ConfigError` for an invalid `url_map`."""
    html_file, root = resolve_source(path)
    file = shown_path(html_file)
    try:
        raw = read_static(html_file)
    except CompositionError as exc:
        return [Problem(file, None, ERROR, "html-unreadable", str(exc).removeprefix(f"{html_file}: "))]
    raw = annotate(raw, html_file.read_text(encoding="utf-8"))
    pairs = normalize_url_map(url_map)
    router = AssetRouter(root, pairs, allow_network)
    problems = [*lint_census(raw, html_file, even_size=even_size, allow_network=allow_network,
                             mapped=[prefix for prefix, _ in pairs], file=file),
                *asset_problems(raw, html_file, router, file),
                *media_problems(raw, html_file, router, file, probe=media)]
    problems += _variable_problems(raw, file)
    if media:
        problems += _animated_problems(raw, html_file, file)
    if page and not any(p.severity == ERROR for p in problems):
        from .page import page_problems  # imported late: the static lint never needs the browser

        problems += page_problems(html_file, file, raw, allow_network=allow_network, url_map=dict(url_map or {}),
                                  **capture)
    return sort_problems(problems)


def _variable_problems(raw: dict[str, Any], file: str) -> list[Problem]:
    """Declarations of ``data-composition-variables`` that a render ignores (malformed JSON, an
    entry without an id...), as warnings at the element that holds them."""
    from ..composition.variables import declared_variables

    _, ignored = declared_variables(raw)
    holder = raw.get("document") or raw.get("root") or {}
    return [Problem(file, holder.get("line"), WARNING, "variables", f"{text}: its declarations are ignored")
            for text in ignored]


def _animated_problems(raw: dict[str, Any], html_file: Path, file: str) -> list[Problem]:
    """Local animated images (the render's ``animated-image`` warning), at their line."""
    from ..media.animated import animated_images

    return [Problem(file, line, WARNING, "animated-image", f"{element} {message}")
            for element, message, line in animated_images(raw, html_file)]
