"""Validation (pure): a raw census (see `source`) plus the page's transitions -> `Plan`.

Every error is a `CompositionError` (or the registry's `UnknownTransitionError` /
`ParameterError`) whose message names the file, the element or transition, the attribute and
what is expected.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..blend.registry import get_transition
from ..errors import CompositionError, ParameterError, UnknownTransitionError, close_names
from .easing import canonical_ease
from .plan import Clip, MediaElement, Plan, Scene, TransitionSpec

__all__ = ["build_plan", "with_js_transitions", "with_timeline_duration", "parse_number", "MAX_SIZE", "MAX_DURATION", "FPS_RANGE"]

MAX_SIZE = 8192
MAX_DURATION = Fraction(24 * 3600)
FPS_RANGE = (Fraction(1), Fraction(240))
DEFAULT_FPS = Fraction(30)


def describe(element: Mapping[str, Any]) -> str:
    """``<div id='intro'> (line 12)`` for error messages."""
    attrs = element.get("attrs", {})
    ident = f" id={attrs['id']!r}" if attrs.get("id") else ""
    if not ident and attrs.get("class"):
        ident = f" class={attrs['class']!r}"
    line = f" (line {element['line']})" if element.get("line") else ""
    return f"<{element.get('tag', '?')}{ident}>{line}"


def parse_number(value: Any, where: str) -> Fraction:
    """`value` (decimal or ``a/b`` string, int or float) as an exact Fraction, else CompositionError."""
    if isinstance(value, bool) or value is None:
        raise CompositionError(f"{where} is {value!r}; expected a number")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            return Fraction(repr(value))
        if isinstance(value, int):
            return Fraction(value)
        if isinstance(value, str):
            return Fraction(value.strip().removesuffix("s"))
    except (ValueError, ZeroDivisionError):
        pass
    raise CompositionError(f"{where} is {value!r}; expected a number")


def _root_number(root: Mapping[str, Any], attr: str, where: str, default: Fraction | None = None) -> Fraction:
    raw = root["attrs"].get(attr)
    if raw is None or raw.strip() == "":
        if default is not None:
            return default
        raise CompositionError(f"{where}: root element {describe(root)} has no {attr}; expected a positive number")
    return parse_number(raw, f"{where}: root element {describe(root)} {attr}")


def _size(root: Mapping[str, Any], attr: str, where: str, even: bool) -> int:
    raw = root["attrs"].get(attr)
    if raw is not None and raw.strip():
        try:
            parse_number(raw, attr)
        except CompositionError:
            raise CompositionError(f"{where}: root element {describe(root)} {attr} is {raw!r}; expected a number "
                                   f"of pixels from 1 to {MAX_SIZE}, without a unit") from None
    value = _root_number(root, attr, where)
    what = f"{where}: root element {describe(root)} {attr}={root['attrs'].get(attr)!r}"
    if value.denominator != 1 or not 1 <= value <= MAX_SIZE:
        raise CompositionError(f"{what} is not valid; expected a whole number of pixels from 1 to {MAX_SIZE}")
    if even and value % 2:
        raise CompositionError(f"{what} is odd; 4:2:0 output (yuv420p) needs even sizes "
                               "(pass even_size=False for 4:4:4 or RGB output)")
    return int(value)


def _interval(element: Mapping[str, Any], where: str) -> tuple[Fraction, Fraction | None]:
    attrs = element["attrs"]
    what = f"{where}: {describe(element)}"
    start = parse_number(attrs["data-start"], f"{what} data-start") if attrs.get("data-start", "").strip() else Fraction(0)
    if start < 0:
        raise CompositionError(f"{what} data-start={attrs['data-start']!r} is negative; expected seconds >= 0")
    duration = None
    if attrs.get("data-duration", "").strip():
        duration = parse_number(attrs["data-duration"], f"{what} data-duration")
        if duration <= 0:
            raise CompositionError(f"{what} data-duration={attrs['data-duration']!r} is not positive; expected seconds > 0")
    return start, duration


def _html_transition(element: Mapping[str, Any], where: str) -> dict[str, Any]:
    attrs = element["attrs"]
    what = f"{where}: {describe(element)}"
    for attr in ("data-shader", "data-time", "data-duration", "data-from", "data-to"):
        if not attrs.get(attr, "").strip():
            raise CompositionError(f"{what} has no {attr}; a transition needs data-shader, data-time, "
                                   "data-duration, data-from and data-to")
    params: Any = {}
    if attrs.get("data-params", "").strip():
        try:
            params = json.loads(attrs["data-params"])
        except json.JSONDecodeError as exc:
            raise CompositionError(f"{what} data-params is not valid JSON ({exc.msg} at column {exc.colno}); "
                                   "expected a JSON object such as '{\"smoothness\": 0.1}'") from None
    return {"where": what, "time": attrs["data-time"], "duration": attrs["data-duration"], "shader": attrs["data-shader"].strip(),
            "ease": attrs.get("data-ease"), "from": attrs["data-from"].strip(), "to": attrs["data-to"].strip(), "params": params,
            "attr": lambda key: f"data-{key}"}


def _js_transition(entry: Any, i: int, where: str) -> dict[str, Any]:
    what = f"{where}: window.__hf.transitions[{i}]"
    if not isinstance(entry, dict):
        raise CompositionError(f"{what} is {type(entry).__name__}; expected an object "
                               "{time, duration, shader, ease, fromScene, toScene, params}")
    for key in ("time", "duration", "shader", "fromScene", "toScene"):
        if entry.get(key) is None and entry.get(_snake(key)) is None:
            raise CompositionError(f"{what} has no {key}; expected {{time, duration, shader, ease, fromScene, toScene, params}}")
    shader = entry["shader"]
    if not isinstance(shader, str):
        raise CompositionError(f"{what}.shader is {shader!r}; expected a transition name (a string)")
    get = lambda key: entry[key] if entry.get(key) is not None else entry.get(_snake(key))  # noqa: E731
    return {"where": what, "time": get("time"), "duration": get("duration"), "shader": shader, "ease": entry.get("ease"),
            "from": get("fromScene"), "to": get("toScene"), "params": entry.get("params") or {},
            "attr": lambda key: {"from": ".fromScene", "to": ".toScene"}.get(key, f".{key}")}


def _snake(key: str) -> str:
    return {"fromScene": "from_scene", "toScene": "to_scene"}.get(key, key)


def _transition(raw: dict[str, Any], scene_ids: list[str], total: Fraction) -> TransitionSpec:
    what, attr = raw["where"], raw["attr"]
    sep = " " if attr("time").startswith("data-") else ""
    time = parse_number(raw["time"], f"{what}{sep}{attr('time')}")
    duration = parse_number(raw["duration"], f"{what}{sep}{attr('duration')}")
    if duration <= 0:
        raise CompositionError(f"{what}{sep}{attr('duration')}={raw['duration']!r} is not positive; expected seconds > 0")
    # A transition may run past the end (the video ends inside it, as in HyperFrames), not start outside.
    if time < 0 or time >= total:
        raise CompositionError(f"{what} spans [{float(time):g}, {float(time + duration):g}) s, outside the composition's "
                               f"[0, {float(total):g}) s; expected 0 <= time < data-duration")
    for key in ("from", "to"):
        scene = raw[key]
        if not isinstance(scene, str) or scene not in scene_ids:
            known = ", ".join(repr(s) for s in scene_ids) or "none"
            hint = close_names(scene, scene_ids) if isinstance(scene, str) else ""
            raise CompositionError(f"{what}{sep}{attr(key)}={scene!r} names no scene{hint}; scenes (class=\"scene\" "
                                   f"with an id): {known}")
    ease = canonical_ease(raw["ease"], f"{what}{sep}{attr('ease')}: ")
    if not isinstance(raw["params"], dict):
        raise CompositionError(f"{what}{sep}{attr('params')} is {raw['params']!r}; expected an object of shader parameters")
    try:
        params = get_transition(raw["shader"]).resolve_params(raw["params"])
    except (UnknownTransitionError, ParameterError) as exc:
        raise type(exc)(f"{what}{sep}{attr('shader')}={raw['shader']!r}: {exc}") from None
    return TransitionSpec(time, duration, raw["shader"], ease, raw["from"], raw["to"], params, origin=what)


def build_plan(raw: Mapping[str, Any], html_file: Path, *, even_size: bool = True,
               js_transitions: Any = None) -> Plan:
    """Validate the census `raw` of `html_file` (and the page's `js_transitions`) into a `Plan`."""
    where = html_file.name
    root = raw.get("root")
    if root is None:
        raise CompositionError(f"{html_file}: no root element; expected an element with data-composition-id, "
                               "data-width, data-height and data-duration")
    width = _size(root, "data-width", where, even_size)
    height = _size(root, "data-height", where, even_size)
    from_timeline = not root["attrs"].get("data-duration", "").strip() and bool(raw.get("scripts"))
    # without data-duration a page with scripts may register its root timeline, whose duration
    # is then the composition's (as in HyperFrames): provisional here, set once the page is loaded
    duration = MAX_DURATION if from_timeline else _root_number(root, "data-duration", where)
    if not 0 < duration <= MAX_DURATION:
        raise CompositionError(f"{where}: root element {describe(root)} data-duration={root['attrs']['data-duration']!r} "
                               f"is not valid; expected seconds > 0 and at most {int(MAX_DURATION)}")
    fps = _root_number(root, "data-fps", where, DEFAULT_FPS)
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise CompositionError(f"{where}: root element {describe(root)} data-fps={root['attrs'].get('data-fps')!r} is not "
                               "valid; expected frames per second from 1 to 240 (integer, decimal or a/b like 30000/1001)")

    clips = {}
    for element in raw.get("clips", []):
        start, length = _interval(element, where)
        clips[element["index"]] = Clip(element["index"], element["tag"], element["attrs"].get("id") or None, start, length)
    scenes: list[Scene] = []
    for element in raw.get("scenes", []):
        scene_id = element["attrs"].get("id", "").strip()
        if not scene_id:
            continue  # a scene without an id is only a style (HyperFrames' too): no transition can name it
        if any(s.id == scene_id for s in scenes):
            raise CompositionError(f"{where}: two scenes have id={scene_id!r} ({describe(element)}); scene ids must be unique")
        scenes.append(Scene(scene_id, element["tag"], element["index"], clips.get(element["index"])))
    media = []
    for element in raw.get("media", []):
        start, length = _interval(element, where)
        media.append(MediaElement(element["index"], element["tag"], element["attrs"].get("id") or None,
                                  element["attrs"].get("src") or None, start, length, element["attrs"]))

    html = [_transition(_html_transition(e, where), [s.id for s in scenes], duration)
            for e in raw.get("html_transitions", [])]
    plan = Plan(source=html_file, root_dir=html_file.parent, composition_id=root["attrs"].get("data-composition-id", ""),
                width=width, height=height, fps=fps, duration=duration, clips=tuple(clips.values()),
                scenes=tuple(scenes), transitions=_ordered(html, where), media=tuple(media),
                duration_from_timeline=from_timeline)
    return plan if js_transitions is None else with_js_transitions(plan, js_transitions)


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


def with_js_transitions(plan: Plan, js_transitions: Any) -> Plan:
    """`plan` with the page's ``window.__hf.transitions`` validated and merged into its own."""
    where = plan.source.name
    if not isinstance(js_transitions, list):
        raise CompositionError(f"{where}: window.__hf.transitions is {type(js_transitions).__name__}; expected an array")
    added = [_transition(_js_transition(entry, i, where), list(plan.scene_ids), plan.duration)
             for i, entry in enumerate(js_transitions)]
    return replace(plan, transitions=_ordered([*plan.transitions, *added], where))


def _ordered(specs: list[TransitionSpec], where: str) -> tuple[TransitionSpec, ...]:
    """Transitions sorted by time; CompositionError if two overlap."""
    transitions = sorted(specs, key=lambda s: (s.time, s.end))
    for a, b in itertools.pairwise(transitions):
        if b.time < a.end:
            earlier = a.origin.removeprefix(f"{where}: ")
            raise CompositionError(f"{b.origin} starts at {float(b.time):g} s, inside {earlier} "
                                   f"([{float(a.time):g}, {float(a.end):g}) s); transitions must not overlap")
    return tuple(transitions)
