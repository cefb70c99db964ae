"""Media files for tests, generated with PyAV (no binary fixtures in the repository).

- `write_numbered_video`: every frame shows its own index as a grid of light/dark cells that
  survives lossy codecs, scaling and object-fit; `read_frame_number` reads it back.
- `write_tone_bursts`: silence with sine bursts (sharp onsets) at known times.
- `write_corrupt_media`: files that look like media but are not (bad-input tests).

The frame pattern is a `ROWS` x `COLS` grid of cells over the central `grid` fraction of the
displayed frame (mid grey around it). Six cells are orientation markers (the four corners, light
only at the top left, and the two cells next to it: light to its right, dark below it), so a
rotated, flipped or transposed picture does not read as a number; the other 14 cells hold the
index in binary (most significant bit first in reading order) and an even-parity bit. Light cells are about 85 %, dark
ones about 12 %, both with a gentle horizontal ramp (so 10-bit sources carry more than 8 bits).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

__all__ = [
    "VIDEO_CODECS",
    "AUDIO_CODECS",
    "ROWS",
    "COLS",
    "MAX_FRAMES",
    "available_video_codecs",
    "frame_pattern",
    "write_numbered_video",
    "read_frame_number",
    "write_tone_bursts",
    "write_corrupt_media",
    "write_solid_yuv",
]

os.environ.setdefault("SVT_LOG", "1")  # SVT-AV1 prints its banner to stderr otherwise

ROWS, COLS = 4, 5
_MARKERS = {(0, 0): 1, (0, COLS - 1): 0, (ROWS - 1, 0): 0, (ROWS - 1, COLS - 1): 0, (0, 1): 1, (1, 0): 0}
_DATA = [(r, c) for r in range(ROWS) for c in range(COLS) if (r, c) not in _MARKERS]
MAX_FRAMES = 1 << (len(_DATA) - 1)  # the last data cell is a parity bit

#: codec name: (encoder, pixel format, encoder options). Chosen with B-frames where the codec has them.
VIDEO_CODECS: dict[str, tuple[str, str, dict[str, str]]] = {
    "h264": ("libx264", "yuv420p", {"preset": "veryfast", "crf": "20", "x264-params": "bframes=3:log=-1"}),
    "h264_444": ("libx264", "yuv444p", {"preset": "veryfast", "crf": "20", "x264-params": "log=-1"}),
    "h264_10": ("libx264", "yuv420p10le", {"preset": "veryfast", "crf": "20", "x264-params": "log=-1"}),
    "h264_full": ("libx264", "yuvj420p", {"preset": "veryfast", "crf": "20", "x264-params": "log=-1"}),
    "hevc": ("libx265", "yuv420p", {"preset": "ultrafast", "x265-params": "log-level=error:bframes=3"}),
    "hevc10": ("libx265", "yuv420p10le", {"preset": "ultrafast", "x265-params": "log-level=error:bframes=3"}),
    "vp9": ("libvpx-vp9", "yuv420p", {"deadline": "realtime", "cpu-used": "8"}),
    "vp9_gbrp": ("libvpx-vp9", "gbrp", {"deadline": "realtime", "cpu-used": "8"}),
    "av1": ("libsvtav1", "yuv420p", {"preset": "8", "crf": "25"}),
    "av1_10": ("libsvtav1", "yuv420p10le", {"preset": "8", "crf": "25"}),
    "prores": ("prores_ks", "yuv422p10le", {"profile": "2"}),
    "prores4444": ("prores_ks", "yuv444p10le", {"profile": "4"}),
    "mpeg4": ("mpeg4", "yuv420p", {"qscale": "2"}),
}

#: audio codec name: (encoder, encoder options)
AUDIO_CODECS: dict[str, tuple[str, dict[str, str]]] = {
    "pcm_s16le": ("pcm_s16le", {}),
    "aac": ("aac", {}),
    "opus": ("libopus", {}),
    "flac": ("flac", {}),
    "mp3": ("libmp3lame", {}),
    "vorbis": ("vorbis", {"strict": "experimental"}),
}


def _in_child(call: str) -> None:
    """Run `call` (Python source using this module) in a fresh interpreter."""
    import subprocess
    import sys

    code = f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r})\nfrom pathlib import Path\nfrom media_gen import write_numbered_video, write_still\n{call}"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "MEDIA_GEN_CHILD": "1"})


def write_still(path: Path, rgb: np.ndarray, codec: str, fmt: str) -> Path:
    """One picture (`rgb` uint8) as an image file: ``libwebp``/``webp``, ``libsvtav1``/``avif``...
    (AV1 in a child process, as in `write_numbered_video`)."""
    if codec == "libsvtav1" and not os.environ.get("MEDIA_GEN_CHILD"):
        np.save(str(path) + ".npy", rgb)
        _in_child(f"write_still(Path({str(path)!r}), __import__('numpy').load({str(path) + '.npy'!r}), "
                  f"{codec!r}, {fmt!r})")
        os.unlink(str(path) + ".npy")
        return path
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=1)
        stream.width, stream.height = rgb.shape[1], rgb.shape[0]
        stream.pix_fmt = "yuv420p"
        for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _has_encoder(name: str) -> bool:
    try:
        av.Codec(name, "w")
    except Exception:
        return False
    return True


def available_video_codecs() -> list[str]:
    """The `VIDEO_CODECS` names whose encoder this PyAV build has."""
    return [name for name, (encoder, _, _) in VIDEO_CODECS.items() if _has_encoder(encoder)]


def frame_pattern(index: int, width: int, height: int, grid: float = 1.0) -> np.ndarray:
    """The upright picture of frame `index`: float64 (height, width) grey levels in [0, 1]."""
    if not 0 <= index < MAX_FRAMES:
        raise ValueError(f"frame index {index} outside [0, {MAX_FRAMES})")
    word = (index << 1) | (bin(index).count("1") & 1)
    bits = {cell: (word >> (len(_DATA) - 1 - k)) & 1 for k, cell in enumerate(_DATA)}
    bits.update(_MARKERS)
    ramp = np.linspace(-0.04, 0.04, width)[None, :]
    img = np.full((height, width), 0.5) + ramp
    x0, y0 = (1 - grid) / 2 * width, (1 - grid) / 2 * height
    xs = np.round(x0 + np.arange(COLS + 1) * grid * width / COLS).astype(int)
    ys = np.round(y0 + np.arange(ROWS + 1) * grid * height / ROWS).astype(int)
    for (r, c), bit in bits.items():
        img[ys[r] : ys[r + 1], xs[c] : xs[c + 1]] = (0.85 if bit else 0.12) + ramp[:, xs[c] : xs[c + 1]]
    return img


def _video_frame(grey: np.ndarray, pix_fmt: str) -> av.VideoFrame:
    """An upright grey picture as a frame in `pix_fmt`, BT.709 limited range (full for yuvj*)."""
    deep = any(b in pix_fmt for b in ("10", "12", "16"))
    if deep:
        rgb = np.repeat(np.round(grey * 65535).astype(np.uint16)[..., None], 3, axis=2)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb48le")
    else:
        rgb = np.repeat(np.round(grey * 255).astype(np.uint8)[..., None], 3, axis=2)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    if pix_fmt.startswith("gbr"):
        return frame.reformat(format=pix_fmt)
    full = pix_fmt.startswith("yuvj")
    return frame.reformat(format=pix_fmt, dst_colorspace="ITU709", dst_color_range="JPEG" if full else "MPEG")


def write_numbered_video(
    path: Path,
    *,
    frames: int,
    fps: float,
    size: tuple[int, int] = (160, 96),
    codec: str = "h264",
    rotation: int = 0,
    pts: Sequence[float] | None = None,
    audio_tone: float | None = None,
    grid: float = 1.0,
    gop: int = 12,
) -> Path:
    """Write a video whose frame i shows the number i; returns `path` (its suffix picks the container).

    `size` is the displayed (width, height); with `rotation` (clockwise degrees a player turns
    the picture, written as a display matrix) the coded frames are turned the other way, so the
    displayed picture is upright. `pts`: each frame's time in seconds (variable frame rate),
    else ``i / fps``. `audio_tone`: add a sine of that frequency (Hz) as long as the video.
    """
    if rotation % 90 or rotation % 360 not in (0, 90, 180, 270):
        raise ValueError(f"rotation must be a multiple of 90, not {rotation}")
    encoder, pix_fmt, options = VIDEO_CODECS[codec]
    if encoder == "libsvtav1" and not os.environ.get("MEDIA_GEN_CHILD"):
        # SVT-AV1 leaves its process unable to start Playwright's driver afterwards (the node drivers
        # spin forever): encode in a child process, so the test process never loads it.
        arguments = dict(frames=frames, fps=fps, size=list(size), codec=codec, rotation=rotation,
                         pts=None if pts is None else list(pts), audio_tone=audio_tone, grid=grid, gop=gop)
        _in_child(f"write_numbered_video(Path({str(path)!r}), **{arguments!r})")
        return path
    width, height = size
    turns = (rotation % 360) // 90
    coded_w, coded_h = (height, width) if turns % 2 else (width, height)
    times = list(pts) if pts is not None else [i / fps for i in range(frames)]
    if len(times) != frames:
        raise ValueError(f"{len(times)} pts for {frames} frames")
    rate = Fraction(fps).limit_denominator(1001)
    time_base = Fraction(1, 90000) if pts is not None else 1 / rate
    with av.open(str(path), "w") as container:
        stream = container.add_stream(encoder, rate=rate, options=dict(options))
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = coded_w, coded_h, pix_fmt
        stream.codec_context.time_base = time_base
        stream.codec_context.gop_size = gop
        if not pix_fmt.startswith("gbr"):
            cc = stream.codec_context
            cc.colorspace, cc.color_primaries, cc.color_trc = 1, 1, 1  # BT.709
            cc.color_range = 2 if pix_fmt.startswith("yuvj") else 1
        if turns:
            stream.set_display_rotation(-90 * turns)  # PyAV takes counter-clockwise degrees
        audio = None
        if audio_tone is not None:
            audio = container.add_stream("libopus" if str(path).endswith(".webm") else "aac", rate=48000)
            assert isinstance(audio, av.AudioStream)
            audio.layout = "stereo"
        for i, t in enumerate(times):
            picture = np.rot90(frame_pattern(i, width, height, grid), k=turns)
            frame = _video_frame(np.ascontiguousarray(picture), pix_fmt)
            frame.pts = round(Fraction(t) / time_base)
            frame.time_base = time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if audio is not None and audio_tone is not None:
            end = times[-1] + (times[-1] - times[-2] if frames > 1 else 1 / fps)
            _encode_audio(container, audio, _tone(end, [(0.0, end, audio_tone)], 48000, 2))
    return path


def write_solid_yuv(
    path: Path,
    yuv: tuple[int, int, int],
    *,
    pix_fmt: str = "yuv420p",
    colorspace: int = 1,
    color_range: int = 1,
    frames: int = 2,
    size: tuple[int, int] = (64, 48),
) -> Path:
    """Write a lossless H.264 video whose every sample is `yuv` (code values in `pix_fmt`'s depth).

    `colorspace` / `color_range` are the tags written (FFmpeg's AVColorSpace / AVColorRange:
    1 BT.709, 6 SMPTE 170M (BT.601), 2 unspecified; range 1 limited, 2 full, 0 unspecified).
    """
    width, height = size
    deep = "10" in pix_fmt
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=24, options={"preset": "ultrafast", "qp": "0",
                                                                   "x264-params": "log=-1"})
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        cc = stream.codec_context
        cc.colorspace, cc.color_range = colorspace, color_range
        for i in range(frames):
            frame = av.VideoFrame(width, height, pix_fmt)
            for plane, value in zip(frame.planes, yuv, strict=True):
                view = memoryview(plane).cast("B")
                view[:] = np.full(len(view) // (2 if deep else 1), value, np.uint16 if deep else np.uint8).tobytes()
            frame.colorspace, frame.color_range = colorspace, color_range
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _tone(duration: float, bursts: Sequence[tuple[float, float, float]], rate: int, channels: int) -> np.ndarray:
    """float32 (channels, n): silence with sine bursts (amplitude 0.5) starting at sample boundaries."""
    n = round(duration * rate)
    out = np.zeros(n, np.float64)
    for start, length, freq in bursts:
        a, b = round(start * rate), min(n, round((start + length) * rate))
        k = np.arange(b - a)
        out[a:b] = 0.5 * np.sin(2 * np.pi * freq * k / rate)
    return np.ascontiguousarray(np.repeat(out[None, :], channels, axis=0).astype(np.float32))


def _encode_audio(container: av.container.OutputContainer, stream: av.AudioStream, samples: np.ndarray) -> None:
    channels, n = samples.shape
    layout = "mono" if channels == 1 else "stereo"
    rate = stream.codec_context.sample_rate
    chunk = 1024
    for pos in range(0, n, chunk):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[:, pos : pos + chunk]), format="fltp", layout=layout)
        frame.sample_rate, frame.pts, frame.time_base = rate, pos, Fraction(1, rate)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def write_tone_bursts(
    path: Path,
    *,
    duration: float,
    bursts: Sequence[tuple[float, float, float]],
    sample_rate: int = 48000,
    channels: int = 2,
    codec: str = "pcm_s16le",
) -> Path:
    """Write silence with sine `bursts` ``(start_s, length_s, freq_hz)``; returns `path`.

    The container comes from the suffix (.wav, .m4a, .ogg, .opus, .flac, .mp3, .webm, .mkv).
    """
    with av.open(str(path), "w") as container:
        encoder, options = AUDIO_CODECS.get(codec, (codec, {}))
        stream = container.add_stream(encoder, rate=sample_rate, options=dict(options))
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono" if channels == 1 else "stereo"
        _encode_audio(container, stream, _tone(duration, bursts, sample_rate, channels))
    return path


def write_corrupt_media(path: Path, kind: str = "garbage") -> Path:
    """Write a file that is not valid media; returns `path`.

    kind: ``garbage`` (random bytes), ``truncated`` (an MP4 cut before its index, so no header
    can be read), ``bad_data`` (an MP4 whose header is intact but whose coded frames are noise),
    ``empty`` (zero bytes).
    """
    rng = np.random.default_rng(7)
    if kind == "garbage":
        path.write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind in ("truncated", "bad_data"):
        tmp = path.with_name(path.stem + ".src.mp4")
        write_numbered_video(tmp, frames=12, fps=24, codec="h264")
        data = bytearray(tmp.read_bytes())
        tmp.unlink()
        mdat = data.find(b"mdat")
        if kind == "truncated":  # moov (the index) comes last: cut it off
            data = data[: mdat + 200]
        else:
            moov = data.find(b"moov")
            size = int.from_bytes(data[mdat - 4 : mdat], "big")
            end = mdat - 4 + size if moov < mdat else moov - 4
            data[mdat + 4 : end] = rng.integers(0, 256, end - mdat - 4, dtype=np.uint8).tobytes()
        path.write_bytes(bytes(data))
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return path


def read_frame_number(rgb: np.ndarray, box: tuple[int, int, int, int] | None = None, grid: float = 1.0) -> int:
    """The frame index shown in `rgb` (uint8 or uint16, (h, w, 3) or (h, w)) where the video is at `box`.

    `box` ``(x, y, w, h)``: the displayed video's rectangle in the image (may reach past its
    edges, as with object-fit: cover; only the cells' centres must be inside), default the whole
    image. Each cell is read as the mean of its central half; raises ValueError when a cell is
    neither clearly light nor clearly dark or when the orientation markers are wrong.
    """
    img = rgb.astype(np.float64) / (65535.0 if rgb.dtype == np.uint16 else 255.0)
    if img.ndim == 3:
        img = img.mean(axis=2)
    bx, by, bw, bh = box if box is not None else (0, 0, img.shape[1], img.shape[0])
    x0, y0 = bx + (1 - grid) / 2 * bw, by + (1 - grid) / 2 * bh
    cw, ch = grid * bw / COLS, grid * bh / ROWS
    bits: dict[tuple[int, int], int] = {}
    for r in range(ROWS):
        for c in range(COLS):
            xa, xb = round(x0 + (c + 0.25) * cw), round(x0 + (c + 0.75) * cw)
            ya, yb = round(y0 + (r + 0.25) * ch), round(y0 + (r + 0.75) * ch)
            xa, ya = max(xa, 0), max(ya, 0)
            xb, yb = min(max(xb, xa + 1), img.shape[1]), min(max(yb, ya + 1), img.shape[0])
            if xa >= xb or ya >= yb:
                raise ValueError(f"cell ({r}, {c}) lies outside the image")
            mean = float(img[ya:yb, xa:xb].mean())
            if 0.35 < mean < 0.6:
                raise ValueError(f"cell ({r}, {c}) is ambiguous (mean level {mean:.2f})")
            bits[(r, c)] = int(mean >= 0.5)
    wrong = [cell for cell, bit in _MARKERS.items() if bits[cell] != bit]
    if wrong:
        raise ValueError(f"orientation markers {wrong} are wrong: the picture is turned, flipped or not this pattern")
    word = 0
    for cell in _DATA:
        word = (word << 1) | bits[cell]
    if bin(word).count("1") & 1:
        raise ValueError("parity check failed: the cells do not hold a frame number")
    return word >> 1
