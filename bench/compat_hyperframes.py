"""Compatibility corpus: HyperFrames' own compositions rendered by HyperFrames and by this engine,
compared frame by frame (issue 11).

    .venv/bin/python bench/compat_hyperframes.py --out out/compat                   # the whole corpus
    .venv/bin/python bench/compat_hyperframes.py --only many-cuts,hypershader --out out/compat

Not a test, never run by CI. Needs HyperFrames (bench/install_hyperframes.sh, or --install) and,
for HyperFrames' regression fixtures, a checkout or bare clone of heygen-com/hyperframes
(--hf-repo; their media are Git LFS objects, absent from a plain clone: such rows say so).

The corpus: the templates the npm package ships (``dist/templates``), every fixture of its
producer's regression suite (``packages/producer/tests/*/src``), and this repository's
HyperShader fixture. Both renderers get the same staged copy, offline: CDN URLs of GSAP and of
``@hyperframes/shader-transitions`` are rewritten to local copies (``/__vendor/...``).
Settings: HyperFrames' defaults (JPEG q100 capture, x264 crf 16); this engine at ``--quality
high`` (exact PNG capture, x264 crf 16). Per composition: PSNR of this engine's frames against
HyperFrames' on every --every-th frame (RGB, 8-bit), outside and inside the transition windows
this engine found, wall times, warnings, and what failed; a contact sheet of the worst
compositions (HyperFrames | engine | difference x4) goes to --out.

`--engine-only` renders with this engine alone (HyperFrames need not be installed: GSAP and the
shader transitions come from tests/fixtures/vendor, npm templates are left out) and reports how
each composition's videos were drawn (issue 29: ``video_layers`` frames native, two-capture and
poster, and the shares over the corpus); `--with-video` keeps the compositions whose HTML has a
`<video>`; `--media-path` sets ``ENGINE_MEDIA_PATH`` for this engine's renders.

    .venv/bin/python bench/compat_hyperframes.py --engine-only --with-video \
        --hf-repo /work/.mirror/heygen-com+hyperframes/repo --out out/layers

`--stand-in` writes local stand-ins for absent footage and sound (the fixtures' S3 URLs, which
HyperFrames cannot fetch offline: "Video extraction failed ... download_transient"; Git LFS
pointers) into the staged copy, sized and timed as the fixture expects (bench/hf_fixtures.py),
so both renderers read the same files. `--timing` renders with this engine twice,
``ENGINE_MEDIA_PATH=poster`` (before issue 29) and ``auto`` (after), and adds a timing table
(HyperFrames s, engine s for each, the ratios, the video-layer shares; timing.md):

    .venv/bin/python bench/compat_hyperframes.py --hf-repo /work/.mirror/heygen-com+hyperframes/repo \
        --only style-1-prod,style-10-prod,sub-composition-video --stand-in --timing --out out/hf-timing
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from compare_hyperframes import DEFAULT_HF_ROOT, HyperFrames  # noqa: E402
from hf_fixtures import StandIns, engine_stages, hf_stages, remote_media, timing_table  # noqa: E402

HYPERSHADER_FIXTURE = ROOT / "tests" / "fixtures" / "compositions" / "hypershader"
CDN_REWRITES = (
    (re.compile(r"https://cdn\.jsdelivr\.net/npm/gsap@[^/\"']+/dist/gsap(?:\.min)?\.js"), "/__vendor/gsap.min.js"),
    (re.compile(r"https://cdnjs\.cloudflare\.com/ajax/libs/gsap/[^/\"']+/gsap(?:\.min)?\.js"), "/__vendor/gsap.min.js"),
    (re.compile(r"https://cdn\.jsdelivr\.net/npm/@hyperframes/shader-transitions@[^/\"']+/dist/index\.global\.js"),
     "/__vendor/hyper-shader.global.js"),
)
LFS_HEADER = b"version https://git-lfs"
#: Placeholders `hyperframes init` fills in a template: such a template is not renderable as shipped.
PLACEHOLDER = re.compile(r"__(?:VIDEO|AUDIO)_[A-Z]+__")


@dataclass
class Row:
    name: str
    source: str
    size: str = ""
    frames_hf: int = 0
    frames_engine: int = 0
    psnr_outside_min: float | None = None
    psnr_outside_mean: float | None = None
    psnr_inside_min: float | None = None
    compared: int = 0
    seconds_hf: float = 0.0
    seconds_engine: float = 0.0
    seconds_engine_poster: float = 0.0  # --timing: ENGINE_MEDIA_PATH=poster
    warnings: list[str] = field(default_factory=list)
    problem: str = ""
    worst_frame: int | None = None
    video_layers: dict[str, int] = field(default_factory=dict)
    captures: int = 0
    captures_poster: int = 0
    stages_hf: str = ""  # --timing: each renderer's own account of where its time went
    stages_engine_poster: str = ""
    stages_engine: str = ""
    failed: list[str] = field(default_factory=list)  # --timing: the renders that failed ("HF", "poster", "auto")
    fallbacks: list[str] = field(default_factory=list)  # why a video kept the poster path


VENDOR = ROOT / "tests" / "fixtures" / "vendor"  # GSAP and shader-transitions for --engine-only
LAYER_KINDS = ("native", "two_capture", "poster")
VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".m4v")
REMOTE_MEDIA = re.compile(r"""(src)=["'](https?://[^"']+\.(?:mp4|webm|mov|m4v|mp3|wav|m4a|aac|ogg))["']""")


def corpus(hf: HyperFrames | None, repo: Path | None, scratch: Path) -> list[tuple[str, str, Path]]:
    """(name, source, folder) of every composition found (no npm templates without HyperFrames)."""
    found: list[tuple[str, str, Path]] = []
    templates = hf.root / "node_modules" / "hyperframes" / "dist" / "templates" if hf else None
    for folder in sorted(templates.glob("*/index.html")) if templates else ():
        found.append((f"template-{folder.parent.name}", "npm hyperframes template", folder.parent))
    if repo is not None:
        git_dir = repo if (repo / "HEAD").exists() and not (repo / ".git").exists() else repo / ".git"
        listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", "HEAD",
                                  "packages/producer/tests/"], capture_output=True, text=True, check=True).stdout
        prefix = "packages/producer/tests/"
        sources = sorted(p[: -len("/index.html")] for p in listing.splitlines() if p.endswith("/src/index.html"))
        export = scratch / "hf-fixtures"
        export.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "--git-dir", str(git_dir), "archive", "HEAD", "packages/producer/tests/"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(export)], input=archive, check=True)
        for src in sources:
            name = src[len(prefix): -len("/src")].replace("/", "-")
            found.append((name, "hyperframes producer fixture", export / src))
    found.append(("hypershader", "this repository (tests/fixtures)", HYPERSHADER_FIXTURE))
    return found


def stage(folder: Path, hf: HyperFrames | None, into: Path,
          stand_in: StandIns | None = None) -> tuple[Path, list[str]]:
    """A copy of `folder` with CDN scripts pointed at local copies (HyperFrames' npm packages, or
    this repository's test vendor folder without HyperFrames); the LFS pointers it holds. With
    `stand_in`, video files that are LFS pointers and remote media URLs become local stand-ins."""
    shutil.copytree(folder, into)
    needs = remote_media(into) if stand_in is not None else {}
    vendor = into / "__vendor"
    vendor.mkdir(exist_ok=True)
    if hf is not None:
        modules = hf.root / "node_modules"
        gsap = modules / "gsap" / "dist" / "gsap.min.js"
        shaders = modules / "@hyperframes" / "shader-transitions" / "dist" / "index.global.js"
    else:
        gsap, shaders = VENDOR / "gsap" / "gsap.min.js", VENDOR / "shader-transitions" / "index.global.js"
    shutil.copy(gsap, vendor / "gsap.min.js")
    shutil.copy(shaders, vendor / "hyper-shader.global.js")
    lfs = []
    for path in into.rglob("*"):
        if not path.is_file():
            continue
        head = path.read_bytes()[:64]
        if head.startswith(LFS_HEADER):
            lfs.append(str(path.relative_to(into)))
            if stand_in is not None and path.suffix.lower() in VIDEO_SUFFIXES:
                shutil.copy(stand_in.generic(), path)
                lfs[-1] += " (stand-in)"
        elif path.suffix in (".html", ".js", ".css"):
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            new = text
            for pattern, local in CDN_REWRITES:
                new = pattern.sub(local, new)
            if stand_in is not None:
                new = REMOTE_MEDIA.sub(
                    lambda m: f'{m.group(1)}="{stand_in.local(m.group(2), needs.get(m.group(2)), into, lfs)}"', new)
            if new != text:
                path.write_text(new, encoding="utf-8", errors="surrogateescape")
    return into, lfs


def run(cmd: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float) -> tuple[int, float]:
    start = time.perf_counter()
    with log.open("w") as fh:
        try:
            rc = subprocess.run(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = 124
    return rc, time.perf_counter() - start


def decode(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def decode_every(path: Path, every: int) -> tuple[int, dict[int, np.ndarray]]:
    """The frame count of `path` and its every `every`-th frame, RGB, by index (17 s of 1080x1920
    is 3 GB of RGB: the others are not kept)."""
    import av

    kept: dict[int, np.ndarray] = {}
    count = 0
    with av.open(str(path)) as container:
        for count, frame in enumerate(container.decode(video=0), 1):
            if (count - 1) % every == 0:
                kept[count - 1] = frame.to_ndarray(format="rgb24")
    return count, kept


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else min(99.0, 10 * math.log10(255.0**2 / mse))


def last_error(log: Path) -> str:
    lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    for line in reversed(lines):
        if line.startswith(("error:", "render failed:", "Error", "✗")) or "Error:" in line:
            after = lines[lines.index(line) + 1:]  # HyperFrames: "✗  Render failed", then why
            return (f"{line}: {after[0]}" if line.startswith("✗") and after else line)[:300]
    return lines[-1][:300] if lines else "no output"


def write_png(rgb: np.ndarray, path: Path) -> None:
    h, w, _ = rgb.shape
    raw = b"".join(b"\0" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def thumb(frame: np.ndarray, width: int = 320) -> np.ndarray:
    step = max(1, frame.shape[1] // width)
    return np.ascontiguousarray(frame[::step, ::step])


def compare(row: Row, hf_out: Path, engine_out: Path, stats: dict, every: int, sheet: list) -> None:
    (row.frames_hf, a), (row.frames_engine, b) = decode_every(hf_out, every), decode_every(engine_out, every)
    fps = float(Fraction(str(stats.get("fps", "30"))))
    windows = [(t["time"], t["time"] + t["duration"]) for t in stats.get("transitions", [])]
    outside: list[float] = []
    inside: list[float] = []
    worst: tuple[float, int | None] = (100.0, None)
    for i in range(0, min(row.frames_hf, row.frames_engine), every):
        value = psnr(a[i], b[i])
        t = i / fps
        (inside if any(s <= t < e for s, e in windows) else outside).append(value)
        if value < worst[0] and not any(s <= t < e for s, e in windows):
            worst = (value, i)
    row.compared = len(outside) + len(inside)
    if outside:
        row.psnr_outside_min, row.psnr_outside_mean = round(min(outside), 2), round(sum(outside) / len(outside), 2)
    if inside:
        row.psnr_inside_min = round(min(inside), 2)
    if worst[1] is not None:
        i = worst[1]
        row.worst_frame = i
        diff = np.clip(np.abs(a[i].astype(int) - b[i].astype(int)) * 4, 0, 255).astype(np.uint8)
        sheet.append((worst[0], row.name, np.concatenate([thumb(a[i]), thumb(b[i]), thumb(diff)], axis=1)))


def layers_table(rows: list[Row]) -> list[str]:
    """How this engine drew the corpus's videos: frames of each kind per composition, and the shares."""
    drawn = [r for r in rows if sum(r.video_layers.values())]
    if not drawn:
        return []
    table = ["", "| composition | frames | captures | video-layer frames: native | two-capture | poster | fallbacks |",
             "|---|---|---|---|---|---|---|"]
    for r in drawn:
        table.append(f"| {r.name} | {r.frames_engine} | {r.captures} | "
                     + " | ".join(str(r.video_layers.get(k, 0)) for k in LAYER_KINDS) + f" | {'; '.join(r.fallbacks)} |")
    totals = {k: sum(r.video_layers.get(k, 0) for r in drawn) for k in LAYER_KINDS}
    whole = sum(totals.values())
    table.append(f"| **all {len(drawn)}** | {sum(r.frames_engine for r in drawn)} | {sum(r.captures for r in drawn)} | "
                 + " | ".join(f"{totals[k]} ({100 * totals[k] / whole:.0f} %)" for k in LAYER_KINDS) + " | |")
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hf-root", type=Path, default=Path(os.environ.get("HF_ROOT", DEFAULT_HF_ROOT)))
    ap.add_argument("--hf-repo", type=Path, default=None,
                    help="checkout or bare clone of heygen-com/hyperframes (its producer fixtures)")
    ap.add_argument("--install", action="store_true", help="run bench/install_hyperframes.sh first")
    ap.add_argument("--browser", type=Path, default=Path("/usr/lib/chromium/chromium-headless-shell"))
    ap.add_argument("--only", default="", help="comma-separated composition names")
    ap.add_argument("--every", type=int, default=5, help="compare every N-th frame (default 5)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per render (default 600)")
    ap.add_argument("--worst", type=int, default=6, help="compositions on the contact sheet (default 6)")
    ap.add_argument("--out", type=Path, default=None, help="keep renders, logs, table and sheet here")
    ap.add_argument("--always-engine", action="store_true",
                    help="render with this engine also where HyperFrames failed (default: skip, nothing to compare)")
    ap.add_argument("--resume", action="store_true", help="keep the rows already in --out/compat.json, render the rest")
    ap.add_argument("--engine-only", action="store_true",
                    help="render with this engine alone (no HyperFrames needed) and report its video layers")
    ap.add_argument("--with-video", action="store_true", help="only the compositions whose HTML has a <video>")
    ap.add_argument("--stand-in", action="store_true",
                    help="absent footage (Git LFS pointers, remote URLs) replaced by a synthetic clip: the video-layer "
                    "shares hold, the pixels do not; both renderers read the same files (bench/hf_fixtures.py)")
    ap.add_argument("--timing", action="store_true",
                    help="render with this engine twice, ENGINE_MEDIA_PATH=poster and auto, and write timing.md "
                    "(HyperFrames s, engine s for each, ratios, video-layer shares); overrides --media-path")
    ap.add_argument("--fps", default="", help="both renderers' --fps (fewer frames over the same times: quicker "
                    "video-layer shares and timings)")
    ap.add_argument("--media-path", choices=("auto", "native", "poster"), default=None,
                    help="ENGINE_MEDIA_PATH for this engine's renders (default: the environment's, else auto)")
    args = ap.parse_args()
    if args.install:
        subprocess.run(["bash", str(ROOT / "bench" / "install_hyperframes.sh")], check=True,
                       env=dict(os.environ, HF_ROOT=str(args.hf_root)))
    found = HyperFrames.find(args.hf_root, None, args.browser)
    if found.missing and not args.engine_only:
        print(f"HyperFrames is not installed: missing {', '.join(found.missing)} (bench/install_hyperframes.sh; "
              "--engine-only renders with this engine alone)", file=sys.stderr)
        return 2
    hf = None if found.missing else found
    out = (args.out or Path(tempfile.mkdtemp(prefix="compat-"))).resolve()  # HyperFrames runs in the fixture's folder
    out.mkdir(parents=True, exist_ok=True)
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    items = [c for c in corpus(hf, args.hf_repo, out / "_sources") if not only or c[0] in only]
    if args.with_video:
        items = [c for c in items if any("<video" in p.read_text(errors="replace") for p in c[2].rglob("*.html"))]
    hf_env = {} if hf is None else dict(
        os.environ, HYPERFRAMES_BROWSER_PATH=str(hf.browser), HYPERFRAMES_NO_TELEMETRY="1", DO_NOT_TRACK="1",
        NO_COLOR="1", PATH=f"{hf.node.parent}:{os.environ.get('PATH', '')}")
    if args.timing:
        args.media_path = "auto"
    engine_env = dict(os.environ, **({"ENGINE_MEDIA_PATH": args.media_path} if args.media_path else {}))
    stand_in = StandIns(out / "_standin") if args.stand_in else None
    fps = ["--fps", args.fps] if args.fps else []
    rows: list[Row] = []
    sheet: list = []
    done: set[str] = set()
    if args.resume and (out / "compat.json").exists():
        rows = [Row(**r) for r in json.loads((out / "compat.json").read_text())]
        done = {r.name for r in rows}
        for r in rows:  # their contact-sheet tiles again
            work = out / r.name
            if r.worst_frame is not None and (work / "hf.mp4").exists() and (work / "engine.mp4").exists():
                a, b = decode(work / "hf.mp4")[r.worst_frame], decode(work / "engine.mp4")[r.worst_frame]
                diff = np.clip(np.abs(a.astype(int) - b.astype(int)) * 4, 0, 255).astype(np.uint8)
                sheet.append((psnr(a, b), r.name, np.concatenate([thumb(a), thumb(b), thumb(diff)], axis=1)))
    for n, (name, source, folder) in enumerate(items, 1):
        if name in done:
            continue
        if not folder.is_dir():
            rows.append(Row(name, source, problem=f"no such folder {folder}"))
            continue
        row = Row(name, source)
        work = out / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        comp, lfs = stage(folder, hf, work / "comp", stand_in)
        holes = sorted({m for p in comp.rglob("*.html") for m in PLACEHOLDER.findall(p.read_text(errors="replace"))})
        if holes:
            row.problem = f"template placeholders {', '.join(holes)} (filled by `hyperframes init`): not renderable as shipped"
            rows.append(row)
            print(f"[{n}/{len(items)}] {name}: skipped, {row.problem}", file=sys.stderr, flush=True)
            continue
        hf_out, engine_out, stats_path = work / "hf.mp4", work / "engine.mp4", work / "engine.json"
        rc_hf = 0
        if not args.engine_only:
            assert hf is not None
            rc_hf, row.seconds_hf = run([str(hf.node), str(hf.cli), "render", ".", "-o", str(hf_out), *fps], comp,
                                        hf_env, work / "hf.log", args.timeout)
            row.stages_hf = hf_stages(work / "hf.log") if args.timing else ""
        rc_en = 0
        with_engine = hf_out.exists() or args.always_engine or args.engine_only  # else nothing to compare with
        if with_engine and args.timing:  # before issue 29: every video drawn by Chromium
            rc_po, row.seconds_engine_poster = run(
                [sys.executable, "-m", "engine.render", str(comp), "-o", str(work / "engine-poster.mp4"), "--quality",
                 "high", "--quiet", "--stats-json", str(work / "engine-poster.json"), *fps], ROOT,
                dict(engine_env, ENGINE_MEDIA_PATH="poster"), work / "engine-poster.log", args.timeout)
            poster_stats = json.loads((work / "engine-poster.json").read_text()) if rc_po == 0 else {}
            row.captures_poster = int(poster_stats.get("captures") or 0)
            row.stages_engine_poster = engine_stages(poster_stats)
            if rc_po != 0:
                row.failed.append("poster")
                row.warnings.append(f"poster render exit {rc_po}: {last_error(work / 'engine-poster.log')}")
        if with_engine:
            rc_en, row.seconds_engine = run(
                [sys.executable, "-m", "engine.render", str(comp), "-o", str(engine_out), "--quality", "high",
                 "--quiet", "--stats-json", str(stats_path), *fps], ROOT, engine_env, work / "engine.log", args.timeout)
        problems = []
        if lfs:
            problems.append(f"media absent: Git LFS or remote ({', '.join(lfs[:3])}{'...' if len(lfs) > 3 else ''})")
        if not args.engine_only and (rc_hf != 0 or not hf_out.exists()):
            row.failed.append("HF")
            problems.append(f"HyperFrames exit {rc_hf}: {last_error(work / 'hf.log')}")
        if with_engine and (rc_en != 0 or not engine_out.exists()):
            row.failed.append("auto")
            problems.append(f"engine exit {rc_en}: {last_error(work / 'engine.log')}")
        stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
        row.size = f"{stats.get('width', '?')}x{stats.get('height', '?')}" if stats else ""
        row.warnings += [f"{w['code']}: {w['element']}" for w in stats.get("warnings", [])]
        row.video_layers = {k: int((stats.get("video_layers") or {}).get(k, 0)) for k in LAYER_KINDS}
        row.captures = int(stats.get("captures") or 0)
        row.stages_engine = engine_stages(stats) if args.timing else ""
        row.fallbacks = sorted({f"{f['element'][:60]}: {f['reason']}"
                                for f in (stats.get("video_layers") or {}).get("fallbacks") or []})
        if args.engine_only:
            row.frames_engine = int(stats.get("frames") or 0)
        if hf_out.exists() and engine_out.exists():
            try:
                compare(row, hf_out, engine_out, stats, args.every, sheet)
            except Exception as exc:  # noqa: BLE001 - a row says what failed; the corpus goes on
                problems.append(f"comparison failed: {exc}")
            if row.frames_hf != row.frames_engine:
                problems.append(f"frame counts differ: HyperFrames {row.frames_hf}, engine {row.frames_engine}")
        row.problem = "; ".join(problems)
        rows.append(row)
        print(f"[{n}/{len(items)}] {name}: outside min {row.psnr_outside_min} dB, mean {row.psnr_outside_mean} dB, "
              f"hf {row.seconds_hf:.1f}s, engine {row.seconds_engine:.1f}s {row.problem}", file=sys.stderr, flush=True)
        (out / "compat.json").write_text(json.dumps([asdict(r) for r in rows], indent=1))
    sheet.sort(key=lambda s: s[0])
    if sheet:
        tiles = [s[2] for s in sheet[: args.worst]]
        width = max(t.shape[1] for t in tiles)
        tiles = [np.pad(t, ((0, 4), (0, width - t.shape[1]), (0, 0))) for t in tiles]
        write_png(np.concatenate(tiles, axis=0), out / "worst.png")
        (out / "worst.txt").write_text("\n".join(f"{v:.2f} dB {name}" for v, name, _ in sheet[: args.worst]) + "\n")
    table = ["| composition | source | size | frames (HF / engine) | PSNR outside transitions, min / mean (dB) "
             "| inside, min | HF s | engine s | warnings | what is missing |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r.name} | {r.source} | {r.size} | {r.frames_hf} / {r.frames_engine} | "
                     f"{r.psnr_outside_min if r.psnr_outside_min is not None else '-'} / "
                     f"{r.psnr_outside_mean if r.psnr_outside_mean is not None else '-'} | "
                     f"{r.psnr_inside_min if r.psnr_inside_min is not None else '-'} | {r.seconds_hf:.1f} | "
                     f"{r.seconds_engine:.1f} | {len(r.warnings)} | {r.problem or ''} |")
    table += layers_table(rows)
    if args.timing:
        timing = timing_table([asdict(r) for r in rows])
        (out / "timing.md").write_text("\n".join(timing[1:]) + "\n")
        table += timing
    (out / "compat.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))
    print(f"\nrenders, logs, compat.md, compat.json and worst.png in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
