"""The page runtime's replies (``window.__hfEngine`` in ``runtime.js``): their shapes, the protocol
version Python speaks, and the errors a reply reports.

Every call into the runtime returns a `Reply` (the errors the page's scripts met since the last
reply, and what was found since then that cannot be rendered faithfully); `prepare()` returns a
`PrepareReply`, ``seek()`` and ``isolateScene()`` a `SeekReply`. `check_reply` turns what a reply
reports into the session's errors (a script that threw, a promise that never settled, a missing
scene); `check_version` refuses a runtime speaking another protocol than `RUNTIME_VERSION`.
These are pure functions of the reply: tests/test_discover.py drives them with recorded replies.
"""

from __future__ import annotations

from typing import Any, TypedDict

from ..errors import CaptureError, CompositionError, PageScriptError, SettleTimeoutError

__all__ = ["RUNTIME_VERSION", "Reply", "PrepareReply", "SeekReply", "CensusEntry", "MediaEntry", "ShaderInit",
           "LayerPlan", "Fallback", "check_reply", "check_version"]

#: The protocol of ``window.__hfEngine`` this Python code speaks (``version`` in runtime.js): the
#: two change together, and a session refuses a page runtime of another version.
RUNTIME_VERSION = 1


class CensusEntry(TypedDict):
    """One element the engine cannot render faithfully (`engine.capture.fidelity.PageWarning`)."""

    code: str
    element: str
    message: str


class MediaEntry(TypedDict, total=False):
    """One ``<video>`` / ``<audio>`` of the page as media.js's census describes it
    (`engine.media.census.clips_from_census` reads it)."""

    index: int
    tag: str
    element: str
    src: str | None
    url: str | None
    timed: bool
    start: float
    end: float | None
    hostEnd: float | None
    mediaStart: str | None
    rate: str | None
    volume: str | None
    muted: bool
    loop: bool
    hasAudio: str | None
    fxChain: str | None
    automation: str | None
    hidden: bool
    audioGroup: str | None
    group: dict[str, Any] | None


class ShaderInit(TypedDict):
    """A call of HyperShader.init (hyperframes.js): its options, and whether it published transitions."""

    accentColor: str | None
    scenes: list[str]
    shaders: list[str | None]
    published: bool


class _LayerPlanBase(TypedDict):
    index: int
    rect: list[float]
    clip: list[float]
    opacity: float
    below: bool
    rounded: list[list[float]]
    filters: list[tuple[str, float]]


class LayerPlan(_LayerPlanBase, total=False):
    """Where a native video layer is drawn (`engine.capture.layers.NativeLayer.from_page`); a rotated
    or skewed one has its local-to-viewport `matrix` and its viewport box `area`."""

    matrix: list[float]
    area: list[float]


class Fallback(TypedDict):
    """A video the native layer path refused, and why (it keeps the poster path)."""

    element: str
    reason: str


class Reply(TypedDict, total=False):
    """What every call into the runtime returns: `errors` (what threw since the last reply),
    `warnings` (census entries found since then), and when a call failed, `timeout` (what never
    settled) or `missingScene` (the scene asked for is not in the page)."""

    errors: list[str]
    warnings: list[CensusEntry]
    timeout: str
    missingScene: str


class PrepareReply(Reply, total=False):
    """``prepare()``: the runtime's `version`, the page's ``window.__hf.transitions`` (`transitions`,
    when `hasTransitions`), its HyperShader.init calls, its root timeline's duration (seconds, or
    None), and its media census."""

    version: int
    transitions: Any
    hasTransitions: bool
    hyperShader: list[ShaderInit]
    rootDuration: float | None
    media: list[MediaEntry]


class SeekReply(Reply, total=False):
    """``seek()`` / ``isolateScene()`` with native video layers asked for: the `layer` planned (or
    None) and all the `layers` (paint order, `layer` first; empty without one), the videos whose
    poster was not loaded (`deferred`, by clip index), the videos refused (`fallbacks`, by clip
    index) and how many videos are on screen (`visible`)."""

    layer: LayerPlan | None
    layers: list[LayerPlan]
    deferred: list[int]
    fallbacks: dict[str, Fallback]
    visible: int


def check_version(reply: Any, name: str) -> None:
    """CaptureError unless `reply` (a `PrepareReply`) comes from a runtime of `RUNTIME_VERSION`;
    `name` names the composition."""
    found = reply.get("version") if isinstance(reply, dict) else None
    if found != RUNTIME_VERSION:
        raise CaptureError(f"{name}: the page runtime speaks version {found!r} of window.__hfEngine; this engine "
                           f"speaks version {RUNTIME_VERSION} (runtime.js and engine/capture/replies.py must change "
                           "together: a stale or foreign runtime was injected)")


def check_reply(reply: Any, name: str, when: str) -> Reply:
    """`reply` when it reports no problem; else the error it reports, naming composition `name`
    and `when` it happened: PageScriptError (a script threw), SettleTimeoutError (something never
    settled), CompositionError (a scene that is not in the page), CaptureError (no runtime)."""
    if not isinstance(reply, dict):
        raise CaptureError(f"{name}: the page runtime is missing (window.__hfEngine)")
    if reply.get("errors"):
        raise PageScriptError(f"{name}: {when}: " + "; ".join(str(e) for e in reply["errors"]))
    if reply.get("timeout"):
        raise SettleTimeoutError(f"{name}: {when}: {reply['timeout']} "
                                 "(raise timeout_ms / ENGINE_CAPTURE_TIMEOUT_MS if the page is just slow)")
    if reply.get("missingScene"):
        raise CompositionError(f"{name}: {reply['missingScene']}")
    return reply  # type: ignore[return-value]
