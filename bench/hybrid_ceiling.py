"""How much of its ceiling the hybrid path reaches (issue 16's second goal: at least 0.85).

    .venv/bin/python bench/hybrid_ceiling.py [--size 640x360] [--seconds 4] [--rounds 2]

A transition-heavy composition (4 scenes, 3 shaders, 45 % of the frames in transitions) is
rendered on the sequential path and on the hybrid path, alternately. While each runs, a sampler
adds up the CPU time of this process and of every process it starts (Chromium, the Playwright
drivers). The sequential path's busy fraction is its CPU seconds / (wall seconds x usable
CPUs); the hybrid path can at best remove the idle part, so its ceiling is 1 / busy. Printed:
the busy fraction, the ceiling, the speed-up (sequential wall / hybrid wall) and the ratio
speed-up / ceiling, with medians over the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from benchutil import write_composition

import engine
from engine.config import usable_cpus

CSS = """.t {{ position: absolute; left: 8%; top: 38%; font: bold {fs}px sans-serif; color: #fff;
      animation: drift 2s linear infinite alternate; }}
@keyframes drift {{ to {{ left: 48%; }} }}"""
SHADERS = ("crossfade", "sdf-iris", "wipe")


def composition(folder: Path, seconds: float, width: int, height: int) -> Path:
    """4 scenes of seconds/4, joined by 3 transitions of 0.15 x seconds each (45 % of the frames)."""
    quarter, span = seconds / 4, 0.15 * seconds
    colours = ("#1e3a8a", "#065f46", "#7f1d1d", "#6b21a8")
    scenes = "\n".join(
        f'<div class="scene clip" id="s{i}" data-start="{max(0.0, i * quarter - span / 2):g}" '
        f'data-duration="{min(quarter + span, seconds - max(0.0, i * quarter - span / 2)):g}" style="background: linear-gradient(135deg, {c}, #000)">'
        f'<div class="t">Scene {i + 1}</div></div>' for i, c in enumerate(colours))
    transitions = "\n".join(
        f'<hf-transition data-shader="{SHADERS[i]}" data-time="{(i + 1) * quarter - span / 2:g}" '
        f'data-duration="{span:g}" data-from="s{i}" data-to="s{i + 1}"></hf-transition>' for i in range(3))
    return write_composition(folder, name="ceiling", width=width, height=height, seconds=seconds,
                             body=scenes + "\n" + transitions, css=CSS.format(fs=height // 8))


def cpu_while(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and all it started) of `fn()`."""
    me = psutil.Process()
    seen: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for proc in me.children(recursive=True):
                try:
                    times = proc.cpu_times()
                    seen[proc.pid] = times.user + times.system
                except psutil.Error:
                    pass
            stop.wait(0.05)

    own = me.cpu_times()
    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    fn()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    after = me.cpu_times()
    return wall, (after.user + after.system - own.user - own.system) + sum(seen.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    cpus = usable_cpus()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        comp = composition(Path(tmp) / "comp", args.seconds, width, height)
        engine.render(comp, Path(tmp) / "warmup.mp4", frames="0:10")
        for r in range(args.rounds):
            seq_wall, seq_cpu = cpu_while(lambda: engine.render(comp, Path(tmp) / "s.mp4", path="sequential"))
            hyb_wall, _ = cpu_while(lambda: engine.render(comp, Path(tmp) / "h.mp4", path="hybrid"))
            busy = seq_cpu / (seq_wall * cpus)
            speedup, ceiling = seq_wall / hyb_wall, 1 / busy
            rows.append((busy, ceiling, speedup, speedup / ceiling))
            print(f"round {r + 1}: sequential {seq_wall:.2f} s ({seq_cpu:.2f} CPU s, busy {busy:.2f}), hybrid "
                  f"{hyb_wall:.2f} s: speed-up {speedup:.2f} of a ceiling {ceiling:.2f} -> {speedup / ceiling:.2f}",
                  flush=True)
    busy, ceiling, speedup, ratio = (statistics.median(column) for column in zip(*rows, strict=True))
    print(f"\n{cpus} CPUs, {args.size}, {args.seconds:g} s, medians of {args.rounds}: busy {busy:.2f}, "
          f"ceiling {ceiling:.2f}, speed-up {speedup:.2f}, speed-up / ceiling {ratio:.2f} (goal: at least 0.85)")


if __name__ == "__main__":
    main()
