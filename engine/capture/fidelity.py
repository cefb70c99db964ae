"""What a page holds that the engine cannot render faithfully: `PageWarning`, one per element.

The page runtime's census (``census.js``) names each such element (a ``<video>``, an
``<iframe>``, a worker-drawn canvas, a font, image or poster that failed to load (``image``), a
paused GSAP animation that is not registered in ``window.__timelines`` (``gsap-paused``),
HyperFrames' shader library left in preview mode); the router adds every blocked request. A render reports them on
stderr and in its stats (``warnings``); ``strict`` makes them bad input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..caller import option
from ..errors import UnfaithfulRenderError

__all__ = ["PageWarning", "from_census", "blocked_request", "strict_error", "NOTICE_CODES", "is_unfaithful"]


@dataclass(frozen=True)
class PageWarning:
    """`element` (``<video id="intro" src="a.mp4">``) cannot be rendered faithfully: `message` says how."""

    code: str
    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.element}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def from_census(entries: Iterable[Mapping[str, Any]] | None) -> list[PageWarning]:
    """The runtime's census entries as warnings (malformed entries are skipped)."""
    found = []
    for entry in entries or ():
        if isinstance(entry, Mapping) and all(isinstance(entry.get(k), str) for k in ("code", "element", "message")):
            found.append(PageWarning(entry["code"], entry["element"], entry["message"]))
    return found


def blocked_request(url: str, reason: str | None = None) -> PageWarning:
    """The warning for blocked `url`; `reason` says why where the router knows more (a CDN URL
    its npm cache could not serve: what to install, or the prefix to map)."""
    if reason:
        return PageWarning("blocked-request", url, reason)
    return PageWarning("blocked-request", url, "the request to another origin was blocked (network access is off): "
                       "what it loads is missing; map the URL prefix to a folder "
                       f"({option('url_map', 'PREFIX=FOLDER', '{PREFIX: FOLDER}')}) or allow the network "
                       f"({option('allow_network')})")


#: Warning codes that name a mistake or a choice, not a frame drawn unfaithfully: counted apart
#: in a render's summary and never refused by ``strict`` (a variable the composition does not
#: declare, a misspelled attribute, a transition that runs past the end, a CDN version range
#: resolved to the version named).
NOTICE_CODES = frozenset({"variables", "attribute-misspelled", "transition-past-end", "cdn-version"})


def is_unfaithful(code: str) -> bool:
    """Whether a warning of `code` means something was not rendered as written."""
    return code not in NOTICE_CODES


def strict_error(source: str, warnings: Iterable[PageWarning]) -> UnfaithfulRenderError:
    """The error a strict render raises for `warnings` of composition `source`."""
    lines = "; ".join(str(w) for w in warnings)
    return UnfaithfulRenderError(f"{source}: cannot be rendered faithfully (strict): {lines}")
