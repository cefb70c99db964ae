"""Stand-in footage and the timing table for HyperFrames' production fixtures (issue 29), used by
bench/compat_hyperframes.py.

HyperFrames' producer fixtures reference their footage and sound effects by S3 URL (or hold Git LFS
pointers). Offline, HyperFrames refuses to render them ("Video extraction failed for 1 source(s)
[VIDEO_EXTRACTION_FAILED; download_transient=1]") and this engine draws nothing where the video
was. `StandIns` writes a local file for each remote medium, under its own file name in
``__standin/`` of the staged copy, sized from the composition that holds it (the nearest
``data-width``/``data-height``) and as long as the fixture expects (the element's
``data-duration``, else its composition's), so that both renderers read the very same files.
Footage is H.264 (High profile, x264 veryfast, crf 23: about 10 Mbit/s at 1080p, close to camera
footage, so decoding costs about what real footage would) with a silent AAC track; sound is silence
in the format its extension names.
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np

FPS = 30
DEFAULT_SIZE = (1920, 1080)  # footage whose composition gives no size
DEFAULT_VIDEO_SECONDS = 30.0  # footage whose element and composition give no duration
DEFAULT_AUDIO_SECONDS = 2.0  # a sound without data-duration: the fixtures' are one-shot effects
VIDEO_EXTS = (".mp4", ".webm", ".mov", ".m4v")
AUDIO_EXTS = (".mp3", ".wav", ".m4a", ".aac", ".ogg")
REMOTE = re.compile(r"^https?://", re.I)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True)
class Need:
    """What a fixture expects of one remote medium."""

    url: str
    kind: str  # "video" or "audio"
    width: int
    height: int
    seconds: float


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and number > 0 else None


class _Scanner(HTMLParser):
    """Collects the `<video>`/`<audio>` (and their `<source>`) with a remote src, with the size and
    duration of the nearest element that gives them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.found: list[Need] = []

    def _nearest(self, *names: str) -> list[float] | None:
        for _, attrs in reversed(self.stack):
            values = [_number(attrs.get(n)) for n in names]
            if all(v is not None for v in values):
                return [v for v in values if v is not None]
        return None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag not in VOID:
            self.stack.append((tag, attrs))
        src = attrs.get("src") or ""
        kind = tag if tag in ("video", "audio") else None
        if tag == "source" and self.stack and self.stack[-1][0] in ("video", "audio"):
            kind = self.stack[-1][0]
        if kind is None or not REMOTE.match(src):
            return
        size = self._nearest("data-width", "data-height")
        width, height = (int(size[0]), int(size[1])) if size else DEFAULT_SIZE
        own = _number(attrs.get("data-duration")) or (
            _number(self.stack[-1][1].get("data-duration")) if tag == "source" else None)
        if own is None and kind == "video":
            inherited = self._nearest("data-duration")
            own = inherited[0] if inherited else DEFAULT_VIDEO_SECONDS
        self.found.append(Need(src, kind, width, height, own or DEFAULT_AUDIO_SECONDS))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return


def remote_media(folder: Path) -> dict[str, Need]:
    """The remote media the HTML files under `folder` reference, by URL. A URL used twice gets the
    largest size and the longest duration asked of it."""
    needs: dict[str, Need] = {}
    for page in sorted(folder.rglob("*.html")):
        scanner = _Scanner()
        scanner.feed(page.read_text(encoding="utf-8", errors="replace"))
        scanner.close()
        for need in scanner.found:
            have = needs.get(need.url)
            if have is not None:
                need = Need(need.url, have.kind if have.kind == "video" else need.kind,
                            max(have.width, need.width), max(have.height, need.height),
                            max(have.seconds, need.seconds))
            needs[need.url] = need
    return needs


def file_name(url: str) -> str:
    """The URL's own file name (path's last part, query dropped), made safe for a file system."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1])
    return name or "media"


def guess(url: str) -> Need:
    """A Need for a URL found outside a `<video>`/`<audio>` (a script, a `src=` the scanner missed)."""
    kind = "audio" if Path(file_name(url)).suffix.lower() in AUDIO_EXTS else "video"
    seconds = DEFAULT_AUDIO_SECONDS if kind == "audio" else DEFAULT_VIDEO_SECONDS
    return Need(url, kind, *DEFAULT_SIZE, seconds)


def _texture(height: int, width: int) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 12, (height + 64, width + 64), dtype=np.uint8)


def write_video(path: Path, width: int, height: int, seconds: float, fps: int = FPS) -> Path:
    """Footage at `width` x `height`: moving gradients over a drifting grain (so that it codes and
    decodes like camera footage, not like a flat test card), H.264 (VP9 in .webm), with a silent
    stereo track (AAC; Opus in .webm)."""
    import av

    if width <= 0 or height <= 0 or seconds <= 0:
        raise ValueError(f"stand-in {path.name}: size {width}x{height} and {seconds} s must be positive")
    width, height = width + width % 2, height + height % 2  # yuv420p wants even sizes
    webm = path.suffix.lower() == ".webm"
    frames = max(1, math.ceil(seconds * fps))
    grain = _texture(height, width)
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    with av.open(str(path), "w") as out:
        options = {"crf": "32", "b": "0"} if webm else {"preset": "veryfast", "crf": "23"}
        stream = out.add_stream("libvpx-vp9" if webm else "libx264", rate=fps, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        sound = out.add_stream("libopus" if webm else "aac", rate=48000, layout="stereo")
        for i in range(frames):
            o = i % 64
            lum = (100 + 80 * np.sin(x / 97 + i / 9) + 40 * np.cos(y / 61 - i / 13)).astype(np.uint8)
            lum += grain[o:o + height, o:o + width]
            rgb = np.stack([lum, lum // 2 + 60, 255 - lum], axis=-1)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
        _silence(out, sound, frames / fps)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def write_audio(path: Path, seconds: float) -> Path:
    """Silence, `seconds` long, in the format `path`'s extension names (.mp3, .wav, .m4a, .aac, .ogg)."""
    import av

    codecs = {".mp3": ("libmp3lame", None), ".wav": ("pcm_s16le", None), ".m4a": ("aac", "mp4"),
              ".aac": ("aac", "adts"), ".ogg": ("libopus", "ogg")}
    suffix = path.suffix.lower()
    if suffix not in codecs:
        raise ValueError(f"stand-in {path.name}: no audio format for {suffix!r}; expected one of {', '.join(codecs)}")
    codec, container = codecs[suffix]
    with av.open(str(path), "w", format=container) as out:
        _silence(out, out.add_stream(codec, rate=48000, layout="stereo"), seconds)
    return path


def _silence(out: Any, stream: Any, seconds: float) -> None:
    import av

    frame = av.AudioFrame.from_ndarray(np.zeros((2, max(1, round(seconds * 48000))), np.float32), format="fltp",
                                       layout="stereo")
    frame.sample_rate = 48000
    for packet in list(stream.encode(frame)) + list(stream.encode(None)):
        out.mux(packet)


class StandIns:
    """Stand-in media for one corpus run: clips written once into `cache` (by kind, size and
    duration) and copied into each staged composition under the file name its HTML uses."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.cache.mkdir(parents=True, exist_ok=True)
        self.written: dict[Path, dict[str, str]] = {}  # staged copy -> {file name: URL}

    def generic(self, suffix: str = ".mp4") -> Path:
        """A 640x360, 30 s clip for footage whose expectations are unknown (Git LFS pointers)."""
        path = self.cache / f"generic-640x360-30s{suffix}"
        return path if path.exists() else write_video(path, 640, 360, 30.0)

    def clip(self, need: Need, suffix: str) -> Path:
        """The cached stand-in for `need`, written on first use."""
        frames = math.ceil(need.seconds * FPS)
        if need.kind == "video":
            path = self.cache / f"video-{need.width}x{need.height}-{frames}f{suffix}"
            return path if path.exists() else write_video(path, need.width, need.height, frames / FPS)
        path = self.cache / f"audio-{frames}f{suffix}"
        return path if path.exists() else write_audio(path, frames / FPS)

    def local(self, url: str, need: Need | None, into: Path, notes: list[str]) -> str:
        """The root-relative path of the stand-in for remote `url` in the staged copy `into` (its file
        name kept; a second URL with the same name gets a hash prefix); `notes` says what stands in."""
        need = need or guess(url)
        name = file_name(url)
        suffix = Path(name).suffix.lower()
        if suffix not in VIDEO_EXTS + AUDIO_EXTS:
            suffix = ".mp4" if need.kind == "video" else ".m4a"
            name += suffix
        folder = into / "__standin"
        folder.mkdir(exist_ok=True)
        urls = self.written.setdefault(into, {})
        if urls.get(name, url) != url:
            name = hashlib.sha1(url.encode()).hexdigest()[:8] + "-" + name
        if name not in urls:
            if need.kind == "audio" and suffix in VIDEO_EXTS:  # an <audio> playing a video file
                need = Need(need.url, "video", 640, 360, need.seconds)
            shutil.copy(self.clip(need, suffix), folder / name)
            urls[name] = url
            shape = f"{need.width}x{need.height}, " if need.kind == "video" else ""
            notes.append(f"remote {name} (stand-in {shape}{need.seconds:g} s)")
        return "/__standin/" + name


def hf_stages(log: Path) -> str:
    """HyperFrames' own account of a render (the lines after its output path: "rendered in 58.9s",
    "compile 3.3s · extract 14.5s · ... · capture 32.7s ..."), or "" when its log has none."""
    lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines()] if log.exists() else []
    for i, line in enumerate(lines):
        if "rendered in" in line:
            found = [line.split("·")[-1].strip()]
            found += [ln for ln in lines[i + 1:i + 2] if "capture" in ln]
            return "; ".join(found)
    return ""


def engine_stages(stats: dict[str, Any]) -> str:
    """This engine's account of a render, from its --stats-json: path, workers and stage seconds."""
    if not stats:
        return ""
    stages = ", ".join(f"{k} {v:.1f}" for k, v in (stats.get("stage_seconds") or {}).items())
    return f"{stats.get('path', '?')}, {stats.get('workers', '?')} workers, {stats.get('seconds', 0):.1f} s: {stages}"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if a > 0 and b > 0 else "-"


def timing_table(rows: list[dict[str, Any]]) -> list[str]:
    """Markdown: per composition, HyperFrames' seconds, this engine's with ENGINE_MEDIA_PATH=poster
    ("before" issue 29) and auto ("after"), the speed-ups, and how the auto render drew its video
    frames. `rows` are compat_hyperframes Rows as dicts; rows without an engine time are left out, a
    render named in a row's `failed` ("HF", "poster", "auto") shows as failed, without ratios."""
    timed = [r for r in rows if r.get("seconds_engine") or r.get("seconds_engine_poster")]
    if not timed:
        return []
    table = ["", "| composition | frames | HF s | engine s, poster | engine s, auto | HF / poster | HF / auto "
             "| poster / auto | video frames (auto): native | two-capture | poster | captures, poster / auto |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in timed:
        failed = set(r.get("failed") or ())
        hf, poster, auto = (0.0 if label in failed else r.get(key, 0.0) for label, key in (
            ("HF", "seconds_hf"), ("poster", "seconds_engine_poster"), ("auto", "seconds_engine")))
        layers = r.get("video_layers") or {}
        whole = sum(int(layers.get(k, 0)) for k in ("native", "two_capture", "poster"))
        shares = " | ".join(f"{int(layers.get(k, 0))} ({_share(int(layers.get(k, 0)), whole)})"
                            for k in ("native", "two_capture", "poster"))
        seconds = " | ".join("failed" if label in failed else f"{s:.1f}" if s else "-"
                             for label, s in (("HF", hf), ("poster", poster), ("auto", auto)))
        table.append(f"| {r['name']} | {r.get('frames_engine', 0)} | {seconds} | {_ratio(hf, poster)} | "
                     f"{_ratio(hf, auto)} | {_ratio(poster, auto)} | {shares} | "
                     f"{r.get('captures_poster', 0)} / {r.get('captures', 0)} |")
    notes = [f"- {r['name']}: {label}: {r[key]}" for r in timed
             for label, key in (("HyperFrames", "stages_hf"), ("engine poster", "stages_engine_poster"),
                                ("engine auto", "stages_engine")) if r.get(key)]
    return table + ([""] + notes if notes else [])
