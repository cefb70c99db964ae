"""Memory of long renders: peak resident memory must not grow with the number of frames.

    .venv/bin/python bench/memory_render.py [--frames 500,2000] [--size 160x90] [--media]
                                            [--media-path auto|native|poster|both]

With --media the composition also plays a looping H.264 video under its scenes and a looping
tone (issue 12: memory must stay flat over a 2,000-frame render with video and audio). The
scenes over the video are translucent (opacity 0.7) and nothing paints below the full-frame
video, so it is a native layer with one capture per frame (issue 29); `--media-path` picks the
engine's ``media_path`` (``both``: native then poster at each frame count). Each render runs in
a fresh Python process (so peaks do not mix); a sampler thread records the peak resident set of
the engine's process and, separately, of its Chromium processes; each row gives the render's
``video_layers`` (frames of each kind: native, two_capture, poster).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, threading, time
import psutil
import engine
comp, out, frames, media_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
me = psutil.Process()
peak = {"browsers": 0}
done = threading.Event()
def sample():
    while not done.is_set():
        total = 0
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        peak["browsers"] = max(peak["browsers"], total)
        time.sleep(0.2)
threading.Thread(target=sample, daemon=True).start()
start = time.perf_counter()
result = engine.render(comp, out, frames=f"0:{frames}", workers=2, capture={"media_path": media_path})
done.set()
layers = {k: v for k, v in result.video_layers.items() if k in ("native", "two_capture", "poster")}
print(json.dumps({"frames": result.frames, "seconds": time.perf_counter() - start, "media_path": media_path,
                  "video_layers": layers, "captures": result.captures,
                  "engine_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "browsers_peak_mb": peak["browsers"] / 2**20}))
"""

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; }} #root {{ position: relative; width: {w}px; height: {h}px; overflow: hidden; font-family: "DejaVu Sans"; }}
.scene {{ position: absolute; inset: 0; color: #fff; font-size: {fs}px; display: flex; align-items: center; justify-content: center; }}
.dot {{ position: absolute; width: 10px; height: 10px; background: #fff; animation: m 1s linear infinite alternate; }}
@keyframes m {{ to {{ transform: translateX({w}px); }} }}
</style></head><body>
<div id="root" data-composition-id="long" data-width="{w}" data-height="{h}" data-duration="{dur}" data-fps="30">
{scenes}
{transitions}
</div></body></html>"""


def write_media(folder: Path, w: int, h: int) -> str:
    """A 4 s looping video (moving gradient) and a 4 s tone; the HTML that plays them."""
    import av
    import numpy as np

    with av.open(str(folder / "loop.mp4"), "w") as out:
        stream = out.add_stream("libx264", rate=30, options={"preset": "veryfast"})
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        x = np.arange(w, dtype=np.float32)[None, :, None]
        for i in range(120):
            rgb = np.broadcast_to((127 + 100 * np.sin(x / 17 + i / 5)).astype(np.uint8), (h, w, 3)).copy()
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with av.open(str(folder / "tone.wav"), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=48000, layout="stereo")
        tone = (np.sin(np.arange(4 * 48000) / 48000 * 2 * np.pi * 440) * 8000).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(np.repeat(tone, 2)[None, :], format="s16", layout="stereo")
        frame.sample_rate = 48000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return (f'<video src="loop.mp4" loop muted style="position:absolute;left:0;top:0;width:{w}px;height:{h}px">'
            '</video><audio src="tone.wav" loop></audio>')


def write(folder: Path, w: int, h: int, frames: int, media: bool = False) -> Path:
    """Scenes alternating every 2 s with a 0.5 s crossfade between each pair (over a video and a tone)."""
    seconds = frames / 30
    scenes, transitions = [], []
    if media:
        scenes.append(write_media(folder, w, h))
    n = max(1, int(seconds // 2))
    for i in range(n):
        end = "" if i == n - 1 else ' data-duration="2.5"'
        colour = ("#248", "#842", "#284")[i % 3]
        opacity = "; opacity: 0.7" if media else ""
        scenes.append(f'<div class="scene clip" id="s{i}" data-start="{2 * i}"{end} style="background: {colour}{opacity}">'
                      f'frame<div class="dot"></div></div>')
        if i:
            transitions.append(f'<hf-transition data-shader="crossfade" data-time="{2 * i}" data-duration="0.5" '
                               f'data-from="s{i - 1}" data-to="s{i}"></hf-transition>')
    (folder / "index.html").write_text(PAGE.format(w=w, h=h, fs=h // 4, dur=seconds, scenes="\n".join(scenes),
                                                   transitions="\n".join(transitions)))
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", default="500,2000")
    parser.add_argument("--size", default="160x90")
    parser.add_argument("--media", action="store_true", help="add a looping video and a looping tone")
    parser.add_argument("--media-path", default="auto", choices=("auto", "native", "poster", "both"),
                        help="the engine's media_path (both: native, then poster, at each frame count)")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    paths = ("native", "poster") if args.media_path == "both" else (args.media_path,)
    rows = []
    for frames in (int(f) for f in args.frames.split(",")):
        for media_path in paths:
            with tempfile.TemporaryDirectory() as tmp:
                comp = write(Path(tmp), w, h, frames, args.media)
                done = subprocess.run([sys.executable, "-c", CHILD, str(comp), str(Path(tmp) / "o.mp4"), str(frames),
                                       media_path], capture_output=True, text=True)
                if done.returncode:
                    sys.exit(f"the render of {frames} frames ({media_path}) failed:\n{done.stderr[-3000:]}")
                row = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(row, flush=True)
    print(f"\n{w}x{h}, 30 fps, 2 workers" + (", with a looping video and tone" if args.media else ""))
    print("| frames | media path | video layers (native / two-capture / poster) | captures | seconds "
          "| engine process peak RSS (MB) | Chromium processes peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        kinds = " / ".join(str(r["video_layers"].get(k, 0)) for k in ("native", "two_capture", "poster"))
        print(f"| {r['frames']} | {r['media_path']} | {kinds} | {r['captures']} | {r['seconds']:.1f} "
              f"| {r['engine_peak_mb']:.0f} | {r['browsers_peak_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
