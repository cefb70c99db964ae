"""The engine's exceptions and warnings, all in one module: one base class, and subclasses that say
which input was wrong.

`InputError` and its subclasses mean the caller gave something the engine cannot use (the CLI
exits 2 for them); any other `EngineError` means a render or a backend failed (exit 1).
Every message names the file, element or parameter and what was expected.

Errors and warnings carry where the problem is when the raising code knows it: the keyword
attributes `file`, `line` and `element` (each None when unknown). ``str()`` shows them in the
shape lint problems use, ``index.html:12: <video id="x">: message``; a part the message already
states (older messages start with the file and name the element in their text) is not repeated.
The modules that raise these keep their old names importable (``engine.capture.session.
PageScriptError`` is ``engine.errors.PageScriptError``).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable

__all__ = [
    "Located",
    "location",
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
    "PathRefusedError",
    "PageScriptError",
    "SettleTimeoutError",
    "PageHangError",
    "MissingAssetError",
    "BeginFrameUnavailable",
    "EncodeError",
    "JoinError",
    "VendorError",
    "NpmUnavailableError",
    "NpmFailedError",
    "UnsafeTarballError",
    "PackagePathError",
    "CacheCorruptError",
    "PreviewError",
    "RenderWarning",
    "VariableWarning",
    "BlockedRequestWarning",
    "CdnVersionWarning",
    "close_names",
]


def location(message: str, *, file: str | os.PathLike[str] | None = None, line: int | None = None,
             element: str | None = None) -> str:
    """`message` with where it happened in front, ``file:line: element: message``, leaving out the
    parts that are unknown (None) or that the message already states (it starts with the file,
    or holds the element's text); a line is shown only with its file."""
    head = ""
    name = None if file is None else os.fspath(file)
    if name is not None and not message.startswith(f"{name}:"):
        head = f"{name}:{line}: " if line is not None else f"{name}: "
    if element and element not in message:
        if name is not None and not head:  # the message starts with the file: the element goes after it
            rest = message[len(name) + 1:].lstrip()
            return f"{name}: {element}: {rest}"
        head += f"{element}: "
    return head + message


class Located:
    """Where an error or warning is: `file` (as shown, e.g. ``index.html``), `line` (1-based) and
    `element` (``<video id="x">``); each None when not known. Shown by ``str()`` (`location`)."""

    file: str | os.PathLike[str] | None = None
    line: int | None = None
    element: str | None = None

    def __init__(self, *args: object, file: str | os.PathLike[str] | None = None, line: int | None = None,
                 element: str | None = None) -> None:
        super().__init__(*args)
        if file is not None:
            self.file = file
        if line is not None:
            self.line = line
        if element is not None:
            self.element = element

    @property
    def message(self) -> str:
        """The message alone, without the location ``str()`` puts in front."""
        args: tuple[object, ...] = getattr(self, "args", ())
        return str(args[0]) if len(args) == 1 else super().__str__()

    def __str__(self) -> str:
        return location(self.message, file=self.file, line=self.line, element=self.element)


class EngineError(Located, Exception):
    """Base class of every error the engine raises on purpose (`Located`: ``file``, ``line`` and
    ``element`` keyword attributes, shown by ``str()`` where known)."""


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


# ---- capture (engine.capture) ------------------------------------------------------------------

class PathRefusedError(CompositionError):
    """A request tried to read outside the composition's folder (or a mapped folder)."""


class PageScriptError(CompositionError):
    """A script of the composition threw (during load, or in a callback the runtime ran)."""


class SettleTimeoutError(CompositionError):
    """The readiness promise, a timeline's seek, fonts or an image never settled in time."""


class PageHangError(CaptureError):
    """The page stopped answering (a script in an endless loop, or a stuck browser) and was stopped."""


class MissingAssetError(CompositionError):
    """The page requested a local file that does not exist (or lies outside the folder)."""


class BeginFrameUnavailable(CaptureError):
    """This Chromium cannot be driven with ``HeadlessExperimental.beginFrame`` (not a headless shell)."""


# ---- output (the encoder, distributed chunks) ------------------------------------------------------

class EncodeError(EngineError):
    """The encoder failed (disk full, codec error); the message names the frame."""


class JoinError(EngineError):
    """The chunks cannot be joined (a chunk is not the file its encoder should have made)."""


# ---- the npm cache (engine.vendor) ---------------------------------------------------------------

class VendorError(EngineError):
    """A CDN library could not be served from, or put into, the engine's npm cache."""


class NpmUnavailableError(VendorError):
    """npm is not installed (not on PATH)."""


class NpmFailedError(VendorError):
    """npm ran and failed (offline, no such package or version...): the message holds npm's reason."""


class UnsafeTarballError(VendorError):
    """A tarball holds a member that would leave its folder, or a link, or is not a tarball."""


class PackagePathError(VendorError):
    """A requested path would leave the package (``..``, a backslash, a NUL byte)."""


class CacheCorruptError(VendorError):
    """A cached tarball's bytes do not match the digest the index records."""


# ---- the preview (engine.preview) -----------------------------------------------------------------

class PreviewError(EngineError):
    """A preview's frame, plan or render failed; `text` is what the CLI prints for the same failure."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


# ---- warnings ------------------------------------------------------------------------------------

class RenderWarning(Located, UserWarning):
    """Something in the composition that the engine cannot render faithfully (named, with the element;
    `Located`: ``file``, ``line`` and ``element`` where known)."""


class VariableWarning(RenderWarning):
    """A render's variable value that the composition does not declare, or of the wrong type."""


class BlockedRequestWarning(RenderWarning):
    """A request to another origin was blocked (network access is off)."""


class CdnVersionWarning(RenderWarning):
    """A CDN URL named a version range or tag: the npm cache served the version it recorded."""


def close_names(name: str, candidates: Iterable[str], limit: int = 3) -> str:
    """Return a ' (did you mean ...?)' hint for `name`, or '' when nothing is close."""
    matches = difflib.get_close_matches(name, list(candidates), n=limit, cutoff=0.5)
    if not matches:
        return ""
    return " (did you mean " + ", ".join(repr(m) for m in matches) + "?)"
