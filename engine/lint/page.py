"""The page check: load the page once in Chromium (a `BrowserSession`, as a render does) for what
only the loaded page shows: script-made transitions (``window.__hf.transitions``,
``HyperShader.init``) and those that run past the end, a duration taken from the root timeline
(and the clips it cuts), scripts that throw, assets requested by scripts or stylesheets that are
missing, readiness that never settles, and the render's fidelity warnings (fonts, iframes,
blocked requests...). The lint runs it by default for a composition with scripts (``--page``:
for any, ``--static``: never), only when the static checks found no error (the session would
stop at the first of them).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..capture.discover import Discovery
from ..capture.session import BrowserSession, MissingAssetError, PageScriptError, SettleTimeoutError
from ..composition.lint import ERROR, WARNING, Problem, from_findings, is_remote, past_end_problems, timing_problems
from ..composition.plan import Plan
from ..composition.validate import js_findings, with_js_transitions
from ..errors import CompositionError, InputError, MediaError, RenderWarning

__all__ = ["page_problems"]

_CODES: tuple[tuple[type[InputError], str], ...] = (
    (PageScriptError, "page-script"), (MissingAssetError, "asset-missing"), (SettleTimeoutError, "page-timeout"),
    (MediaError, "media-invalid"), (CompositionError, "page-error"), (InputError, "page-error"))


class _LintSession(BrowserSession):
    """A session that hands the page's transitions to the lint instead of validating them (the
    lint collects every problem in them; the session would raise the first). It overrides the
    session's ``_prepare`` step and nothing else."""

    page_transitions: Any = None

    def _prepare(self) -> Discovery:
        found = super()._prepare()
        self.page_transitions = found.transitions
        return replace(found, transitions=None)


def page_problems(html_file: Path, file: str, raw: dict[str, Any], **options: Any) -> list[Problem]:
    """What loading the page finds (errors the render raises, warnings it gives); `options` are
    capture options (``allow_network``, ``url_map``, ``timeout_ms``). A browser that cannot start
    raises its `CaptureError` / `ConfigError` (the lint cannot check, the composition is not at fault)."""
    static_urls = {str(ref.get("url", "")).strip() for ref in raw.get("assets", []) if is_remote(str(ref.get("url", "")))}
    out: list[Problem] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RenderWarning)  # collected from session.warnings instead
        try:
            session = _LintSession(html_file, **options)
        except InputError as exc:
            code = next(code for kind, code in _CODES if isinstance(exc, kind))
            if "window.__hf.transitions is null" in str(exc):
                code = "transitions-not-array"
            at = re.search(rf"\(at {re.escape(html_file.name)}:(\d+)", str(exc))  # a script of the page itself
            return [Problem(file, int(at.group(1)) if at else None, ERROR, code,
                            str(exc).removeprefix(f"{html_file.name}: "))]
        try:
            plan: Plan | None = session.plan  # the root timeline's duration when the root has no data-duration
            if session.page_transitions is not None:
                found = js_findings(session.plan, session.page_transitions)
                out.extend(from_findings(found, html_file, file))
                plan = None if found else with_js_transitions(session.plan, session.page_transitions)
            out.extend(past_end_problems(plan, file))
            if session.plan.duration_from_timeline:
                out.extend(timing_problems(raw, html_file, file, duration=session.plan.duration))
            for warning in session.warnings:
                if warning.code == "blocked-request" and warning.element in static_urls:
                    continue  # already a remote-url warning, with its line
                out.append(Problem(file, None, WARNING, warning.code, str(warning)))
        finally:
            session.close()
    return out
