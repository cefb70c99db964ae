"""``<hf-audio-group>`` buses: an ``<audio>``'s ``data-audio-group`` names the group it is summed
into. Pure (parsing; the mixer runs the buses: `engine.media.mixer`).

As HyperFrames' ``audioGroups.ts`` and render mixer: membership is held by the member (an
``<audio>`` with an ``id``; ``data-audio-group`` on a ``<video>`` is ignored, and named here);
the group element is optional metadata: ``data-volume`` (linear, default 1, at most +12 dB),
``data-hidden`` (every member is dropped from the mix), its own ``data-fx-chain`` and
``data-automation``, whose lanes run on the composition's clock (``t: 0`` is the composition's
start). The members are summed (each after its own chain, lanes and volume) into one bus, the
bus goes through the group's chain, then its volume (a volume lane replaces ``data-volume``),
then into the mix. A group with members and no element still sums them, at unity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import CompositionError
from .automation import MAX_GAIN, Automation, parse_automation
from .fx_chain import FxChain, parse_chain

__all__ = ["AudioGroup", "parse_group"]


@dataclass(frozen=True)
class AudioGroup:
    """One group bus. `element` describes it for messages (``<hf-audio-group id="vo">``)."""

    id: str
    element: str
    volume: float = 1.0
    hidden: bool = False
    fx: FxChain | None = None
    automation: Automation | None = None  # on the composition's clock

    @property
    def notes(self) -> tuple[str, ...]:
        """Chain values clamped and lanes ignored (warned as ``audio-fx``, naming the group)."""
        return (self.fx.notes if self.fx else ()) + (self.automation.notes if self.automation else ())


def parse_group(info: Mapping[str, Any], where: str) -> AudioGroup:
    """The group of a census entry's ``group`` (``id``, ``element``, ``volume``, ``hidden``,
    ``fxChain``, ``automation`` as written). `where` names the composition file in errors."""
    group_id = str(info.get("id"))
    described = str(info.get("element") or f'<hf-audio-group id="{group_id}"> (no element)')
    element = f"{where}: {described}"
    raw = info.get("volume")
    volume = 1.0
    if raw is not None and str(raw).strip():
        try:
            volume = float(str(raw).strip())
        except ValueError:
            volume = math.nan
        if not math.isfinite(volume) or volume < 0:
            raise CompositionError(f"{element}: data-volume={raw!r} is not valid; expected a number at least 0")
    fx, _ = parse_chain(info.get("fxChain"), element)
    automation = parse_automation(info.get("automation"), element, fx)
    return AudioGroup(group_id, described, min(volume, MAX_GAIN), bool(info.get("hidden")), fx, automation)
