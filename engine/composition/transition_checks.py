"""Checking transitions (pure), both forms: ``<hf-transition>`` elements and ``window.__hf.transitions``.

Each field of a transition is one check run through a `Checks` (`checks`), in a fixed order
(time, duration, span, scenes, ease, params, shader, each parameter), so a render stops at the
same first problem a lint lists first. Overlaps are checked once the transitions are sorted.
A transition may run past the composition's end (the video ends inside it, as in HyperFrames):
not an error, but `past_end` names each such one and the progress its last frame shows.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..blend.registry import Transition, get_transition
from ..errors import CompositionError, ParameterError, UnknownTransitionError, close_names
from .checks import Checks
from .easing import canonical_ease
from .plan import TransitionSpec, frame_count, frame_time
from .values import describe, parse_number

__all__ = ["html_transition", "page_transitions", "check_transition", "ordered", "past_end", "PastEnd", "PAST_END"]

_REQUIRED = ("data-shader", "data-time", "data-duration", "data-from", "data-to")
_JS_KEYS = ("time", "duration", "shader", "fromScene", "toScene")
_UNREADABLE = object()  # data-params that is not JSON (already reported)
_LINE_RE = re.compile(r"\(line (\d+)\)$")
#: The warning code of a transition that runs past the composition's end.
PAST_END = "transition-past-end"


def _json_params(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompositionError(f"{what} data-params is not valid JSON ({exc.msg} at column {exc.colno}); "
                               "expected a JSON object such as '{\"smoothness\": 0.1}'") from None


def html_transition(element: Mapping[str, Any], where: str, checks: Checks) -> dict[str, Any]:
    """The fields of an ``<hf-transition>`` (None: missing, recorded) for `check_transition`."""
    attrs, line = element["attrs"], element.get("line")
    what = f"{where}: {describe(element)}"
    for attr in _REQUIRED:
        if not attrs.get(attr, "").strip():
            checks.add("transition-attribute-missing", line, CompositionError(
                f"{what} has no {attr}; a transition needs data-shader, data-time, data-duration, data-from and data-to"))
    params: Any = {}
    if attrs.get("data-params", "").strip():
        mark = checks.mark()
        params = checks.run("transition-params", line, _json_params, attrs["data-params"], what)
        if not checks.clean_since(mark):
            params = _UNREADABLE
    given = lambda attr: attrs[attr] if attrs.get(attr, "").strip() else None  # noqa: E731
    stripped = lambda attr: attrs[attr].strip() if attrs.get(attr, "").strip() else None  # noqa: E731
    return {"where": what, "time": given("data-time"), "duration": given("data-duration"), "shader": stripped("data-shader"),
            "ease": attrs.get("data-ease"), "from": stripped("data-from"), "to": stripped("data-to"), "params": params,
            "attr": lambda key: f"data-{key}"}


def _js_transition(entry: Any, i: int, where: str, checks: Checks) -> dict[str, Any] | None:
    what = f"{where}: window.__hf.transitions[{i}]"
    if not isinstance(entry, dict):
        checks.add("transition-not-object", None, CompositionError(
            f"{what} is {type(entry).__name__}; expected an object {{time, duration, shader, ease, fromScene, toScene, params}}"))
        return None
    for key in _JS_KEYS:
        if entry.get(key) is None and entry.get(_snake(key)) is None:
            checks.add("transition-attribute-missing", None, CompositionError(
                f"{what} has no {key}; expected {{time, duration, shader, ease, fromScene, toScene, params}}"))
    shader = entry.get("shader")
    if shader is not None and not isinstance(shader, str):
        checks.add("shader-unknown", None, CompositionError(
            f"{what}.shader is {shader!r}; expected a transition name (a string)"))
        shader = None
    get = lambda key: entry[key] if entry.get(key) is not None else entry.get(_snake(key))  # noqa: E731
    return {"where": what, "time": get("time"), "duration": get("duration"), "shader": shader, "ease": entry.get("ease"),
            "from": get("fromScene"), "to": get("toScene"), "params": entry.get("params") or {},
            "attr": lambda key: {"from": ".fromScene", "to": ".toScene"}.get(key, f".{key}")}


def _snake(key: str) -> str:
    return {"fromScene": "from_scene", "toScene": "to_scene"}.get(key, key)


def _positive_duration(raw: Mapping[str, Any], what: str, sep: str) -> Fraction:
    attr = raw["attr"]
    duration = parse_number(raw["duration"], f"{what}{sep}{attr('duration')}")
    if duration <= 0:
        raise CompositionError(f"{what}{sep}{attr('duration')}={raw['duration']!r} is not positive; expected seconds > 0")
    return duration


def _within(time: Fraction, duration: Fraction, total: Fraction, what: str) -> None:
    # A transition may run past the end (the video ends inside it, as in HyperFrames), not start outside.
    if time < 0 or time >= total:
        raise CompositionError(f"{what} spans [{float(time):g}, {float(time + duration):g}) s, outside the composition's "
                               f"[0, {float(total):g}) s; expected 0 <= time < data-duration")


def _scene_named(raw: Mapping[str, Any], key: str, scene_ids: list[str], what: str, sep: str) -> None:
    scene = raw[key]
    if not isinstance(scene, str) or scene not in scene_ids:
        known = ", ".join(repr(s) for s in scene_ids) or "none"
        hint = close_names(scene, scene_ids) if isinstance(scene, str) else ""
        raise CompositionError(f"{what}{sep}{raw['attr'](key)}={scene!r} names no scene{hint}; scenes (class=\"scene\" "
                               f"with an id): {known}")


def _params_object(raw: Mapping[str, Any], what: str, sep: str) -> dict[str, Any]:
    if not isinstance(raw["params"], dict):
        raise CompositionError(f"{what}{sep}{raw['attr']('params')} is {raw['params']!r}; expected an object of shader "
                               "parameters")
    return raw["params"]


def _registry_error(exc: UnknownTransitionError | ParameterError, raw: Mapping[str, Any], what: str,
                    sep: str) -> UnknownTransitionError | ParameterError:
    return type(exc)(f"{what}{sep}{raw['attr']('shader')}={raw['shader']!r}: {exc}")


def _shader(raw: Mapping[str, Any], what: str, sep: str) -> Transition:
    try:
        return get_transition(raw["shader"])
    except (UnknownTransitionError, ParameterError) as exc:
        raise _registry_error(exc, raw, what, sep) from None


def _param(transition: Transition, name: str, value: Any, raw: Mapping[str, Any], what: str, sep: str) -> bool:
    try:
        transition.resolve_params({name: value})
    except (UnknownTransitionError, ParameterError) as exc:
        raise _registry_error(exc, raw, what, sep) from None
    return True


def check_transition(raw: dict[str, Any], scene_ids: list[str], total: Fraction | None, checks: Checks,
                line: int | None) -> TransitionSpec | None:
    """The transition `raw` (fields read from HTML or script; None: missing, already reported)
    checked in a fixed order; None when its time or duration is not valid. When another check
    failed (recorded: only a collecting run gets here), the spec holds placeholders for what
    failed, kept for the overlap check alone: a plan is never built from a run that found problems."""
    what, attr = raw["where"], raw["attr"]
    sep = " " if attr("time").startswith("data-") else ""
    time = duration = None
    if raw["time"] is not None:
        time = checks.run("transition-time", line, parse_number, raw["time"], f"{what}{sep}{attr('time')}")
    if raw["duration"] is not None:
        duration = checks.run("transition-duration", line, _positive_duration, raw, what, sep)
    if time is not None and duration is not None and total is not None:
        checks.run("transition-outside", line, _within, time, duration, total, what)
    for key in ("from", "to"):
        if raw[key] is not None:
            checks.run("transition-scene-missing", line, _scene_named, raw, key, scene_ids, what, sep)
    ease = checks.run("ease-unknown", line, canonical_ease, raw["ease"], f"{what}{sep}{attr('ease')}: ")
    params = None if raw["params"] is _UNREADABLE else checks.run("transition-params", line, _params_object, raw, what, sep)
    resolved = None
    transition = None if raw["shader"] is None else checks.run("shader-unknown", line, _shader, raw, what, sep)
    if transition is not None and params is not None:
        good = {name: value for name, value in params.items()
                if checks.run("shader-param", line, _param, transition, name, value, raw, what, sep)}
        resolved = transition.resolve_params(good)
    if time is None or duration is None:
        return None
    return TransitionSpec(time, duration, raw["shader"] or "", ease or "linear", raw["from"], raw["to"], resolved or {},
                          origin=what)


def _line_of(origin: str) -> int | None:
    match = _LINE_RE.search(origin)
    return int(match.group(1)) if match else None


def ordered(specs: list[TransitionSpec], where: str, checks: Checks) -> tuple[TransitionSpec, ...]:
    """Transitions sorted by time; an overlap of two is a CompositionError."""
    transitions = sorted(specs, key=lambda s: (s.time, s.end))
    for a, b in itertools.pairwise(transitions):
        if b.time < a.end:
            earlier = a.origin.removeprefix(f"{where}: ")
            checks.add("transition-overlap", _line_of(b.origin), CompositionError(
                f"{b.origin} starts at {float(b.time):g} s, inside {earlier} ([{float(a.time):g}, {float(a.end):g}) s); "
                "transitions must not overlap"))
    return tuple(transitions)


def page_transitions(entries: Any, scene_ids: list[str], total: Fraction | None, where: str,
              checks: Checks) -> list[TransitionSpec] | None:
    """The valid transitions of the page's ``window.__hf.transitions`` (`entries`); None if it is
    not an array (recorded)."""
    if not isinstance(entries, list):
        checks.add("transitions-not-array", None, CompositionError(
            f"{where}: window.__hf.transitions is {type(entries).__name__}; expected an array"))
        return None
    added = []
    for i, entry in enumerate(entries):
        fields = _js_transition(entry, i, where, checks)
        spec = None if fields is None else check_transition(fields, scene_ids, total, checks, None)
        if spec is not None:
            added.append(spec)
    return added


@dataclass(frozen=True)
class PastEnd:
    """A transition that runs past the composition's end: the progress (eased, and `raw`, linear)
    the composition's last frame shows it at; both None when no frame falls inside it."""

    spec: TransitionSpec
    duration: Fraction  # the composition's
    last_frame: Fraction  # the time of the composition's last frame
    progress: float | None
    raw: float | None

    @property
    def line(self) -> int | None:
        """The line of its ``<hf-transition>`` (None for a script-made one)."""
        return _line_of(self.spec.origin)

    @property
    def element(self) -> str:
        """The transition, as ``<hf-transition id='x'>`` or ``window.__hf.transitions[0]``."""
        return _LINE_RE.sub("", self.spec.origin.split(": ", 1)[-1]).rstrip()

    @property
    def message(self) -> str:
        """What a warning says after the element."""
        head = (f"runs to {float(self.spec.end):g} s, past the composition's end ({float(self.duration):g} s): "
                "the video ends inside it")
        if self.progress is None or self.raw is None:
            return f"{head} and no frame shows it (the last frame is at {float(self.last_frame):g} s)"
        return (f"{head}, at progress {self.progress:.3g} on its last frame (t={float(self.last_frame):g} s; "
                f"{self.raw:.3g} before the {self.spec.ease} ease), so {self.spec.to_scene!r} never shows alone")


def past_end(transitions: Iterable[TransitionSpec], duration: Fraction, fps: Fraction) -> list[PastEnd]:
    """The `transitions` that end after `duration` (the composition's, at `fps`), with the progress
    each reaches on the composition's last frame."""
    count = frame_count(duration, fps)
    last = frame_time(max(count - 1, 0), fps)
    found = []
    for spec in transitions:
        if spec.end <= duration:
            continue
        shown = count > 0 and spec.covers(last)
        raw = float((last - spec.time) / spec.duration) if shown else None
        found.append(PastEnd(spec, duration, last, spec.progress(last) if shown else None, raw))
    return found
