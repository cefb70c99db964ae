"""Composition variables, as HyperFrames declares and renders them. Pure: no browser.

A composition declares the values meant to change on its root, as a JSON array::

    <html data-composition-variables='[
      {"id": "title", "type": "string", "label": "Title", "default": "Pro"},
      {"id": "accent", "type": "color", "label": "Accent", "default": "#6c5ce7"}]'>

(on ``<html>``, or on the ``[data-composition-id]`` root element; both are read, the root's
entries win). A render is given values for them (``engine.render(variables={...})``,
``--variables JSON``, ``--variables-file FILE``); the page sees them as ``window.__hfVariables``
before its scripts run, and ``window.__hyperframes.getVariables()`` returns the declared
defaults with those values merged over them (`merge`). Sub-compositions do not see them: they
take their host's ``data-variable-values`` over their own declared defaults.

Before a render the values are checked against the declarations (`check_values`), as
HyperFrames' CLI does: a name not declared, a value of the wrong type for its declared
``type`` (``string``, ``number``, ``color``, ``boolean``, ``enum``, ``font``, ``image``) or an
enum value outside its ``options`` is a `VariableWarning`, and bad input under
``strict_variables``; a ``color`` value must be a CSS colour (`css_colors.is_css_color`). A
composition that declares nothing is not checked. `default_issues` names declared defaults of
the wrong type (the lint's warnings). Values that are not a
JSON object are always bad input (`parse_values`, `read_values_file`, `check_values_object`).
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, VariableWarning, close_names
from .css_colors import COLOR_EXPECTED, is_css_color
from .source import read_static, resolve_source

__all__ = ["Variable", "VariableWarning", "VARIABLE_TYPES", "ATTRIBUTE", "declared_variables", "parse_values",
           "read_values_file", "check_values_object", "merge", "value_issues", "default_issues", "check_values",
           "check_composition"]

#: The attribute that declares a composition's variables.
ATTRIBUTE = "data-composition-variables"
#: The declared types HyperFrames knows (a declaration of another type is not type-checked).
VARIABLE_TYPES = ("string", "number", "color", "boolean", "enum", "font", "image")
_EXAMPLE = '\'{"title": "Hello"}\''



@dataclass(frozen=True)
class Variable:
    """One declared variable: `type` as declared (None when absent), its `default` (when
    `has_default`), an enum's option values, and `where` it is declared."""

    id: str
    type: str | None = None
    default: Any = None
    has_default: bool = False
    options: tuple[Any, ...] = ()
    where: str = ""


def _carrier(element: Mapping[str, Any] | None) -> str:
    if not element:
        return ""
    attrs = element.get("attrs", {})
    ident = f' data-composition-id="{attrs["data-composition-id"]}"' if attrs.get("data-composition-id") else ""
    line = f" (line {element['line']})" if element.get("line") else ""
    return f"<{element.get('tag', '?')}{ident}>{line}"


def _option_value(option: Any) -> Any:
    return option.get("value") if isinstance(option, Mapping) else option


def declared_variables(raw: Mapping[str, Any]) -> tuple[dict[str, Variable], list[str]]:
    """(the declared variables by id, what in the declarations was ignored) of a raw census.

    Read from ``<html>`` (``raw["document"]``) and the root element (``raw["root"]``), in that
    order (a later declaration of an id wins). As in HyperFrames' runtime, an attribute that
    is not a JSON array, and an entry without a string ``id``, declare nothing: each is named
    in the second list.
    """
    declared: dict[str, Variable] = {}
    ignored: list[str] = []
    carriers = [raw.get("document"), raw.get("root")]
    for element in carriers:
        if not element or ATTRIBUTE not in element.get("attrs", {}):
            continue
        where = _carrier(element)
        text = element["attrs"][ATTRIBUTE]
        try:
            entries = json.loads(text) if text.strip() else []
        except json.JSONDecodeError as exc:
            ignored.append(f"{where} {ATTRIBUTE} is not valid JSON ({exc.msg} at column {exc.colno}); "
                           "expected a JSON array of {id, type, default} objects")
            continue
        if not isinstance(entries, list):
            ignored.append(f"{where} {ATTRIBUTE} is a JSON {_json_kind(entries)}; expected a JSON array of "
                           "{id, type, default} objects (HyperFrames ignores any other shape)")
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str) or not entry["id"]:
                ignored.append(f"{where} {ATTRIBUTE}[{i}] is {json.dumps(entry)[:80]}; expected an object with a "
                               "string id")
                continue
            kind = entry.get("type")
            options = entry.get("options")
            declared[entry["id"]] = Variable(
                entry["id"], kind if isinstance(kind, str) else None, entry.get("default"), "default" in entry,
                tuple(_option_value(o) for o in options) if isinstance(options, list) else (), where)
    return declared, ignored


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_values(text: str, flag: str = "--variables") -> dict[str, Any]:
    """The variable values in `text`, a JSON object; ConfigError naming `flag` otherwise."""
    try:
        values = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{flag} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                          f"expected a JSON object of variable values such as {_EXAMPLE}") from None
    except ValueError as exc:
        raise ConfigError(f"{flag} is not valid JSON ({exc}); expected a JSON object of variable values "
                          f"such as {_EXAMPLE}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{flag} is a JSON {_json_kind(values)}; expected a JSON object of variable values "
                          f"such as {_EXAMPLE}")
    return values


def read_values_file(path: str | Path, flag: str = "--variables-file") -> dict[str, Any]:
    """The variable values in the JSON file `path` (one JSON object); ConfigError naming `flag`
    and the file when it is missing, unreadable, not UTF-8 or not a JSON object."""
    what = f"{flag} {str(path)!r}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{what} is not UTF-8 text; expected a JSON file holding one object") from None
    except OSError as exc:
        raise ConfigError(f"{what} cannot be read ({exc.strerror or exc}); expected a JSON file holding one "
                          "object of variable values") from None
    return parse_values(text, what)


def check_values_object(values: Any, name: str = "variables") -> dict[str, Any]:
    """`values` (a mapping of names to JSON values, or None) as a plain JSON-shaped dict (tuples
    become lists); ConfigError naming `name` for anything that cannot reach the page as JSON."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ConfigError(f"{name}={values!r} is not valid; expected a mapping of variable names to JSON values "
                          "(a dict such as {'title': 'Hello'})")
    for key in values:
        if not isinstance(key, str) or not key:
            raise ConfigError(f"{name} has the key {key!r}; expected variable names (non-empty strings)")
    try:
        return dict(json.loads(json.dumps(dict(values), allow_nan=False)))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} is not valid: {exc}; expected JSON values (strings, finite numbers, "
                          "booleans, null, lists and dicts of them)") from None


def merge(declared: Mapping[str, Variable], values: Mapping[str, Any]) -> dict[str, Any]:
    """What ``window.__hyperframes.getVariables()`` returns: each declared default, then `values`
    over them (names not declared included, as in HyperFrames)."""
    merged = {v.id: v.default for v in declared.values() if v.has_default}
    merged.update(values)
    return merged


def _describe_value(value: Any) -> str:
    text = json.dumps(value)
    return f"{_json_kind(value)} ({text if len(text) <= 60 else text[:57] + '...'})"


def _type_issue(var: Variable, value: Any) -> str | None:
    """Why `value` does not fit `var`'s declared type (HyperFrames' validateVariables), or None."""
    kind = var.type
    given = f"the value given is a {_describe_value(value)}"
    if kind == "string":
        ok, expected = isinstance(value, str), "a string"
    elif kind == "color":
        ok, expected = is_css_color(value), COLOR_EXPECTED
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        expected = "a finite number"
    elif kind == "boolean":
        ok, expected = isinstance(value, bool), "true or false"
    elif kind == "enum":
        if not isinstance(value, str):
            return f"variable {var.id!r} is declared as enum; expected a string, {given}"
        allowed = [o for o in var.options if isinstance(o, str)]
        if value in allowed:
            return None
        return (f"variable {var.id!r} is {value!r}, not one of its declared options: "
                f"{', '.join(repr(o) for o in allowed) or 'none'}{close_names(value, allowed)}")
    elif kind == "font":
        ok = isinstance(value, str) or (isinstance(value, dict) and isinstance(value.get("name"), str)
                                        and isinstance(value.get("source"), str))
        expected = 'a font-family name or an object {"name": string, "source": string}'
    elif kind == "image":
        ok = isinstance(value, str) or (isinstance(value, dict) and isinstance(value.get("url"), str))
        expected = 'an image URL or an object {"url": string}'
    else:  # undeclared or unknown type: nothing to check
        return None
    return None if ok else f"variable {var.id!r} is declared as {kind}; expected {expected}, {given}"


def default_issues(declared: Mapping[str, Variable]) -> list[tuple[Variable, str]]:
    """Each declared variable whose own default does not fit its declared type, with why."""
    issues = []
    for var in declared.values():
        problem = _type_issue(var, var.default) if var.has_default else None
        if problem:
            issues.append((var, problem.replace("the value given is", "its default is")))
    return issues


def value_issues(declared: Mapping[str, Variable], values: Mapping[str, Any]) -> list[str]:
    """What is wrong with `values` against `declared`: each name not declared (with the declared
    ones), each value of the wrong type and each enum value outside its options. Empty when
    nothing is declared (a composition without declarations takes any values, as in HyperFrames)."""
    if not declared:
        return []
    issues = []
    names = list(declared)
    for name, value in values.items():
        var = declared.get(name)
        if var is None:
            issues.append(f"variable {name!r} is not declared in {ATTRIBUTE}{close_names(name, names)}; declared: "
                          f"{', '.join(repr(n) for n in names)}")
            continue
        problem = _type_issue(var, value)
        if problem:
            issues.append(problem)
    return issues


def check_values(raw: Mapping[str, Any], values: Mapping[str, Any], *, strict: bool = False,
                 where: str = "") -> list[str]:
    """Check `values` against the declarations of the raw census `raw`: each issue (see
    `value_issues`) and each ignored declaration is a `VariableWarning` (returned as text too);
    with `strict`, any issue is a ConfigError naming them all instead. `where` prefixes the texts
    (the composition's file name)."""
    prefix = f"{where}: " if where else ""
    declared, ignored = declared_variables(raw)
    issues = value_issues(declared, values)
    if strict and issues:
        raise ConfigError(prefix + "; ".join(issues) + " (strict_variables / --strict-variables: a variable must be "
                          f"declared in {ATTRIBUTE} and its value of the declared type)")
    texts = [prefix + t for t in [*(f"{t}: its declarations are ignored" for t in ignored), *issues]]
    for text in texts:
        warnings.warn(text, VariableWarning, stacklevel=3)
    return texts


def check_composition(composition: str | os.PathLike[str], values: Mapping[str, Any] | None, *,
                      strict: bool = False) -> list[str]:
    """`check_values` for the composition at `composition` (an ``.html`` file or a folder with
    ``index.html``), read statically; nothing to do (no file read) without values."""
    if not values:
        return []
    html_file, _ = resolve_source(Path(composition))
    return check_values(read_static(html_file), values, strict=strict, where=html_file.name)
