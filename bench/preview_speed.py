"""How fast the preview shows the exact frame after the playhead moves (issue 32: within 300 ms at
1280x720 once warm).

A 1280x720, 4 s, 30 fps composition (gradients, text, a moving box, two scenes and a transition)
is measured after two warm-up frames:

- ``still``: the engine-side parts alone, on this thread: a cold still (`Renderer.render` with
  ``still=t``: a browser context and page load per frame, what the preview did first) against a
  warm one (`engine.render.stills.StillSession.png`: the page kept loaded and seeked);
- ``http``: a `PreviewServer`'s ``GET /frame.png?t=...`` for frames not rendered before (a seek
  of the warm page, capture, blend, PNG), and again for the same frames (the cache);
- ``page``: the preview page in Chromium (Playwright): the scrubber moved by script, timed until
  the page shows that exact frame (``#frame[data-frame=N][data-quality=high]``).

The machine's load average is printed with each measure (the machine is shared): compare the
medians under a similar load, and the minimums (best of N) for what the code costs.

    .venv/bin/python bench/preview_speed.py [--frames 12] [--no-page] [--no-still]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.capture.options import default_chromium  # noqa: E402
from engine.preview.server import PreviewServer  # noqa: E402

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; background: #000; }
#root { position: relative; width: 1280px; height: 720px; overflow: hidden; font: 64px "DejaVu Sans", sans-serif; }
.scene { position: absolute; inset: 0; color: #fff; display: flex; align-items: center; justify-content: center; }
#a { background: radial-gradient(circle at 30% 30%, #3a6df0, #101a40 70%); }
#b { background: linear-gradient(135deg, #1d2b1f, #3f8f4f); }
#box { position: absolute; left: 0; top: 500px; width: 120px; height: 120px; background: #e33; border-radius: 20px;
       animation: mv 4s linear both; }
@keyframes mv { to { left: 1100px; transform: rotate(360deg); } }
</style></head><body>
<div id="root" data-composition-id="bench" data-width="1280" data-height="720" data-duration="4" data-fps="30">
  <section class="scene clip" id="a" data-start="0" data-duration="2.5"><h1>Preview speed</h1><div id="box"></div></section>
  <section class="scene clip" id="b" data-start="2" data-duration="2"><h1>1280 x 720</h1></section>
  <hf-transition data-shader="crossfade" data-time="2" data-duration="0.5" data-from="a" data-to="b"></hf-transition>
</div></body></html>"""


def fetch(port: int, token: str, index: int) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", f"/frame.png?t={index}/30&token={token}")
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"frame {index}: HTTP {response.status}")
    return time.perf_counter() - start


def describe(name: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    load = os.getloadavg()[0]
    print(f"{name:<28} n={len(ms):<3} median {statistics.median(ms):7.1f} ms   min {ms[0]:7.1f}   "
          f"max {ms[-1]:7.1f}   under 300 ms: {sum(m < 300 for m in ms)}/{len(ms)}   (load {load:.2f})")


def timed(fn: Callable[..., object], *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def still_latency(comp: Path, indices: list[int]) -> None:
    """The cold still (a page load per frame) against the warm page (`StillSession`), on this thread."""
    from engine.render.stills import StillSession
    from engine.render.warm import Renderer

    with tempfile.TemporaryDirectory() as folder, Renderer(workers=1, quality="high") as renderer:
        out = Path(folder) / "still.png"
        for i in (0, 1):
            renderer.render(comp, out, still=f"{i}/30")
        describe("still, cold page per frame", [timed(renderer.render, comp, out, still=f"{i}/30") for i in indices])
    start = time.perf_counter()
    with StillSession(comp) as stills:
        print(f"warm page opened in {time.perf_counter() - start:.2f} s")
        for i in (0, 1):
            stills.png(f"{i}/30")
        describe("still, warm page (seek)", [timed(stills.png, f"{i}/30") for i in indices])


def page_latency(server: PreviewServer, indices: list[int]) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=default_chromium())
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        page.wait_for_selector('#frame[data-frame="0"][data-quality="high"]', state="attached", timeout=120_000)
        for index in indices:
            start = time.perf_counter()
            page.eval_on_selector("#scrubber", f"el => {{ el.value = '{index}'; el.dispatchEvent(new Event('input')); }}")
            page.wait_for_selector(f'#frame[data-frame="{index}"][data-quality="high"]', state="attached",
                                   timeout=120_000)
            times.append(time.perf_counter() - start)
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=12, help="frames timed per measure (default 12)")
    parser.add_argument("--no-page", action="store_true", help="skip the measure through the page in Chromium")
    parser.add_argument("--no-still", action="store_true", help="skip the engine-side measure (cold against warm)")
    args = parser.parse_args()
    rng = random.Random(32)
    with tempfile.TemporaryDirectory() as folder:
        comp = Path(folder) / "comp"
        comp.mkdir()
        (comp / "index.html").write_text(PAGE, encoding="utf-8")
        print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")
        if not args.no_still:
            still_latency(comp, rng.sample(range(2, 120), args.frames))
        start = time.perf_counter()
        with PreviewServer(comp).start() as server:
            print(f"server and warm renderer started in {time.perf_counter() - start:.2f} s")
            warm = [fetch(server.port, server.token, i) for i in (0, 1)]
            print(f"first frames (warming up): {', '.join(f'{w * 1000:.0f} ms' for w in warm)}")
            pool = list(range(2, 120))
            rng.shuffle(pool)
            http_frames, page_frames = pool[:args.frames], pool[args.frames:2 * args.frames]
            describe("http, new frame", [fetch(server.port, server.token, i) for i in http_frames])
            describe("http, cached frame", [fetch(server.port, server.token, i) for i in http_frames])
            if not args.no_page:
                describe("page, scrub to a new frame", page_latency(server, page_frames))


if __name__ == "__main__":
    main()
