"""Render options: every option of `engine.render`, validated on construction against the knob
table (`engine.knobs`), and the capture options a quality preset implies."""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypedDict

from .. import caller
from ..blend.cpu_backend import default_threads
from ..blend.gl_backend import gl_disabled
from ..capture.options import CaptureOptions
from ..composition.variables import check_values_object
from ..config import check_int
from ..errors import ConfigError
from ..knobs import CAPTURE_FORMAT_BY_QUALITY, JPEG_QUALITY_BY_QUALITY, knob
from ..output.formats import OutputTarget, resolve_output
from ..pipeline.planning import parse_still, split_frame_range

__all__ = ["RenderOptions", "RenderDefaults", "PATHS", "parse_fps", "parse_ray_address", "ring_depth_from_env", "check_environment"]

PATHS: tuple[str, ...] = knob("path").choices or ()
_CLIENT = re.compile(r"^ray://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")


def parse_fps(value: Any) -> Fraction:
    """Frames per second from 30, 29.97, "30000/1001" or a Fraction; 1..240."""
    try:
        fps = Fraction(str(value).strip()) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"fps={value!r} is not valid; expected a number such as 30 or 30000/1001") from None
    if not 1 <= fps <= 240:
        raise ConfigError(f"fps={value!r} is not valid; expected 1 to 240")
    return fps.limit_denominator(1_000_000)


def parse_ray_address(address: object) -> str:
    """``local``, ``auto`` or ``ray://host:port``; ConfigError naming what is expected otherwise."""
    text = str(address).strip() if isinstance(address, str) else ""
    if text.lower() in ("local", "auto"):
        return text.lower()
    if _CLIENT.match(text):
        return text
    raise ConfigError(f"ray={address!r} is not valid; expected local (a cluster on this machine for this render), "
                      "auto (the running cluster, as Ray finds it) or ray://HOST:PORT (a Ray client address)")


def check_loudness(value: object) -> float:
    """A ``loudness`` target in LUFS, -70..0 (a number or its text); ConfigError naming what is expected."""
    try:
        number = float(str(value).strip().removesuffix("LUFS").strip()) if not isinstance(value, bool) else math.nan
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and -70.0 <= number <= 0.0):
        raise ConfigError(f"{caller.given('loudness', value)} is not valid; expected an integrated loudness in LUFS "
                          "from -70 to 0 (-14 for the web, -23 for broadcast)")
    return number


def ring_depth_from_env() -> int:
    """`ENGINE_RING_DEPTH` (1..64), default 4."""
    ring = knob("ring_depth")
    return ring.int_from_env(int(ring.default))


class RenderDefaults(TypedDict, total=False):
    """The keyword options of `engine.render` (its own parameters, typed alike), as an
    `engine.Renderer` takes them for its defaults and each of its renders (``Unpack``): every
    `RenderOptions` field, and the callbacks. tests/test_knobs.py checks the three agree."""

    fps: Fraction | float | str | None
    workers: int | str
    backend: str
    path: str
    partition: str
    ring_depth: int | None
    codec: str
    quality: str
    frames: str | tuple[int, int] | None
    still: float | str | Fraction | None
    hash_frames: bool
    strict: bool
    audio: bool
    alpha: bool
    dynamic_range: str
    loudness: float | str | None
    ray: str | None
    chunk_frames: int | None
    capture: Mapping[str, Any] | None
    variables: Mapping[str, Any] | None
    strict_variables: bool
    progress: Callable[[int, int], None] | None
    cancel: threading.Event | None


@dataclass(frozen=True)
class RenderOptions:
    """Every render option, validated on construction (ConfigError names the bad one)."""

    fps: Fraction | None = None
    workers: int | str = "auto"
    backend: str = "auto"
    path: str = "auto"
    partition: str = "dynamic"
    ring_depth: int | None = None
    codec: str = "auto"
    quality: str = "standard"
    frames: str | tuple[int, int] | None = None
    still: Fraction | float | str | None = None  # seconds; a Fraction once checked
    hash_frames: bool = False
    strict: bool = False
    audio: bool = True
    alpha: bool = False
    dynamic_range: str = "auto"  # auto, hdr or sdr (`engine.media.hdr`)
    loudness: float | str | None = None  # LUFS the mix is normalised to; a float once checked
    ray: str | None = None
    chunk_frames: int | None = None
    capture: Mapping[str, Any] = field(default_factory=dict)
    variables: Mapping[str, Any] | None = None  # the composition's variable values (a JSON object)
    strict_variables: bool = False

    def __post_init__(self) -> None:
        if self.fps is not None:
            object.__setattr__(self, "fps", parse_fps(self.fps))
        if isinstance(self.workers, str) and self.workers.strip().lower() == "auto":
            object.__setattr__(self, "workers", "auto")
        else:
            object.__setattr__(self, "workers", check_int("workers", self.workers, 1, 64))
        for name in ("backend", "path", "partition", "codec", "quality", "dynamic_range"):
            object.__setattr__(self, name, knob(name).check(getattr(self, name)))
        depth = ring_depth_from_env() if self.ring_depth is None else knob("ring_depth").check(self.ring_depth)
        object.__setattr__(self, "ring_depth", depth)
        for name in ("hash_frames", "strict", "audio", "strict_variables", "alpha"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name}={getattr(self, name)!r} is not valid; expected True or False")
        if self.frames is not None:
            split_frame_range(self.frames)
        if self.still is not None:
            object.__setattr__(self, "still", parse_still(self.still))
            if self.frames is not None:
                raise ConfigError(f"{caller.name('still')} and {caller.name('frames')} cannot both be given: a "
                                  "still is one frame, at its time")
        if self.loudness is not None:
            object.__setattr__(self, "loudness", check_loudness(self.loudness))
        if self.ray is not None:
            object.__setattr__(self, "ray", parse_ray_address(self.ray))
        if self.chunk_frames is not None:
            object.__setattr__(self, "chunk_frames", knob("chunk_frames").check(self.chunk_frames))
            if self.ray is None:
                raise ConfigError(f"{caller.name('chunk_frames')} is for distributed renders; give "
                                  f"{caller.option('ray', 'ADDRESS', python='ADDRESS')} too")
        if self.path == "hybrid" and isinstance(self.workers, int) and self.workers < 2:
            raise ConfigError(f"path 'hybrid' needs at least 2 workers; {caller.given('workers', self.workers)}")
        object.__setattr__(self, "variables", check_values_object(self.variables, "variables") or None)
        if self.variables and "variables" in self.capture:
            raise ConfigError("variables and capture={'variables': ...} cannot both be given; pass them as variables=")
        check_environment(self.capture)

    def target(self, output: str | os.PathLike[str], transfer: str | None = None) -> OutputTarget:
        """The output these options write to `output`, checked (that a file can be made there: its
        folder, or the nearest one above a missing folder, takes a new file; its extension against
        the codec, a still's PNG, an encoder that keeps alpha with `alpha`, one that holds HDR for
        an HDR `transfer` or with ``dynamic_range='hdr'``) before any browser starts.
        Missing folders are made when the first frame is written."""
        if transfer is None and self.dynamic_range == "hdr":
            transfer = "hlg"  # the sources' transfer is known later; either needs an HDR output
        target = resolve_output(output, self.codec, still=self.still is not None, transfer=transfer)
        if self.alpha:
            target.check_alpha()
        return target

    def session_options(self) -> dict[str, Any]:
        """Options for each browser session: the `capture` ones, with the capture format the
        quality preset allows unless one was chosen (option or ENGINE_CAPTURE_FORMAT): exact
        PNG at ``high``, JPEG at ``standard`` (quality 95) and ``draft`` (quality 80). The
        JPEG is 4:2:0 like the h264/hevc output, so at ``standard`` it costs the video 1-2 dB
        against exact PNG (bench/RESULTS.md) and halves the capture time."""
        options = dict(self.capture)
        chosen = "capture_format" in options or knob("capture_format").env_set()
        if not chosen:
            options["capture_format"] = "png" if self.alpha else CAPTURE_FORMAT_BY_QUALITY[self.quality]
        if self.alpha:
            options["alpha"] = True
        if options.get("capture_format", "png") == "jpeg" and "jpeg_quality" not in options:
            options["jpeg_quality"] = JPEG_QUALITY_BY_QUALITY[self.quality]
        if self.variables:
            options["variables"] = dict(self.variables)
        if not self.alpha:  # the session's frames are HDR when the render is (`engine.media.hdr`)
            options["dynamic_range"] = self.dynamic_range
        return options


def check_environment(capture: Mapping[str, Any] | None = None) -> None:
    """Check the environment knobs a render reads (``ENGINE_GL``, ``ENGINE_CPU_THREADS``, the
    capture ones) and the `capture` options before any browser starts: a bad value fails at
    once, also where this render would never read it (no transition: no GL probe)."""
    gl_disabled()
    default_threads()
    CaptureOptions.from_env(**dict(capture or {}))
