"""Validation (pure): a raw census (see `source`) plus the page's transitions -> `Plan`.

Every error is a `CompositionError` (or the registry's `UnknownTransitionError` /
`ParameterError`) whose message names the file, the element or transition, the attribute and
what is expected. Every check runs through a `Checks` (`checks`): `build_plan` and
`with_js_transitions` stop at the first problem and raise it (the render's path);
`census_findings` and `js_findings` run the same checks in the same order and collect every
problem as a `Finding` (the lint's path, ``python -m engine.lint``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import CompositionError
from .checks import Checks, Finding
from .plan import Clip, MediaElement, Plan, Scene, TransitionSpec
from .transition_checks import check_transition, html_transition, ordered, page_transitions
from .values import describe, parse_number

__all__ = ["build_plan", "with_js_transitions", "with_timeline_duration", "census_findings", "js_findings",
           "clip_interval", "static_duration", "parse_number", "describe", "MAX_SIZE", "MAX_DURATION", "FPS_RANGE"]

MAX_SIZE = 8192
MAX_DURATION = Fraction(24 * 3600)
FPS_RANGE = (Fraction(1), Fraction(240))
DEFAULT_FPS = Fraction(30)


# ---- root ----
def _root_number(root: Mapping[str, Any], attr: str, where: str, default: Fraction | None = None) -> Fraction:
    raw = root["attrs"].get(attr)
    if raw is None or raw.strip() == "":
        if default is not None:
            return default
        raise CompositionError(f"{where}: root element {describe(root)} has no {attr}; expected a positive number")
    return parse_number(raw, f"{where}: root element {describe(root)} {attr}")


def _size(root: Mapping[str, Any], attr: str, where: str) -> int:
    raw = root["attrs"].get(attr)
    if raw is not None and raw.strip():
        try:
            parse_number(raw, attr)
        except CompositionError:
            raise CompositionError(f"{where}: root element {describe(root)} {attr} is {raw!r}; expected a number "
                                   f"of pixels from 1 to {MAX_SIZE}, without a unit") from None
    value = _root_number(root, attr, where)
    if value.denominator != 1 or not 1 <= value <= MAX_SIZE:
        raise CompositionError(f"{where}: root element {describe(root)} {attr}={root['attrs'].get(attr)!r} is not "
                               f"valid; expected a whole number of pixels from 1 to {MAX_SIZE}")
    return int(value)


def _even(root: Mapping[str, Any], attr: str, where: str, value: int) -> None:
    if value % 2:
        raise CompositionError(f"{where}: root element {describe(root)} {attr}={root['attrs'].get(attr)!r} is odd; "
                               "4:2:0 output (yuv420p) needs even sizes (pass even_size=False for 4:4:4 or RGB output)")


def _duration(root: Mapping[str, Any], where: str, from_timeline: bool) -> Fraction:
    # without data-duration a page with scripts may register its root timeline, whose duration
    # is then the composition's (as in HyperFrames): provisional here, set once the page is loaded
    duration = MAX_DURATION if from_timeline else _root_number(root, "data-duration", where)
    if not 0 < duration <= MAX_DURATION:
        raise CompositionError(f"{where}: root element {describe(root)} data-duration={root['attrs']['data-duration']!r} "
                               f"is not valid; expected seconds > 0 and at most {int(MAX_DURATION)}")
    return duration


def _fps(root: Mapping[str, Any], where: str) -> Fraction:
    fps = _root_number(root, "data-fps", where, DEFAULT_FPS)
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise CompositionError(f"{where}: root element {describe(root)} data-fps={root['attrs'].get('data-fps')!r} is not "
                               "valid; expected frames per second from 1 to 240 (integer, decimal or a/b like 30000/1001)")
    return fps


def _from_timeline(raw: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return not root["attrs"].get("data-duration", "").strip() and bool(raw.get("scripts"))


def static_duration(raw: Mapping[str, Any], html_file: Path) -> Fraction | None:
    """The root's data-duration when the HTML gives a valid one (None: no root, invalid, or the
    page's root timeline gives it)."""
    root = raw.get("root")
    if root is None or _from_timeline(raw, root):
        return None
    checks = Checks(collect=True)
    return checks.run("root-duration", None, _duration, root, html_file.name, False)


# ---- clips, scenes ----
def _start(element: Mapping[str, Any], where: str) -> Fraction:
    attrs = element["attrs"]
    what = f"{where}: {describe(element)}"
    start = parse_number(attrs["data-start"], f"{what} data-start") if attrs.get("data-start", "").strip() else Fraction(0)
    if start < 0:
        raise CompositionError(f"{what} data-start={attrs['data-start']!r} is negative; expected seconds >= 0")
    return start


def _length(element: Mapping[str, Any], where: str) -> Fraction | None:
    attrs = element["attrs"]
    if not attrs.get("data-duration", "").strip():
        return None
    what = f"{where}: {describe(element)}"
    duration = parse_number(attrs["data-duration"], f"{what} data-duration")
    if duration <= 0:
        raise CompositionError(f"{what} data-duration={attrs['data-duration']!r} is not positive; expected seconds > 0")
    return duration


def _timing(element: Mapping[str, Any], where: str, checks: Checks) -> tuple[Fraction, Fraction | None] | None:
    """(start, duration) of a timed element; None when a check failed (recorded)."""
    line, mark = element.get("line"), checks.mark()
    start = checks.run("clip-start", line, _start, element, where)
    length = checks.run("clip-duration", line, _length, element, where)
    return None if start is None or not checks.clean_since(mark) else (start, length)


def clip_interval(element: Mapping[str, Any], where: str) -> tuple[Fraction, Fraction | None] | None:
    """(data-start, data-duration or None) of `element` when both are valid, else None."""
    return _timing(element, where, Checks(collect=True))


# ---- the plan ----
def _validate(raw: Mapping[str, Any], html_file: Path, checks: Checks, even_size: bool,
              js_transitions: Any) -> Plan | None:
    """Every check of the census `raw` in the render's order; the plan, or None if a check failed."""
    where = html_file.name
    root = raw.get("root")
    width = height = None
    duration = fps = None
    from_timeline = False
    if root is None:
        checks.add("root-missing", None, CompositionError(
            f"{html_file}: no root element; expected an element with data-composition-id, data-width, data-height and "
            "data-duration"))
    else:
        line = root.get("line")
        width = checks.run("root-width", line, _size, root, "data-width", where)
        if width is not None and even_size:
            checks.run("root-size-odd", line, _even, root, "data-width", where, width)
        height = checks.run("root-height", line, _size, root, "data-height", where)
        if height is not None and even_size:
            checks.run("root-size-odd", line, _even, root, "data-height", where, height)
        from_timeline = _from_timeline(raw, root)
        duration = checks.run("root-duration", line, _duration, root, where, from_timeline)
        fps = checks.run("root-fps", line, _fps, root, where)

    clips = {}
    for element in raw.get("clips", []):
        timing = _timing(element, where, checks)
        if timing is not None:
            clips[element["index"]] = Clip(element["index"], element["tag"], element["attrs"].get("id") or None, *timing)
    scenes: list[Scene] = []
    for element in raw.get("scenes", []):
        scene_id = element["attrs"].get("id", "").strip()
        if not scene_id:
            continue  # a scene without an id is only a style (HyperFrames' too): no transition can name it
        if any(s.id == scene_id for s in scenes):
            checks.add("scene-duplicate-id", element.get("line"), CompositionError(
                f"{where}: two scenes have id={scene_id!r} ({describe(element)}); scene ids must be unique"))
            continue
        scenes.append(Scene(scene_id, element["tag"], element["index"], clips.get(element["index"])))
    media = []
    for element in raw.get("media", []):
        timing = _timing(element, where, checks)
        if timing is not None:
            media.append(MediaElement(element["index"], element["tag"], element["attrs"].get("id") or None,
                                      element["attrs"].get("src") or None, *timing, element["attrs"]))

    scene_ids = [s.id for s in scenes]
    html = []
    for element in raw.get("html_transitions", []):
        spec = check_transition(html_transition(element, where, checks), scene_ids, duration, checks, element.get("line"))
        if spec is not None:
            html.append(spec)
    transitions = ordered(html, where, checks)
    if js_transitions is not None:
        added = page_transitions(js_transitions, scene_ids, duration, where, checks)
        transitions = ordered([*transitions, *(added or [])], where, checks)
    if root is None or width is None or height is None or duration is None or fps is None or checks.found:
        return None
    return Plan(source=html_file, root_dir=html_file.parent, composition_id=root["attrs"].get("data-composition-id", ""),
                width=width, height=height, fps=fps, duration=duration, clips=tuple(clips.values()),
                scenes=tuple(scenes), transitions=transitions, media=tuple(media), duration_from_timeline=from_timeline)


def build_plan(raw: Mapping[str, Any], html_file: Path, *, even_size: bool = True,
               js_transitions: Any = None) -> Plan:
    """Validate the census `raw` of `html_file` (and the page's `js_transitions`) into a `Plan`;
    the first problem is raised."""
    plan = _validate(raw, html_file, Checks(collect=False, file=html_file.name), even_size, js_transitions)
    assert plan is not None  # stopping checks raise instead
    return plan


def census_findings(raw: Mapping[str, Any], html_file: Path, *, even_size: bool = True,
                    js_transitions: Any = None) -> list[Finding]:
    """Every problem `build_plan` would find in `raw` (it raises the first of them), in its order."""
    checks = Checks(collect=True, file=html_file.name)
    _validate(raw, html_file, checks, even_size, js_transitions)
    return checks.found


def with_timeline_duration(plan: Plan, seconds: Any) -> Plan:
    """`plan` (whose root has no data-duration) with the duration of the page's root timeline."""
    where = plan.source.name
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds <= 0:
        raise CompositionError(
            f"{where}: the root element has no data-duration; expected a positive number, or a timeline with a "
            f"duration registered as window.__timelines[{plan.composition_id!r}] (found "
            f"{'none' if seconds is None else repr(seconds)})")
    duration = min(MAX_DURATION, Fraction(repr(float(seconds))))
    for spec in plan.transitions:
        if spec.time >= duration:
            raise CompositionError(f"{spec.origin} starts at {float(spec.time):g} s, at or after the end of the "
                                   f"composition ({float(duration):g} s, its root timeline's duration)")
    return replace(plan, duration=duration)


def _merge_js(plan: Plan, js_transitions: Any, checks: Checks) -> tuple[TransitionSpec, ...]:
    where = plan.source.name
    added = page_transitions(js_transitions, list(plan.scene_ids), plan.duration, where, checks)
    return ordered([*plan.transitions, *(added or [])], where, checks)


def with_js_transitions(plan: Plan, js_transitions: Any) -> Plan:
    """`plan` with the page's ``window.__hf.transitions`` validated and merged into its own."""
    return replace(plan, transitions=_merge_js(plan, js_transitions, Checks(collect=False, file=plan.source.name)))


def js_findings(plan: Plan, js_transitions: Any) -> list[Finding]:
    """Every problem `with_js_transitions` would find in the page's transitions (it raises the first)."""
    checks = Checks(collect=True, file=plan.source.name)
    _merge_js(plan, js_transitions, checks)
    return checks.found
