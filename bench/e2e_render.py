"""End-to-end render benchmark on a transition-heavy composition (issue 4).

    .venv/bin/python bench/e2e_render.py [--sizes 1280x720,1920x1080] [--seconds 2] [--workers 2]

For each size, in one run: a naive baseline (one page: seek, screenshot, decode, blend, encode,
one frame after another, nothing overlapped), the sequential path, the hybrid path, and capture
alone (the same frames seeked and captured by the same number of sessions; no blend, no encode:
the ceiling). Prints frames per second, the ratios, and where the time went per stage.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import av
import numpy as np

import engine
from engine.capture import BrowserSession
from engine.composition.plan import FrameInfo
from engine.pipeline.planning import partition

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body {{ margin: 0; background: #000; }}
#root {{ position: relative; width: {w}px; height: {h}px; overflow: hidden; font-family: "DejaVu Sans"; color: #fff; }}
.scene {{ position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; font-size: {fs}px; }}
#a {{ background: linear-gradient(135deg, #203a80, #6a2a90); }}
#b {{ background: radial-gradient(circle, #2f8f4f, #10301a); }}
#c {{ background: linear-gradient(45deg, #a04010, #f0b030); }}
.dot {{ position: absolute; width: {d}px; height: {d}px; border-radius: 50%; background: #fff;
        top: 20%; left: 5%; animation: move 2s linear infinite alternate; }}
@keyframes move {{ to {{ left: 85%; }} }}
</style></head><body>
<div id="root" data-composition-id="bench" data-width="{w}" data-height="{h}" data-duration="{dur}" data-fps="30">
  <div class="scene clip" id="a" data-start="0" data-duration="{t1e}">Scene A<div class="dot"></div></div>
  <div class="scene clip" id="b" data-start="{t1}" data-duration="{bd}">Scene B<div class="dot"></div></div>
  <div class="scene clip" id="c" data-start="{t2}">Scene C<div class="dot"></div></div>
  <hf-transition data-shader="sdf-iris" data-time="{t1}" data-duration="{td}" data-from="a" data-to="b"></hf-transition>
  <hf-transition data-shader="wipe-left" data-time="{t2}" data-duration="{td}" data-from="b" data-to="c"></hf-transition>
</div></body></html>"""


def write_composition(folder: Path, w: int, h: int, seconds: float) -> Path:
    """Two transitions covering half the frames."""
    td = seconds / 4
    t1, t2 = seconds / 6, seconds / 6 + seconds / 2
    (folder / "index.html").write_text(PAGE.format(w=w, h=h, fs=h // 8, d=h // 10, dur=seconds, td=td, t1=t1,
                                                   t1e=t1 + td, t2=t2, bd=t2 + td - t1))
    return folder


def capture_into(session: BrowserSession, info: FrameInfo, frm: np.ndarray, to: np.ndarray, out: np.ndarray) -> None:
    if info.transition is None:
        session.capture_frame(info.time, out=out)
    else:
        session.capture_scene(info.time, info.transition.from_scene, out=frm)
        session.capture_scene(info.time, info.transition.to_scene, out=to)


def naive(comp: Path, output: Path) -> tuple[float, int]:
    start = time.perf_counter()
    with BrowserSession(comp) as session, engine.Blender() as blender:
        plan = session.plan
        frm, to, out = (np.empty((plan.height, plan.width, 3), np.uint16) for _ in range(3))
        with av.open(str(output), "w") as container:
            stream = container.add_stream("libx264", rate=plan.fps)
            stream.width, stream.height, stream.pix_fmt = plan.width, plan.height, "yuv420p"
            stream.options = {"crf": "20", "preset": "faster"}
            for info in plan.frames():
                capture_into(session, info, frm, to, out)
                if info.transition is not None:
                    blender.blend(info.transition.shader, frm, to, info.progress, out=out)
                video = av.VideoFrame.from_ndarray(out, format="rgb48le").reformat(format="yuv420p")
                video.pts = info.index
                for packet in stream.encode(video):
                    container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
        return time.perf_counter() - start, plan.frame_count


def capture_alone(comp: Path, workers: int) -> tuple[float, int]:
    start = time.perf_counter()
    with BrowserSession(comp) as first:
        plan = first.plan
        shares = partition(plan.frames(), workers, "interleaved")

        def walk(session: BrowserSession, share: list[FrameInfo]) -> None:
            bufs = [np.empty((plan.height, plan.width, 3), np.uint16) for _ in range(3)]
            for info in share:
                capture_into(session, info, *bufs)

        def thread_main(share: list[FrameInfo]) -> None:
            with BrowserSession(plan) as session:
                walk(session, share)

        threads = [threading.Thread(target=thread_main, args=(s,)) for s in shares[1:]]
        for t in threads:
            t.start()
        walk(first, shares[0])
        for t in threads:
            t.join()
    return time.perf_counter() - start, plan.frame_count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1280x720,1920x1080")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for size in args.sizes.split(","):
        w, h = (int(v) for v in size.split("x"))
        with tempfile.TemporaryDirectory() as tmp:
            comp = write_composition(Path(tmp), w, h, args.seconds)
            results = {}
            seconds, n = naive(comp, Path(tmp) / "naive.mp4")
            results["naive"] = n / seconds
            stages = {}
            for path in ("sequential", "hybrid"):
                r = engine.render(comp, Path(tmp) / f"{path}.mp4", path=path, workers=args.workers)
                results[path] = r.frames_per_second
                stages[path] = r.stage_seconds
            seconds, n = capture_alone(comp, args.workers)
            results["capture alone"] = n / seconds
        rows.append((size, n, results, stages))
        print(f"{size}: " + ", ".join(f"{k} {v:.2f} fps" for k, v in results.items()), flush=True)
        for path, st in stages.items():
            print(f"  {path} stages (s, summed over threads): " +
                  ", ".join(f"{k} {v:.2f}" for k, v in sorted(st.items())), flush=True)
    print("\n| size | frames | naive fps | sequential fps | hybrid fps | capture-alone fps | hybrid/capture | hybrid/sequential |")
    print("|---|---|---|---|---|---|---|---|")
    for size, n, r, _ in rows:
        print(f"| {size} | {n} | {r['naive']:.2f} | {r['sequential']:.2f} | {r['hybrid']:.2f} | {r['capture alone']:.2f} | "
              f"{r['hybrid'] / r['capture alone']:.2f} | {r['hybrid'] / r['sequential']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
