"""The video frames of a render, decoded once, and what each browser session's page is shown.

`VideoFrames` owns the decoders, one decode thread and the loopback `FrameServer`. For a render
it is shared by every session and given the render's frame times (`schedule`): it decodes each
clip once, sequentially, in frame order, as far as the workers have asked (a worker never waits
for frames another worker's decoder walked through, and nothing is decoded twice). Without a
schedule (a session used on its own) it prepares times in the order they are asked for. A time
asked for out of order (a browser restarted on an old frame) is prepared by a second decoder
per clip, so the sequential ones never seek back.

`PageVideo` is one session's view: at each seek to ``t`` it names the frames that changed since
what its page shows, and the frames of the time it captures next (`next_t`), which the page
fetches while this frame is captured (the server answers 204 when that frame is the one shown).

Each frame is kept as decoded pixels (RGB, uint8; uint16 for a source deeper than 8 bits when
`deep`), which a native video layer composites directly (`engine.capture.layers`); its picture
for the page (JPEG or BMP, by `writer`) is made only when a page fetches it. In an HDR render
(`signal`: the output's transfer) the pixels are in the output's signal
(`engine.media.hdr_layers.native_signal`: an HDR source's code values kept) and the page's
picture is the SDR one (an HDR source tone-mapped).
"""

from __future__ import annotations

import itertools
import math
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .clips import MediaClip, clip_end, source_time
from .pictures import BmpWriter, JpegWriter
from .server import NO_CHANGE, FrameServer

__all__ = ["VideoFrames", "PageVideo", "Frame", "media_ends", "time_key"]



class Frame:
    """One decoded frame of a clip: its id (the source frame's pts), its RGB pixels, and its
    picture for the page, made on first request (from `sdr()` when given: the SDR pixels of an
    HDR render's frame)."""

    __slots__ = ("frame_id", "pixels", "_sdr", "_picture", "_lock")

    def __init__(self, frame_id: int, pixels: np.ndarray, sdr: Callable[[], np.ndarray] | None = None) -> None:
        self.frame_id, self.pixels = frame_id, pixels
        self._sdr = sdr
        self._picture: bytes | None = None
        self._lock = threading.Lock()

    def picture(self, writer: BmpWriter | JpegWriter) -> bytes:
        """The frame as the page's picture file (encoded once)."""
        with self._lock:
            if self._picture is None:
                self._picture = writer(self.pixels if self._sdr is None else self._sdr())
            return self._picture

    @property
    def encoded(self) -> bool:
        return self._picture is not None


_Entry = dict[int, Frame]  # clip index -> its frame, for every video on screen


def media_ends(clips: Sequence[MediaClip], composition_duration: float) -> dict[str, float | None]:
    """Each clip's end (composition seconds; None: never), keyed by its index, for the page."""
    ends: dict[str, float | None] = {}
    for clip in clips:
        end = clip_end(clip, clip.source_duration or 0.0, composition_duration)
        ends[str(clip.index)] = end if math.isfinite(end) else None
    return ends


def time_key(t: float) -> int:
    """A frame time as whole microseconds (frame URLs name it; exact for any sane frame rate)."""
    return round(t * 1_000_000)


class VideoFrames:
    """Decoded frames of the video clips at any frame time, served to pages as pictures (`writer`:
    BMP by default) and to native layers as pixels (`deep`: sources deeper than 8 bits keep them;
    `signal`, an HDR render's transfer: native pixels in that signal, see the module doc)."""

    def __init__(self, clips: Sequence[MediaClip], composition_duration: float,
                 schedule: Sequence[float] | None = None, keep: int = 12,
                 writer: BmpWriter | JpegWriter | None = None, deep: bool = False,
                 signal: str | None = None) -> None:
        if signal not in (None, "pq", "hlg"):
            raise ValueError(f"signal must be None, 'pq' or 'hlg', not {signal!r}")
        self.deep = deep or signal is not None
        self.signal = signal
        self.videos = [clip for clip in clips if clip.kind == "video"]
        self.duration = composition_duration
        self.keep = keep
        self.writer = writer if writer is not None else BmpWriter()
        self._schedule = sorted({time_key(t) for t in schedule}) if schedule is not None else None
        self._produced = 0  # schedule position produced next (the one being made counts as produced
        # only once it is remembered: until then askers wait for it)
        self._wanted = -1   # highest schedule position asked for
        self._queue: list[int] = []  # without a schedule: keys in the order asked
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._errors: dict[int, BaseException] = {}
        self._last: _Entry = {}
        self._cond = threading.Condition()
        self._decoders: dict[int, Any] = {}
        self._random: dict[int, Any] = {}
        self._random_lock = threading.Lock()
        self._pages: dict[int, PageVideo] = {}
        self._ids = itertools.count()
        self._closed = False
        self.frames_decoded = 0  # distinct frames converted to pixels
        self.pictures_served = 0  # frames sent to a page as pictures (none for native layers)
        self._layers_lock = threading.Lock()
        self.layer_frames: dict[str, int] = {"native": 0, "two_capture": 0, "poster": 0}
        self.layer_fallbacks: dict[str, str] = {}  # element -> why the native path refused it (first reason)
        self.out_of_order = 0  # times prepared by the random-access decoders
        self.server = FrameServer(self._serve)
        self._thread = threading.Thread(target=self._run, name="engine-video", daemon=True)
        self._thread.start()

    @property
    def prefix(self) -> str:
        """The start of every frame URL (what the page's router lets through untouched)."""
        return self.server.prefix

    def page(self) -> PageVideo:
        """A new session's view of these frames."""
        with self._cond:
            page = PageVideo(self, next(self._ids))
            self._pages[page.id] = page
            return page

    def forget(self, page: PageVideo) -> None:
        """`page` no longer fetches frames (its requests get 404)."""
        with self._cond:
            self._pages.pop(page.id, None)

    def when(self, clip: MediaClip, t: float) -> float | None:
        """The source time `clip` shows at composition time `t` (None: not on screen)."""
        source = clip.source_duration or 0.0
        when = source_time(clip, t, source, self.duration)
        if when is None and not clip.timed and t >= clip.start:  # an untimed video holds its last frame
            when = source
        return when

    # ---- asking for a time --------------------------------------------------------------------

    def _position(self, key: int) -> int | None:
        if self._schedule is None:
            return None
        i = bisect_left(self._schedule, key)
        return i if i < len(self._schedule) and self._schedule[i] == key else None

    def request(self, key: int) -> None:
        """Start preparing time `key` (without waiting)."""
        with self._cond:
            self._ask(key)

    def _ask(self, key: int) -> bool:
        """Queue `key` for the decode thread; False when only the random-access path can make it."""
        if key in self._entries:
            return True
        position = self._position(key)
        if position is not None:
            if position < self._produced:
                return False  # produced and dropped already: out of order
            if position > self._wanted:
                self._wanted = position
                self._cond.notify_all()
            return True
        if self._schedule is not None:
            return False
        if key not in self._queue:
            self._queue.append(key)
            self._cond.notify_all()
        return True

    def entry(self, key: int) -> _Entry:
        """The frames of time `key`, waiting for the decode thread (or preparing them out of order)."""
        with self._cond:
            if self._ask(key):
                while key not in self._entries and key not in self._errors and not self._closed:
                    self._cond.wait()
                if key in self._errors:
                    raise self._errors[key]
                if key in self._entries:
                    return self._entries[key]
        with self._random_lock:
            self.out_of_order += 1
            entry = self._prepare(key, self._random, {})
        with self._cond:
            self._remember(key, entry)
        return entry

    # ---- the decode thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not self._queue and self._produced > self._wanted:
                    self._cond.wait()
                if self._closed:
                    return
                key = self._schedule[self._produced] if self._schedule is not None else self._queue[0]
            try:
                entry = self._prepare(key, self._decoders, self._last)
            except BaseException as exc:  # raised by entry() on the session's thread
                with self._cond:
                    self._errors[key] = exc
                    self._advance()
                continue
            self._last = entry
            with self._cond:
                self._remember(key, entry)
                self._advance()

    def _advance(self) -> None:
        if self._schedule is not None:
            self._produced += 1
        else:
            self._queue.pop(0)
        self._cond.notify_all()

    def _remember(self, key: int, entry: _Entry) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.keep:
            self._entries.popitem(last=False)
        self._cond.notify_all()

    def _decoder(self, pool: dict[int, Any], clip: MediaClip) -> Any:
        decoder = pool.get(clip.index)
        if decoder is None:
            from .probe import probe_source
            from .video import VideoDecoder

            info = probe_source(clip.path, clip.element, need_video=True)
            # The decode thread runs ahead of the workers: one FFmpeg thread is fast enough there and
            # spends less CPU than frame threads (measured 11.5 against 14.5 ms per 1080p frame);
            # a random-access decoder keeps FFmpeg's threads, a worker is waiting on it.
            threads = 1 if pool is self._decoders else 0
            deep = self.signal is not None or (self.deep and info.video is not None and info.video.bit_depth > 8)
            decoder = pool[clip.index] = VideoDecoder(info, depth=16 if deep else 8, threads=threads,
                                                      accurate=self.writer.accurate, tone_map=self.signal is None)
        return decoder

    def _prepare(self, key: int, decoders: dict[int, Any], before: _Entry) -> _Entry:
        t = key / 1_000_000
        entry: _Entry = {}
        for clip in self.videos:
            when = self.when(clip, t)
            if when is None:
                continue
            decoder = self._decoder(decoders, clip)
            frame_id = decoder.frame_id_at(when)
            old = before.get(clip.index)
            if old is not None and old.frame_id == frame_id:
                entry[clip.index] = old
                continue
            entry[clip.index] = self._frame(clip, frame_id, decoder.frame_at(when)[1])
            self.frames_decoded += 1
        return entry

    def _frame(self, clip: MediaClip, frame_id: int, pixels: np.ndarray) -> Frame:
        """The `Frame` of decoded `pixels` (the decoder's buffer, copied): in an HDR render, in the
        output's signal with the SDR picture made from the decoded ones on request."""
        if self.signal is None:
            return Frame(frame_id, pixels.copy())
        from .hdr_layers import native_signal, sdr_picture  # numpy work only an HDR render needs

        native = native_signal(pixels, clip.hdr, self.signal)  # a copy of the decoder's buffer
        # the SDR picture is made from what was decoded: the native copy itself where no conversion was needed
        decoded = native if clip.hdr == self.signal else pixels.copy()
        return Frame(frame_id, native, lambda: sdr_picture(decoded, clip.hdr))

    def record_layers(self, kinds: dict[str, int], fallbacks: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
        """Count one capture's videos by how they were drawn (`engine.capture.layers.layer_kinds`)
        and remember why the native path refused any (thread-safe: every worker's session calls it).
        Returns the refusals not met before."""
        new = []
        with self._layers_lock:
            for kind, n in kinds.items():
                self.layer_frames[kind] = self.layer_frames.get(kind, 0) + n
            for element, reason in fallbacks:
                if element not in self.layer_fallbacks:
                    self.layer_fallbacks[element] = reason
                    new.append((element, reason))
        return new

    def layers_summary(self) -> dict[str, Any]:
        """The render's ``video_layers`` stats: frames of each kind summed over videos, and the
        elements the native path refused with the reason."""
        with self._layers_lock:
            return {**self.layer_frames,
                    "fallbacks": [{"element": e, "reason": r} for e, r in self.layer_fallbacks.items()]}

    # ---- the server's side --------------------------------------------------------------------

    def _serve(self, page_id: int, clip: int, key: int, shown: bool) -> bytes | None:
        page = self._pages.get(page_id)
        if page is None:
            return None
        frame = self.entry(key).get(clip)
        if frame is None:
            return None
        if not shown and page.shown.get(clip) == frame.frame_id:
            return NO_CHANGE
        self.pictures_served += 1
        return frame.picture(self.writer)

    def close(self) -> None:
        """Stop the decode thread and the server, close every decoder. Idempotent."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()
        self.server.close()
        self._thread.join()
        for pool in (self._decoders, self._random):
            for decoder in pool.values():
                decoder.close()
            pool.clear()


class PageVideo:
    """One session's page: the frames it shows, and which to fetch ahead."""

    def __init__(self, frames: VideoFrames, page_id: int) -> None:
        self.frames, self.id = frames, page_id
        self.shown: dict[int, int] = {}  # clip index -> id of the frame the page shows

    def frames_at(self, t: float, next_t: float | None = None) -> tuple[dict[str, str], dict[str, str]]:
        """``(show, prefetch)``: ``{clip index: URL}`` of each frame the page must show at `t`
        (only those that changed), and of the frames to fetch now for `next_t`."""
        key = time_key(t)
        next_key = time_key(next_t) if next_t is not None and next_t > t else None
        self.frames.request(key)  # before the next one: without a schedule, times are made in this order
        if next_key is not None:
            self.frames.request(next_key)
        show: dict[str, str] = {}
        for index, frame in self.frames.entry(key).items():
            if self.shown.get(index) != frame.frame_id:
                self.shown[index] = frame.frame_id
                show[str(index)] = self.frames.server.url(self.id, index, key)
        prefetch: dict[str, str] = {}
        if next_t is not None and next_key is not None:
            prefetch = {str(c.index): self.frames.server.url(self.id, c.index, next_key) for c in self.frames.videos
                        if self.frames.when(c, next_t) is not None}
        return show, prefetch

    def pixels_at(self, t: float, index: int) -> np.ndarray:
        """The decoded pixels clip `index` shows at `t` (for a native layer)."""
        frame = self.frames.entry(time_key(t)).get(index)
        if frame is None:
            raise KeyError(f"clip {index} shows no frame at t={t:g} s")
        return frame.pixels

    def on_screen_indices(self, t: float) -> list[int]:
        """The clips that show a frame at `t` (by their timing; CSS may still hide some)."""
        return sorted(self.frames.entry(time_key(t)))

    def on_screen(self, t: float) -> int:
        """How many clips show a frame at `t`."""
        return len(self.on_screen_indices(t))

    def not_shown(self, indices: Sequence[int]) -> None:
        """The page did not put these clips' frames up (they were composited natively)."""
        for index in indices:
            self.shown.pop(int(index), None)

    def forget(self) -> None:
        """The page is gone (its session closed or restarted)."""
        self.frames.forget(self)
