"""Misspelled timing and composition attributes (pure): ``data-duraton``, ``data-strat``...

A browser keeps any ``data-*`` attribute, so a misspelled one is silently ignored: the clip
shows for the whole composition, the transition is missing its time. `KNOWN_ATTRIBUTES` lists
every ``data-*`` attribute HyperFrames or this engine reads (the one list: the render and the
lint both check against it). `suggestion(name)` gives the known attribute a ``data-*`` name is a
likely typo of: one edit away (an insertion, deletion, substitution or swap of two neighbouring
letters), two for names of seven letters or more after ``data-``. Names the engine does not read
but that pages commonly use (``data-id``, ``data-name``, ``data-type``, ``data-state``...,
`COMMON_ATTRIBUTES`) and the engine's own runtime markers (``data-hf-*``, ``data-hfe-*``) are
never named. `attribute_mistakes(text)` finds them in an HTML document, with their lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from .values import describe

__all__ = ["MISSPELLED", "KNOWN_ATTRIBUTES", "COMMON_ATTRIBUTES", "AttributeMistake", "suggestion", "edit_distance",
           "attribute_mistakes"]

#: Every data-* attribute a composition may carry that HyperFrames or the engine reads.
KNOWN_ATTRIBUTES = frozenset({
    # root and nested compositions
    "data-composition-id", "data-composition-src", "data-composition-variables", "data-variable-values",
    "data-width", "data-height", "data-duration", "data-fps",
    # clips and media
    "data-start", "data-end", "data-track-index", "data-media-start", "data-playback-start",
    "data-playback-rate", "data-volume", "data-has-audio", "data-fx-chain", "data-automation",
    "data-audio-group", "data-hidden", "data-fx-carve",
    # <hf-transition>
    "data-shader", "data-time", "data-from", "data-to", "data-ease", "data-params",
    # variables and fonts
    "data-var-text", "data-var-src", "data-font-family",
})
#: data-* names pages commonly use for their own purposes: never reported as typos.
COMMON_ATTRIBUTES = frozenset({
    "data-id", "data-name", "data-src", "data-type", "data-value", "data-key", "data-index", "data-role",
    "data-label", "data-title", "data-text", "data-url", "data-href", "data-lang", "data-theme", "data-mode",
    "data-size", "data-color", "data-state", "data-status", "data-stat", "data-stats", "data-step", "data-form",
    "data-top", "data-tile", "data-tab", "data-tag", "data-toc", "data-env", "data-base", "data-case",
    "data-weight", "data-right", "data-light", "data-column", "data-row", "data-part", "data-stack", "data-chart",
    "data-header", "data-shadow", "data-layer", "data-level", "data-delay", "data-speed", "data-loop",
    "data-muted", "data-scene", "data-slide", "data-page", "data-item", "data-line", "data-icon", "data-alt",
    "data-target", "data-toggle", "data-action", "data-test", "data-testid", "data-date", "data-day",
})
#: The warning code of a misspelled attribute.
MISSPELLED = "attribute-misspelled"
_OWN_PREFIXES = ("data-hf-", "data-hfe-")  # markers the engine's page runtime sets


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Edits between `a` and `b` (insert, delete, substitute, swap two neighbours: the optimal
    string alignment distance), capped at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return min(previous[-1], limit)


def suggestion(name: str, known: Iterable[str] = KNOWN_ATTRIBUTES) -> str | None:
    """The known attribute `name` (a lower-case attribute name) is probably a misspelling of, or
    None: `name` is known, not a ``data-*`` name, a common page attribute, or not close to any."""
    if not name.startswith("data-") or name in KNOWN_ATTRIBUTES or name in COMMON_ATTRIBUTES \
            or name.startswith(_OWN_PREFIXES):
        return None
    tail = name[5:]
    best: tuple[int, str] | None = None
    for candidate in sorted(known):
        wanted = candidate[5:]
        allowed = 2 if len(wanted) >= 7 else 1
        distance = edit_distance(tail, wanted)
        if distance <= allowed and (best is None or distance < best[0]):
            best = (distance, candidate)
    return None if best is None else best[1]


@dataclass(frozen=True)
class AttributeMistake:
    """A misspelled attribute: `attribute` on `element` (``<div id='intro'>``) at `line`, probably
    meant as `meant`."""

    line: int
    element: str
    attribute: str
    value: str
    meant: str

    @property
    def message(self) -> str:
        """What a warning says after the element."""
        return (f"{self.attribute}={self.value!r} is not an attribute HyperFrames or the engine reads (did you mean "
                f"{self.meant}?): it is ignored")


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[AttributeMistake] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        amap = {name.lower(): (value or "") for name, value in attrs}
        for name, value in amap.items():
            meant = suggestion(name)
            if meant is not None:
                self.found.append(AttributeMistake(self._line_of(name), describe({"tag": tag, "attrs": amap}), name,
                                                   value, meant))

    def _line_of(self, name: str) -> int:
        """The line of attribute `name` of the start tag just read (a tag may span lines)."""
        tag = self.get_starttag_text() or ""
        found = re.search(rf"\s{re.escape(name)}(?=[\s=/>]|$)", tag, re.I)
        return self.getpos()[0] + (tag.count("\n", 0, found.start() + 1) if found else 0)

    handle_startendtag = handle_starttag


def attribute_mistakes(text: str) -> list[AttributeMistake]:
    """Every misspelled known attribute in the HTML `text`, in document order."""
    scan = _Scan()
    scan.feed(text)
    scan.close()
    return scan.found
