"""`VideoFeed`: one browser session's video decoders and the frames it hands to its page.

For each seek the session asks `frames_at(t)`: every video clip on screen at ``t`` is decoded
(sequentially: a worker walking forward never seeks) to the source frame whose presentation
interval holds its source time, published on the session's `FrameServer` (once per distinct
source frame: a 24 fps source at 30 fps publishes 24 frames a second) and named to the page by
URL. A transition's two scene captures share the one seek, so each video is decoded once per
output frame whatever the number of captures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .clips import MediaClip, clip_end, source_time
from .server import FrameServer, bmp_bytes

__all__ = ["VideoFeed", "media_ends"]


def media_ends(clips: Sequence[MediaClip], composition_duration: float) -> dict[str, float | None]:
    """Each clip's end (composition seconds; None: never), keyed by its index, for the page."""
    ends: dict[str, float | None] = {}
    for clip in clips:
        end = clip_end(clip, clip.source_duration or 0.0, composition_duration)
        ends[str(clip.index)] = end if math.isfinite(end) else None
    return ends


class VideoFeed:
    """Decoders and frame server of one session (created only when the page has video clips)."""

    def __init__(self, clips: Sequence[MediaClip], composition_duration: float) -> None:
        self.videos = [clip for clip in clips if clip.kind == "video"]
        self.duration = composition_duration
        self.server = FrameServer()
        self._decoders: dict[int, Any] = {}
        self._published: dict[int, tuple[int, str]] = {}  # clip index -> (frame id, URL)
        self.frames_published = 0

    @property
    def origin(self) -> str:
        return self.server.origin

    def _decoder(self, clip: MediaClip) -> Any:
        decoder = self._decoders.get(clip.index)
        if decoder is None:
            from .probe import probe_source
            from .video import VideoDecoder

            decoder = self._decoders[clip.index] = VideoDecoder(probe_source(clip.path, clip.element, need_video=True))
        return decoder

    def when(self, clip: MediaClip, t: float) -> float | None:
        """The source time `clip` shows at composition time `t` (None: not on screen)."""
        source = clip.source_duration or 0.0
        when = source_time(clip, t, source, self.duration)
        if when is None and not clip.timed and t >= clip.start:  # an untimed video holds its last frame
            when = source
        return when

    def frames_at(self, t: float) -> dict[str, str]:
        """``{clip index: frame URL}`` for every video on screen at `t`."""
        frames: dict[str, str] = {}
        for clip in self.videos:
            when = self.when(clip, t)
            if when is None:
                continue
            frame_id, pixels = self._decoder(clip).frame_at(when)
            published = self._published.get(clip.index)
            if published is None or published[0] != frame_id:
                url = self.server.publish(clip.key, f"{frame_id}.bmp", bmp_bytes(pixels[..., ::-1].copy()))
                published = self._published[clip.index] = (frame_id, url)
                self.frames_published += 1
            frames[str(clip.index)] = published[1]
        return frames

    def close(self) -> None:
        """Close every decoder and the server. Idempotent."""
        decoders, self._decoders = self._decoders, {}
        for decoder in decoders.values():
            decoder.close()
        self.server.close()
