"""Transition parameters: parsing GLSL uniform declarations and checking user values.

Pure functions only. A transition declares its parameters as uniforms with their defaults in a
trailing comment, the gl-transitions convention::

    uniform float amount; // = 0.5
    uniform vec3 glow;    // = vec3(1.0, 0.6, 0.2)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError, close_names

__all__ = ["Param", "ParamValue", "parse_uniform_params", "parse_default", "coerce_value", "GLSL_TYPES"]

#: A parameter value: a number, a bool, a tuple of numbers, an image array (samplers) or None.
ParamValue = Any

#: GLSL type -> (component kind, component count). Kind: "f" float, "i" int, "b" bool, "s" sampler.
GLSL_TYPES: dict[str, tuple[str, int]] = {
    "float": ("f", 1), "vec2": ("f", 2), "vec3": ("f", 3), "vec4": ("f", 4),
    "int": ("i", 1), "ivec2": ("i", 2), "ivec3": ("i", 3), "ivec4": ("i", 4),
    "bool": ("b", 1), "bvec2": ("b", 2), "bvec3": ("b", 3), "bvec4": ("b", 4),
    "sampler2D": ("s", 1),
}

#: Uniforms the engine itself provides to every transition; never parameters.
RESERVED_UNIFORMS = frozenset({"progress", "ratio", "_fromR", "_toR"})

_UNIFORM_RE = re.compile(
    r"^\s*uniform\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+(\w+)\s*(?:\[\s*\d+\s*\])?\s*;"
    r"\s*(?://\s*=?\s*(?P<default>[^;/]*?)\s*;?\s*(?://.*)?)?$"
)


@dataclass(frozen=True)
class Param:
    """One parameter of a transition: its uniform name, GLSL type and default value."""

    name: str
    type: str
    default: ParamValue

    @property
    def size(self) -> int:
        """Number of scalar components (a sampler counts as 0: it is not a number)."""
        kind, count = GLSL_TYPES[self.type]
        return 0 if kind == "s" else count

    def describe(self) -> str:
        return f"{self.name}: {self.type} = {format_value(self.default)}"


def format_value(value: ParamValue) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ")"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    if hasattr(value, "shape"):
        return f"image{tuple(value.shape)}"
    return str(value)


def _zero(glsl_type: str) -> ParamValue:
    kind, count = GLSL_TYPES[glsl_type]
    if kind == "s":
        return None
    scalar: ParamValue = {"f": 0.0, "i": 0, "b": False}[kind]
    return scalar if count == 1 else (scalar,) * count


def parse_default(glsl_type: str, text: str, where: str = "") -> ParamValue:
    """Parse a default such as `0.5`, `true`, `vec3(0.9)` or `ivec2(10, 10)` for `glsl_type`."""
    kind, count = GLSL_TYPES[glsl_type]
    if kind == "s":
        return None
    text = text.strip().rstrip(";").strip()
    m = re.fullmatch(r"(\w+)\s*\((.*)\)", text)
    parts = [p.strip() for p in m.group(2).split(",")] if m else [text]
    try:
        values = [_parse_scalar(kind, p) for p in parts]
    except ValueError:
        raise ParameterError(f"{where}cannot read default {text!r} as {glsl_type}") from None
    if len(values) == 1 and count > 1:
        values = values * count
    if len(values) != count:
        raise ParameterError(f"{where}default {text!r} has {len(values)} components, {glsl_type} needs {count}")
    return values[0] if count == 1 else tuple(values)


def _parse_scalar(kind: str, text: str) -> float | int | bool:
    if kind == "b":
        if text in ("true", "false"):
            return text == "true"
        return bool(float(text))
    number = float(text.rstrip("fF")) if text not in ("true", "false") else float(text == "true")
    if kind == "i":
        return int(number)
    return number


def parse_uniform_params(source: str, where: str = "") -> tuple[Param, ...]:
    """Every `uniform` a transition declares (besides the engine's own) as a typed `Param`.

    A uniform without a `// = value` comment defaults to zero (as GLSL does), and a sampler to
    None (the engine binds a neutral texture).
    """
    params: list[Param] = []
    for line in source.splitlines():
        m = _UNIFORM_RE.match(line)
        if not m:
            continue
        glsl_type, name = m.group(1), m.group(2)
        if name in RESERVED_UNIFORMS:
            continue
        if glsl_type not in GLSL_TYPES:
            raise ParameterError(
                f"{where}uniform {name!r} has type {glsl_type!r}; supported types: {', '.join(GLSL_TYPES)}"
            )
        default_text = m.group("default")
        default = parse_default(glsl_type, default_text, where) if default_text else _zero(glsl_type)
        params.append(Param(name, glsl_type, default))
    return tuple(params)


def coerce_value(param: Param, value: Any, transition: str) -> ParamValue:
    """Check `value` against the parameter's type and return it in canonical form."""
    kind, count = GLSL_TYPES[param.type]
    where = f"transition {transition!r} parameter {param.name!r}"
    if kind == "s":
        return _coerce_image(value, where)
    items: Sequence[Any]
    if count == 1:
        items = [value]
    elif isinstance(value, (list, tuple)) and len(value) == count:
        items = value
    elif hasattr(value, "tolist") and len(getattr(value, "shape", ())) == 1 and len(value) == count:
        items = value.tolist()
    else:
        raise ParameterError(f"{where} expects {param.type} ({count} numbers), got {value!r}")
    out = [_coerce_scalar(kind, v, where, param.type) for v in items]
    return out[0] if count == 1 else tuple(out)


def _coerce_scalar(kind: str, v: Any, where: str, glsl_type: str) -> float | int | bool:
    if hasattr(v, "item") and not isinstance(v, (list, tuple)):
        v = v.item()
    if kind == "b":
        if isinstance(v, bool):
            return v
        raise ParameterError(f"{where} expects {glsl_type} (true/false), got {v!r}")
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ParameterError(f"{where} expects {glsl_type}, got {v!r}")
    if kind == "i":
        if isinstance(v, float) and not v.is_integer():
            raise ParameterError(f"{where} expects an integer ({glsl_type}), got {v!r}")
        return int(v)
    if not math.isfinite(v):
        raise ParameterError(f"{where} expects a finite number, got {v!r}")
    return float(v)


def _coerce_image(value: Any, where: str) -> Any:
    if value is None:
        return None
    import numpy as np

    arr = np.asarray(value)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.dtype not in (np.uint8, np.uint16):
        raise ParameterError(
            f"{where} expects an image: a uint8 or uint16 array of shape (height, width, 3 or 4), "
            f"got dtype {arr.dtype} shape {arr.shape}"
        )
    return np.ascontiguousarray(arr)


def resolve_params(
    params: Sequence[Param], overrides: Mapping[str, Any] | None, transition: str
) -> dict[str, ParamValue]:
    """Defaults overlaid with `overrides`; unknown names and ill-typed values raise ParameterError."""
    values = {p.name: p.default for p in params}
    if not overrides:
        return values
    by_name = {p.name: p for p in params}
    for name, value in overrides.items():
        param = by_name.get(name)
        if param is None:
            valid = ", ".join(p.describe() for p in params) or "none"
            raise ParameterError(
                f"transition {transition!r} has no parameter {name!r}{close_names(name, by_name)}; "
                f"valid parameters: {valid}"
            )
        values[name] = coerce_value(param, value, transition)
    return values


def flatten_numeric(params: Sequence[Param], values: Mapping[str, ParamValue]) -> list[float]:
    """The numeric parameter values in declaration order, vectors unrolled, as floats."""
    flat: list[float] = []
    for p in params:
        if p.size == 0:
            continue
        v = values[p.name]
        flat.extend(float(x) for x in (v if isinstance(v, tuple) else (v,)))
    return flat
