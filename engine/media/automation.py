"""``data-automation``: envelopes on a clip's (or group's) volume and effect parameters. Pure.

The attribute is HyperFrames' JSON (``docs/reference/audio-effects.mdx``)::

    {"version": 1, "lanes": [{"target": "volume", "points": [{"t": 0, "v": 1}, {"t": 2.5, "v": 0.4}]},
                             {"target": "fx.n2.gain", "points": [{"t": 0, "v": 0}, {"t": 1, "v": -6, "curve": 0.4}]}]}

Behaviour follows HyperFrames' ``audioAutomation.ts``:

- ``t`` is seconds on the lane's clock: a clip's lanes from the clip's ``data-start``, a group's
  from the composition's start (the caller picks the clock);
- the value holds before the first point and after the last; between two points it moves from
  one to the other along the segment *leaving* the first: straight, or bent by ``curve``
  (progress ``x ** 2 ** (2 * curve)``), or through ``viaX``/``viaY`` (one rational quadratic arc
  through that point, which supersedes ``curve``);
- log-scaled parameters (frequencies, ``q``, the delay's ``time``) move evenly in log space;
- ``fx.preset.<presetId>`` drives the wet/dry amount (0..1) of every run of that preset's nodes
  (``fromPreset``), replacing their ``presetAmount``; it is kept in `Automation.fx` under the key
  ``(PRESET, presetId)`` (an effect id is never ``preset`` in HyperFrames);
- values are clamped into the parameter's range (``volume``: ``0..MAX_GAIN``, +12 dB); points are
  sorted, a later point at the same time replaces an earlier one, at most 512 points a lane.

A volume lane replaces ``data-volume`` (HyperFrames' lane "wins"). Unreadable automation is bad
input (`CompositionError` naming the element): JSON that does not parse, no ``lanes`` list, an
unknown version, a lane that is not an object, a target that is neither ``volume`` nor
``fx.<nodeId>.<param>``, a lane without a ``points`` list. A lane HyperFrames drops silently (a
missing node or preset, a parameter that cannot move, a point without numbers) is a note here, named.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import CompositionError
from .fx_chain import REGISTRY, FxChain

__all__ = ["AUTOMATABLE", "LOG_PARAMS", "MAX_GAIN", "MAX_POINTS", "PRESET", "Point", "Lane", "Automation",
           "parse_automation", "shape"]

#: HyperFrames' ``MAX_AUDIO_GAIN``: +12 dB (the ceiling of ``data-volume`` and of a volume lane).
MAX_GAIN = 10 ** (12 / 20)
MAX_POINTS = 512
#: The reserved node id of a whole-preset target, ``fx.preset.<presetId>``.
PRESET = "preset"

#: The parameters the reference marks AUTO (backed by an ``AudioParam`` in HyperFrames).
AUTOMATABLE: dict[str, frozenset[str]] = {
    "highpass": frozenset({"frequency", "q"}), "lowpass": frozenset({"frequency", "q"}),
    "peaking": frozenset({"frequency", "gain", "q"}), "lowshelf": frozenset({"frequency", "gain"}),
    "highshelf": frozenset({"frequency", "gain"}), "gain": frozenset({"gain"}), "saturate": frozenset({"output"}),
    "delay": frozenset({"time", "feedback", "mix"}), "reverb": frozenset({"wet", "dry"}),
    "chorus": frozenset({"delay", "depth", "speed", "mix"}), "phaser": frozenset({"in_gain", "out_gain", "speed"}),
}
#: Automatable parameters on a log scale (interpolated in log space).
LOG_PARAMS = frozenset({"frequency", "q", "time"})


@dataclass(frozen=True)
class Point:
    """A breakpoint: value `v` at `t` seconds; `curve` / `via` shape the segment leaving it."""

    t: float
    v: float
    curve: float = 0.0
    via: tuple[float, float] | None = None


@dataclass(frozen=True)
class Lane:
    """One envelope over `target` (``volume`` or ``fx.<node>.<param>``), its points sorted by time."""

    target: str
    points: tuple[Point, ...]
    log: bool = False

    def values(self, times: np.ndarray) -> np.ndarray:
        """The lane's value at each of `times` (seconds on its clock), float64."""
        t = np.asarray(times, np.float64)
        pts = self.points
        if len(pts) == 1:
            return np.full(t.shape, pts[0].v)
        ts = np.array([p.t for p in pts])
        vs = np.array([p.v for p in pts])
        seg = np.clip(np.searchsorted(ts, t, side="right") - 1, 0, len(pts) - 2)
        x = np.clip((t - ts[seg]) / (ts[seg + 1] - ts[seg]), 0.0, 1.0)
        for i in np.unique(seg):
            point = pts[int(i)]
            if point.via is None and not point.curve:
                continue
            mask = seg == i
            x[mask] = shape(x[mask], point)
        a, b = vs[seg], vs[seg + 1]
        if self.log and (vs > 0).all():
            return np.exp(np.log(a) + (np.log(b) - np.log(a)) * x)
        return a + (b - a) * x


def shape(x: np.ndarray, point: Point) -> np.ndarray:
    """Progress 0..1 through a segment leaving `point` at normalised time `x` (0..1)."""
    if point.via is not None:
        return _via(x, *point.via)
    return np.power(x, 2.0 ** (2 * point.curve)) if point.curve else x


def _via(x: np.ndarray, vx: float, vy: float) -> np.ndarray:
    """The rational quadratic Bezier from (0,0) to (1,1) through (vx, vy) at its midparameter, with
    the smallest weight that keeps its control point inside the unit square (HyperFrames' conic)."""
    edge = 0.999
    dx, dy = vx - 0.5, vy - 0.5

    def need(d: float, v: float) -> float:
        return d / (edge - v) if d > 0 else -d / (v - (1 - edge)) if d < 0 else 0.0

    w = min(1e6, max(1.0, need(dx, vx), need(dy, vy)))
    cx, cy = vx + dx / w, vy + dy / w
    spread = 2 - 2 * w
    a = x * spread - 1 + 2 * w * cx
    b = -x * spread - 2 * w * cx
    c = x
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(np.maximum(0.0, b * b - 4 * a * c))
        first = (-b + root) / (2 * a)
        second = (-b - root) / (2 * a)
        linear = np.where(np.abs(b) < 1e-12, c, -c / b)
    ok1 = (first >= -1e-9) & (first <= 1 + 1e-9)
    ok2 = (second >= -1e-9) & (second <= 1 + 1e-9)
    t = np.where(np.abs(a) < 1e-12, linear, np.where(ok1, first, np.where(ok2, second, c)))
    t = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0)
    rest = 1 - t
    den = rest * rest + 2 * w * t * rest + t * t
    y = (2 * w * cy * t * rest + t * t) / np.where(den > 0, den, 1.0)
    return np.where(den > 0, y, x)


@dataclass(frozen=True)
class Automation:
    """A parsed ``data-automation``: the volume lane and the effect lanes by ``(node id, param)``
    (a preset's amount lane by ``(PRESET, preset id)``)."""

    volume: Lane | None = None
    fx: Mapping[tuple[str, str], Lane] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # lanes ignored, points dropped, values clamped (warned as ``audio-fx``)

    @property
    def presets(self) -> dict[str, Lane]:
        """The preset amount lanes (``fx.preset.<id>``), by preset id."""
        return {param: lane for (node_id, param), lane in self.fx.items() if node_id == PRESET}


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) or (isinstance(raw, str) and raw.strip()):
        try:
            value = float(raw)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def _via_of(raw: dict[str, Any]) -> tuple[float, float] | None:
    x, y = _number(raw.get("viaX")), _number(raw.get("viaY"))
    if x is None or y is None:
        return None
    x, y = min(0.999, max(0.001, x)), min(0.999, max(0.001, y))
    return None if abs(x - y) < 1e-6 else (x, y)


def _points(raw_points: list[Any], low: float, high: float, where: str, notes: list[str]) -> tuple[Point, ...]:
    clean: list[Point] = []
    dropped = clamped = 0
    for raw in raw_points:
        t = _number(raw.get("t")) if isinstance(raw, dict) else None
        v = _number(raw.get("v")) if isinstance(raw, dict) else None
        if t is None or v is None:
            dropped += 1
            continue
        assert isinstance(raw, dict)
        value = min(high, max(low, v))
        clamped += value != v
        curve = _number(raw.get("curve")) or 0.0
        clean.append(Point(max(0.0, t), value, min(1.0, max(-1.0, curve)), _via_of(raw)))
    if dropped:
        notes.append(f"{where}: {dropped} point(s) without a numeric t and v are ignored (as in HyperFrames)")
    if clamped:
        notes.append(f"{where}: {clamped} value(s) outside {low:g}..{high:g} are clamped into it (as in HyperFrames)")
    clean.sort(key=lambda p: p.t)
    out: list[Point] = []
    for point in clean:
        if out and out[-1].t == point.t:
            out[-1] = point  # a later point at the same time wins
        else:
            out.append(point)
    if len(out) > MAX_POINTS:
        notes.append(f"{where}: {len(out)} points; only the first {MAX_POINTS} are used (as in HyperFrames)")
    return tuple(out[:MAX_POINTS])


def _target(target: str, chain: FxChain | None, where: str, notes: list[str]) -> tuple[float, float, bool] | None:
    """The range and log scale of a lane's target, or None (noted) when it drives nothing."""
    if target == "volume":
        return 0.0, MAX_GAIN, False
    _, node_id, param = target.split(".")
    if node_id == PRESET:  # a preset's amount: 0 the dry signal, 1 the preset fully applied
        if any(node.preset == param for node in (chain.nodes if chain else ())):
            return 0.0, 1.0, False
        notes.append(f'{where}: there is no preset "{param}" in data-fx-chain (no node has fromPreset "{param}"); '
                     "the lane is ignored (HyperFrames drops it silently)")
        return None
    node = next((n for n in (chain.nodes if chain else ()) if n.id == node_id), None)
    if node is None:
        notes.append(f'{where}: there is no node "{node_id}" in data-fx-chain; the lane is ignored '
                     "(HyperFrames drops it silently)")
        return None
    spec = REGISTRY[node.type].get(param)
    if spec is None or param not in AUTOMATABLE.get(node.type, frozenset()):
        movable = ", ".join(sorted(AUTOMATABLE.get(node.type, ()))) or "none"
        notes.append(f'{where}: {node.type} parameter "{param}" cannot be automated (automatable: '
                     f"{movable}); the lane is ignored (HyperFrames ignores it silently)")
        return None
    return spec.low, spec.high, param in LOG_PARAMS


def parse_automation(text: str | None, element: str, chain: FxChain | None) -> Automation | None:
    """The automation of a ``data-automation`` value (None when absent or empty), bound to `chain`.

    `element` names the element in errors and notes. Raises `CompositionError` for what cannot be
    read (see the module docstring).
    """
    if text is None or not text.strip():
        return None
    expected = '{"version": 1, "lanes": [{"target": "volume", "points": [{"t": 0, "v": 1}]}]}'
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompositionError(f"{element}: data-automation is not valid JSON ({exc.msg} at character {exc.pos}); "
                               f"expected {expected}") from None
    if not isinstance(data, dict):
        raise CompositionError(f"{element}: data-automation is not a JSON object; expected {expected}")
    if data.get("version") != 1:
        raise CompositionError(f"{element}: data-automation version {json.dumps(data.get('version'))} is not "
                               "supported; expected 1")
    if not isinstance(data.get("lanes"), list):
        raise CompositionError(f'{element}: data-automation has no "lanes" list; expected {expected}')
    notes: list[str] = []
    volume: Lane | None = None
    fx: dict[tuple[str, str], Lane] = {}
    for index, raw in enumerate(data["lanes"]):
        where = f"{element}: data-automation lane {index + 1}"
        if not isinstance(raw, dict):
            raise CompositionError(f'{where} is not an object; expected {{"target": ..., "points": [...]}}')
        target = raw.get("target")
        parts = target.split(".") if isinstance(target, str) else []
        if target != "volume" and not (len(parts) == 3 and parts[0] == "fx" and parts[1] and parts[2]):
            raise CompositionError(f"{where}: target {json.dumps(target)} is not readable; expected \"volume\", "
                                   '"fx.<nodeId>.<param>" or "fx.preset.<presetId>"')
        assert isinstance(target, str)
        if not isinstance(raw.get("points"), list):
            raise CompositionError(f'{where} ("{target}") has no "points" list; expected [{{"t": 0, "v": 1}}, ...]')
        bound = _target(target, chain, f'{where} ("{target}")', notes)
        if bound is None:
            continue
        low, high, log = bound
        points = _points(raw["points"], low, high, f'{where} ("{target}")', notes)
        if not points:
            continue
        lane = Lane(target, points, log)
        if target == "volume":
            volume = lane
        else:
            fx[(parts[1], parts[2])] = lane
    return Automation(volume, fx, tuple(notes))
