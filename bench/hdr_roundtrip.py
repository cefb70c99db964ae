"""HDR round trip (issue 30): PQ footage authored up to 1000 and 4000 nits, and HLG footage, through
an HDR render, measured as the 10-bit luma codes of the output against the source's.

    .venv/bin/python bench/hdr_roundtrip.py [--size 640x360]

Per source: each grey band's code in the source and in the output (median over the band), the
largest difference, the page's white box (BT.2408 reference white: PQ about 573, HLG about 721),
and the stream's tags as ffprobe reads them (when installed). Not a test; the assertions live in
tests/test_hdr_layers.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import composition, write_hdr_video  # noqa: E402  (the tests' clip writer)

import engine  # noqa: E402
from engine.output.hdr_signal import pq_encode  # noqa: E402

PQ_NITS = (0.0, 100.0, 203.0, 1000.0, 4000.0)
HLG_LEVELS = (0.0, 0.25, 0.5, 0.75, 0.95)


def luma(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0)).reformat(format="yuv420p10le")
        plane = frame.planes[0]
        return np.frombuffer(memoryview(plane), np.uint16).reshape(-1, plane.line_size // 2)[:frame.height, :frame.width]


def bands(y: np.ndarray, band: int) -> list[float]:
    return [float(np.median(y[8:-8, i * band + 4:(i + 1) * band - 4])) for i in range(5)]


def ffprobe(path: Path) -> str:
    if shutil.which("ffprobe") is None:
        return "ffprobe not installed"
    done = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams", "-of", "json",
                           str(path)], capture_output=True, text=True, check=True)
    s = json.loads(done.stdout)["streams"][0]
    return f"{s['codec_name']} {s['pix_fmt']} {s['color_space']}/{s['color_primaries']}/{s['color_transfer']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="640x360", help="WxH of the composition (default 640x360)")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    band = w // 8
    with tempfile.TemporaryDirectory() as tmp:
        for transfer, levels in (("pq", [float(pq_encode(np.array(n))) for n in PQ_NITS]), ("hlg", list(HLG_LEVELS))):
            rgb = np.zeros((h, w, 3), np.uint16)
            for i, level in enumerate(levels):
                rgb[:, i * band:(i + 1) * band] = round(level * 65535)
            folder = composition(Path(tmp) / transfer,
                                 f'<video class="clip" src="src.mp4" data-start="0" data-duration="0.4" muted '
                                 f'style="position:absolute;left:0;top:0;width:{w}px;height:{h}px"></video>'
                                 f'<div style="position:absolute;left:{5 * band}px;top:0;right:0;bottom:0;'
                                 'background:#fff"></div>', width=w, height=h, duration=0.4, fps=10)
            source = write_hdr_video(folder / "src.mp4", rgb, transfer, frames=4)
            out = Path(tmp) / f"{transfer}.mp4"
            result = engine.render(folder, out, quality="high")
            src, got = bands(luma(source), band), bands(luma(out), band)
            white = float(np.median(luma(out)[8:-8, 5 * band + 4:-4]))
            names = [f"{n:g} nits" for n in PQ_NITS] if transfer == "pq" else [f"HLG {v:g}" for v in HLG_LEVELS]
            print(f"{transfer.upper()} ({result.dynamic_range}, {result.codec}, {w}x{h}, native layers "
                  f"{result.video_layers['native']}/{result.frames}):")
            for name, a, b in zip(names, src, got, strict=True):
                print(f"  {name:>11}: source {a:6.1f}  output {b:6.1f}  diff {b - a:+.1f} ({100 * (b - a) / max(a, 1):+.2f} %)")
            print(f"  page white: {white:.1f} (BT.2408: {'573' if transfer == 'pq' else '721'})")
            print(f"  ffprobe: {ffprobe(out)}")


if __name__ == "__main__":
    main()
