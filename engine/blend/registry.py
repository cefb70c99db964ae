"""The transition registry: built-in GLSL transitions, user shaders and gl-transitions JSON.

A transition is GLSL in the gl-transitions contract plus the typed parameters parsed from it.
Built-ins live in ``shaders/transitions/<name>.glsl`` (package data, `engine.blend.shaders`) and
have a Cython kernel of the same name (`engine.blend.kernels`); variants (``wipe-left``...) reuse a built-in's GLSL with other defaults.
"""

from __future__ import annotations

import json
import os
import re
import threading
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ParameterError, TransitionError, UnknownTransitionError, close_names
from .params import GLSL_TYPES, Param, ParamValue, coerce_value, parse_default, parse_uniform_params, resolve_params

__all__ = [
    "Transition",
    "get_transition",
    "transitions",
    "load_transition",
    "load_transitions_json",
    "register",
    "unregister",
    "read_shader",
]

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]*$")


@dataclass(frozen=True)
class Transition:
    """A registered transition: GLSL source in the gl-transitions contract and its parameters.

    `kernel` names the CPU kernel that ports it (None: GL only). `origin` says where it came
    from: ``"builtin"``, a file path, ``"<source>"`` or ``"<json path>#name"``.
    """

    name: str
    source: str = field(repr=False)
    params: tuple[Param, ...]
    kernel: str | None = None
    origin: str = "builtin"
    description: str = ""
    cpu_preferred: bool = True

    @property
    def has_cpu_kernel(self) -> bool:
        return self.kernel is not None

    def resolve_params(self, overrides: Mapping[str, Any] | None = None) -> dict[str, ParamValue]:
        """Defaults overlaid with `overrides`, each checked against its declared type."""
        return resolve_params(self.params, overrides, self.name)

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly description: name, backends, parameters with types and defaults."""
        return {
            "name": self.name,
            "description": self.description,
            "cpu_kernel": self.has_cpu_kernel,
            "origin": self.origin,
            "params": [{"name": p.name, "type": p.type, "default": p.default} for p in self.params],
        }


def read_shader(relative: str) -> str:
    """Text of a GLSL file shipped in the package's ``shaders/`` folder, e.g. ``program/wrap.frag.glsl``."""
    node = resources.files("engine.blend.shaders").joinpath(*relative.split("/"))
    return node.read_text(encoding="utf-8")


#: Built-in variants: name -> (base built-in, default overrides, description).
VARIANTS: dict[str, tuple[str, dict[str, Any], str]] = {
    "wipe-left": ("wipe", {"direction": (-1.0, 0.0)}, "the new scene wipes in from the right, moving left"),
    "wipe-right": ("wipe", {"direction": (1.0, 0.0)}, "the new scene wipes in from the left, moving right"),
    "wipe-up": ("wipe", {"direction": (0.0, 1.0)}, "the new scene wipes in from the bottom, moving up"),
    "wipe-down": ("wipe", {"direction": (0.0, -1.0)}, "the new scene wipes in from the top, moving down"),
    "slide-left": ("slide", {"direction": (-1.0, 0.0)}, "both scenes slide left"),
    "slide-right": ("slide", {"direction": (1.0, 0.0)}, "both scenes slide right"),
    "slide-up": ("slide", {"direction": (0.0, 1.0)}, "both scenes slide up"),
    "slide-down": ("slide", {"direction": (0.0, -1.0)}, "both scenes slide down"),
}

#: Built-ins whose CPU kernel does not clearly beat their GLSL on llvmpipe (llvmpipe runs 8
#: pixels per AVX2 lane; bench/RESULTS.md has the figures): `auto` picks GL for them.
#: (cross-warp-morph and domain-warp left this set when their noise fields became cached.)
GL_PREFERRED_ON_SOFTWARE: frozenset[str] = frozenset({"thermal-distortion"})

_lock = threading.RLock()
_registry: dict[str, Transition] = {}
_builtins_loaded = False


def _description(source: str) -> str:
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("//"):
            text = line.lstrip("/").strip()
            if text and not text.lower().startswith(("name:", "author", "license")):
                return text
        elif line:
            break
    return ""


_INCLUDE_RE = re.compile(r'^\s*#include\s+"([\w/.-]+\.glsl)"\s*$', re.MULTILINE)


def _expand_includes(source: str, name: str) -> str:
    """Replace `#include "lib/x.glsl"` lines of a built-in with that library file's text."""
    return _INCLUDE_RE.sub(lambda m: read_shader(m.group(1)), source)


def _load_builtins() -> None:
    global _builtins_loaded
    with _lock:
        if _builtins_loaded:
            return
        folder = resources.files("engine.blend.shaders").joinpath("transitions")
        for node in sorted(folder.iterdir(), key=lambda n: n.name):
            if not node.name.endswith(".glsl"):
                continue
            name = node.name[: -len(".glsl")]
            source = _expand_includes(node.read_text(encoding="utf-8"), name)
            params = parse_uniform_params(source, where=f"built-in transition {name!r}: ")
            # every built-in has a Cython port of its name; whether it is built is the CPU backend's to say
            _registry[name] = Transition(name, source, params, kernel=name, description=_description(source),
                                         cpu_preferred=name not in GL_PREFERRED_ON_SOFTWARE)
        for name, (base, overrides, description) in VARIANTS.items():
            parent = _registry.get(base)
            if parent is None:
                continue
            defaults = parent.resolve_params(overrides)
            params = tuple(replace(p, default=defaults[p.name]) for p in parent.params)
            _registry[name] = replace(parent, name=name, params=params, description=description)
        _builtins_loaded = True


def get_transition(name: str) -> Transition:
    """The registered transition `name`; `UnknownTransitionError` lists close names if absent."""
    _load_builtins()
    if not isinstance(name, str):
        raise UnknownTransitionError(f"transition name must be a string, got {name!r}")
    with _lock:
        found = _registry.get(name)
        if found is None:
            hint = close_names(name, _registry)
            raise UnknownTransitionError(
                f"unknown transition {name!r}{hint}; see engine.transitions() for the {len(_registry)} registered"
            )
        return found


def transitions() -> list[Transition]:
    """Every registered transition (built-ins and loaded ones), sorted by name."""
    _load_builtins()
    with _lock:
        return [_registry[k] for k in sorted(_registry)]


def iter_builtins() -> Iterator[Transition]:
    return (t for t in transitions() if t.origin == "builtin")


def register(transition: Transition, *, replace_existing: bool = True) -> Transition:
    """Add a user transition to the registry. Built-in names cannot be replaced."""
    _load_builtins()
    if not _NAME_RE.match(transition.name):
        raise TransitionError(
            f"transition name {transition.name!r} is not valid: use letters, digits, '_', '-', '.', ':'"
        )
    with _lock:
        existing = _registry.get(transition.name)
        if existing is not None and existing.origin == "builtin":
            raise TransitionError(
                f"transition {transition.name!r} from {transition.origin} would replace the built-in of that "
                "name; pass another name"
            )
        if existing is not None and not replace_existing:
            raise TransitionError(f"transition {transition.name!r} is already registered (from {existing.origin})")
        _registry[transition.name] = transition
    return transition


def unregister(name: str) -> None:
    """Remove a user transition (built-ins stay)."""
    with _lock:
        existing = _registry.get(name)
        if existing is not None and existing.origin != "builtin":
            del _registry[name]


def _looks_like_source(text: str) -> bool:
    """GLSL text rather than a path: it has a newline, a brace or a semicolon."""
    return any(ch in text for ch in "\n{;")


def load_transition(path_or_source: str | os.PathLike[str], name: str | None = None) -> Transition:
    """Load a gl-transitions shader from a ``.glsl`` file or a GLSL source string and register it.

    The shader must define ``vec4 transition(vec2 uv)``; its uniforms with ``// = default``
    comments become parameters. The name defaults to the file's stem; a source string needs one.
    It runs on the GL backend (user shaders have no CPU kernel). Compilation is checked on first
    use by a GL blender (`Blender.compile` checks it at once).
    """
    if isinstance(path_or_source, str) and _looks_like_source(path_or_source):
        source, origin = path_or_source, "<source>"
        if name is None:
            raise TransitionError("load_transition: a GLSL source string needs name=...")
    else:
        path = Path(path_or_source)
        if not path.is_file():
            raise TransitionError(f"transition file {str(path)!r} does not exist (expected a .glsl file)")
        source, origin = path.read_text(encoding="utf-8"), str(path)
        name = name or path.stem
    return register(_from_source(name, source, origin))


def _from_source(name: str, source: str, origin: str, params: tuple[Param, ...] | None = None) -> Transition:
    if not re.search(r"\bvec4\s+transition\s*\(\s*vec2\s+\w+\s*\)", source):
        raise TransitionError(
            f"{origin}: shader {name!r} does not define 'vec4 transition(vec2 uv)' (the gl-transitions contract)"
        )
    if params is None:
        params = parse_uniform_params(source, where=f"{origin}: ")
    return Transition(name, source, params, kernel=None, origin=origin, description=_description(source))


def load_transitions_json(path: str | os.PathLike[str], *, prefix: str = "") -> list[Transition]:
    """Load and register every transition of a gl-transitions JSON collection.

    Each entry needs ``name`` and ``glsl``; ``paramsTypes``/``defaultParams`` give parameters
    (when absent they are parsed from the GLSL). Names are registered as ``prefix + name``;
    an entry whose name is a built-in's is skipped with a warning. Returns those registered.
    """
    file = Path(path)
    try:
        entries = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TransitionError(f"gl-transitions file {str(file)!r} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TransitionError(f"{file}: not a gl-transitions JSON file ({exc})") from None
    if not isinstance(entries, list):
        raise TransitionError(f"{file}: expected a JSON array of transitions, got {type(entries).__name__}")
    loaded: list[Transition] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not isinstance(entry.get("glsl"), str):
            raise TransitionError(f"{file}: entry {index} needs string fields 'name' and 'glsl'")
        name = prefix + entry["name"]
        origin = f"{file}#{entry['name']}"
        params = _json_params(entry, origin)
        loaded.append(_from_source(name, entry["glsl"], origin, params))
    builtin = {t.name for t in iter_builtins()}
    clashes = [t.name for t in loaded if t.name in builtin]
    if clashes:
        warnings.warn(
            f"{file}: skipped {', '.join(repr(n) for n in clashes)}: built-in transitions of that name exist; "
            "load with prefix='...' to register them under other names",
            stacklevel=2,
        )
    kept = [t for t in loaded if t.name not in builtin]
    for transition in kept:
        register(transition)
    return kept


def _json_params(entry: Mapping[str, Any], origin: str) -> tuple[Param, ...]:
    parsed = parse_uniform_params(entry["glsl"], where=f"{origin}: ")
    types = entry.get("paramsTypes") or {}
    defaults = entry.get("defaultParams") or {}
    out: list[Param] = []
    for p in parsed:
        glsl_type = types.get(p.name, p.type)
        if glsl_type not in GLSL_TYPES:
            raise ParameterError(f"{origin}: parameter {p.name!r} has unsupported type {glsl_type!r}")
        param = Param(p.name, glsl_type, p.default)
        if p.name in defaults and GLSL_TYPES[glsl_type][0] != "s":
            raw = defaults[p.name]
            value = parse_default(glsl_type, raw, origin + ": ") if isinstance(raw, str) else raw
            param = Param(p.name, glsl_type, coerce_value(param, value, origin))
        out.append(param)
    return tuple(out)
