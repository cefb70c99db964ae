"""What an output path asks for: the codec (named, or chosen by the extension), the kind of output
(a video file, an animated GIF, one still PNG, a numbered PNG sequence), and the checks on the
path made before any browser starts. Pure: nothing here touches PyAV.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..caller import option
from ..config import check_choice
from ..errors import ConfigError
from .hdr import HDR_AUTO, HDR_CODECS

__all__ = ["CodecSpec", "CODECS", "CODEC_CHOICES", "QUALITIES", "OutputTarget", "resolve_codec", "resolve_output",
           "check_output_path", "check_hdr_output", "sequence_pattern", "sequence_name", "ALPHA_CODECS", "check_writable", "make_folders",
           "remove_folders"]

QUALITIES = ("draft", "standard", "high")


@dataclass(frozen=True)
class CodecSpec:
    """An output codec: its encoder, pixel format, container per extension, and options per quality."""

    encoder: str
    pix_fmt: str
    extensions: tuple[str, ...]
    options: dict[str, dict[str, str]]
    kind: str = "video"  # video, gif or png
    alpha_pix_fmt: str | None = None


_X265 = "log-level=error"
#: Codec name -> encoder, pixel format, accepted extensions, options per quality.
CODECS: dict[str, CodecSpec] = {
    "h264": CodecSpec("libx264", "yuv420p", (".mp4", ".mkv", ".mov"), {
        "draft": {"crf": "28", "preset": "veryfast"},
        "standard": {"crf": "20", "preset": "veryfast"},
        "high": {"crf": "16", "preset": "slow"},
    }),
    "hevc": CodecSpec("libx265", "yuv420p10le", (".mp4", ".mkv", ".mov"), {
        "draft": {"crf": "30", "preset": "veryfast", "x265-params": _X265},
        "standard": {"crf": "24", "preset": "fast", "x265-params": _X265},
        # crf 16 as x264's: a 10-bit ramp keeps its levels (0.45 codes RMS off straight, 0.62 at crf 20)
        "high": {"crf": "16", "preset": "slow", "x265-params": _X265},
    }),
    "prores": CodecSpec("prores_ks", "yuv444p10le", (".mov",), {
        "draft": {"profile": "4444"},
        "standard": {"profile": "4444"},
        "high": {"profile": "4444xq"},
    }, alpha_pix_fmt="yuva444p10le"),
    # libvpx in constant-quality mode (b:v 0); row-mt spreads a frame over the cores.
    "vp9": CodecSpec("libvpx-vp9", "yuv420p", (".webm", ".mkv"), {
        "draft": {"crf": "40", "b": "0", "deadline": "realtime", "cpu-used": "8", "row-mt": "1"},
        "standard": {"crf": "32", "b": "0", "deadline": "good", "cpu-used": "5", "row-mt": "1"},
        "high": {"crf": "24", "b": "0", "deadline": "good", "cpu-used": "2", "row-mt": "1"},
    }, alpha_pix_fmt="yuva420p"),
    # SVT-AV1 (the AV1 encoder this PyAV wheel has), 10-bit.
    "av1": CodecSpec("libsvtav1", "yuv420p10le", (".webm", ".mkv", ".mp4"), {
        "draft": {"crf": "45", "preset": "12"},
        "standard": {"crf": "35", "preset": "10"},
        "high": {"crf": "26", "preset": "6"},
    }),
    # Two passes: a palette made from every frame, then each frame mapped onto it (dithered).
    "gif": CodecSpec("gif", "pal8", (".gif",), {
        "draft": {"dither": "bayer:bayer_scale=3", "stats_mode": "full"},
        "standard": {"dither": "sierra2_4a", "stats_mode": "full"},
        "high": {"dither": "sierra2_4a", "stats_mode": "full"},
    }, kind="gif"),
    # One PNG per frame (or one still): 8-bit RGB, 16-bit at high.
    "png": CodecSpec("png", "rgb24", (".png",), {
        "draft": {"compression_level": "1"},
        "standard": {"compression_level": "3"},
        "high": {"compression_level": "3", "bits": "16"},
    }, kind="png", alpha_pix_fmt="rgba"),
}

#: The codecs that keep an alpha channel.
ALPHA_CODECS: tuple[str, ...] = tuple(name for name, spec in CODECS.items() if spec.alpha_pix_fmt is not None)

#: What ``codec="auto"`` picks for each extension.
_BY_EXTENSION = {".mp4": "h264", ".mkv": "h264", ".mov": "prores", ".webm": "vp9", ".gif": "gif", ".png": "png"}
CODEC_CHOICES: tuple[str, ...] = ("auto", *CODECS)

_PATTERN = re.compile(r"%(0?\d*)d")


def resolve_codec(output: str | os.PathLike[str], codec: str, *, hdr: bool = False) -> str:
    """The codec for `output`: `codec` itself, or with ``auto`` the one its extension implies
    (for an `hdr` render the HDR one: `engine.output.hdr.HDR_AUTO`)."""
    codec = check_choice("codec", codec, CODEC_CHOICES)
    if codec != "auto":
        return codec
    suffix = Path(output).suffix.lower()
    if hdr and suffix in HDR_AUTO:
        return HDR_AUTO[suffix]
    if suffix not in _BY_EXTENSION:
        known = ", ".join(f"{ext} ({name})" for ext, name in _BY_EXTENSION.items())
        raise ConfigError(f"output {str(output)!r} has extension {suffix or '(none)'!r}; expected one of {known}, "
                          f"or name the codec with {option('codec', 'CODEC', python='CODEC')}")
    return _BY_EXTENSION[suffix]


def sequence_pattern(name: str) -> re.Match[str] | None:
    """The ``%d``/``%04d`` placeholder of an image sequence's file name, if it has one (only one is allowed)."""
    found = list(_PATTERN.finditer(name))
    if len(found) > 1:
        raise ConfigError(f"output file name {name!r} has {len(found)} frame-number placeholders; expected one, "
                          "such as f_%04d.png")
    return found[0] if found else None


def sequence_name(pattern: str, index: int) -> str:
    """The file name of frame `index` in a sequence named `pattern` (``f_%04d.png`` -> ``f_0012.png``)."""
    match = sequence_pattern(pattern)
    assert match is not None
    width = match.group(1)
    number = f"{index:0{int(width)}d}" if width else str(index)
    return pattern[:match.start()] + number + pattern[match.end():]


@dataclass(frozen=True)
class OutputTarget:
    """A checked output: the path (a pattern for a sequence), the codec, and its kind:
    ``video``, ``gif``, ``still`` (one PNG) or ``sequence`` (one PNG per frame)."""

    path: Path
    codec: str
    kind: str
    transfer: str | None = None  # "pq" or "hlg": an HDR output (`engine.output.hdr`); None: SDR

    @property
    def spec(self) -> CodecSpec:
        return CODECS[self.codec]

    @property
    def keeps_alpha(self) -> bool:
        """Whether this output can hold an alpha channel."""
        return self.spec.alpha_pix_fmt is not None

    def check_alpha(self) -> None:
        """ConfigError unless this output keeps alpha, naming the outputs that do."""
        if not self.keeps_alpha:
            keep = ", ".join(f"{name} ({', '.join(spec.extensions)})" for name, spec in CODECS.items()
                             if spec.alpha_pix_fmt is not None)
            raise ConfigError(f"alpha: codec {self.codec!r} has no alpha channel (output {str(self.path)!r}); the "
                              f"encoders that keep alpha are {keep}")

    @property
    def has_audio(self) -> bool:
        """Whether this output can hold an audio stream."""
        return self.kind == "video"


def check_writable(path: Path) -> None:
    """ConfigError unless a file can be made at `path`: its folder, or where it is missing the
    nearest folder above it (the writer makes the rest, `make_folders`), is a folder that takes a
    new file (tried: a hidden file made and removed, so read-only mounts, /proc and root's
    permissions answer as they would for the output)."""
    folder = path.parent if str(path.parent) else Path(".")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    shown = f"output {str(path)!r} cannot be written"
    if not existing.is_dir():
        raise ConfigError(f"{shown}: {str(existing)!r} is a file, not a folder")
    trial = existing / f".{path.name}.{uuid.uuid4().hex[:8]}.write-check"
    try:
        os.close(os.open(trial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(trial)
    except OSError as exc:
        missing = "" if existing == folder else f" (where folder {str(folder)!r} would be made)"
        raise ConfigError(f"{shown}: folder {str(existing)!r}{missing} is not writable ({exc.strerror or exc})") \
            from None


def make_folders(path: Path) -> list[Path]:
    """Make the missing folders above the file `path`; the ones made, deepest first (for `remove_folders`)."""
    made: list[Path] = []
    folder = path.parent
    while str(folder) and not folder.exists() and folder != folder.parent:
        made.append(folder)
        folder = folder.parent
    for each in reversed(made):
        each.mkdir(exist_ok=True)
    return made


def remove_folders(made: list[Path]) -> None:
    """Remove the folders `make_folders` made, where they are still empty."""
    for folder in made:
        try:
            folder.rmdir()
        except OSError:
            return


def check_hdr_output(path: Path, codec: str, transfer: str) -> None:
    """ConfigError unless `codec` writes HDR, naming the outputs that do and ``--sdr``."""
    if codec not in HDR_CODECS:
        can = ", ".join(f"{name} ({label}: {', '.join(CODECS[name].extensions)})" for name, label in HDR_CODECS.items())
        raise ConfigError(f"output {str(path)!r} ({codec}) cannot hold HDR, and this render is HDR "
                          f"({transfer.upper()}); the outputs that hold HDR are {can} (with "
                          f"{option('codec', 'auto', python=repr('auto'))} an .mp4/.mkv is HEVC, a .mov ProRes, a .webm AV1), "
                          f"or pass {option('dynamic_range', python=repr('sdr'))} for SDR output "
                          "(HDR sources tone-mapped)")


def resolve_output(output: str | os.PathLike[str], codec: str = "auto", *, still: bool = False,
                   transfer: str | None = None) -> OutputTarget:
    """The output `output` asks for, checked: its folder exists and is writable, its extension
    fits the codec, a ``.png`` is either a still (`still`) or a sequence (a ``%04d`` in its name),
    and for an HDR render (`transfer` ``pq``/``hlg``) the codec holds HDR.
    Missing folders are made by the writer (and removed again if the render writes nothing)."""
    path = Path(output)
    name = resolve_codec(path, codec, hdr=transfer is not None)
    spec = CODECS[name]
    if path.suffix.lower() not in spec.extensions:
        raise ConfigError(f"output {str(path)!r} has extension {path.suffix or '(none)'!r}; codec {name!r} writes "
                          f"{', '.join(spec.extensions)}")
    pattern = sequence_pattern(path.name)
    if pattern is not None and spec.kind != "png":
        raise ConfigError(f"output {str(path)!r} has a frame-number placeholder; only PNG sequences take one "
                          "(for example frames/f_%04d.png)")
    a_still = f"a still ({option('still', python='SECONDS')}) writes one PNG"
    if still and spec.kind != "png":
        raise ConfigError(f"{a_still}; output {str(path)!r} is {name!r} (use a .png name)")
    if spec.kind == "png":
        if still and pattern is not None:
            raise ConfigError(f"{a_still}; output {str(path)!r} names a sequence (drop the %d)")
        if not still and pattern is None:
            raise ConfigError(f"output {str(path)!r} is one PNG: pass {option('still', 'SECONDS', python='SECONDS')} "
                              "for a still frame, or put a frame number in the name for a sequence (for example "
                              "frames/f_%04d.png)")
    if path.is_dir():
        raise ConfigError(f"output {str(path)!r} is a folder; expected a file path")
    check_writable(path)
    if transfer is not None:
        check_hdr_output(path, name, transfer)
    kind = "still" if still else ("sequence" if pattern is not None else spec.kind)
    return OutputTarget(path, name, kind, transfer)


def check_output_path(output: str | os.PathLike[str], codec: str) -> Path:
    """The output path of a video file, if its folder exists and is writable and its extension fits `codec`."""
    return resolve_output(output, codec).path
