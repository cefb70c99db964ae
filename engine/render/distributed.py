"""Rendering across machines on Ray (`engine.render(..., ray=ADDRESS)`, ``--ray ADDRESS``).

The driver reads the plan, cuts the frames into chunks (`engine.pipeline.chunks`), ships the
composition folder to the cluster once (a gzip tar in Ray's object store, unpacked on each node
and served there by the same sandbox), and starts one `ChunkRenderer` actor per CPU of the
cluster (a GPU share each where the cluster has GPUs, so blends run there); each actor renders
chunks on a warm `engine.Renderer`, one after another, as they come free. Chunks come back as
encoded files and are joined in order without re-encoding (`engine.render.join`); the audio is
mixed once, here, and muxed as they go in. A chunk whose actor died is run again, on the actor
Ray restarted or on another (`MAX_CHUNK_ATTEMPTS` in all); one that fails every time fails the
render, leaving nothing at the output path. An HDR render is HDR on every actor: each decides
from the same tags (`engine.media.hdr`), so the chunks share one codec and signal and join as SDR
chunks do.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..capture.session import load_plan
from ..composition.plan import Plan
from ..config import usable_cpus
from ..errors import ConfigError, EngineError, RenderCancelled, RenderWarning
from ..media.hdr import decide_dynamic_range, hdr_sources
from ..output.formats import OutputTarget, make_folders, remove_folders
from ..pipeline.chunks import chunk_ranges, default_chunk_frames
from ..pipeline.planning import parse_frame_range
from .audio import RenderAudio
from .join import join_chunks
from .options import RenderOptions, parse_ray_address
from .ray_actor import MAX_ARCHIVE_BYTES, ChunkRenderer, pack_folder
from .result import RenderResult, media_summary

__all__ = ["render_on_ray", "MAX_CHUNK_ATTEMPTS"]

log = logging.getLogger("engine.render")

#: Tries of one chunk (Ray's own task retries on a restarted actor come on top).
MAX_CHUNK_ATTEMPTS = 3


def _connect(ray: Any, address: str) -> bool:
    """Connect to (or start) the cluster; True when this render started it (and stops it)."""
    if ray.is_initialized():
        return False
    try:
        if address == "local":
            ray.init(num_cpus=usable_cpus(), include_dashboard=False, log_to_driver=False, configure_logging=False)
            return True
        ray.init(address=address, log_to_driver=False, configure_logging=False)
        return False
    except Exception as exc:  # noqa: BLE001 - every way Ray fails to connect is the same mistake to the user
        raise ConfigError(f"cannot reach a Ray cluster at ray={address!r}: {str(exc).strip().splitlines()[0]}") from None


def _check_target(output: Path, options: RenderOptions, transfer: str | None = None) -> OutputTarget:
    target = options.target(output, transfer)
    if target.kind != "video":
        raise ConfigError(f"ray: a distributed render writes a video file (.mp4, .mov, .webm, .mkv); output "
                          f"{str(output)!r} is a {target.kind} (render it on one machine)")
    return target


def _transition_continues(plan: Plan) -> Callable[[int], bool]:
    def inside(i: int) -> bool:
        here = plan.frame(i).transition
        return i > 0 and here is not None and plan.frame(i - 1).transition is here
    return inside


def merge_video_layers(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``video_layers`` stats of chunks rendered apart, as one render's: frames of each kind
    summed, each refused element once (its first reason)."""
    merged: dict[str, Any] = {}
    fallbacks: dict[str, dict[str, str]] = {}
    for part in parts:
        for key, value in part.items():
            if key == "fallbacks":
                for entry in value:
                    fallbacks.setdefault(entry["element"], entry)
            else:
                merged[key] = merged.get(key, 0) + int(value)
    if merged or fallbacks:
        merged["fallbacks"] = list(fallbacks.values())
    return merged


def render_on_ray(composition: Path, output: Path, options: RenderOptions, address: str,
                  chunk_frames: int | None = None, progress: Callable[[int, int], None] | None = None,
                  cancel: threading.Event | None = None) -> RenderResult:
    """Render `composition` to `output` on the Ray cluster at `address` (see the module)."""
    started = time.perf_counter()
    address = parse_ray_address(address)
    target = _check_target(output, options)
    if options.still is not None:
        raise ConfigError("ray: a still is one frame; render it on one machine")
    try:
        import ray
    except ImportError:
        raise ConfigError("ray: the ray package is not installed; pip install 'engine[ray]' (on every node too)") from None
    plan = load_plan(composition, **options.session_options())
    dynamic = decide_dynamic_range(options.dynamic_range, hdr_sources(plan))
    if dynamic.hdr:  # every actor decides the same from the same tags: HDR chunks in this output's codec
        target = _check_target(output, options, dynamic.transfer)
    if dynamic.warning:
        warnings.warn(dynamic.warning, RenderWarning, stacklevel=3)
    if options.fps is not None:
        plan = replace(plan, fps=options.fps)
    frames = list(parse_frame_range(options.frames, plan.frame_count))
    archive, digest = pack_folder(plan.root_dir)
    if len(archive) > MAX_ARCHIVE_BYTES:
        raise ConfigError(f"ray: the composition folder {plan.root_dir} packs to {len(archive) / 1e9:.1f} GB; "
                          f"at most {MAX_ARCHIVE_BYTES / 1e9:.0f} GB is shipped")
    html = plan.source.relative_to(plan.root_dir).as_posix()
    started_here = _connect(ray, address)
    tmp_paths: list[Path] = []
    made: list[Path] = []
    actors: list[Any] = []
    audio: RenderAudio | None = None
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        gpus = float(ray.cluster_resources().get("GPU", 0))
        size = chunk_frames or default_chunk_frames(len(frames), cpus)
        chunks = chunk_ranges(frames, size, _transition_continues(plan))
        count = min(cpus, len(chunks))
        defaults = {name: getattr(options, name)
                    for name in ("backend", "codec", "quality", "strict", "alpha", "variables", "strict_variables",
                                 "dynamic_range")}
        defaults.update(workers=1, capture=dict(options.session_options()), fps=options.fps)
        remote = ray.remote(ChunkRenderer).options(num_cpus=1, num_gpus=gpus / count if gpus else 0,
                                                   max_restarts=2, max_task_retries=1)
        actors = [remote.remote(defaults) for _ in range(count)]
        archive_ref = ray.put(archive)
        results = _run_chunks(ray, actors, chunks, archive_ref, digest, html, target.path.suffix, progress, cancel,
                              len(frames))
        base = target.path
        made = make_folders(base)  # the output's missing folders, removed again if nothing is written
        for chunk in chunks:
            path = base.with_name(f".{base.name}.{uuid.uuid4().hex[:8]}.chunk{chunk.start}{base.suffix}")
            path.write_bytes(results[chunk.start]["data"])
            tmp_paths.append(path)
        if options.audio and any(clip.audible for clip in plan.media_clips):
            audio = RenderAudio(plan, frames[0] / plan.fps, options.loudness)
        joined = base.with_name(f".{base.name}.{uuid.uuid4().hex[:8]}.partial{base.suffix}")
        tmp_paths.append(joined)
        join_chunks(tmp_paths[:-1], joined, base.suffix, plan.fps, [len(c) for c in chunks],
                    audio.stream if audio is not None else None)
        if audio is not None:
            audio.check()
        os.replace(joined, base)
        first = results[chunks[0].start]
        hashes = [h for chunk in chunks for h in results[chunk.start]["hashes"]]
        stage: dict[str, float] = {}
        for chunk in chunks:
            for key, value in results[chunk.start]["stage_seconds"].items():
                stage[key] = stage.get(key, 0.0) + value
        warnings_seen = {tuple(sorted(w.items())): w for r in results.values() for w in r["warnings"]}
        return RenderResult(
            output=base, frames=len(frames), seconds=time.perf_counter() - started, path="ray",
            path_reason=f"{len(chunks)} chunks of about {size} frames on {count} Ray actor(s) at {address}",
            partition=None, workers=count, ring_depth=int(options.ring_depth or 0),
            backend="+".join(sorted({b for r in results.values() for b in r["backend"].split("+") if b != "none"}))
            or "none",
            gl_renderer=None, width=plan.width, height=plan.height, fps=plan.fps, codec=target.codec,
            quality=options.quality, capture_format=first["capture_format"], capture_mode=first["capture_mode"],
            stage_seconds=stage, frame_hashes=hashes if options.hash_frames else None,
            warnings=list(warnings_seen.values()) + ([audio.warning.as_dict()] if audio and audio.warning else []),
            alpha=options.alpha, media=media_summary(plan.media_clips, audio.summary() if audio else None),
            dynamic_range=dynamic.name, dynamic_range_reason=dynamic.reason,
            video_layers=merge_video_layers([r.get("video_layers") or {} for r in results.values()]),
            captures=sum(int(r.get("captures") or 0) for r in results.values()),
            browser_restarts=sum(int(r.get("browser_restarts") or 0) for r in results.values()))
    finally:
        for path in tmp_paths:
            path.unlink(missing_ok=True)
        if made and not target.path.exists():
            remove_folders(made)
        if audio is not None:
            audio.close()
        for actor in actors:
            try:
                ray.kill(actor)
            except Exception:  # noqa: BLE001 - already gone
                pass
        if started_here:
            ray.shutdown()


def _run_chunks(ray: Any, actors: list[Any], chunks: list[range], archive_ref: Any, digest: str, html: str,
                suffix: str, progress: Callable[[int, int], None] | None, cancel: threading.Event | None,
                total: int) -> dict[int, dict[str, Any]]:
    """Each chunk rendered by the next free actor; a failed chunk tried again (elsewhere when
    another actor is alive), `MAX_CHUNK_ATTEMPTS` times in all."""
    waiting = list(chunks)
    attempts: dict[int, int] = {}
    running: dict[Any, tuple[range, Any]] = {}
    free = list(actors)
    done: dict[int, dict[str, Any]] = {}
    frames_done = 0
    while waiting or running:
        if cancel is not None and cancel.is_set():
            raise RenderCancelled("render cancelled")
        while waiting and free:
            chunk, actor = waiting.pop(0), free.pop(0)
            attempts[chunk.start] = attempts.get(chunk.start, 0) + 1
            ref = actor.render_chunk.remote(archive_ref, digest, html, chunk.start, chunk.stop, suffix)
            running[ref] = (chunk, actor)
        ready, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
        for ref in ready:
            chunk, actor = running.pop(ref)
            try:
                done[chunk.start] = ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - an actor that died, or the render's own error
                cause = getattr(exc, "cause", None)
                if isinstance(cause, EngineError) and not isinstance(exc, ray.exceptions.RayActorError):
                    raise cause from None  # bad input or a failed render: the same on every try
                if attempts[chunk.start] >= MAX_CHUNK_ATTEMPTS:
                    raise EngineError(f"ray: frames {chunk.start}..{chunk.stop - 1} failed {attempts[chunk.start]} "
                                      f"times: {str(exc).strip().splitlines()[0]}") from None
                log.warning("ray: frames %d..%d failed (%s); trying again", chunk.start, chunk.stop - 1,
                            str(exc).strip().splitlines()[0])
                waiting.insert(0, chunk)
                free.append(actor)  # Ray restarts a dead actor (max_restarts); another free one goes first
                continue
            free.append(actor)
            frames_done += len(chunk)
            if progress is not None:
                progress(frames_done, total)
    return done
