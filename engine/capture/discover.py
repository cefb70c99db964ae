"""The plan's updates from the page: pure functions of the runtime's `prepare()` reply.

A composition read from a path is completed from its loaded page (`BrowserSession`): the root
timeline's duration where the root has no ``data-duration``, the transitions its scripts publish
(``window.__hf.transitions``, HyperShader.init's options merged in), what the census found that
cannot be rendered faithfully (`PageWarning`) and the page's ``<video>``/``<audio>`` elements
(probed by `engine.media.census`). Nothing here touches Chromium: tests/test_discover.py feeds
recorded replies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..composition.hypershader import from_hypershader
from ..composition.plan import Plan
from ..composition.validate import with_js_transitions, with_timeline_duration
from ..errors import CaptureError, CompositionError
from .fidelity import PageWarning, from_census
from .replies import MediaEntry, PrepareReply

__all__ = ["Discovery", "discover", "updated_plan", "check_media"]


@dataclass(frozen=True)
class Discovery:
    """What a `prepare()` reply says about the page."""

    #: the root timeline's duration (seconds; None: no root timeline, or one without duration())
    root_duration: Any
    #: the page's ``window.__hf.transitions`` (HyperShader's options merged in); None: not set
    transitions: Any
    #: what the census found that cannot be rendered faithfully
    warnings: tuple[PageWarning, ...]
    #: the page's <video>/<audio> elements (media.js's census)
    media: tuple[MediaEntry, ...]
    #: what the page draws itself that HyperShader asked for (logged, not warned)
    notes: tuple[str, ...] = ()


def discover(reply: PrepareReply, name: str) -> Discovery:
    """What `reply` (a checked `PrepareReply` of composition `name`) says about the page.
    CompositionError when its ``window.__hf.transitions`` is null."""
    media = tuple(m for m in reply.get("media") or [] if isinstance(m, dict))
    found = Discovery(reply.get("rootDuration"), None, tuple(from_census(reply.get("warnings"))), media)
    if not reply.get("hasTransitions"):
        return found
    transitions = reply.get("transitions")
    if transitions is None:  # null (None means "not set" to with_js_transitions)
        raise CompositionError(f"{name}: window.__hf.transitions is null; expected an array "
                               "(leave it unset, or [], for no transitions)")
    notes: list[str] = []
    inits = [i for i in reply.get("hyperShader") or [] if isinstance(i, dict) and i.get("published")]
    if inits and isinstance(transitions, list):
        transitions, notes = from_hypershader(transitions, inits[-1])
    return Discovery(found.root_duration, transitions, found.warnings, media, tuple(notes))


def updated_plan(plan: Plan, found: Discovery) -> Plan:
    """`plan` (read from the composition's file) completed with what the page says: the root
    timeline's duration when the root has no ``data-duration``, and the page's transitions.
    CompositionError when either is invalid."""
    if plan.duration_from_timeline:
        plan = with_timeline_duration(plan, found.root_duration)
    if found.transitions is not None:
        plan = with_js_transitions(plan, found.transitions)
    return plan


def check_media(plan: Plan, media: Sequence[MediaEntry]) -> None:
    """CaptureError unless the page's media elements with a source (`media`, from a load of the page)
    are the clips `plan` was made with (from an earlier load)."""
    if [m.get("index") for m in media if m.get("src")] != [c.index for c in plan.media_clips]:
        raise CaptureError(f"{plan.source.name}: the page's <video>/<audio> elements differ from the plan's (a page "
                           "script that creates media elements differently on each load?)")
