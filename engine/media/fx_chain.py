"""``data-fx-chain``: a clip's effects, in signal order, parsed and validated. Pure.

The attribute is HyperFrames' JSON (``docs/reference/audio-effects.mdx``)::

    {"version": 1, "nodes": [{"type": "highpass", "id": "n1", "label": "Remove Rumble",
                              "enabled": true, "params": {"frequency": 120, "q": 0.707, "poles": "2"}}]}

`parse_chain` returns the `FxChain` and notes (an out-of-range value clamped into its range,
as HyperFrames clamps on read; this engine names it). What is not a chain is bad input
(`CompositionError`, naming the element and what is wrong): JSON that does not parse, a
``nodes`` that is not a list, an unknown ``type``, a parameter the effect does not have, a
value that is not a number or not one of the allowed choices. A missing parameter takes the
registry's default; ``enabled: false`` is bypass (`FxChain.active` leaves the node out).

A node's ``fromPreset`` and ``presetAmount`` (clamped into 0..1) are kept: a preset's consecutive
nodes are blended with the dry signal by that amount (`FxChain.runs`, realised by `engine.media.fx`).

`REGISTRY` is the reference's table of effects: each parameter's range and default. The
reference's seventeenth effect, ``truepeak``, is accepted too (realised by `engine.media.fx`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import CompositionError

__all__ = ["Param", "REGISTRY", "FxNode", "FxChain", "parse_chain"]


@dataclass(frozen=True)
class Param:
    """A parameter: a number in ``[low, high]`` (rounded when `whole`), or one of `choices`."""

    default: float | str
    low: float = 0.0
    high: float = 0.0
    choices: tuple[str, ...] = ()
    whole: bool = False


def _p(low: float, high: float, default: float, whole: bool = False) -> Param:
    return Param(default, low, high, whole=whole)


def _c(*choices: str) -> Param:
    return Param(choices[0], choices=choices)


_POLES = Param("2", choices=("2", "1"))

#: HyperFrames' effect registry (``HF_AUDIO_FX``): parameter ranges and defaults, in its units.
REGISTRY: dict[str, dict[str, Param]] = {
    "highpass": {"frequency": _p(20, 20000, 300), "q": _p(0.1, 20, 0.707), "poles": _POLES},
    "lowpass": {"frequency": _p(100, 20000, 8000), "q": _p(0.1, 20, 0.707), "poles": _POLES},
    "peaking": {"frequency": _p(20, 20000, 1000), "gain": _p(-40, 40, 0), "q": _p(0.1, 20, 1)},
    "lowshelf": {"frequency": _p(20, 2000, 200), "gain": _p(-40, 40, 0)},
    "highshelf": {"frequency": _p(500, 20000, 4000), "gain": _p(-40, 40, 0)},
    "gain": {"gain": _p(-60, 12, 0)},
    "compressor": {"threshold": _p(-60, 0, -24), "ratio": _p(1, 20, 4), "attack": _p(0.01, 2000, 20),
                   "release": _p(0.01, 9000, 250), "knee": _p(1, 8, 2.83), "makeup": _p(0, 36, 0),
                   "mix": _p(0, 1, 1)},
    "limiter": {"limit": _p(-24, 0, -1), "attack": _p(0.1, 80, 5), "release": _p(1, 8000, 50),
                "level_out": _p(-24, 24, 0)},
    "truepeak": {"ceiling": _p(-24, 0, -1), "lookahead": _p(0.5, 10, 3), "release": _p(10, 2000, 80)},
    "gate": {"threshold": _p(-80, 0, -35), "range": _p(-80, 0, -24), "ratio": _p(1, 20, 10),
             "attack": _p(0.01, 9000, 1), "release": _p(0.01, 9000, 100), "knee": _p(1, 8, 2.83)},
    "saturate": {"type": _c("tanh", "atan", "cubic", "exp", "alg", "quintic", "sin", "erf", "hard"),
                 "threshold": _p(-40, 0, -6), "output": _p(-24, 24, 0), "oversample": _p(1, 8, 4, whole=True)},
    "bitcrush": {"bits": _p(1, 32, 8), "samples": _p(1, 250, 1, whole=True), "mix": _p(0, 1, 1)},
    "delay": {"time": _p(1, 5000, 250), "feedback": _p(0.01, 0.95, 0.35), "mix": _p(0, 1, 0.4)},
    "reverb": {"size": _p(0.05, 1, 0.7), "damping": _p(0, 1, 0.5), "wet": _p(0, 1, 0.35), "dry": _p(0, 1, 0.7)},
    "chorus": {"delay": _p(1, 100, 7), "depth": _p(0, 10, 2), "speed": _p(0.01, 10, 1), "mix": _p(0, 1, 0.5)},
    "phaser": {"in_gain": _p(0, 1, 0.4), "out_gain": _p(0, 2, 0.74), "delay": _p(0.1, 5, 3),
               "decay": _p(0, 0.99, 0.4), "speed": _p(0.1, 2, 0.5), "type": Param("0", choices=("0", "1"))},
    "pitchshift": {"semitones": _p(-12, 12, 0, whole=True), "mix": _p(0, 1, 1)},
}


@dataclass(frozen=True)
class FxNode:
    """One effect of a chain, its parameters complete (defaults filled in) and within range."""

    type: str
    params: Mapping[str, float | str] = field(hash=False)
    id: str | None = None
    label: str | None = None
    enabled: bool = True
    preset: str | None = None  # fromPreset: the preset that wrote it
    amount: float = 1.0  # presetAmount (0..1): the wet/dry blend around its preset's run (see `FxChain.runs`)

    def describe(self) -> str:
        """``highpass "n1"`` (with its label when it has one), for messages."""
        name = self.type + (f' "{self.id}"' if self.id else "")
        return name + (f" ({self.label})" if self.label else "")


@dataclass(frozen=True)
class FxChain:
    """A parsed ``data-fx-chain``: its nodes in signal order, bypassed ones included."""

    nodes: tuple[FxNode, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # values clamped into range (warned as ``audio-fx``)

    @property
    def active(self) -> tuple[FxNode, ...]:
        """The nodes in the signal path (``enabled`` ones)."""
        return tuple(node for node in self.nodes if node.enabled)

    def runs(self) -> list[tuple[float, tuple[FxNode, ...]]]:
        """The active nodes cut into runs of consecutive nodes of one preset (``fromPreset``; a node of
        none is a run of its own kind), each with its blend amount: the ``presetAmount`` of the run's
        first node for a preset's run, 1 otherwise (HyperFrames' ``presetRuns``)."""
        out: list[tuple[float, tuple[FxNode, ...]]] = []
        last: str | None = None
        for node in self.active:
            if out and node.preset == last:
                out[-1] = (out[-1][0], out[-1][1] + (node,))
            else:
                out.append((node.amount if node.preset is not None else 1.0, (node,)))
            last = node.preset
        return out


def _value(raw: Any, spec: Param, where: str, name: str, notes: list[str]) -> float | str:
    if spec.choices:
        text = str(raw).strip() if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) else None
        if text is not None and text.endswith(".0"):
            text = text[:-2]
        if text not in spec.choices:
            raise CompositionError(f"{where}: {name}={json.dumps(raw)} is not valid; expected one of "
                                   + ", ".join(spec.choices))
        return text
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise CompositionError(f"{where}: {name}={json.dumps(raw)} is not valid; expected a number")
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise CompositionError(f"{where}: {name}={json.dumps(raw)} is not valid; expected a number")
    clamped = min(spec.high, max(spec.low, number))
    if spec.whole:
        clamped = float(round(clamped))
    if clamped != number and not (spec.whole and abs(clamped - number) < 0.5):
        notes.append(f"{where}: {name}={number:g} is outside {spec.low:g}..{spec.high:g}; it is clamped to "
                     f"{clamped:g} (as in HyperFrames)")
    return clamped


def _node(raw: Any, index: int, element: str, notes: list[str]) -> FxNode:
    where = f"{element}: data-fx-chain node {index + 1}"
    if not isinstance(raw, dict):
        raise CompositionError(f"{where} is not an object; expected {{\"type\": ..., \"params\": {{...}}}}")
    kind = raw.get("type")
    if kind not in REGISTRY:
        raise CompositionError(f"{where}: type {json.dumps(kind)} is not an effect; expected one of "
                               + ", ".join(REGISTRY))
    node_id, label = raw.get("id"), raw.get("label")
    if node_id is not None:
        where += f' ("{node_id}")'
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise CompositionError(f"{where}: enabled={json.dumps(enabled)} is not valid; expected true or false")
    given = raw.get("params", {})
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise CompositionError(f"{where}: params is not an object; expected {{\"name\": value, ...}}")
    preset, amount = _preset(raw, where, notes)
    specs = REGISTRY[kind]
    unknown = sorted(set(given) - set(specs))
    if unknown:
        raise CompositionError(f"{where}: {kind} has no parameter {', '.join(unknown)}; expected "
                               + ", ".join(specs))
    params = {name: _value(given[name], spec, f"{where}: {kind}", name, notes) if name in given else spec.default
              for name, spec in specs.items()}
    return FxNode(kind, params, None if node_id is None else str(node_id), None if label is None else str(label),
                  enabled, preset, amount)


def _preset(raw: dict[str, Any], where: str, notes: list[str]) -> tuple[str | None, float]:
    """``fromPreset`` and ``presetAmount`` (a number clamped into 0..1 as HyperFrames does; anything
    else, or no preset, is full amount: HyperFrames drops it too, this engine names it)."""
    preset = raw.get("fromPreset")
    preset = str(preset) if isinstance(preset, str) and preset else None
    amount = raw.get("presetAmount")
    if amount is None:
        return preset, 1.0
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount):
        notes.append(f"{where}: presetAmount={json.dumps(amount)} is not a number from 0 to 1; it is ignored (as in "
                     "HyperFrames): the preset plays at full amount")
        return preset, 1.0
    clamped = min(1.0, max(0.0, float(amount)))
    if clamped != amount:
        notes.append(f"{where}: presetAmount={amount:g} is outside 0..1; it is clamped to {clamped:g} (as in "
                     "HyperFrames)")
    if preset is None and clamped != 1.0:
        notes.append(f"{where}: presetAmount={amount:g} is ignored: the node has no fromPreset (as in HyperFrames, "
                     "only a preset's nodes are blended)")
    return preset, clamped


def parse_chain(text: str | None, element: str) -> tuple[FxChain | None, list[str]]:
    """The chain of a ``data-fx-chain`` value (None when absent or empty) and its notes (clamped values).

    `element` names the element in errors and notes. Raises `CompositionError` for what is not a
    valid chain (see the module docstring).
    """
    if text is None or not text.strip():
        return None, []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CompositionError(f"{element}: data-fx-chain is not valid JSON ({exc.msg} at character {exc.pos}); "
                               'expected {"version": 1, "nodes": [...]}') from None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise CompositionError(f'{element}: data-fx-chain has no "nodes" list; expected {{"version": 1, "nodes": [...]}}')
    version = data.get("version", 1)
    if version != 1:
        raise CompositionError(f"{element}: data-fx-chain version {json.dumps(version)} is not supported; expected 1")
    notes: list[str] = []
    nodes = tuple(_node(raw, index, element, notes) for index, raw in enumerate(data["nodes"]))
    return FxChain(nodes, tuple(notes)), notes
