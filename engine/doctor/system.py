"""The doctor's checks of the machine: the blend backends (GL, CPU kernels), PyAV's encoders,
fonts, CPUs and memory and the worker count they imply. Each returns its `Check` lines and
raises `Failed` for a failure it knows; each releases what it opened."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .browser import run_command
from .report import Check, Failed

if TYPE_CHECKING:
    from ..blend import Blender

__all__ = ["check_gl", "check_cpu", "check_encoders", "check_bundled_fonts", "check_fontconfig", "check_machine",
           "check_workers", "MESA_FIX", "BUILD_FIX", "FONTS_FIX"]

MESA_FIX = "install Mesa EGL: apt-get install libegl1 libgl1 libgl1-mesa-dri (make bootstrap does)"
BUILD_FIX = "rebuild the kernels: make bootstrap, or .venv/bin/pip install -e . (needs gcc and python3-dev)"
FONTS_FIX = "apt-get install fontconfig fonts-dejavu-core fonts-liberation2 fonts-noto-core (make bootstrap does)"
#: What `--workers auto` is worked out for: a 1080p composition of 300 frames, no transitions.
WORKERS_FOR = (1920, 1080, 300)
LOW_MEMORY = 2 * 1024**3


def _blend_test(blender: Blender) -> None:
    """A crossfade of black into white at 0.5 must give mid grey."""
    import numpy as np

    black, white = np.zeros((8, 8, 3), np.uint16), np.full((8, 8, 3), 65535, np.uint16)
    grey = int(blender.blend("crossfade", black, white, 0.5).mean())
    if abs(grey - 32768) > 1024:
        raise Failed(f"a test crossfade at 0.5 gave {grey}, expected about 32768",
                     "this backend blends wrongly here; use the other one (--backend) and report it")


def check_gl() -> list[Check]:
    """The GL backend: off (ENGINE_GL=off), unavailable, or its renderer (a software rasterizer
    such as llvmpipe is a WARN), with a test blend."""
    from ..blend import Blender
    from ..blend.gl_backend import gl_disabled
    from ..errors import BackendUnavailableError

    if gl_disabled():
        return [Check("gl", "WARN", "off (ENGINE_GL=off): blends run on the CPU kernels, transitions without one "
                      "fail", "unset ENGINE_GL to blend on GL")]
    try:
        blender = Blender("gl")
    except BackendUnavailableError as exc:
        raise Failed(f"{exc}; blends run on the CPU kernels, transitions without one fail", MESA_FIX) from None
    with blender:
        info = blender.info
        _blend_test(blender)
    renderer = info.gl_renderer or "unknown renderer"
    if info.gl_hardware:
        return [Check("gl", "OK", f"{renderer} (GPU); test blend passed", need="blend")]
    return [Check("gl", "WARN", f"{renderer} is a software rasterizer: GL blends run on the CPU; test blend passed",
                  "nothing to do for transitions with a CPU kernel (backend auto uses the kernels); for GPU blends, "
                  "run where EGL reaches a GPU driver", "blend")]


def _has_openmp(module: object) -> bool:
    path = getattr(module, "__file__", None)
    return bool(path) and b"GOMP_" in Path(str(path)).read_bytes()


def check_cpu() -> list[Check]:
    """The CPU backend: which Cython kernel modules import, whether they were built with OpenMP,
    the threads per blend (ENGINE_CPU_THREADS), with a test blend."""
    from ..blend import Blender
    from ..blend.cpu_backend import KERNEL_MODULES, available_kernels
    from ..config import usable_cpus

    kernels = available_kernels()
    modules = {module.__name__.rsplit(".", 1)[-1]: module for module, _ in kernels.values()}
    if not modules:
        raise Failed("no Cython kernel module imports (engine.blend.kernels.*)", BUILD_FIX)
    openmp = any(_has_openmp(m) for m in modules.values())
    with Blender("cpu") as blender:
        threads = blender.info.cpu_threads
        _blend_test(blender)
    detail = (f"{len(kernels)} kernels in {len(modules)} modules, {'OpenMP' if openmp else 'serial build'}, "
              f"{threads} thread{'s' * (threads != 1)} per blend; test blend passed")
    missing = [name for name in KERNEL_MODULES if name not in modules]
    if missing:
        return [Check("cpu kernels", "WARN", f"{detail}; not built: {', '.join(missing)}", BUILD_FIX, "blend")]
    if not openmp and usable_cpus() > 1:
        return [Check("cpu kernels", "WARN", detail + ": each blend uses one CPU",
                      "rebuild with OpenMP: ENGINE_OPENMP=1 .venv/bin/pip install -e . (needs gcc)", "blend")]
    return [Check("cpu kernels", "OK", detail, need="blend")]


def _encoder_line(name: str, encoder: str, formats: Sequence[str], use: str) -> Check:
    """Whether PyAV has `encoder` and it takes the pixel (or sample) `formats` the engine gives it."""
    import av

    need = "h264" if encoder == "libx264" else None
    fix = f"install a PyAV whose FFmpeg has {encoder} (PyPI's wheels do): .venv/bin/pip install --force-reinstall av"
    try:
        codec = av.codec.Codec(encoder, "w")
    except Exception:
        return Check(name, "FAIL", f"PyAV's FFmpeg has no {encoder} encoder", fix, need)
    taken = [f.name for f in (codec.video_formats or codec.audio_formats or ())]
    refused = [f for f in formats if taken and f not in taken]
    if refused:
        return Check(name, "FAIL", f"{encoder} does not take {', '.join(refused)}, which the engine gives it", fix, need)
    return Check(name, "OK", f"{encoder} ({codec.long_name}), {'/'.join(formats)}, {use}", need=need)


def check_encoders() -> list[Check]:
    """PyAV's version, then whether it has each encoder of `engine.output.encoder.CODECS` (whatever that
    table holds when the check runs) and each audio encoder the engine uses, taking the pixel or
    sample format the engine gives it."""
    import av

    from ..media.audio_encode import AUDIO_CODECS
    from ..output.encoder import CODECS

    lines = [Check("pyav", "OK", f"PyAV {av.__version__}, FFmpeg {getattr(av, 'ffmpeg_version_info', 'unknown')}")]
    for name, spec in CODECS.items():
        formats = [spec.pix_fmt] + [f for f in [getattr(spec, "alpha_pix_fmt", None)] if f]
        use = " ".join(getattr(spec, "extensions", ())) or name
        lines.append(_encoder_line(f"encoder {name}", spec.encoder, formats, use))
    audio: dict[tuple[str, str], list[str]] = {}
    for container, entry in AUDIO_CODECS.items():
        audio.setdefault((str(entry[0]), str(entry[1])), []).append(container)
    for (encoder, sample_fmt), containers in audio.items():
        lines.append(_encoder_line(f"audio {encoder}", encoder, [sample_fmt], "audio in " + ", ".join(containers)))
    return lines


def check_bundled_fonts() -> list[Check]:
    """The font files engine/capture/fonts/fonts.json lists (HyperFrames' fonts) are all there."""
    from ..capture.fonts import fonts_dir, manifest

    folder, families = fonts_dir(), manifest()["fonts"]
    files = [name for family in families.values() for name in family["files"].values()]
    missing = [name for name in files if not (folder / name).is_file()]
    if missing:
        raise Failed(f"{len(missing)} of the {len(files)} files fonts.json lists are missing from {folder}: "
                     + ", ".join(missing[:3]) + ("..." if len(missing) > 3 else ""),
                     "restore engine/capture/fonts (git checkout engine/capture/fonts), or reinstall the engine")
    return [Check("fonts", "OK", f"{len(families)} bundled families, {len(files)} files in {folder}")]


def check_fontconfig() -> list[Check]:
    """fontconfig's fonts (`fc-list`), which ENGINE_FONTS=system and unbundled families use."""
    exe = shutil.which("fc-list")
    if exe is None:
        return [Check("fontconfig", "WARN", "fc-list not found: fontconfig is not installed", FONTS_FIX)]
    done = run_command([exe, "--format", "%{family[0]}\n"], timeout=60)
    names = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not names:
        return [Check("fontconfig", "WARN", "fontconfig has no fonts: families the engine does not bundle, and "
                      "every family with ENGINE_FONTS=system, fall back to whatever Chromium finds", FONTS_FIX)]
    return [Check("fontconfig", "OK", f"{len(set(names))} families, {len(names)} files (fc-list)")]


def check_ray() -> list[Check]:
    """Ray, for --ray (optional: renders on one machine need none of it)."""
    try:
        import ray
    except ImportError:
        return [Check("ray", "WARN", "not installed: --ray (rendering across machines) is unavailable",
                      "pip install 'engine[ray]' where you render across machines")]
    return [Check("ray", "OK", f"Ray {ray.__version__}: --ray local|auto|ray://HOST:PORT can render across machines")]


def check_machine() -> list[Check]:
    """CPUs this process may use and the memory available now (what `--workers auto` reads)."""
    from ..config import available_memory, usable_cpus

    cpus, memory = usable_cpus(), available_memory()
    lines = [Check("cpus", "OK" if cpus > 1 else "WARN", f"{cpus} usable (of {os.cpu_count() or cpus} online)",
                   "renders run on one browser session; give the process more CPUs")]
    lines.append(Check("memory", "OK" if memory >= LOW_MEMORY else "WARN", f"{memory / 1024**3:.1f} GiB available",
                       "little memory: free some, or lower ENGINE_RING_DEPTH"))
    return lines


def check_workers() -> list[Check]:
    """How many browser sessions `--workers auto` takes for a 1080p composition of 300 frames,
    from the planning functions the render calls (`decide`, `early_workers`)."""
    from ..config import available_memory, usable_cpus
    from ..pipeline.planning import decide, early_workers
    from ..render.options import RenderOptions

    width, height, frames = WORKERS_FOR
    cpus, options = usable_cpus(), RenderOptions()
    decision = decide(options, frame_count=frames, transition_frames=0, frame_bytes=width * height * 6,  # rgb48le
                      cpus=cpus, available_bytes=available_memory())
    detail = (f"{decision.workers} browser session{'s' * (decision.workers != 1)} for {width}x{height}, {frames} "
              f"frames ({'hybrid' if decision.hybrid else 'sequential'} path: {decision.reason}; ring depth "
              f"{decision.ring_depth}; {1 + early_workers(options, cpus)} start before the composition is read)")
    if decision.workers < min(cpus, frames):
        return [Check("workers auto", "WARN", detail + f": fewer than the {cpus} CPUs, memory is short",
                      "free memory, or lower ENGINE_RING_DEPTH")]
    return [Check("workers auto", "OK", detail)]

