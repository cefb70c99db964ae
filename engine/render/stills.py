"""`StillSession`: the frames ``--still T`` renders, from one page kept loaded between them.

A still render (`engine.render(..., still=t)`) opens a browser context, loads the page, seeks it
once and encodes one PNG. A `StillSession` opens the page once (the same checks and session
options as that render) and then seeks it for every frame asked: the same frame time rounding
(`engine.pipeline.planning.still_frame`), the same capture and restart policy
(`engine.render.browser.capture_into`), the same blend of a transition frame's two scenes
(`engine.render.job.blend_frame`) and the same PNG writer (`engine.output.images.png_bytes`), so
its frames are the still render's pixels. Video frames are decoded by the session itself, at any
time asked. The page is the files as they were when the session opened: open a new session
after they change. A session belongs to the thread that made it (Playwright's sync API).
"""

from __future__ import annotations

from dataclasses import fields, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..blend.blender import Blender
from ..capture.fidelity import is_unfaithful, strict_error
from ..capture.session import BrowserSession
from ..composition.mistakes import named_mistakes
from ..composition.plan import Plan
from ..composition.variables import check_composition
from ..errors import ConfigError, EngineError
from ..pipeline.fence import ReorderFence
from ..pipeline.planning import parse_still, still_frame
from ..pipeline.ring import BufferRing
from .browser import Browser, capture_into
from .job import Job, blend_frame, checked_transition
from .options import RenderOptions
from .preprobe import preprobe_media
from .result import Stats

if TYPE_CHECKING:
    import os

    from typing_extensions import Unpack

    from .options import RenderDefaults

__all__ = ["StillSession"]

#: Render options that make no sense for a session of stills (each frame is asked by its time).
_NOT_FOR_STILLS = ("still", "frames", "ray", "alpha")


class StillSession:
    """The frames a ``--still`` render gives, from one page loaded once::

        with StillSession("comps/intro", quality="high") as stills:
            first, later = stills.frame(0), stills.frame(2.5)   # rgb48le (height, width, 3) uint16
            png = stills.png(2.5)                               # the bytes --still 2.5 writes

    `options` are `engine.render`'s (``quality`` defaults to ``high``; ``variables``, ``fps``,
    ``capture``, ``backend``...); ``still``, ``frames``, ``ray`` and ``alpha`` are refused.
    `blender`: a blender to borrow (kept open by `close`); by default the session makes its own.
    """

    def __init__(self, composition: str | os.PathLike[str], *, blender: Blender | None = None,
                 **options: Unpack[RenderDefaults]) -> None:
        given = sorted(name for name in _NOT_FOR_STILLS if options.get(name) not in (None, False))
        if given:
            raise ConfigError(f"a StillSession does not take {', '.join(given)}; expected the other options of "
                              "engine.render (each frame is asked by its time with .frame(t))")
        known = {f.name for f in fields(RenderOptions)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ConfigError(f"unknown StillSession option(s): {', '.join(unknown)}; expected some of: "
                              f"{', '.join(sorted(known - set(_NOT_FOR_STILLS)))}")
        values: dict[str, Any] = {"quality": "high", **options}
        self.options = RenderOptions(**values)
        self._own_blender = blender is None
        self._blender: Blender | None = blender
        self._browser: Browser | None = None
        self._closed = False
        self.variable_notes = check_composition(composition, self.options.variables,
                                                strict=self.options.strict_variables)
        preprobe_media(composition, self.options.capture)
        session_options = self.options.session_options()
        session = BrowserSession(Path(composition), **session_options)
        try:
            self._check_fidelity(session)
            plan = session.plan
            self.plan: Plan = plan if self.options.fps is None else replace(plan, fps=self.options.fps)
            self.notes = named_mistakes(self.plan)  # misspelled attributes, transitions past the end
            if self._blender is None:
                self._blender = Blender(self.options.backend)
            self._browser = Browser(lambda: BrowserSession(self.plan, **session_options), session)
        except BaseException:
            session.close()
            self.close()
            raise
        self._transitions: dict[str, Any] = {}  # shader -> Transition, checked (and compiled) when first met
        self._job = Job(self.plan, [], self._blender, self._transitions, Stats(), ReorderFence([], 1), None)
        self._slot = BufferRing(1, self.plan.width, self.plan.height, 3).acquire()
        self.frames = 0  # frames made so far

    def frame_index(self, t: float | str | Fraction) -> int:
        """The frame ``--still t`` renders (the frame whose interval holds `t`); ConfigError past the end."""
        return still_frame(parse_still(t), self.plan.fps, self.plan.frame_count, self.plan.duration)[0]

    def frame(self, t: float | str | Fraction) -> np.ndarray:
        """The frame ``--still t`` renders, as a new rgb48le array (height, width, 3) of uint16."""
        if self._closed or self._browser is None:
            raise EngineError("this StillSession is closed")
        info = self.plan.frame(self.frame_index(t))
        if info.transition is not None:
            self._use_shader(info.transition.shader)
        capture_into(self._job, self._browser, info, self._slot)
        if info.transition is not None:
            blend_frame(self._job, info, self._slot)
        self._check_fidelity(self._browser.session)  # a request blocked at this seek counts too
        self.frames += 1
        return self._slot.out.copy()

    def png(self, t: float | str | Fraction) -> bytes:
        """The PNG file ``--still t`` writes (16-bit at quality ``high``), as bytes."""
        from av.video.frame import VideoFrame

        from ..output.images import png_bytes

        return png_bytes(VideoFrame.from_ndarray(self.frame(t), format="rgb48le"), self.options.quality)

    @property
    def warnings(self) -> list[dict[str, str]]:
        """The warnings a still render would report so far (as `RenderResult.warnings`): what the page
        holds that cannot be rendered faithfully, the composition's named mistakes, the variables' notes."""
        page = self._browser.session.warnings if self._browser is not None else []
        return ([w.as_dict() for w in dict.fromkeys(page)] + list(self.notes)
                + [{"code": "variables", "element": "data-composition-variables", "message": text}
                   for text in self.variable_notes])

    def _use_shader(self, shader: str) -> None:
        """Look up (and compile) `shader` the first time a frame needs it, as a render does before capturing."""
        if shader not in self._transitions:
            assert self._blender is not None
            self._transitions[shader] = checked_transition(self._blender, shader)

    def _check_fidelity(self, session: BrowserSession) -> None:
        """With ``strict``, anything the page cannot render faithfully is bad input (as in a render)."""
        unfaithful = [w for w in session.warnings if is_unfaithful(w.code)]
        if self.options.strict and unfaithful:
            raise strict_error(session.plan.source.name, unfaithful)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the page and its browser context (and the blender the session made). Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._blender is not None and self._own_blender:
            self._blender.close()
        self._blender = None

    def __enter__(self) -> StillSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
