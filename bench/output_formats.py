"""What each output costs: the bundled example rendered to every kind of output (issue 15).

    .venv/bin/python bench/output_formats.py [--quality standard] [--workers auto]

Renders examples/showcase (640x360, 8 s at 30 fps) to MP4 (h264), MOV (ProRes), WebM (VP9),
MKV (AV1), a GIF at 15 fps, a PNG sequence and one still; prints the wall time, the encoder's
own seconds (on its thread, overlapping capture) and the size on disk of each.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = [("h264", "v.mp4", {}), ("prores", "v.mov", {}), ("vp9", "v.webm", {}), ("av1", "v.mkv", {"codec": "av1"}),
           ("gif 15 fps", "v.gif", {"fps": 15}), ("png sequence", "seq/f_%04d.png", {}),
           ("png still", "still.png", {"still": 4})]


def size_of(path: Path) -> int:
    if "%" in path.name:
        return sum(p.stat().st_size for p in path.parent.iterdir())
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--composition", default=str(ROOT / "examples" / "showcase"))
    parser.add_argument("--quality", default="standard")
    parser.add_argument("--workers", default="auto")
    args = parser.parse_args()
    workers = args.workers if args.workers == "auto" else int(args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        engine.render(args.composition, Path(tmp) / "warmup.mp4", frames="0:10", workers=workers)
        print(f"{'output':<14} {'frames':>6} {'seconds':>8} {'fps':>6} {'encode s':>9} {'size':>10}")
        for name, file, extra in OUTPUTS:
            out = Path(tmp) / file
            start = time.perf_counter()
            result = engine.render(args.composition, out, quality=args.quality, workers=workers, **extra)
            seconds = time.perf_counter() - start
            print(f"{name:<14} {result.frames:>6} {seconds:>8.2f} {result.frames / seconds:>6.1f} "
                  f"{result.stage_seconds.get('encode', 0):>9.2f} {size_of(out) / 1e6:>8.2f} MB", flush=True)


if __name__ == "__main__":
    main()
