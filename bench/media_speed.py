"""Video layer against a still image, end to end (issues 12 and 29).

    .venv/bin/python bench/media_speed.py [--size 1920x1080] [--seconds 4] [--rounds 2] [--workers auto]
                                          [--vignette | --pip]

Two compositions that differ only in one full-frame layer: a 1080p H.264 video over the whole
duration (textured, moving: the decoder has real work) or a PNG still of its first frame; as in
a typical edit, the layer zooms slowly (Ken Burns) under an animated title, so both have motion
for the encoder. Each is
rendered with `engine.render` at the defaults, alternately, best of `--rounds`; prints frames per
second and the ratios video/still for each media path: ``poster`` (Chromium paints each frame as
the element's poster) and ``native`` (the frame composited outside the browser under the page's
overlay, issue 29's gate: at least 1.0). `--vignette` adds a dense full-frame overlay (a radial
gradient over the footage), the native path's costliest overlay.

`--pip` times issue 29's two-capture case instead: a picture-in-picture video (the same footage
shown at 40 % of the width, rounded corners) over content that paints below it (a gradient and a
heading) and under the animated title, at each of `--size` (comma-separated), rendered with
``media_path`` ``auto`` (a capture below the video, the video composited natively, a capture
above it) and ``poster`` (one capture, Chromium paints the frame), alternately, best of
`--rounds`; prints the ratio poster time / auto time (above 1: two-capture is faster).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import av
import numpy as np

import engine

PAGE = """<!doctype html><html><head><style>
.layer {{ position: absolute; left: 0; top: 0; width: {w}px; height: {h}px; object-fit: cover;
          animation: zoom {dur}s linear both; }}
@keyframes zoom {{ to {{ transform: scale(1.15); }} }}
.title {{ position: absolute; left: 5%; top: 40%; font: bold {fs}px sans-serif; color: #fff;
          text-shadow: 0 0 20px #000; animation: drift {dur}s linear both; }}
@keyframes drift {{ to {{ left: 45%; }} }}
</style></head><body>
<div id="root" data-composition-id="bench" data-width="{w}" data-height="{h}" data-duration="{dur}" data-fps="30">
  {layer}
  {vignette}<div class="title">Media layer</div>
</div></body></html>"""


def footage(width: int, height: int, frames: int, fps: int = 30) -> np.ndarray:
    """Frame `i` of a textured, moving picture (a generator: one frame at a time)."""
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 48, (height, width, 1), dtype=np.uint8)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    for i in range(frames):
        phase = i / fps
        r = (127 + 100 * np.sin(x / 97 + phase * 2)).astype(np.uint8)
        g = (127 + 100 * np.sin(y / 61 - phase * 3)).astype(np.uint8)
        b = (127 + 100 * np.sin((x + y) / 143 + phase)).astype(np.uint8)
        yield np.ascontiguousarray(np.stack([r, g, b], axis=2) + noise[:, :, [0, 0, 0]] // 2)


def write_media(folder: Path, width: int, height: int, seconds: float) -> None:
    frames = int(seconds * 30)
    with av.open(str(folder / "clip.mp4"), "w") as container:
        stream = container.add_stream("libx264", rate=30, options={"preset": "veryfast", "crf": "20"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        first = None
        for rgb in footage(width, height, frames):
            first = rgb if first is None else first
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    png = av.CodecContext.create("png", "w")
    png.width, png.height, png.pix_fmt = width, height, "rgb24"
    packets = png.encode(av.VideoFrame.from_ndarray(first, format="rgb24")) + png.encode(None)
    (folder / "still.png").write_bytes(b"".join(bytes(p) for p in packets))


VIGNETTE = ('<div style="position:absolute;inset:0;background:radial-gradient(ellipse at center,'
            'transparent 40%,rgba(0,0,0,.75))"></div>')


def composition(folder: Path, name: str, layer: str, width: int, height: int, seconds: float,
                vignette: bool = False) -> Path:
    target = folder / name
    target.mkdir()
    for media in ("clip.mp4", "still.png"):
        (target / media).write_bytes((folder / media).read_bytes())
    (target / "index.html").write_text(PAGE.format(w=width, h=height, dur=seconds, fs=height // 10, layer=layer,
                                                      vignette=VIGNETTE if vignette else ""))
    return target


PIP_BELOW = ('<div style="position:absolute;inset:0;background:linear-gradient(135deg,#123,#456 60%,#a63)"></div>'
             '<div style="position:absolute;left:5%;top:8%;font:bold {fs}px sans-serif;color:#fc6">Below the video</div>')
PIP_LAYER = ('<video src="clip.mp4" muted style="position:absolute;right:4%;bottom:6%;width:40%;height:40%;'
             'object-fit:cover;border-radius:{r}px"></video>')


def pip(folder: Path, width: int, height: int, seconds: float, rounds: int,
        workers: int | str) -> tuple[float, float]:
    """Best wall times (auto, poster) of the picture-in-picture composition at one size; asserts
    that auto took the two-capture path on every frame and poster the poster path."""
    write_media(folder, width, height, seconds)
    comp = folder / "pip"
    comp.mkdir()
    (comp / "clip.mp4").write_bytes((folder / "clip.mp4").read_bytes())
    layer = PIP_BELOW.format(fs=height // 14) + PIP_LAYER.format(r=height // 40)
    (comp / "index.html").write_text(PAGE.format(w=width, h=height, dur=seconds, fs=height // 10, layer=layer,
                                                   vignette=""))
    best = {"auto": float("inf"), "poster": float("inf")}
    for _ in range(rounds):
        for media_path in best:
            start = time.perf_counter()
            result = engine.render(comp, folder / f"{media_path}.mp4", workers=workers,
                                   capture={"media_path": media_path})
            best[media_path] = min(best[media_path], time.perf_counter() - start)
            kinds = {k: result.video_layers.get(k, 0) for k in ("native", "two_capture", "poster")}
            expected = "two_capture" if media_path == "auto" else "poster"
            if kinds[expected] != result.frames or sum(kinds.values()) != result.frames:
                raise SystemExit(f"{width}x{height} {media_path}: expected {result.frames} {expected} frames, "
                                 f"got {kinds}")
    frames = result.frames
    for media_path, took in best.items():
        print(f"pip {width}x{height} {media_path:6s}: {frames} frames in {took:.2f} s = {frames / took:.2f} fps "
              f"(path {result.path}, {result.workers} workers)", flush=True)
    print(f"pip {width}x{height}: poster / two-capture time = {best['poster'] / best['auto']:.2f} "
          "(above 1: two-capture is faster)", flush=True)
    return best["auto"], best["poster"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1920x1080", help="WxH (comma-separated sizes with --pip)")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", default="auto")
    parser.add_argument("--vignette", action="store_true", help="a dense full-frame overlay over the layer")
    parser.add_argument("--pip", action="store_true", help="a picture-in-picture video over content: two-capture "
                        "(media_path auto) against poster")
    args = parser.parse_args()
    workers = args.workers if args.workers == "auto" else int(args.workers)
    if args.pip:
        for size in args.size.split(","):
            width, height = (int(v) for v in size.split("x"))
            with tempfile.TemporaryDirectory() as tmp:
                pip(Path(tmp), width, height, args.seconds, args.rounds, workers)
        return
    width, height = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_media(folder, width, height, args.seconds)
        video = composition(folder, "video", '<video class="layer" src="clip.mp4" muted></video>', width, height,
                            args.seconds, args.vignette)
        still = composition(folder, "still", '<img class="layer" src="still.png">', width, height, args.seconds,
                            args.vignette)
        runs = (("still", still, "poster"), ("poster", video, "poster"), ("native", video, "native"))
        best: dict[str, float] = {}
        results = {}
        for _ in range(args.rounds):
            for name, comp, media_path in runs:
                start = time.perf_counter()
                results[name] = engine.render(comp, folder / f"{name}.mp4", workers=workers,
                                              capture={"media_path": media_path})
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
        frames = results["poster"].frames
        for name, _, _ in runs:
            r = results[name]
            print(f"{name:6s}: {frames} frames {width}x{height} in {best[name]:.2f} s = {frames / best[name]:.2f} fps "
                  f"(path {r.path}, {r.workers} workers, {r.capture_format} {r.capture_mode})")
        print(f"video / still, poster path: {best['still'] / best['poster']:.2f} (issue 12's gate: >= 0.80)")
        print(f"video / still, native path: {best['still'] / best['native']:.2f} (issue 29's gate: >= 1.00)")


if __name__ == "__main__":
    main()
