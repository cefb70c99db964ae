"""How a session takes the picture of the page: ``Page.captureScreenshot`` or ``HeadlessExperimental.beginFrame``.

A screenshot asks Chromium for a new compositor frame and waits for its frame clock, which costs
about 28 ms a frame whatever the page size (measured: bench/RESULTS.md). On a headless shell
launched with `BEGIN_FRAME_FLAGS` the page draws only when told to: ``beginFrame`` runs one
complete frame (style, layout, paint, raster, draw) at once and returns its screenshot, so the
wait goes. When a frame has no damage (nothing changed since the last one) Chromium returns no
image; the last one is the right picture and is returned again.

An *overlay* picture (a native video layer's part above the video, `engine.capture.layers`) is a
PNG on a transparent page background; switching between the two backgrounds always damages the
frame, so a frame without damage is always the last picture of the same kind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..errors import BeginFrameUnavailable, CaptureError

__all__ = ["Shutter", "BEGIN_FRAME_FLAGS", "BeginFrameUnavailable"]

#: Chromium flags for begin-frame control (the set HeadlessExperimental documents as deterministic mode).
BEGIN_FRAME_FLAGS = (
    "--deterministic-mode", "--enable-begin-frame-control", "--disable-new-content-rendering-timeout",
    "--run-all-compositor-stages-before-draw", "--disable-threaded-animation", "--disable-threaded-scrolling",
    "--disable-checker-imaging", "--disable-image-animation-resync", "--enable-surface-synchronization",
)
#: "Another frame is pending": retried this many times, waiting 20 ms, 40 ms, ... in between.
PENDING_RETRIES = 5

Call = Callable[[str, Callable[[], Any]], Any]



class Shutter:
    """Takes pictures of one page as base64 PNG or JPEG.

    `call(what, fn)` runs `fn` under the session's watchdog; `cdp` is the page's CDP session.
    With `begin_frame`, `start()` must run once after the page loaded.
    """

    def __init__(self, cdp: Any, call: Call, *, capture_format: str, jpeg_quality: int, begin_frame: bool,
                 interval_ms: float) -> None:
        self._cdp, self._call = cdp, call
        self.begin_frame = begin_frame
        self._image: dict[str, Any] = {"format": capture_format, "optimizeForSpeed": True}
        if capture_format == "jpeg":
            self._image["quality"] = jpeg_quality
        self._interval = float(interval_ms)
        self._ticks = 1000.0
        self._last: str | None = None
        self._last_overlay = False  # whether `_last` is an overlay picture
        self._transparent = False   # the page's default background is transparent now
        self.frames = 0
        self.reused = 0

    @property
    def mode(self) -> str:
        return "beginframe" if self.begin_frame else "screenshot"

    def start(self) -> None:
        """Enable begin-frame control and draw a first frame (no image); BeginFrameUnavailable if it fails."""
        if not self.begin_frame:
            return
        try:
            self._call("enabling begin-frame control (HeadlessExperimental.enable)",
                       lambda: self._cdp.send("HeadlessExperimental.enable"))
            self._begin_frame("drawing the first frame (HeadlessExperimental.beginFrame)", screenshot=False)
        except CaptureError as exc:
            raise BeginFrameUnavailable(f"HeadlessExperimental.beginFrame does not work with this Chromium ({exc}); "
                                        "it needs a headless shell (chromium-headless-shell), or set "
                                        "ENGINE_CAPTURE_MODE=screenshot") from None

    def take(self, overlay: bool = False) -> str:
        """The page as it is now (base64); `overlay`: as a PNG with alpha, on a transparent background."""
        self.frames += 1
        if overlay != self._transparent:
            self._set_transparent(overlay)
        image = _OVERLAY_IMAGE if overlay else self._image
        if not self.begin_frame:
            params = dict(image, captureBeyondViewport=False)
            return self._call("taking the screenshot (Page.captureScreenshot)",
                              lambda: self._cdp.send("Page.captureScreenshot", params))["data"]
        if overlay != self._last_overlay:
            self._last = None  # a different kind of picture: the frame is damaged (new background)
        self._last_overlay = overlay
        data = self._begin_frame("drawing the frame (HeadlessExperimental.beginFrame)", image=image)
        if not data and self._last is None:  # nothing drawn yet and no damage: force one more frame
            data = self._begin_frame("drawing the frame again (HeadlessExperimental.beginFrame)", image=image)
            if not data:
                raise CaptureError("HeadlessExperimental.beginFrame returned no image for the first frame")
        if data:
            self._last = data
        else:
            self.reused += 1
        assert self._last is not None
        return self._last

    def _set_transparent(self, transparent: bool) -> None:
        color = {"color": {"r": 0, "g": 0, "b": 0, "a": 0}} if transparent else {}
        self._call("setting the page background (Emulation.setDefaultBackgroundColorOverride)",
                   lambda: self._cdp.send("Emulation.setDefaultBackgroundColorOverride", color))
        self._transparent = transparent

    def _begin_frame(self, what: str, *, screenshot: bool = True, image: dict[str, Any] | None = None) -> str | None:
        self._ticks += self._interval
        params: dict[str, Any] = {"frameTimeTicks": self._ticks, "interval": self._interval}
        if screenshot:
            params["screenshot"] = image if image is not None else self._image
        else:
            params["noDisplayUpdates"] = True
        for attempt in range(PENDING_RETRIES + 1):
            answer = self._call(what, lambda: self._send(params))
            if answer is not _PENDING:
                return answer.get("screenshotData") or None
            time.sleep(0.02 * 2**attempt)
        raise CaptureError(f"{what}: Chromium kept answering 'another frame is pending'")

    def _send(self, params: dict[str, Any]) -> Any:
        try:
            return self._cdp.send("HeadlessExperimental.beginFrame", params)
        except Exception as exc:
            if "Another frame is pending" in str(exc):
                return _PENDING
            raise


#: An overlay picture's format: PNG keeps alpha.
_OVERLAY_IMAGE: dict[str, Any] = {"format": "png", "optimizeForSpeed": True}

#: `Shutter._send`'s answer when Chromium is still drawing the previous frame (retried).
_PENDING: Any = object()
