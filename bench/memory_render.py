"""Memory of long renders: peak resident memory must not grow with the number of frames.

    .venv/bin/python bench/memory_render.py [--frames 500,2000] [--size 160x90]

Each render runs in a fresh Python process (so peaks do not mix); a sampler thread records
the peak resident set of the engine's process and, separately, of its Chromium processes.
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
comp, out, frames = sys.argv[1], sys.argv[2], int(sys.argv[3])
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
result = engine.render(comp, out, frames=f"0:{frames}", workers=2)
done.set()
print(json.dumps({"frames": result.frames, "seconds": time.perf_counter() - start,
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


def write(folder: Path, w: int, h: int, frames: int) -> Path:
    """Scenes alternating every 2 s with a 0.5 s crossfade between each pair."""
    seconds = frames / 30
    scenes, transitions = [], []
    n = max(1, int(seconds // 2))
    for i in range(n):
        end = "" if i == n - 1 else ' data-duration="2.5"'
        colour = ("#248", "#842", "#284")[i % 3]
        scenes.append(f'<div class="scene clip" id="s{i}" data-start="{2 * i}"{end} style="background: {colour}">'
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
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    rows = []
    for frames in (int(f) for f in args.frames.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            comp = write(Path(tmp), w, h, frames)
            done = subprocess.run([sys.executable, "-c", CHILD, str(comp), str(Path(tmp) / "o.mp4"), str(frames)],
                                  capture_output=True, text=True, check=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(row, flush=True)
    print("\n| frames | seconds | engine process peak RSS (MB) | Chromium processes peak RSS (MB) |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['frames']} | {r['seconds']:.1f} | {r['engine_peak_mb']:.0f} | {r['browsers_peak_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
