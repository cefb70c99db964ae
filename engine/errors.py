"""The engine's exceptions: one base class, and subclasses that say which input was wrong.

`InputError` and its subclasses mean the caller gave something the engine cannot use (the CLI
exits 2 for them); any other `EngineError` means a render or a backend failed (exit 1).
Every message names the file, element or parameter and what was expected.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "EngineError",
    "InputError",
    "TransitionError",
    "UnknownTransitionError",
    "ParameterError",
    "ShaderCompileError",
    "FrameError",
    "ProgressError",
    "BackendUnavailableError",
    "BlendError",
    "CompositionError",
    "CaptureError",
    "MediaError",
    "ConfigError",
    "RenderCancelled",
    "UnfaithfulRenderError",
    "RenderWarning",
    "close_names",
]


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class InputError(EngineError):
    """The caller's input (composition, frames, options, shader) is invalid."""


class ConfigError(InputError):
    """An environment variable, flag or option has a value outside what it accepts."""


class TransitionError(InputError):
    """A transition, its shader or its parameters are invalid."""


class UnknownTransitionError(TransitionError):
    """No transition of that name is registered."""


class ParameterError(TransitionError):
    """A transition parameter is unknown or has a value of the wrong type."""


class ShaderCompileError(TransitionError):
    """A transition's GLSL failed to compile or link; the message holds the compiler's log."""


class FrameError(InputError):
    """A frame buffer has the wrong dtype, shape, size or memory layout."""


class ProgressError(InputError):
    """A transition progress outside [0, 1] or not a number."""


class CompositionError(InputError):
    """A composition file is missing, malformed or inconsistent."""


class MediaError(CompositionError):
    """A media file of the composition (video, audio, image) is missing, unreadable, corrupt or
    unsupported; the message names the element and the file."""


class BackendUnavailableError(EngineError):
    """The requested blend backend cannot run here (for example no GL context at all)."""


class BlendError(EngineError):
    """A blend failed while running (GL error, kernel error)."""


class CaptureError(EngineError):
    """Capturing a frame from the browser failed."""


class RenderCancelled(EngineError):
    """The render was cancelled (its `cancel` event was set, e.g. by SIGINT or SIGTERM)."""


class UnfaithfulRenderError(CompositionError):
    """With ``strict``: the composition holds something the engine cannot render faithfully."""


class RenderWarning(UserWarning):
    """Something in the composition that the engine cannot render faithfully (named, with the element)."""


def close_names(name: str, candidates: Iterable[str], limit: int = 3) -> str:
    """Return a ' (did you mean ...?)' hint for `name`, or '' when nothing is close."""
    matches = difflib.get_close_matches(name, list(candidates), n=limit, cutoff=0.5)
    if not matches:
        return ""
    return " (did you mean " + ", ".join(repr(m) for m in matches) + "?)"
