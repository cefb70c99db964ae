"""Still images: would `<img>` gain from the native layer path? (issue 29, step 4)

    .venv/bin/python bench/image_path.py [--size 1920x1080] [--seconds 3] [--rounds 2] [--workers auto]
                                         [--skip-speed] [--skip-bits]

Three measurements, printed as markdown tables:

1. **Decode cost** of one full-frame picture in each format (16-bit PNG, AVIF, WebP, JPEG), with
   PyAV (FFmpeg's decoders: png, libdav1d, libwebp, mjpeg) to RGB (rgb48le for the 16-bit PNG),
   best of 7. A native still would pay this once per render, not per frame.
2. **Render time** of media_speed's composition (the layer full-frame, zooming slowly under an
   animated title) with the layer an `<img>` of each format (Chromium paints it on every frame),
   against the same composition with the layer a `<video>` of the same picture on the native path
   (`media_path` native: the overlay captured with alpha, the frame placed natively). The native
   video figure is an upper bound of what a native still would cost: it also decodes a video frame
   per frame, so a "native still" estimate subtracts the measured per-frame decode (PyAV, 1080p
   H.264 to rgb48le). All renders alternate, best of `--rounds`.
3. **Bits kept**: a 512x32 grey ramp as a 16-bit PNG (and its 8-bit twin) shown by `<img>`,
   rendered at `--quality high` to ProRes 4444 (12-bit); the RMS distance of the middle row's luma
   from its straight line in 10-bit codes (`tests/test_ten_bits.py`'s measure; the 8-bit
   staircase gives about 1, a ramp that kept its bits about 0.3-0.4).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

import engine

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from benchutil import best_of  # noqa: E402
from media_speed import PAGE, write_media  # noqa: E402
from test_ten_bits import luma_residual  # noqa: E402

os.environ.setdefault("SVT_LOG", "1")  # SVT-AV1: errors only
FORMATS = {"png16": "still16.png", "avif": "still.avif", "webp": "still.webp", "jpeg": "still.jpg"}
RAMP_W, RAMP_H = 512, 32


def first_frame(clip: Path) -> np.ndarray:
    """The clip's first frame, rgb48le (what the picture formats are made from)."""
    with av.open(str(clip)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb48le")


def encode_picture(rgb16: np.ndarray, fmt: str, path: Path) -> Path:
    """`rgb16` (uint16 RGB) written as `fmt`: 16-bit PNG, AVIF (SVT-AV1, 8-bit 4:2:0, crf 30),
    WebP (libwebp, quality 90) or JPEG (quality 90, 4:2:0)."""
    height, width = rgb16.shape[:2]
    frame16 = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb16), format="rgb48le")
    if fmt in ("png16", "jpeg"):
        ctx = av.CodecContext.create("png" if fmt == "png16" else "mjpeg", "w")
        ctx.width, ctx.height = width, height
        ctx.pix_fmt = "rgb48be" if fmt == "png16" else "yuvj420p"
        if fmt == "jpeg":
            ctx.time_base = Fraction(1, 1)
            ctx.options = {"qmin": "3", "qmax": "3"}  # quantiser 3: about quality 90
        packets = ctx.encode(frame16.reformat(format=ctx.pix_fmt)) + ctx.encode(None)
        path.write_bytes(b"".join(bytes(p) for p in packets))
        return path
    codec, options = ("libsvtav1", {"crf": "30", "preset": "8"}) if fmt == "avif" else ("libwebp", {"quality": "90"})
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=1, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for packet in stream.encode(frame16.reformat(format="yuv420p")):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def decode_once(path: Path, sixteen: bool) -> np.ndarray:
    with av.open(str(path)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb48le" if sixteen else "rgb24")


def video_decode_per_frame(clip: Path) -> float:
    """Seconds per frame to decode `clip` and convert each frame to rgb48le (one thread)."""
    def run() -> int:
        with av.open(str(clip)) as container:
            container.streams.video[0].thread_type = "NONE"
            return sum(1 for f in container.decode(video=0) if f.to_ndarray(format="rgb48le") is not None)
    frames = run()
    return best_of(run, 2, warmup=1) / frames


def write_pictures(folder: Path) -> None:
    """The pictures of `folder`/clip.mp4's first frame in every format, and the decode table; the
    last line printed is the video's decode time per frame in seconds. Run in a child process: the
    Playwright driver of a later render in a process that has run the SVT-AV1 encoder spins at
    100 % CPU and never starts Chromium (seen here, twice)."""
    clip = folder / "clip.mp4"
    rgb16 = first_frame(clip)
    height, width = rgb16.shape[:2]
    print(f"\n{width}x{height} picture (the footage's first frame), decode with PyAV, best of 7")
    print("| format | file size (kB) | decode to RGB (ms) |")
    print("|---|---|---|")
    for fmt, name in FORMATS.items():
        path = encode_picture(rgb16, fmt, folder / name)
        took = best_of(lambda p=path, f=fmt: decode_once(p, f == "png16"))
        print(f"| {fmt} | {path.stat().st_size / 1000:.0f} | {took * 1000:.1f} |", flush=True)
    per_frame = video_decode_per_frame(clip)
    print(f"video decode, {width}x{height} H.264 to rgb48le: {per_frame * 1000:.1f} ms/frame")
    print(per_frame, flush=True)


def speed(folder: Path, width: int, height: int, seconds: float, rounds: int, workers: int | str) -> None:
    write_media(folder, width, height, seconds)
    done = subprocess.run([sys.executable, __file__, "--write-pictures", str(folder)], capture_output=True,
                          text=True, check=True)
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]), flush=True)
    per_frame = float(lines[-1])
    comps = {}
    for fmt, name in FORMATS.items():
        comps[fmt] = composition(folder, fmt, f'<img class="layer" src="{name}">', width, height, seconds)
    comps["video-native"] = composition(folder, "video-native", '<video class="layer" src="clip.mp4" muted></video>',
                                        width, height, seconds)
    best: dict[str, float] = {}
    frames = 0
    for _ in range(rounds):
        for name, comp in comps.items():
            media_path = "native" if name == "video-native" else "poster"
            start = time.perf_counter()
            result = engine.render(comp, folder / f"{name}.mp4", workers=workers, capture={"media_path": media_path})
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
            frames = result.frames
            if name == "video-native" and result.video_layers.get("native") != frames:
                raise SystemExit(f"the video was not native on every frame: {result.video_layers}")
    native = best["video-native"]
    estimate = native - per_frame * frames
    print(f"\n{frames} frames {width}x{height}, `engine.render` defaults (path {result.path}, {result.workers} workers), "
          f"best of {rounds}, alternating")
    print("| layer | seconds | ms/frame | native video / this | native still (estimate) / this |")
    print("|---|---|---|---|---|")
    for name, took in best.items():
        print(f"| {name} | {took:.2f} | {took / frames * 1000:.0f} | {took / native:.2f} | {took / estimate:.2f} |")
    print(f"native still estimate: {estimate:.2f} s (the native video less {frames} x {per_frame * 1000:.1f} ms "
          "of video decode); a ratio above 1 says the native path would be faster", flush=True)


def composition(folder: Path, name: str, layer: str, width: int, height: int, seconds: float) -> Path:
    target = folder / name
    target.mkdir()
    for media in [*FORMATS.values(), "clip.mp4"]:
        if (folder / media).exists():
            os.link(folder / media, target / media)  # not a symlink: the engine refuses those leading outside
    (target / "index.html").write_text(PAGE.format(w=width, h=height, dur=seconds, fs=height // 10, layer=layer,
                                                   vignette=""))
    return target


def bits(folder: Path) -> None:
    """The residual of a 16-bit (and an 8-bit) PNG ramp painted by Chromium, at 10-bit output."""
    lo, hi = 0, 65535
    ramp = np.round(lo + (hi - lo) * np.arange(RAMP_W) / (RAMP_W - 1)).astype(np.uint16)
    rgb16 = np.ascontiguousarray(np.broadcast_to(ramp[None, :, None], (RAMP_H, RAMP_W, 3)))
    eight = (np.round(rgb16 / 257.0) * 257).astype(np.uint16)
    print("\n512x32 grey ramp through Chromium (`<img>`), --quality high, ProRes 4444; luma residual, 10-bit codes RMS")
    print("| picture | residual |")
    print("|---|---|")
    luma = np.round(64 + 876 * ramp / 65535.0)[RAMP_W // 20: -RAMP_W // 20]  # the source quantised to 10 bits
    x = np.arange(luma.size, dtype=float)
    ideal = float(np.sqrt(np.mean((luma - np.polyval(np.polyfit(x, luma, 1), x)) ** 2)))
    print(f"| the 16-bit source quantised to 10-bit luma (no renderer) | {ideal:.2f} |")
    for name, picture in (("png16", rgb16), ("png8", eight)):
        comp = folder / f"ramp-{name}"
        comp.mkdir()
        if name == "png16":
            encode_picture(picture, "png16", comp / "ramp.png")
        else:
            ctx = av.CodecContext.create("png", "w")
            ctx.width, ctx.height, ctx.pix_fmt = RAMP_W, RAMP_H, "rgb24"
            frame = av.VideoFrame.from_ndarray((picture // 257).astype(np.uint8), format="rgb24")
            (comp / "ramp.png").write_bytes(b"".join(bytes(p) for p in ctx.encode(frame) + ctx.encode(None)))
        (comp / "index.html").write_text(
            "<!doctype html><html><body style='margin:0;background:#000'>"
            f'<div id="root" data-composition-id="r" data-width="{RAMP_W}" data-height="{RAMP_H}" '
            'data-duration="0.2" data-fps="10">'
            f'<img src="ramp.png" style="position:absolute;left:0;top:0;width:{RAMP_W}px;height:{RAMP_H}px">'
            "</div></body></html>", encoding="utf-8")
        out = folder / f"ramp-{name}.mov"
        engine.render(comp, out, codec="prores", quality="high", workers=1)
        print(f"| {name} `<img>` | {luma_residual(out):.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", default="auto")
    parser.add_argument("--skip-speed", action="store_true", help="only the bits-kept table")
    parser.add_argument("--skip-bits", action="store_true", help="only the decode and speed tables")
    parser.add_argument("--write-pictures", type=Path, help=argparse.SUPPRESS)  # the child process of `speed`
    args = parser.parse_args()
    if args.write_pictures:
        write_pictures(args.write_pictures)
        return
    width, height = (int(v) for v in args.size.split("x"))
    workers = args.workers if args.workers == "auto" else int(args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_bits:
            bits(Path(tmp))
        if not args.skip_speed:
            speed(Path(tmp), width, height, args.seconds, args.rounds, workers)


if __name__ == "__main__":
    main()
