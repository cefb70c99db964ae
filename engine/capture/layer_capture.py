"""The pictures of one capture with native video layers (`engine.capture.layers`): the whole page
in one picture, or the parts around the planned video layer with the video's frame composited
between; and the render's ``video_layers`` count of how each capture drew its videos.

`LayerCapture` belongs to a `BrowserSession`, which hands it the page's calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from ..media.feed import PageVideo
from .fidelity import PageWarning
from .frames import decode_into
from .layers import NativeLayer, OverlayDecoder, compose, fallbacks_of, layer_kinds
from .replies import SeekReply

__all__ = ["LayerCapture"]

log = logging.getLogger("engine.capture")


class LayerCapture:
    """Captures of composition `name` around native video layers. The session's calls: `shot`
    takes one picture of the page (base64; ``overlay=True``: a PNG with alpha), `show_overlay(t)`
    shows the part above the video once the part below was taken, `warn` reports a warning once.
    `warn_refusals`: a video the native path refused is a ``native-video`` warning (native layers
    asked for explicitly), else only counted in the stats' fallbacks."""

    def __init__(self, name: str, *, shot: Callable[..., str], show_overlay: Callable[[float], None],
                 warn: Callable[[PageWarning], None], warn_refusals: bool) -> None:
        self._shot, self._show_overlay, self._warn = shot, show_overlay, warn
        self._name = name
        self._warn_refusals = warn_refusals
        self.overlays = OverlayDecoder()  # the part above a native video layer, decoded once per picture

    def take(self, buffer: np.ndarray, reply: SeekReply, seconds: float,
             video: PageVideo | None) -> np.ndarray:
        """The picture of the page as a seek or an isolation left it (`reply`), into `buffer`: one
        capture, or the parts around a native video layer with `video`'s frame composited between
        (the page is then left split: the session restores it)."""
        layer = NativeLayer.from_page(reply.get("layer")) if video is not None else None
        if video is not None:
            self.count(reply, layer, seconds, video)
        if layer is None:
            return decode_into(self._shot(), buffer)
        assert video is not None
        if layer.below:
            decode_into(self._shot(), buffer)
            self._show_overlay(seconds)
        overlay = self.overlays(self._shot(overlay=True))
        return compose(buffer, layer, video.pixels_at(seconds, layer.index), overlay)

    def count(self, reply: SeekReply, layer: NativeLayer | None, seconds: float, video: PageVideo) -> None:
        """Record how this capture drew its videos (the render's ``video_layers`` stats); a video the
        native path refused is named (a ``native-video`` warning when native layers were asked for
        explicitly, else in the stats' fallbacks)."""
        if "visible" in reply:  # the page planned layers
            visible = int(reply.get("visible") or 0)
            fallbacks = fallbacks_of(reply.get("fallbacks"))
        else:
            visible, fallbacks = video.on_screen(seconds), []
        for element, reason in video.frames.record_layers(layer_kinds(layer, visible), fallbacks):
            log.info("%s: %s keeps the poster path (Chromium paints its frames): %s", self._name, element, reason)
        if self._warn_refusals:
            for element, reason in fallbacks:
                self._warn(PageWarning("native-video", element, "drawn by Chromium as a poster instead of "
                                            f"natively: {reason}"))
