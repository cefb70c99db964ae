"""`BrowserSession`: one Chromium page at the composition's size, seeked and captured into rgb48le.

A session launches its own Chromium (through Playwright, with the flags below that make
rendering deterministic), serves the composition through `AssetRouter` (no socket), injects
the page runtime (`runtime_source`) before the composition's scripts, waits for the page's
readiness, and then captures any time ``t`` as a whole frame or as one scene alone.
It closes completely (no Chromium process outlives it), on success or error; use it as a
context manager. A session belongs to the thread that made it (Playwright's sync API).
Its helpers: `discover` (the plan's updates from the page's first reply), `replies` (the
runtime's replies and errors), `page_media` (clips and video frames), `layer_capture` (the
parts around a native video layer), `watchdog` (a page that stops answering)."""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..composition.plan import Plan
from ..composition.reader import read_composition
from ..errors import (
    CaptureError,
    CompositionError,
    ConfigError,
    InputError,
    MissingAssetError,
    PageHangError,
    PageScriptError,
    RenderWarning,
    SettleTimeoutError,
    close_names,
)
from ..media.census import hdr_notes
from ..media.clips import MediaClip
from ..media.feed import PageVideo, VideoFrames, media_ends
from ..media.hdr import decide_dynamic_range, hdr_sources
from ..media.hdr_images import hdr_image_note
from .chromium import CHROMIUM_FLAGS, OFFLINE_FLAGS, acquire_playwright, feature_flags, release_playwright
from .discover import Discovery, check_media, discover, updated_plan
from .fidelity import PageWarning, from_census
from .frames import check_frame, new_frame
from .launch import OpenedBrowser, close_browser, open_browser
from .layer_capture import LayerCapture
from .layers import prefer_poster
from .options import CHROMIUM_CANDIDATES, CaptureOptions, is_headless_shell
from .page_media import SessionVideo, clips_from_page
from .replies import PrepareReply, Reply, SeekReply, check_reply, check_version
from .router import AssetRouter
from .runtime_source import runtime_source
from .sandbox import normalize_url_map
from .shutter import BEGIN_FRAME_FLAGS, BeginFrameUnavailable, Shutter
from .watchdog import Watchdog, answer_limit_s, page_error_text

__all__ = ["BrowserSession", "PageScriptError", "SettleTimeoutError", "MissingAssetError", "PageHangError",
           "CHROMIUM_FLAGS", "answer_limit_s", "load_plan"]


log = logging.getLogger("engine.capture")


class BrowserSession:
    """One Chromium page showing a composition, captured at any time into rgb48le.

    `composition` is a `Plan` or a path (``.html`` file or folder with ``index.html``); from a
    path the session builds the complete plan (`plan`) from the loaded page. Options come from
    `options` (default: `CaptureOptions.from_env()`) with keyword `overrides` applied.
    """

    def __init__(self, composition: Plan | str | Path, *, options: CaptureOptions | None = None,
                 even_size: bool = True, **overrides: Any) -> None:
        try:
            self.options = CaptureOptions.from_env(**overrides) if options is None else replace(options, **overrides)
        except TypeError as exc:
            raise ConfigError(f"unknown capture option: {exc}") from None
        from_page = not isinstance(composition, Plan)
        plan = composition if isinstance(composition, Plan) else read_composition(composition, even_size=even_size)[0]
        self.plan: Plan = plan
        self._closed = False
        self._pw: Any = None
        self._browser: Any = None
        self._watchdog = Watchdog()
        self._opened: OpenedBrowser | None = None
        self._context: Any = None
        self._page: Any = None
        self._cdp: Any = None
        self._shutter: Shutter | None = None
        self._isolated = False
        self._page_errors: list[Any] = []
        self._warnings: list[PageWarning] = []
        self._buffer: np.ndarray | None = None
        self.captures = 0  # pictures taken of the page (a native video layer's parts count each)
        self._layers_capture = LayerCapture(plan.source.name, shot=self._shot, show_overlay=self._show_overlay,
                                            warn=self._warn, warn_refusals=self.options.media_path == "native")
        self._router = AssetRouter(plan.root_dir, normalize_url_map(self.options.url_map), self.options.allow_network,
                                   font_dir=self.options.font_dir)
        self._videos = SessionVideo(self._router)
        #: ``pq``/``hlg``: the HDR signal this session's frames are in (`CaptureOptions.dynamic_range`); None: SDR
        self.hdr_signal: str | None = None
        try:
            self._open_with_fallback()
            found = self._prepare()
            if from_page:
                self.plan = updated_plan(plan, found)
            self._open_media(from_page, found.media)
            self._use_dynamic_range(from_page)
        except BaseException:
            self.close()
            raise

    # ---- lifecycle ----
    def _open_with_fallback(self) -> None:
        mode = self.options.capture_mode
        begin_frame = mode == "beginframe" or (mode == "auto" and is_headless_shell(self.options.executable))
        try:
            self._open(begin_frame)
        except BeginFrameUnavailable as exc:
            if mode != "auto":
                raise
            log.warning("%s; capturing with screenshots instead", exc)
            self._shutdown()
            self._open(False)

    def _open(self, begin_frame: bool) -> None:
        opts, plan = self.options, self.plan
        executable = str(opts.executable)
        if not os.path.isfile(executable):
            if executable not in CHROMIUM_CANDIDATES:  # the user named it: bad input, not a failed render
                raise ConfigError(f"Chromium executable {executable!r} (ENGINE_CHROMIUM or capture executable=) does "
                                  "not exist; expected the path of a Chromium binary")
            raise CaptureError(f"Chromium not found at {executable!r}; install Debian's chromium or set ENGINE_CHROMIUM")
        self._pw = acquire_playwright()
        args = (list(CHROMIUM_FLAGS) + ([] if opts.allow_network else list(OFFLINE_FLAGS))
                + (list(BEGIN_FRAME_FLAGS) if begin_frame else []) + feature_flags(opts.extra_args))
        self._opened, self._context = open_browser(self._pw, executable, args, max(opts.timeout_ms, 30000), lambda b: (
            b.new_context(viewport={"width": plan.width, "height": plan.height}, device_scale_factor=1,
                          locale="en-US", timezone_id="UTC", color_scheme="light", reduced_motion="no-preference",
                          service_workers="block")))
        self._browser, self._watchdog.pid, _ = self._opened
        self._router.install(self._context)
        self._context.add_init_script(runtime_source(opts.seed, opts.fonts, opts.variables, opts.font_dir))
        self._page = self._context.new_page()
        self._page.on("pageerror", lambda error: self._page_errors.append(error))
        self._cdp = self._context.new_cdp_session(self._page)
        if opts.alpha:  # transparent wherever the page paints nothing (alpha renders)
            self._cdp.send("Emulation.setDefaultBackgroundColorOverride", {"color": {"r": 0, "g": 0, "b": 0, "a": 0}})
        load_ms = max(opts.timeout_ms, 30000)
        try:
            self._page.goto(self._router.url_for(plan.source), wait_until="load", timeout=load_ms)
        except Exception as exc:
            self._check_page("during load")
            if "Timeout" in type(exc).__name__:
                raise SettleTimeoutError(f"{plan.source.name}: timed out after {load_ms} ms waiting for the page's "
                                         "load event") from None
            raise CaptureError(f"{plan.source.name}: loading the page failed: {exc}") from None
        self._check_page("during load")
        self._shutter = Shutter(self._cdp, self._call, capture_format=opts.capture_format,
                                jpeg_quality=opts.jpeg_quality, begin_frame=begin_frame,
                                interval_ms=1000 / float(plan.fps))
        self._shutter.start()

    def _prepare(self) -> Discovery:
        """Wait for the page's readiness and read what it says about itself (`engine.capture.discover`)."""
        # alpha: the runtime makes html, body and every composition root transparent (as HyperFrames does)
        reply = self._reply(self._evaluate("([ms, alpha]) => window.__hfEngine.prepare(ms, alpha)",
                                           [self.options.timeout_ms, self.options.alpha],
                                           "waiting for the page to get ready"), "while the page got ready", version=True)
        found = discover(cast(PrepareReply, reply), self.plan.source.name)
        for warning in found.warnings:
            self._warn(warning)
        for text in found.notes:
            log.info("%s: %s", self.plan.source.name, text)
        return found

    def _open_media(self, from_page: bool, census: Sequence[Any]) -> None:
        """Validate and probe the page's media (from the page) or check it matches the plan's;
        then tell the page where each clip ends."""
        if from_page:
            self.plan = clips_from_page(self.plan, census, self._router.local_path, self._warn)
        else:
            check_media(self.plan, census)
        clips = self.plan.media_clips
        if not clips:
            return
        ends = media_ends(clips, float(self.plan.duration))
        self._reply(self._evaluate("(ends) => window.__hfEngine.setMediaEnds(ends)", ends,
                                   "setting the media clips' windows"), "setting the media clips' windows")

    def _use_dynamic_range(self, from_page: bool) -> None:
        """HDR or SDR frames, decided as a render decides (`engine.media.hdr`) from the videos' tags
        and `CaptureOptions.dynamic_range`. An HDR source is warned of (``hdr-source``) where it is
        tone-mapped: in SDR frames, or on the poster path; in HDR frames its native layer keeps its
        code values, and its frames drawn by Chromium are warned of as they happen (`LayerCapture`)."""
        videos = [clip for clip in self.plan.media_clips if clip.kind == "video"]
        asked = "sdr" if self.options.alpha else self.options.dynamic_range
        self.hdr_signal = decide_dynamic_range(asked, hdr_sources(self.plan)).transfer
        keeps = self.hdr_signal is not None and self.options.native_layers
        if from_page and not keeps:
            for element, message in hdr_notes(self.plan.media_clips):
                self._warn(PageWarning("hdr-source", element, message))
        if from_page:  # images are Chromium's to draw, in SDR (`engine.media.hdr_images`)
            for element, src, transfer in self.plan.hdr_images:
                self._warn(PageWarning("hdr-source", element, hdr_image_note(src, transfer, self.hdr_signal)))
        self._layers_capture.use_signal(self.hdr_signal, {clip.index: clip.element for clip in videos
                                                          if clip.hdr and keeps})
        if keeps:  # colour filters on a video are Chromium's to draw in an HDR render (layers.js)
            self._evaluate("(t) => window.__hfEngineLayers.setHdr(t)", self.hdr_signal, "telling the page it is HDR")
        chosen = prefer_poster(self._video_depths(videos), self.options.media_path, self.options.capture_format,
                               self.hdr_signal) if self.options.native_layers else []
        if chosen:
            self._evaluate("(i) => window.__hfEngineLayers.preferPoster(i)", chosen,
                           "telling the page which videos keep the poster path")

    def _video_depths(self, videos: list[MediaClip]) -> dict[int, int]:
        """Clip index -> the bit depth of its video stream (a clip that cannot be probed is left out:
        its error comes where it is decoded)."""
        from ..media.probe import probe_source

        depths = {}
        for clip in videos:
            try:
                info = probe_source(clip.path, clip.element, need_video=True)
            except Exception:  # noqa: BLE001 - reported by the decoder, with its element
                continue
            if info.video is not None:
                depths[clip.index] = info.video.bit_depth
        return depths

    # ---- video frames ----
    def _page_video(self) -> PageVideo | None:
        """This page's view of the video frames: shared ones (`share_video`), else the session's own."""
        return self._videos.page(self.plan, self.options, self.hdr_signal)

    @property
    def _video(self) -> PageVideo | None:
        return self._videos.current

    def share_video(self, frames: VideoFrames) -> None:
        """Take the video frames from `frames` (decoded once for a whole render) instead of decoding
        them in this session. Idempotent."""
        self._videos.share(frames)

    def _warn(self, warning: PageWarning) -> None:
        if warning not in self._warnings:
            self._warnings.append(warning)
            warnings.warn(f"{self.plan.source.name}: {warning}", RenderWarning, stacklevel=3)

    @property
    def warnings(self) -> list[PageWarning]:
        """What this page holds that the engine cannot render faithfully (the page runtime's census
        at load, and every request the router blocked so far)."""
        return self._warnings + self._router.page_warnings()

    def close(self) -> None:
        """Close page, context and browser, and stop the driver if no other session uses it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._shutdown()

    def _shutdown(self) -> None:
        """Stop the browser and release the driver (close's work; also before a relaunch)."""
        self._videos.drop()
        for obj, method in ((self._cdp, "detach"), (self._context, "close")):
            if obj is not None:
                try:
                    getattr(obj, method)()
                except Exception:  # keep closing the rest; the process is killed below if needed
                    pass
        if self._opened is not None:
            close_browser(self._opened)  # a warm Chromium (engine.Renderer) keeps running
        if self._pw is not None:
            self._pw = None
            release_playwright()
        self._page = self._context = self._browser = self._cdp = self._shutter = self._opened = None
        self._watchdog.pid = None

    def __enter__(self) -> BrowserSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _shape(self) -> tuple[int, int, int]:
        """A frame's shape: (height, width, 3), or 4 channels with alpha."""
        return (self.plan.height, self.plan.width, self.options.channels)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def capture_mode(self) -> str:
        """How frames are taken: ``beginframe`` or ``screenshot`` (see `engine.capture.shutter`)."""
        return self._shutter.mode if self._shutter is not None else "closed"

    # ---- checks ----
    def _call(self, what: str, fn: Any) -> Any:
        """`fn()` into the page, stopped by the watchdog after `answer_limit_s`: a hang
        becomes PageHangError naming `what`, a crash CaptureError."""
        if self._closed:
            raise CaptureError("the browser session is closed")
        limit = answer_limit_s(self.options.timeout_ms)
        try:
            with self._watchdog.guard(what, limit):
                return fn()
        except Exception as exc:
            if self._watchdog.hung is not None:
                self._closed_by_watchdog()
                raise PageHangError(
                    f"{self.plan.source.name}: no answer within {limit:g} s {self._watchdog.hung} (a page script in "
                    "an endless loop, or a stuck browser); the browser was stopped") from None
            self._check_page("")
            raise CaptureError(f"{self.plan.source.name}: the browser failed {what}: {exc}") from None

    def _closed_by_watchdog(self) -> None:
        try:
            self.close()
        except Exception:  # the browser is already dead; the session only has to be marked closed
            self._closed = True

    def _evaluate(self, script: str, arg: Any, what: str = "running the page runtime") -> Any:
        return self._call(what, lambda: self._page.evaluate(script, arg))

    def _check_page(self, when: str) -> None:
        name = self.plan.source.name
        if self._page_errors:
            errors, self._page_errors[:] = list(self._page_errors), []
            raise PageScriptError(f"{name}: a page script threw {when}: " + "; ".join(page_error_text(e) for e in errors))
        missing, refused = self._router.take_problems()
        if refused:
            raise MissingAssetError(f"{name}: " + "; ".join(refused))
        if missing:
            raise MissingAssetError(f"{name}: the page requested local asset(s) that do not exist in "
                                    f"{self.plan.root_dir}: {', '.join(missing)}")

    def _reply(self, reply: Any, when: str, *, version: bool = False) -> Reply:
        """The runtime's `reply` once the page and the reply report no problem (`check_reply`);
        `version`: also check the runtime speaks this engine's protocol (`prepare()`'s reply)."""
        self._check_page(when)
        if version and isinstance(reply, dict):
            check_version(reply, self.plan.source.name)
        return check_reply(reply, self.plan.source.name, when)

    def _time(self, t: float | Fraction) -> float:
        try:
            value = float(t)
        except (TypeError, ValueError):
            value = math.nan
        if not 0 <= value <= float(self.plan.duration) or isinstance(t, bool):
            raise InputError(f"time {t!r} is not valid; expected seconds from 0 to {float(self.plan.duration):g}")
        return value

    # ---- seeking and capture ----
    def seek(self, t: float | Fraction, scene_id: str | None = None, *, next_time: float | Fraction | None = None) -> None:
        """Put the page at time `t` (seconds); with `scene_id`, isolate that scene (until the next call).

        `next_time`: the time the caller captures next, if it knows (a render's worker does): the
        video frames of that time are decoded and fetched while this one is captured.
        """
        self._seek(t, scene_id, next_time, layers=False)

    def _seek(self, t: float | Fraction, scene_id: str | None, next_time: float | Fraction | None,
              layers: bool) -> SeekReply:
        """`seek`; with `layers`, the page plans the native video layers (`engine.capture.layers`) and
        is left showing their first part. Returns the runtime's result."""
        seconds = self._time(t)
        what = f"seeking to t={seconds:g} s" + (f" (scene {scene_id!r})" if scene_id else "")
        self._isolated = False  # the runtime's seek undoes any isolation first
        media = None
        video = self._page_video()
        if video is not None:
            ahead = float(next_time) if next_time is not None and 0 <= float(next_time) <= float(self.plan.duration) \
                else None
            media = video.frames_at(seconds, ahead)
        result = self._evaluate("([t, s, ms, m, l]) => window.__hfEngine.seek(t, s, ms, m, l)",
                                [seconds, scene_id, self.options.timeout_ms, media,
                                 video.on_screen_indices(seconds) if layers and video is not None else None], what)
        reply = cast(SeekReply, self._reply(result, f"at t={seconds:g} s"))
        for warning in from_census(reply.get("warnings")):  # media a script made after the load
            self._warn(warning)
        if video is not None:
            video.not_shown(reply.get("deferred") or [])
        return reply

    @property
    def _layers(self) -> bool:
        """Whether captures composite video layers natively (`CaptureOptions.native_layers`)."""
        return self.options.native_layers and self._page_video() is not None

    def _take(self, buffer: np.ndarray, reply: SeekReply, seconds: float) -> np.ndarray:
        """The picture of the page as a seek or an isolation left it, into `buffer` (`LayerCapture`)."""
        if self._video is not None and reply.get("layer") is not None:
            self._isolated = True  # the page stays split until the next seek, or screenshot() restores it
        return self._layers_capture.take(buffer, reply, seconds, self._video)

    def _show_overlay(self, seconds: float) -> None:
        """Show the part above a native video layer (`LayerCapture`: the part below was captured)."""
        self._reply(self._evaluate("() => window.__hfEngine.showOverlay()", None, "showing the part above a video"),
                    f"at t={seconds:g} s")

    def screenshot(self) -> str:
        """The page as it is now (a scene isolated by `capture_scene` is restored first): base64
        PNG or JPEG (see `capture_mode`)."""
        self._restore()
        return self._shot()

    def _shot(self, overlay: bool = False) -> str:
        """One picture of the page as it is (base64; `overlay`: a PNG with alpha, see `Shutter.take`),
        counted in `captures`."""
        if self._closed or self._shutter is None:
            raise CaptureError("the browser session is closed")
        self.captures += 1
        return self._shutter.take(overlay=overlay)

    def _out(self, out: np.ndarray | None) -> np.ndarray:
        if out is not None:
            return check_frame(out, "out", shape=self._shape, writeable=True)
        if self._buffer is None:
            self._buffer = new_frame(*self._shape)
        return self._buffer

    def capture_frame(self, t: float | Fraction, *, out: np.ndarray | None = None,
                      next_time: float | Fraction | None = None) -> np.ndarray:
        """The whole frame at time `t` as rgb48le.

        Written into `out` when given, else into the session's reused buffer, which the next
        capture overwrites (copy it to keep it). `next_time`: as in `seek`.
        """
        buffer = self._out(out)
        result = self._seek(t, None, next_time, self._layers)
        return self._take(buffer, result, float(t))

    def capture_scene(self, t: float | Fraction, scene_id: str, *, out: np.ndarray | None = None) -> np.ndarray:
        """Scene `scene_id` alone at time `t` (every other element hidden, the scene forced visible).

        The rest of the page comes back at the next seek or capture. Buffer rules as in `capture_frame`.
        """
        buffer = self._out(out)
        self.capture_scenes(t, [(scene_id, buffer)])
        return buffer

    def capture_scenes(self, t: float | Fraction, scenes: Sequence[tuple[str, np.ndarray]], *,
                       next_time: float | Fraction | None = None) -> None:
        """Each ``(scene_id, out)`` of `scenes` alone at time `t`, into its `out` buffer: one seek,
        then each scene isolated and captured in turn (a transition's two scenes cost one seek).
        `next_time`: as in `seek`."""
        for scene_id, _ in scenes:
            if scene_id not in self.plan.scene_ids:
                known = ", ".join(repr(s) for s in self.plan.scene_ids) or "none"
                raise CompositionError(f"{self.plan.source.name}: no scene {scene_id!r}"
                                       f"{close_names(str(scene_id), self.plan.scene_ids)}; scenes: {known}")
        buffers = [check_frame(out, "out", shape=self._shape, writeable=True) for _, out in scenes]
        layers = self._layers
        for n, ((scene_id, _), buffer) in enumerate(zip(scenes, buffers, strict=True)):
            if n == 0:
                result = self._seek(t, scene_id, next_time, layers)
            else:
                result = self._evaluate("([s, ms]) => window.__hfEngine.isolateScene(s, ms)",
                                        [scene_id, self.options.timeout_ms], f"isolating scene {scene_id!r}")
                result = cast(SeekReply, self._reply(result, f"at t={float(t):g} s"))
            # the page stays isolated until the next seek (which restores it first) or screenshot()
            self._isolated = True
            self._take(buffer, result, float(t))

    def _restore(self) -> None:
        """Undo a scene isolation now (a seek undoes it by itself)."""
        if self._isolated and not self._closed:
            self._isolated = False
            restored = self._evaluate("() => window.__hfEngine.restore()", None, "restoring the page")
            self._reply(restored, "restoring the page")


def load_plan(path: str | Path, *, even_size: bool = True, **options: Any) -> Plan:
    """The complete plan of the composition at `path`: static checks, then the page loaded once.

    `options` are `engine.capture.CaptureOptions` fields (``allow_network``, ``url_map``,
    ``timeout_ms``...). Raises `CompositionError` (or a registry error) naming what is wrong.
    """
    with BrowserSession(path, even_size=even_size, **options) as session:
        return session.plan
