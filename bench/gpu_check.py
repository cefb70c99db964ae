"""The `gl` blend path on a real GPU: throughput per built-in transition (upload of both frames
and readback included) against a bare upload + readback of the same bytes on the same context,
the CPU kernels beside it, and the `auto` choice. Prints a short table last (issue 6).

    .venv/bin/python bench/gpu_check.py                    # refuses a software renderer
    .venv/bin/python bench/gpu_check.py --allow-software   # the same on llvmpipe (a dry run)
    bash bench/gpu/run_on_device.sh                        # on the lent GPU machine (see there)

An end-to-end render needs Chromium, which the GPU machines here do not have (and cannot be
carried there: the headless shell alone is over the 64 MiB a call may carry); the script runs
one when `--render` names a composition and Chromium is installed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from benchutil import best_of  # bench/ is on sys.path: this script lives there

import engine
from engine.blend.gl_backend import is_software_renderer

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "2160p": (3840, 2160)}  # 2160p only here


def bare_upload_readback(width: int, height: int, a: np.ndarray, b: np.ndarray, out: np.ndarray,
                         rounds: int) -> float:
    """Seconds for what a GL blend moves and nothing else: two rgb16 uploads, one rgb16 readback."""
    import moderngl

    ctx = moderngl.create_context(standalone=True, backend="egl")
    try:
        frm = ctx.texture((width, height), 3, dtype="nu2", alignment=2)
        to = ctx.texture((width, height), 3, dtype="nu2", alignment=2)
        color = ctx.texture((width, height), 4, dtype="nu2")
        fbo = ctx.framebuffer(color_attachments=[color])
        fbo.use()

        def move() -> None:
            frm.write(a)
            to.write(b)
            fbo.read_into(out, components=3, dtype="nu2", alignment=2)

        return best_of(move, rounds)
    finally:
        ctx.release()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="1080p")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--allow-software", action="store_true", help="run on a software renderer too (dry run)")
    ap.add_argument("--render", type=Path, help="also render this composition with --backend gl and cpu")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = ap.parse_args()

    width, height = SIZES[args.size]
    rng = np.random.default_rng(0)
    a = rng.integers(0, 65536, (height, width, 3), dtype=np.uint16)
    b = rng.integers(0, 65536, (height, width, 3), dtype=np.uint16)
    out = np.empty_like(a)
    names = [t.name for t in engine.transitions() if t.origin == "builtin" and t.name == t.kernel]
    figures: dict[str, Any] = {"size": args.size, "rounds": args.rounds, "transitions": {}}
    with engine.Blender("gl") as gl, engine.Blender("cpu") as cpu, engine.Blender("auto") as auto:
        renderer = gl.info.gl_renderer or "none"
        figures["gl_renderer"] = renderer
        if gl.info.gl_renderer is None:
            print(f"no GL context: {gl.info.gl_unavailable_reason}", file=sys.stderr)
            return 2
        if is_software_renderer(renderer) and not args.allow_software:
            print(f"GL renderer is {renderer!r}, a software renderer: this check is for a GPU "
                  "(--allow-software runs it anyway)", file=sys.stderr)
            return 2
        bare = bare_upload_readback(width, height, a, b, out, args.rounds)
        figures["bare_upload_readback_ms"] = bare * 1e3
        for name in names:
            g = best_of(lambda: gl.blend(name, a, b, 0.37, out=out), args.rounds)
            c = best_of(lambda: cpu.blend(name, a, b, 0.37, out=out), max(3, args.rounds // 3))
            figures["transitions"][name] = {"gl_ms": g * 1e3, "cpu_ms": c * 1e3, "gl_over_bare": g / bare,
                                            "auto": auto.choose(name)}
        figures["cpu_threads"] = cpu.info.cpu_threads
    if args.render:
        figures["render"] = {}
        for backend in ("gl", "cpu"):
            target = Path(f"/tmp/gpu-check-{backend}.mp4")
            result = engine.render(args.render, target, backend=backend)
            figures["render"][backend] = {"seconds": result.seconds, "fps": result.frames_per_second,
                                          "blend_s": result.stage_seconds.get("blend", 0.0)}
            target.unlink(missing_ok=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))

    print(f"\nGL renderer: {renderer}; {args.size}; best of {args.rounds}; CPU kernels on "
          f"{figures['cpu_threads']} threads")
    print(f"bare upload of two frames + readback of one: {bare * 1e3:.2f} ms\n")
    print("| transition | gl ms (upload+readback incl.) | gl / bare | cpu ms | auto picks |")
    print("|---|---|---|---|---|")
    for name, f in figures["transitions"].items():
        print(f"| {name} | {f['gl_ms']:.2f} | {f['gl_over_bare']:.2f} | {f['cpu_ms']:.2f} | {f['auto']} |")
    for backend, r in figures.get("render", {}).items():
        print(f"render --backend {backend}: {r['seconds']:.2f} s ({r['fps']:.1f} fps), blend {r['blend_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
