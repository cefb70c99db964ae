"""The orchestrator: browser sessions -> (blend) -> reorder fence -> encoder, on one or W workers.

`render_plan_and_encode` is a short sequence of named steps on a `_Render`, which owns every
resource of the render and closes each once in `close()`, on success and on error.

Threads: the calling thread runs worker 0 (its browser session is the one that read the
plan), workers 1..W-1 run in threads of their own (`worker.Worker`; Playwright's sync API
belongs to the thread that started it), a feeder thread (`feed.feed`) takes frames out of the
fence in order and hands them to the encoder, which encodes on its own thread. Transition
frames are blended by a small pool (hybrid) or in the worker itself (sequential). Any error
aborts the fence and every ring, all threads stop, and the first error is raised as itself.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from ..blend.blender import Blender
from ..caller import option
from ..capture.fidelity import PageWarning, is_unfaithful, strict_error
from ..capture.session import BrowserSession
from ..composition.mistakes import named_mistakes
from ..composition.plan import FrameInfo, Plan
from ..composition.variables import check_composition
from ..config import available_memory, usable_cpus
from ..errors import CaptureError, RenderWarning
from ..media.feed import VideoFrames
from ..media.hdr import DynamicRange, decide_dynamic_range, hdr_sources
from ..media.pictures import picture_writer
from ..output.encoder import Encoder
from ..output.formats import OutputTarget
from ..output.gif import check_gif_fps
from ..pipeline.dispenser import FrameSource, frame_sources
from ..pipeline.fence import FenceAborted, ReorderFence
from ..pipeline.planning import RenderDecision, decide, early_workers, parse_frame_range, still_frame
from ..pipeline.ring import BufferRing
from .audio import RenderAudio
from .browser import Browser
from .feed import ProgressCallback, feed
from .job import FenceEntry, Job, checked_transition
from .lanes import Lane, WarmState
from .options import RenderOptions
from .preprobe import preprobe_media
from .result import RenderResult, Stats, media_summary, transition_summary
from .worker import Joinable, Worker, walk

__all__ = ["RenderResult", "render_plan_and_encode", "run_render", "Stats"]

log = logging.getLogger("engine.render")


def run_render(composition: Path, output: Path, options: RenderOptions, progress: ProgressCallback | None = None,
               cancel: threading.Event | None = None, warm: WarmState | None = None) -> RenderResult:
    """The checks that need no browser (the output, the composition's variables, the media its
    HTML names), then the render."""
    options.target(output)
    notes = check_composition(composition, options.variables, strict=options.strict_variables)
    preprobe_media(composition, options.capture)
    if options.ray is not None:
        from .distributed import render_on_ray

        result = render_on_ray(composition, output, options, options.ray, options.chunk_frames, progress, cancel)
    else:
        result = render_plan_and_encode(composition, output, options, progress, cancel, warm)
    result.warnings.extend({"code": "variables", "element": "data-composition-variables", "message": text}
                           for text in notes)  # warned already (VariableWarning); kept in the stats too
    return result


def render_plan_and_encode(
    composition: str | Path,
    output: str | Path,
    options: RenderOptions,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    warm: WarmState | None = None,
) -> RenderResult:
    """Render `composition` to `output` with `options` (see `engine.render`); `warm`: what an
    `engine.Renderer` keeps between renders (its threads and blenders)."""
    started = time.perf_counter()
    render = _Render(options, options.target(output), warm)
    try:
        render.open_sessions(composition)  # worker 0 reads the plan; the others start their browsers at once
        render.plan_frames()               # frame range, path, workers
        render.start_audio()               # the mix, once per render (made as the encoder writes)
        render.open_blender()              # every shader checked (and compiled) before any capture
        render.start_pipeline(progress, cancel)  # fence, blend pool, rings, encoder, feeder, workers 1..W-1
        render.run_worker_zero()
        render.finish()
        return render.result(time.perf_counter() - started)
    except BaseException as exc:
        render.abort(exc)
        raise
    finally:
        render.close()


class _Render:
    """The resources of one render, acquired step by step and released once by `close`."""

    def __init__(self, options: RenderOptions, target: OutputTarget, warm: WarmState | None) -> None:
        self.options, self.target, self.out_path, self.warm = options, target, target.path, warm
        self.stats = Stats()
        self.session_options = options.session_options()
        self.threads: list[Joinable] = []
        self.early: list[Worker] = []
        self.session: BrowserSession | None = None
        self.browser: Browser | None = None
        self.blender: Blender | None = None
        self.encoder: Encoder | None = None
        self.job: Job | None = None
        self.shares: list[FrameSource[FrameInfo]] = []
        self.audio: RenderAudio | None = None
        self.video: VideoFrames | None = None

    # ---- the steps ----------------------------------------------------------------------------

    def open_sessions(self, composition: str | Path) -> None:
        self.early = [Worker(i, lambda: BrowserSession(composition, **self.session_options), self.stats, self.lane(i))
                      for i in range(1, 1 + early_workers(self.options, usable_cpus()))]
        with self.stats.timed("startup"):
            self.session = BrowserSession(composition, **self.session_options)
        self.check_fidelity()
        plan = self.session.plan
        self.plan: Plan = plan if self.options.fps is None else replace(plan, fps=self.options.fps)
        self.notes = named_mistakes(self.plan)  # misspelled attributes, transitions past the end: warned now

    def plan_frames(self) -> None:
        plan, still = self.plan, self.options.still
        if self.target.kind == "gif":
            check_gif_fps(plan.fps)
        self.decide_dynamic_range()
        indices = parse_frame_range(self.options.frames, plan.frame_count) if still is None \
            else still_frame(Fraction(still), plan.fps, plan.frame_count, plan.duration)
        self.frames = [plan.frame(i) for i in indices]
        self.transition_frames = sum(f.is_transition for f in self.frames)
        self.decision: RenderDecision = decide(
            self.options, frame_count=len(self.frames), transition_frames=self.transition_frames,
            frame_bytes=plan.width * plan.height * (8 if self.options.alpha else 6), cpus=usable_cpus(), available_bytes=available_memory(),
            hdr=self.dynamic.hdr)
        log.info("path %s: %s", "hybrid" if self.decision.hybrid else "sequential", self.decision.reason)

    def decide_dynamic_range(self) -> None:
        """HDR or SDR (`engine.media.hdr`) from the video sources' tags and what was asked; an HDR
        render's output is checked (and with ``codec='auto'`` chosen) for HDR."""
        self.dynamic: DynamicRange = decide_dynamic_range(self.options.dynamic_range, hdr_sources(self.plan))
        log.info("dynamic range %s: %s", self.dynamic.name, self.dynamic.reason)
        assert self.session is not None
        if self.session.hdr_signal != self.dynamic.transfer:  # both decide from the same tags and option
            raise CaptureError(f"the browser session's frames are {self.session.hdr_signal or 'SDR'} but the render "
                               f"is {self.dynamic.transfer or 'SDR'}")
        if self.dynamic.hdr:
            self.target = self.options.target(self.out_path, self.dynamic.transfer)
            log.info("HDR output: codec %s, BT.2020 non-constant luminance, transfer %s", self.target.codec,
                     self.dynamic.transfer)
        if self.dynamic.warning:
            warnings.warn(self.dynamic.warning, RenderWarning, stacklevel=2)

    def start_audio(self) -> None:
        audible = [clip for clip in self.plan.media_clips if clip.audible]
        if not (self.options.audio and audible) or self.target.kind == "still":  # nobody expects a still's sound
            return
        if not self.target.has_audio:
            warnings.warn(f"{self.out_path.name}: a {self.target.kind} output holds no sound; the audio of "
                          f"{len(audible)} clip(s) is left out ({option('audio', python='False')} silences this)",
                          RenderWarning, stacklevel=2)
        else:
            self.audio = RenderAudio(self.plan, self.frames[0].index / self.plan.fps, self.options.loudness)

    def open_blender(self) -> None:
        self.blender = blender = self.warm.blender(self.options.backend) if self.warm else Blender(self.options.backend)
        shaders = sorted({f.transition.shader for f in self.frames if f.transition is not None})
        self.transitions = {name: checked_transition(blender, name) for name in shaders}

    def start_pipeline(self, progress: ProgressCallback | None, cancel: threading.Event | None) -> None:
        plan, decision, options = self.plan, self.decision, self.options
        assert self.blender is not None
        hybrid, depth = decision.hybrid, decision.ring_depth
        fence: ReorderFence[FenceEntry] = ReorderFence([f.index for f in self.frames],
                                                       capacity=max(2, decision.workers * depth))
        pool = ThreadPoolExecutor(max_workers=max(1, min(2, usable_cpus() - 1)), thread_name_prefix="engine-blend") \
            if hybrid and self.transition_frames else None
        if any(clip.kind == "video" for clip in plan.media_clips):
            assert self.session is not None
            capture = self.session.options
            writer = picture_writer(capture.capture_format, capture.jpeg_quality)
            self.video = VideoFrames(plan.media_clips, float(plan.duration), schedule=[float(f.time) for f in self.frames],
                                     keep=max(12, 4 * decision.workers), writer=writer,
                                     deep=capture.native_layers,
                                     signal=self.dynamic.transfer if capture.native_layers else None)
        self.job = job = Job(plan, self.frames, self.blender, self.transitions, self.stats, fence, pool, cancel,
                             video=self.video)
        self.shares = frame_sources(self.frames, decision.workers if hybrid else 1,
                                    options.partition if hybrid else "contiguous")
        job.rings = [BufferRing(depth, plan.width, plan.height, 4 if options.alpha else 3) for _ in self.shares]
        self.encoder = Encoder(self.out_path, plan.width, plan.height, plan.fps, codec=self.target.codec,
                               transfer=self.target.transfer, quality=options.quality, hash_frames=options.hash_frames,
                               audio=self.audio.stream if self.audio is not None else None,
                               still=self.target.kind == "still", first_index=self.frames[0].index,
                               alpha=options.alpha)
        feeder = threading.Thread(target=feed, args=(job, self.encoder, progress), name="engine-feed", daemon=True)
        feeder.start()
        self.threads.append(feeder)
        for i in range(1, len(self.shares)):
            if i > len(self.early):
                self.early.append(Worker(i, lambda: BrowserSession(plan, **self.session_options), self.stats,
                                         self.lane(i)))
            self.early[i - 1].start(job, self.shares[i], job.rings[i])
        for worker in self.early[len(self.shares) - 1:]:
            worker.dismiss()
        self.threads += self.early
        self.early = []

    def run_worker_zero(self) -> None:
        job = self.job
        assert job is not None and self.session is not None
        self.browser = Browser(lambda: BrowserSession(self.plan, **self.session_options), self.session)
        try:
            walk(job, self.browser, self.shares[0], job.rings[0])
        except FenceAborted:
            pass
        except BaseException as exc:
            job.abort(exc)
        for thread in self.threads:
            thread.join()
        self.threads.clear()
        if job.fence.error is not None:
            raise job.fence.error

    def page_warnings(self) -> list[PageWarning]:
        """What any worker's page met that cannot be rendered faithfully, each once."""
        assert self.session is not None
        sessions = [self.session] + ([self.browser.session] if self.browser is not None else [])
        found = [w for s in sessions for w in s.warnings] + (self.job.worker_warnings if self.job is not None else [])
        return list(dict.fromkeys(found))

    def check_fidelity(self) -> None:
        """With ``strict``, anything the page cannot render faithfully is bad input."""
        assert self.session is not None
        unfaithful = [w for w in self.page_warnings() if is_unfaithful(w.code)]
        if self.options.strict and unfaithful:
            raise strict_error(self.session.plan.source.name, unfaithful)

    def finish(self) -> None:
        assert self.encoder is not None
        self.check_fidelity()  # a request blocked during the render counts too
        with self.stats.timed("encode_flush"):
            self.encoder.finish()
        if self.audio is not None:
            self.audio.check()
        self.stats.seconds["encode"] = self.encoder.seconds

    def result(self, seconds: float) -> RenderResult:
        assert self.blender is not None and self.session is not None and self.encoder is not None
        hybrid, plan = self.decision.hybrid, self.plan
        used = sorted({self.blender.choose(t) for t in self.transitions.values()})
        return RenderResult(
            output=self.out_path, frames=len(self.frames), seconds=seconds,
            path="hybrid" if hybrid else "sequential", path_reason=self.decision.reason,
            partition=self.options.partition if hybrid else None, workers=len(self.shares),
            ring_depth=self.decision.ring_depth, backend="+".join(used) or "none",
            gl_renderer=self.blender.gl_renderer, width=plan.width, height=plan.height, fps=plan.fps,
            codec=self.target.codec, quality=self.options.quality,
            capture_format=self.session.options.capture_format, capture_mode=self.session.capture_mode,
            stage_seconds=dict(self.stats.seconds), frame_hashes=self.encoder.hashes,
            warnings=[w.as_dict() for w in self.page_warnings()]
            + ([self.audio.warning.as_dict()] if self.audio is not None and self.audio.warning else []) + self.notes,
            transitions=[transition_summary(t.as_dict()) for t in plan.transitions],
            media=media_summary(plan.media_clips, self.audio.summary() if self.audio is not None else None),
            alpha=self.options.alpha, dynamic_range=self.dynamic.name, dynamic_range_reason=self.dynamic.reason,
            video_layers=self.video.layers_summary() if self.video is not None else {},
            captures=self.job.captures if self.job is not None else 0,
            browser_restarts=self.job.browser_restarts if self.job is not None else 0)

    def lane(self, index: int) -> Lane | None:
        """Worker `index`'s thread when a Renderer keeps them (None: a thread of its own)."""
        return self.warm.lane(index) if self.warm is not None else None

    # ---- teardown -----------------------------------------------------------------------------

    def abort(self, error: BaseException) -> None:
        if self.job is not None:
            self.job.abort(error)

    def close(self) -> None:
        """Release everything this render acquired, each once (also after a failed step)."""
        for worker in self.early:  # not started: the render failed before its plan was made
            worker.dismiss()
        for thread in self.threads + self.early:
            thread.join(timeout=30)
        if self.job is not None and self.job.blend_pool is not None:
            self.job.blend_pool.shutdown(wait=True, cancel_futures=True)
        if self.encoder is not None:
            self.encoder.abort()  # no-op after a successful finish()
        if self.browser is not None:
            self.browser.close()
        elif self.session is not None:
            self.session.close()
        if self.blender is not None and self.warm is None:  # a Renderer's blender stays open
            self.blender.close()
        if self.audio is not None:
            self.audio.close()
        if self.video is not None:
            self.video.close()
