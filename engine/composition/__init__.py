"""Reading a composition (HTML) into an immutable render plan.

Pure: no browser. ``read_composition(path)`` checks the HTML statically (fast, clear errors);
`engine.capture.load_plan` then loads the page once for what its scripts add
(``window.__hf.transitions``, merged by `with_js_transitions`)::

    from engine.capture import load_plan
    plan = load_plan("examples/showcase")           # folder with index.html, or an .html file
    for i in range(plan.frame_count):
        frame = plan.frame(i)                       # FrameInfo(index, time, transition, progress)
"""

from .easing import DEFAULT_EASE, EASE_NAMES, canonical_ease, ease, get_ease
from .plan import Clip, FrameInfo, MediaElement, Plan, Scene, TransitionSpec, frame_count, frame_time, transition_at
from .reader import read_composition
from .source import TRANSITION_TAG, read_static, resolve_source
from .validate import build_plan, parse_number, with_js_transitions

__all__ = [
    "read_composition", "build_plan", "with_js_transitions", "read_static", "resolve_source", "parse_number",
    "Plan", "Clip", "Scene", "TransitionSpec", "MediaElement", "FrameInfo",
    "frame_time", "frame_count", "transition_at",
    "ease", "get_ease", "canonical_ease", "DEFAULT_EASE", "EASE_NAMES", "TRANSITION_TAG",
]
