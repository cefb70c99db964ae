"""The audio mix's cost in a render (issue 31): four clips, five effects each, against no audio.

    .venv/bin/python bench/audio_mix.py [--seconds 60] [--size 1280x720] [--fps 30] [--rounds 2]
                                        [--workers auto] [--automation]

One composition (an animated title over a gradient) with four ``<audio>`` clips covering its
whole duration (tones and noise, 48 kHz stereo WAV), each with a five-effect ``data-fx-chain``
(highpass, peaking, compressor, delay, reverb; `--automation` adds a volume lane and a lane on
the peaking gain). It is rendered with `engine.render` at the defaults with the mix and with
``audio=False`` (the same frames, no audio stream), alternately, best of `--rounds`; prints both
times and the ratio (the issue's gate: at most 1.05), and the time to make the mix alone
(`MixStream`, read to its end, no encoder).
"""

from __future__ import annotations

import argparse
import html
import json
import tempfile
import time
from pathlib import Path

import av
import numpy as np

import engine

PAGE = """<!doctype html><html><head><style>
body {{ margin: 0; }}
.bg {{ position: absolute; inset: 0; background: linear-gradient(120deg, #123, #a64); }}
.title {{ position: absolute; left: 5%; top: 40%; font: bold {fs}px sans-serif; color: #fff;
          animation: drift {dur}s linear both; }}
@keyframes drift {{ to {{ left: 45%; }} }}
</style></head><body>
<div id="root" data-composition-id="bench" data-width="{w}" data-height="{h}" data-duration="{dur}" data-fps="{fps}">
  <div class="bg"></div><div class="title">Audio mix</div>
  {clips}
</div></body></html>"""

CHAIN = {"version": 1, "nodes": [
    {"type": "highpass", "id": "n1", "params": {"frequency": 80}},
    {"type": "peaking", "id": "n2", "params": {"frequency": 250, "gain": -3, "q": 1.2}},
    {"type": "compressor", "id": "n3", "params": {"threshold": -20, "ratio": 3}},
    {"type": "delay", "id": "n4", "params": {"time": 180, "feedback": 0.3, "mix": 0.2}},
    {"type": "reverb", "id": "n5", "params": {"size": 0.5, "wet": 0.2, "dry": 0.8}},
]}


def write_wav(path: Path, seconds: float, seed: int) -> None:
    """Tones and pink-ish noise, 48 kHz stereo 16-bit."""
    rate, n = 48000, round(seconds * 48000)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / rate
    tone = 0.2 * np.sin(2 * np.pi * (110 * (seed + 1)) * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
    noise = np.cumsum(rng.standard_normal(n)) * 0.001
    noise -= np.convolve(noise, np.ones(256) / 256, mode="same")
    mono = (tone + noise).astype(np.float32)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=rate)
        stream.layout = "stereo"
        for at in range(0, n, 4096):
            block = np.ascontiguousarray(np.stack([mono[at:at + 4096]] * 2))
            frame = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def make(folder: Path, seconds: float, width: int, height: int, fps: int, automation: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    clips = []
    lanes = json.dumps({"version": 1, "lanes": [
        {"target": "volume", "points": [{"t": 0, "v": 1}, {"t": seconds, "v": 0.5, "curve": 0.3}]},
        {"target": "fx.n2.gain", "points": [{"t": 0, "v": 0}, {"t": seconds / 2, "v": -9}]}]})
    for i in range(4):
        write_wav(folder / f"a{i}.wav", seconds, i)
        extra = f' data-automation="{html.escape(lanes, quote=True)}"' if automation else ""
        clips.append(f'<audio id="a{i}" src="a{i}.wav" data-start="0" data-volume="0.5" '
                     f'data-fx-chain="{html.escape(json.dumps(CHAIN), quote=True)}"{extra}></audio>')
    (folder / "index.html").write_text(PAGE.format(w=width, h=height, dur=seconds, fps=fps, fs=height // 8,
                                                   clips="\n  ".join(clips)), encoding="utf-8")
    return folder


def mix_alone(folder: Path) -> float:
    """Seconds to make the mix (decode, chains, sum, loudness meter) without rendering, read as the
    AAC encoder reads it: 1024 samples at a time."""
    from engine.capture.session import load_plan
    from engine.render.audio import RenderAudio

    plan = load_plan(folder)

    start = time.perf_counter()
    audio = RenderAudio(plan, 0)
    while audio.stream.pos < audio.stream.end:
        audio.stream.read(min(1024, audio.stream.end - audio.stream.pos))
    audio.close()
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--size", default="1280x720")
    p.add_argument("--fps", type=int, default=30)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--workers", default="auto")
    p.add_argument("--automation", action="store_true")
    args = p.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    workers: int | str = int(args.workers) if args.workers.isdigit() else args.workers
    with tempfile.TemporaryDirectory() as tmp:
        folder = make(Path(tmp) / "c", args.seconds, width, height, args.fps, args.automation)
        best = {True: float("inf"), False: float("inf")}
        for _ in range(args.rounds):
            for audio in (False, True):
                out = Path(tmp) / f"out{int(audio)}.mp4"
                start = time.perf_counter()
                engine.render(folder, out, workers=workers, audio=audio)
                best[audio] = min(best[audio], time.perf_counter() - start)
                print(f"  {'with the mix' if audio else 'without audio'}: {time.perf_counter() - start:.2f} s", flush=True)
        print(f"{args.seconds:g} s at {width}x{height} {args.fps} fps, 4 clips x 5 effects"
              f"{' + automation' if args.automation else ''}, workers={args.workers}")
        print(f"  without audio: {best[False]:.2f} s   with the mix: {best[True]:.2f} s   "
              f"ratio: {best[True] / best[False]:.3f} (gate: <= 1.05)")
        print(f"  the mix alone (no render): {mix_alone(folder):.2f} s")


if __name__ == "__main__":
    main()
