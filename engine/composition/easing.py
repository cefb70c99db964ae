"""Easing functions (pure): GSAP's names, mapping raw progress in [0, 1] to eased progress.

Names: ``linear`` / ``none`` / ``power0``; ``power1`` .. ``power4`` and ``sine`` with
``.in``, ``.out`` or ``.inOut`` (a bare ``power2`` or ``sine`` is ``.out``, as in GSAP).
GSAP's powerN is a polynomial of degree N + 1 (power1 = quad, power4 = quint). Names are
matched case-insensitively. Every ease maps 0 to exactly 0.0 and 1 to exactly 1.0.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from ..errors import CompositionError, close_names

__all__ = ["DEFAULT_EASE", "EASE_NAMES", "ease", "get_ease", "canonical_ease"]

DEFAULT_EASE = "power2.inOut"

Ease = Callable[[float], float]


def _power(degree: int) -> tuple[Ease, Ease, Ease]:
    def ease_in(p: float) -> float:
        return p**degree

    def ease_out(p: float) -> float:
        return 1.0 - (1.0 - p) ** degree

    def ease_in_out(p: float) -> float:
        if p < 0.5:
            return (2.0 * p) ** degree / 2.0
        return 1.0 - (2.0 * (1.0 - p)) ** degree / 2.0

    return ease_in, ease_out, ease_in_out


def _linear(p: float) -> float:
    return p


def _sine_in(p: float) -> float:
    return 1.0 - math.cos(p * math.pi / 2.0)


def _sine_out(p: float) -> float:
    return math.sin(p * math.pi / 2.0)


def _sine_in_out(p: float) -> float:
    return -(math.cos(math.pi * p) - 1.0) / 2.0


def _build() -> dict[str, tuple[str, Ease]]:
    table: dict[str, tuple[str, Ease]] = {}
    for name in ("linear", "none", "power0"):
        table[name] = (name, _linear)
    families: dict[str, tuple[Ease, Ease, Ease]] = {f"power{n}": _power(n + 1) for n in range(1, 5)}
    families["sine"] = (_sine_in, _sine_out, _sine_in_out)
    for family, (f_in, f_out, f_in_out) in families.items():
        for suffix, func in (("in", f_in), ("out", f_out), ("inOut", f_in_out)):
            canonical = f"{family}.{suffix}"
            table[canonical.lower()] = (canonical, func)
        table[family] = (f"{family}.out", f_out)
    return table


_EASES = _build()

#: Every accepted name, in canonical spelling.
EASE_NAMES: tuple[str, ...] = tuple(sorted({canonical for canonical, _ in _EASES.values()} | {"none", "linear", "power0"}))


def _lookup(name: str, where: str) -> tuple[str, Ease]:
    if not isinstance(name, str) or name.strip().lower() not in _EASES:
        hint = close_names(str(name), EASE_NAMES) if isinstance(name, str) else ""
        raise CompositionError(
            f"{where}unknown ease {name!r}{hint}; expected one of: {', '.join(EASE_NAMES)}"
        )
    return _EASES[name.strip().lower()]


def canonical_ease(name: str | None, where: str = "") -> str:
    """The canonical spelling of ease `name` (`DEFAULT_EASE` for None or ''); CompositionError if unknown."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return DEFAULT_EASE
    return _lookup(name, where)[0]


@functools.cache
def get_ease(name: str | None) -> Ease:
    """The easing function named `name` (None or '' gives the default, ``power2.inOut``)."""
    func = _lookup(canonical_ease(name), "")[1]

    def eased(p: float) -> float:
        if not p > 0.0:  # also maps NaN to 0
            return 0.0
        if p >= 1.0:
            return 1.0
        return min(1.0, max(0.0, func(p)))

    eased.__name__ = f"ease_{canonical_ease(name)}"
    return eased


def ease(name: str | None, p: float) -> float:
    """Eased progress: `p` (clamped to [0, 1]) through the ease named `name`."""
    return get_ease(name)(p)
