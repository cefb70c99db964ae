"""Attribute values for validation messages and plans: exact numbers and element descriptions. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..errors import CompositionError

__all__ = ["describe", "parse_number"]


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
