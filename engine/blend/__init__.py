"""The blend stage: one transition frame from two rgb48le frames, on the GPU or the CPU.

- `blender`: `Blender` and `blend()`, which pick a backend per transition;
- `backend`: the `BlendBackend` protocol that both backends implement;
- `gl_backend`: moderngl on a standalone EGL context, on its own thread (GLSL from
  `engine.blend.shaders`, the repository's ``shaders/``);
- `cpu_backend`: the Cython kernels (`engine.blend.kernels`, the repository's ``kernels/``);
- `registry`: built-in and user transitions; `params`: their typed parameters;
- `alpha`: how a transition blends premultiplied alpha (the frame contract itself is
  `engine.frames`, re-exported here as `check_frame` and `new_frame`).
"""

from __future__ import annotations

from ..frames import check_frame, new_frame
from .backend import BlendBackend
from .blender import BACKENDS, Blender, BlendInfo, blend
from .registry import Transition, get_transition, load_transition, load_transitions_json, transitions

__all__ = ["BACKENDS", "BlendBackend", "Blender", "BlendInfo", "blend", "Transition", "get_transition",
           "load_transition", "load_transitions_json", "transitions", "check_frame", "new_frame"]
