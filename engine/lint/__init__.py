"""Linting a composition: every problem found without capturing a frame, all at once.

``python -m engine.lint COMP`` (or ``engine-lint``) prints one ``file:line: error: message``
line per problem; from Python::

    from engine.lint import lint
    for problem in lint("examples/showcase"):      # [Problem(file, line, severity, code, message)]
        print(problem)

The checks are the render's own (it refuses every composition with an error here): the plan's
validation (`engine.composition.validate`, run collecting instead of stopping), the static
asset check, the file server's path rules, the media census and probe. Warnings are what a
render accepts but is probably a mistake: clips outside the composition's time, misspelled
timing attributes (``data-strat``), transitions that run past the end, ``color`` variables
whose default is no CSS colour, references to other origins that an offline render blocks, a
clamped playback rate. A composition with ``<script>`` elements is also loaded once in Chromium
(as a render loads it) when the static checks found no error, so script-made transitions
(``window.__hf.transitions``, ``HyperShader.init``) and a duration taken from the root timeline
are checked too; ``page=False`` (``--static``) skips that, ``page=True`` (``--page``) loads any
composition. `lint_report` also says which checks ran.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..capture.router import AssetRouter
from ..capture.sandbox import normalize_url_map
from ..composition.attributes import MISSPELLED, attribute_mistakes
from ..composition.lint import ERROR, WARNING, Problem, lint_census, past_end_problems, sort_problems
from ..composition.plan import Plan
from ..composition.source import read_static, resolve_source
from ..composition.validate import build_plan
from ..errors import CompositionError, EngineError, InputError
from .files import annotate, asset_problems, group_problems, media_problems

__all__ = ["lint", "lint_report", "LintReport", "Problem", "ERROR", "WARNING", "shown_path"]

PAGE_CHECK = "page (Chromium)"


@dataclass(frozen=True)
class LintReport:
    """What `lint_report` found (`problems`, sorted) and which `checks` ran (``static``, then
    ``page (Chromium)`` when the page was loaded); `skipped` says why the page was not loaded."""

    problems: list[Problem]
    checks: tuple[str, ...]
    skipped: str | None = None

    def describe(self) -> str:
        """``checks: static, page (Chromium)`` (the CLI's last line)."""
        text = "checks: " + ", ".join(self.checks)
        return text + (f" (page not loaded: {self.skipped})" if self.skipped else "")


def shown_path(path: Path) -> str:
    """`path` as printed: relative to the working directory when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


def lint(path: str | Path, *, even_size: bool = True, allow_network: bool = False,
         url_map: Mapping[str, str | Path] | None = None, media: bool = True, page: bool | None = None,
         **capture: Any) -> list[Problem]:
    """Every problem of the composition at `path` (an ``.html`` file or a folder with ``index.html``),
    sorted by line: `lint_report`'s problems."""
    return lint_report(path, even_size=even_size, allow_network=allow_network, url_map=url_map, media=media,
                       page=page, **capture).problems


def lint_report(path: str | Path, *, even_size: bool = True, allow_network: bool = False,
                url_map: Mapping[str, str | Path] | None = None, media: bool = True, page: bool | None = None,
                **capture: Any) -> LintReport:
    """The problems of the composition at `path` and the checks that ran. `media=False` skips
    probing media files (the slowest static check). `page`: None loads the page in Chromium
    when the composition has ``<script>`` elements, True always, False never; only when the
    static checks found no error (`capture`: more capture options for it, e.g. ``timeout_ms``).
    Raises `CompositionError` when `path` is not a composition at all, `ConfigError` for an
    invalid `url_map`, and (``page=True`` only) the browser's error when it cannot start; with
    ``page=None`` a browser that cannot start leaves the static checks, saying so in `skipped`."""
    html_file, root = resolve_source(path)
    file = shown_path(html_file)
    try:
        raw = read_static(html_file)
    except CompositionError as exc:
        problem = Problem(file, None, ERROR, "html-unreadable", str(exc).removeprefix(f"{html_file}: "))
        return LintReport([problem], ("static",), "the HTML cannot be read" if page is not False else None)
    text = html_file.read_text(encoding="utf-8")
    raw = annotate(raw, text)
    pairs = normalize_url_map(url_map)
    router = AssetRouter(root, pairs, allow_network)
    problems = [*lint_census(raw, html_file, even_size=even_size, allow_network=allow_network,
                             mapped=[prefix for prefix, _ in pairs], file=file),
                *asset_problems(raw, html_file, router, file),
                *media_problems(raw, html_file, router, file, probe=media), *group_problems(raw, html_file, file)]
    problems += _variable_problems(raw, file)
    problems += _attribute_problems(text, file)
    if media:
        problems += _animated_problems(raw, html_file, file)
    errors = any(p.severity == ERROR for p in problems)
    if not errors:
        problems += past_end_problems(_static_plan(raw, html_file, even_size), file)
    skipped = _page_skipped(page, raw, errors)
    if skipped is not None:
        return LintReport(sort_problems(problems), ("static",), skipped or None)
    from .page import page_problems  # imported late: the static lint never needs the browser

    try:
        problems += page_problems(html_file, file, raw, allow_network=allow_network, url_map=dict(url_map or {}),
                                  **capture)
    except EngineError as exc:  # the browser could not start (the composition's own faults are problems)
        if page:
            raise
        return LintReport(sort_problems(problems), ("static",), f"Chromium could not start: {exc}")
    return LintReport(sort_problems(problems), ("static", PAGE_CHECK))


def _page_skipped(page: bool | None, raw: dict[str, Any], errors: bool) -> str | None:
    """Why the page is not loaded ("" when asked not to: ``--static``), or None: load it."""
    if page is False:
        return ""
    if errors:
        return "fix the errors first, the render stops at the first of them"
    if page is None and not raw.get("scripts"):
        return "no scripts; --page loads it anyway"
    return None


def _static_plan(raw: dict[str, Any], html_file: Path, even_size: bool) -> Plan | None:
    try:
        plan = build_plan(raw, html_file, even_size=even_size)
    except InputError:  # reported by the validation already
        return None
    return None if plan.duration_from_timeline else plan


def _attribute_problems(text: str, file: str) -> list[Problem]:
    """Misspelled timing and composition attributes (``attribute-misspelled`` warnings)."""
    return [Problem(file, m.line, WARNING, MISSPELLED, f"{m.element} {m.message}") for m in attribute_mistakes(text)]


def _variable_problems(raw: dict[str, Any], file: str) -> list[Problem]:
    """Declarations of ``data-composition-variables`` that a render ignores (malformed JSON, an
    entry without an id...) and declared defaults of the wrong type (a ``color`` whose default is
    no CSS colour...), as warnings at the element that holds them."""
    from ..composition.variables import ATTRIBUTE, declared_variables, default_issues

    declared, ignored = declared_variables(raw)
    holder = raw.get("document") or raw.get("root") or {}
    out = [Problem(file, holder.get("line"), WARNING, "variables", f"{text}: its declarations are ignored")
           for text in ignored]
    for var, issue in default_issues(declared):
        line = re.search(r" \(line (\d+)\)$", var.where)
        where = var.where[:line.start()] if line else var.where
        out.append(Problem(file, int(line.group(1)) if line else holder.get("line"), WARNING, "variables",
                           f"{where} {ATTRIBUTE}: {issue}"))
    return out


def _animated_problems(raw: dict[str, Any], html_file: Path, file: str) -> list[Problem]:
    """Local animated images (the render's ``animated-image`` warning), at their line."""
    from ..media.animated import animated_images

    return [Problem(file, line, WARNING, "animated-image", f"{element} {message}")
            for element, message, line in animated_images(raw, html_file)]
