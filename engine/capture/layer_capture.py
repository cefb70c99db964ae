"""The pictures of one capture with native video layers (`engine.capture.layers`): the whole page
in one picture, or the parts around the planned video layers with their frames composited
between, in paint order; and the render's ``video_layers`` count of how each capture drew its videos.

`LayerCapture` belongs to a `BrowserSession`, which hands it the page's calls. In an HDR render
(`use_signal`) every picture of the page is converted into the output's signal as it is taken,
and a native layer's frame is placed in that signal (`engine.media.hdr_layers`): the page's part
above it is drawn over it there, so an HDR source's code values pass untouched where nothing
covers them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from ..media.feed import PageVideo
from .fidelity import PageWarning
from .frames import decode_into
from .layers import NativeLayer, OverlayDecoder, compose, layer_kinds, layers_of, refusals_of, signal_overlay
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
        self.signal: str | None = None  # an HDR render's transfer (pq/hlg): pictures converted into it
        self._hdr_clips: dict[int, str] = {}  # clip index -> element, of the HDR sources
        self._signal_overlay: tuple[np.ndarray, tuple[np.ndarray, np.ndarray]] | None = None
        self._counted_by_timing: float | None = None  # the frame time whose videos were counted by timing

    def use_signal(self, transfer: str | None, hdr_clips: dict[int, str]) -> None:
        """Convert pictures into the HDR `transfer`'s signal (None: SDR, as taken); `hdr_clips` (clip
        index -> element) are the HDR sources, whose frames drawn by Chromium are warned of."""
        self.signal, self._hdr_clips = transfer, dict(hdr_clips)
        self._signal_overlay = None

    def _picture(self, buffer: np.ndarray) -> np.ndarray:
        """One picture of the page into `buffer`, in the render's signal."""
        decode_into(self._shot(), buffer)
        if self.signal is not None:
            from ..output.hdr_signal import to_hdr_signal  # numpy work only an HDR render needs

            np.copyto(buffer, to_hdr_signal(buffer, self.signal))
        return buffer

    def _overlay(self) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """The part above the layer: RGBA8, or in an HDR render (colour in the signal, coverage);
        a picture without damage is neither decoded nor converted again."""
        rgba = self.overlays(self._shot(overlay=True))
        if self.signal is None:
            return rgba
        if self._signal_overlay is None or self._signal_overlay[0] is not rgba:
            self._signal_overlay = (rgba, signal_overlay(rgba, self.signal))
        return self._signal_overlay[1]

    def take(self, buffer: np.ndarray, reply: SeekReply, seconds: float,
             video: PageVideo | None) -> np.ndarray:
        """The picture of the page as a seek or an isolation left it (`reply`), into `buffer`: one
        capture, or the parts around the native video layers with `video`'s frames composited between
        (the page is then left split: the session restores it)."""
        layers = layers_of(reply) if video is not None else []
        if video is not None:
            self.count(reply, layers, seconds, video)
        if not layers:
            return self._picture(buffer)
        assert video is not None
        if layers[0].below:
            self._picture(buffer)
            self._show_overlay(seconds)
        overlay = self._overlay()
        return compose(buffer, layers, [video.pixels_at(seconds, layer.index) for layer in layers], overlay)

    def count(self, reply: SeekReply, layers: list[NativeLayer], seconds: float, video: PageVideo) -> None:
        """Record how this capture drew its videos (the render's ``video_layers`` stats); a video the
        native path refused is named (a ``native-video`` warning when native layers were asked for
        explicitly, else in the stats' fallbacks)."""
        if "visible" in reply:  # the page planned layers
            visible = int(reply.get("visible") or 0)
            refusals = refusals_of(reply.get("fallbacks"))
        elif seconds == self._counted_by_timing:
            return  # another scene of the same frame (a transition): its videos were counted once
        else:  # the poster path: the videos on screen by their timing, once per frame
            visible, refusals = video.on_screen(seconds), {}
            self._counted_by_timing = seconds
        fallbacks = list(refusals.values())
        for element, reason in video.frames.record_layers(layer_kinds(layers, visible), fallbacks):
            log.info("%s: %s keeps the poster path (Chromium paints its frames): %s", self._name, element, reason)
        if self._hdr_clips:
            self._warn_hdr_posters(refusals, layers, visible, seconds, video)
        if self._warn_refusals:
            for element, reason in fallbacks:
                self._warn(PageWarning("native-video", element, "drawn by Chromium as a poster instead of "
                                            f"natively: {reason}"))

    def _warn_hdr_posters(self, refusals: dict[str, tuple[str, str]], layers: list[NativeLayer], visible: int,
                          seconds: float, video: PageVideo) -> None:
        """In an HDR render, an HDR source Chromium drew (refused by the native path: `refusals`, or
        on screen beside the frame's native layers without a reason) is tone-mapped to SDR: an
        ``hdr-source`` warning."""
        reasons = {int(key): reason for key, (_, reason) in refusals.items() if key.isdigit()}
        native = {layer.index for layer in layers}
        crowded = visible > len(layers)
        for index in video.on_screen_indices(seconds):
            element = self._hdr_clips.get(index)
            if element is None or index in native:
                continue
            if index in reasons:
                why = f"the native path refused it ({reasons[index]})"
            elif crowded:
                why = "the frame's native layers left it out"
            else:
                continue
            self._warn(PageWarning("hdr-source", element, f"drawn by Chromium as a poster: {why}; those frames are "
                                                           "tone-mapped to SDR inside the HDR output"))
