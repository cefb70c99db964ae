"""A warm `engine.Renderer` against cold renders, for short compositions (issue 15).

    .venv/bin/python bench/warm_renderer.py [--rounds 3] [--renders 4] [--workers 2] [--frames 0:30] [--check]

Per round, in one process: one cold `engine.render` of the bundled example's first second
(`--frames`), then a `Renderer` rendering it `--renders` times. Prints the cold render, the
renderer's first render (with the renderer's own start: its Playwright driver) and the median of
its later ones, and the ratio later/first (the issue's
gate: at most 0.75) and later/cold; `--check` exits 1 when the median ratio later/first is above
0.75. The example is 640x360 at 30 fps: a short render where start-up is a large share.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[1]
GATE = 0.75


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--composition", default=str(ROOT / "examples" / "showcase"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--renders", type=int, default=4, help="renders per Renderer (at least 2)")
    parser.add_argument("--workers", default="2")
    parser.add_argument("--frames", default="0:30")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when later/first is above {GATE}")
    args = parser.parse_args()
    workers = "auto" if args.workers == "auto" else int(args.workers)
    comp, opts = args.composition, {"workers": workers, "frames": args.frames, "hash_frames": True}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        engine.render(comp, out / "warmup.mp4", **opts)  # imports and disk caches, outside the figures
        colds, firsts, laters = [], [], []
        for r in range(args.rounds):
            colds.append(timed(lambda: engine.render(comp, out / "cold.mp4", **opts)))
            start = time.perf_counter()
            with engine.Renderer(**opts) as renderer:  # the first render counts the renderer's own start
                renderer.render(comp, out / "warm0.mp4")
                times = [time.perf_counter() - start]
                times += [timed(lambda i=i: renderer.render(comp, out / f"warm{i}.mp4")) for i in range(1, args.renders)]
            firsts.append(times[0])
            laters.append(statistics.median(times[1:]))
            print(f"round {r + 1}: cold {colds[-1]:.3f} s, renderer first {times[0]:.3f} s, then "
                  + ", ".join(f"{t:.3f}" for t in times[1:]), flush=True)
    ratio = statistics.median(later / first for later, first in zip(laters, firsts))
    vs_cold = statistics.median(later / cold for later, cold in zip(laters, colds))
    print(f"\ncold render        {statistics.median(colds):.3f} s (median of {args.rounds})")
    print(f"renderer, first    {statistics.median(firsts):.3f} s")
    print(f"renderer, later    {statistics.median(laters):.3f} s")
    print(f"later / first      {ratio:.2f}  (gate: at most {GATE})")
    print(f"later / cold       {vs_cold:.2f}")
    if args.check and ratio > GATE:
        print(f"FAIL: later renders cost {ratio:.2f} of the first (gate {GATE})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
