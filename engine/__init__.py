"""HTML-to-video compositing engine.

Scenes written in HTML/CSS/JS are captured from a real headless Chromium into rgb48le frames,
blended through GLSL transitions (moderngl on the GPU, Cython kernels on the CPU) and encoded
with PyAV. The blend core::

    import engine
    out = engine.blend("crossfade", frame_a, frame_b, 0.5)          # backend="auto"
    with engine.Blender(backend="cpu") as blender:                  # reusable, for pipelines
        blender.blend("sdf-iris", frame_a, frame_b, 0.3, out=buffer)
"""

from __future__ import annotations

from typing import Any

from .blend import Blender, BlendInfo, blend
from .blend.registry import Transition, get_transition, load_transition, load_transitions_json, transitions
from .capture import BrowserSession, CaptureOptions, load_plan
from .composition import Plan
from .errors import (
    BackendUnavailableError,
    BeginFrameUnavailable,
    BlendError,
    BlockedRequestWarning,
    CacheCorruptError,
    CaptureError,
    CdnVersionWarning,
    CompositionError,
    ConfigError,
    EncodeError,
    EngineError,
    FrameError,
    InputError,
    JoinError,
    MediaError,
    MissingAssetError,
    NpmFailedError,
    NpmUnavailableError,
    PackagePathError,
    PageHangError,
    PageScriptError,
    ParameterError,
    PathRefusedError,
    PreviewError,
    ProgressError,
    RenderCancelled,
    RenderWarning,
    SettleTimeoutError,
    ShaderCompileError,
    TransitionError,
    UnfaithfulRenderError,
    UnknownTransitionError,
    UnsafeTarballError,
    VariableWarning,
    VendorError,
)
from .render import Renderer, RenderResult, render  # noqa: E402  (the function shadows the subpackage name on purpose)

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``engine.preview`` (the callable package: ``engine.preview(comp)``) and ``engine.still``,
    imported on first use so ``import engine`` stays cheap."""
    if name in ("preview", "still"):
        import importlib

        module = importlib.import_module(".preview", __name__)
        return module if name == "preview" else module.still
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "__version__",
    "blend",
    "render",
    "Renderer",
    "preview",
    "still",
    "RenderResult",
    "load_plan",
    "Plan",
    "BrowserSession",
    "CaptureOptions",
    "Blender",
    "BlendInfo",
    "Transition",
    "transitions",
    "get_transition",
    "load_transition",
    "load_transitions_json",
    # every exception and warning of engine.errors
    "EngineError",
    "InputError",
    "BackendUnavailableError",
    "BeginFrameUnavailable",
    "BlendError",
    "BlockedRequestWarning",
    "CacheCorruptError",
    "CaptureError",
    "CdnVersionWarning",
    "CompositionError",
    "ConfigError",
    "EncodeError",
    "FrameError",
    "JoinError",
    "MediaError",
    "MissingAssetError",
    "NpmFailedError",
    "NpmUnavailableError",
    "PackagePathError",
    "PageHangError",
    "PageScriptError",
    "ParameterError",
    "PathRefusedError",
    "ProgressError",
    "RenderCancelled",
    "RenderWarning",
    "SettleTimeoutError",
    "ShaderCompileError",
    "TransitionError",
    "UnfaithfulRenderError",
    "UnknownTransitionError",
    "UnsafeTarballError",
    "PreviewError",
    "VariableWarning",
    "VendorError",
]
