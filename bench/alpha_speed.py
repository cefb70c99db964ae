"""What transparency costs: the bundled example rendered with --alpha against the same render
opaque with PNG capture (issue 14's gate: at most 1.5x).

    .venv/bin/python bench/alpha_speed.py [--rounds 3] [--output mov|webm|png] [--workers auto] [--check]

Both renders capture PNG and write the same codec (ProRes 4444 in MOV by default; ``webm``: VP9;
``png``: a 16-bit PNG sequence at --quality high); they alternate, and the median of each is
compared. The example's 240 frames of 640x360 hold two transitions (30 blended frames).
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
GATE = 1.5
OUTPUTS = {"mov": ("v.mov", "standard"), "webm": ("v.webm", "standard"), "png": ("seq/f_%04d.png", "high")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--composition", default=str(ROOT / "examples" / "showcase"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", choices=sorted(OUTPUTS), default="mov")
    parser.add_argument("--workers", default="auto")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when alpha costs more than {GATE}x")
    args = parser.parse_args()
    workers = args.workers if args.workers == "auto" else int(args.workers)
    name, quality = OUTPUTS[args.output]
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        engine.render(args.composition, Path(tmp) / "warmup.mp4", frames="0:10", workers=workers)
        for r in range(args.rounds):
            for alpha in (False, True):
                out = Path(tmp) / ("a" if alpha else "o") / name
                out.parent.mkdir(parents=True, exist_ok=True)
                start = time.perf_counter()
                result = engine.render(args.composition, out, alpha=alpha, quality=quality, workers=workers,
                                       capture={"capture_format": "png"})
                times[alpha].append(time.perf_counter() - start)
                print(f"round {r + 1} {'alpha ' if alpha else 'opaque'}: {times[alpha][-1]:.2f} s "
                      f"({result.frames} frames, {result.workers} workers, blend {result.backend})", flush=True)
    opaque, alpha = statistics.median(times[False]), statistics.median(times[True])
    print(f"\nopaque, PNG capture  {opaque:.2f} s (median of {args.rounds})")
    print(f"alpha                {alpha:.2f} s")
    print(f"alpha / opaque       {alpha / opaque:.2f}  (gate: at most {GATE})")
    if args.check and alpha / opaque > GATE:
        print(f"FAIL: alpha costs {alpha / opaque:.2f}x (gate {GATE})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
