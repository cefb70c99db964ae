"""A distributed render on a local Ray cluster against the same render on one machine (issue 17).

    .venv/bin/python bench/ray_render.py [--seconds 10] [--size 1280x720] [--actors 2,4] [--chunk-frames 0]

Writes a composition of `--seconds` at 30 fps (animated gradient, moving text and two crossfades),
renders it with `engine.render` (workers auto), then on a local cluster of N logical CPUs for
each N in `--actors` (one actor each), and prints the wall times, the overhead against one
machine and that overhead per chunk. On one 2-core machine this measures overhead, not speed-up:
the actors share the same cores.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchutil import write_composition

import engine

CSS = """.bg {{ position: absolute; inset: -20%; animation: spin {dur}s linear infinite; }}
@keyframes spin {{ to {{ transform: rotate(360deg); }} }}
.t {{ position: absolute; left: 10%; top: 40%; font: bold {fs}px sans-serif; color: #fff;
      animation: drift 3s linear infinite alternate; }}
@keyframes drift {{ to {{ left: 50%; }} }}"""


def composition(folder: Path, seconds: float, width: int, height: int) -> Path:
    third = seconds / 3
    colours = [("#1e3a8a", "#7c3aed"), ("#065f46", "#f59e0b"), ("#7f1d1d", "#0ea5e9")]
    scenes = "\n".join(
        f'<div class="scene clip" id="s{i}" data-start="{i * third:g}" data-duration="{third + (0.5 if i < 2 else 0):g}">'
        f'<div class="bg" style="background: conic-gradient({a}, {b}, {a})"></div><div class="t">Scene {i + 1}</div></div>'
        for i, (a, b) in enumerate(colours))
    transitions = "\n".join(
        f'<hf-transition data-shader="crossfade" data-time="{(i + 1) * third:g}" data-duration="0.5" '
        f'data-from="s{i}" data-to="s{i + 1}"></hf-transition>' for i in range(2))
    return write_composition(folder, name="bench", width=width, height=height, seconds=seconds,
                             body=scenes + "\n" + transitions, css=CSS.format(dur=seconds, fs=height // 8))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--actors", default="2,4")
    parser.add_argument("--chunk-frames", type=int, default=0, help="0: the default for the cluster")
    args = parser.parse_args()
    import ray

    width, height = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        comp = composition(Path(tmp) / "comp", args.seconds, width, height)
        start = time.perf_counter()
        one = engine.render(comp, Path(tmp) / "one.mp4", hash_frames=True)
        single = time.perf_counter() - start
        print(f"one machine: {single:.2f} s ({one.frames} frames, {one.workers} workers, {one.path})", flush=True)
        for actors in (int(a) for a in args.actors.split(",")):
            start = time.perf_counter()
            ray.init(num_cpus=actors, include_dashboard=False, log_to_driver=False, configure_logging=False)
            up = time.perf_counter() - start
            try:
                result = engine.render(comp, Path(tmp) / f"ray{actors}.mp4", ray="auto", hash_frames=True,
                                       chunk_frames=args.chunk_frames or None)
            finally:
                ray.shutdown()
            total = time.perf_counter() - start
            chunks = int(result.path_reason.split()[0])
            same = result.frame_hashes == one.frame_hashes
            print(f"ray, {actors} actors: {total:.2f} s with the cluster's start ({up:.2f} s), render {result.seconds:.2f} s; "
                  f"{result.path_reason}; overhead {result.seconds - single:+.2f} s = "
                  f"{(result.seconds - single) / chunks:+.3f} s per chunk; frames identical: {same}", flush=True)


if __name__ == "__main__":
    main()
