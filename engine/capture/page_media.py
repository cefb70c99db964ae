"""A session's media: the page's ``<video>``/``<audio>`` made into the plan's clips (probed), and
the video frames its page shows (`SessionVideo`: shared by a render, or decoded by the session)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ..composition.plan import Plan
from ..composition.source import read_static
from ..media.animated import animated_images
from ..media.census import clips_from_census, fx_notes, probe_clips
from ..media.feed import PageVideo, VideoFrames
from ..media.hdr_images import hdr_images
from ..media.pictures import picture_writer
from .fidelity import PageWarning
from .options import CaptureOptions
from .replies import MediaEntry
from .router import AssetRouter

__all__ = ["clips_from_page", "SessionVideo"]


def clips_from_page(plan: Plan, census: Sequence[MediaEntry], local_path: Callable[[str], Path | None],
                    warn: Callable[[PageWarning], None]) -> Plan:
    """`plan` with the clips of the page's media `census` (validated and probed; `local_path` maps
    a URL to its file); what they cannot render exactly is warned (a clamped rate, an HDR source,
    an animated image; an HDR source is the session's to warn of, `engine.capture.session`)."""
    name = plan.source.name
    found, notes = clips_from_census(census, local_path, name)
    for element, message in notes:
        warn(PageWarning("media-rate", element, message))
    for element, message in fx_notes(found):
        warn(PageWarning("audio-fx", element, message))
    plan = replace(plan, media_clips=tuple(probe_clips(found, name)))
    static = read_static(plan.source)
    for element, message, _ in animated_images(static, plan.source):
        warn(PageWarning("animated-image", element, message))
    return replace(plan, hdr_images=tuple((element, src, transfer)
                                          for element, src, transfer, _ in hdr_images(static, plan.source)))


class SessionVideo:
    """The video frames a session's page shows: shared ones (`share`), else the session's own,
    decoded on first use (`page`); `router` serves them to the page."""

    def __init__(self, router: AssetRouter) -> None:
        self._router = router
        self.current: PageVideo | None = None
        self._own: VideoFrames | None = None

    def page(self, plan: Plan, options: CaptureOptions, signal: str | None = None) -> PageVideo | None:
        """This page's view of the video frames (None: `plan` has no video); `signal`: an HDR
        session's transfer, which native layers' pixels are in."""
        if self.current is None and any(clip.kind == "video" for clip in plan.media_clips):
            self._own = VideoFrames(plan.media_clips, float(plan.duration),
                                    writer=picture_writer(options.capture_format, options.jpeg_quality),
                                    signal=signal if options.native_layers else None)
            self._attach(self._own)
        return self.current

    def share(self, frames: VideoFrames) -> None:
        """Take the video frames from `frames` (decoded once for a whole render). Idempotent."""
        if self.current is not None and self.current.frames is frames:
            return
        self.drop()
        self._attach(frames)

    def drop(self) -> None:
        """Forget the frames (closing the session's own)."""
        if self.current is not None:
            self.current.forget()
        if self._own is not None:
            self._own.close()
        self.current = self._own = None

    def _attach(self, frames: VideoFrames) -> None:
        self.current = frames.page()
        self._router.pass_prefix(frames.prefix)
