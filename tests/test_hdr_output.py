"""HDR renders (issue 30, step 1): detection from the sources' tags, --hdr/--sdr, the gate, and
the HDR output's stream (HEVC Main 10 / ProRes 4444 / AV1 10-bit tagged BT.2020 non-constant
luminance with PQ or HLG, HDR10 metadata for PQ), read back with PyAV (and ffprobe if present).
The sources are real PQ and HLG HEVC clips written with PyAV + libx265; renders use real Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from helpers import composition as root_page
from helpers import write_hdr_video

import engine
from engine.errors import ConfigError, RenderWarning
from engine.media.hdr import DynamicRange, decide_dynamic_range
from engine.output.encoder import Encoder
from engine.output.formats import resolve_output
from engine.output.hdr import CONTENT_LIGHT, MASTERING_DISPLAY, frame_hdr_metadata
from engine.output.hdr_signal import to_hdr_signal
from engine.pipeline.planning import decide
from engine.render.options import RenderOptions

TRC = {"pq": 16, "hlg": 18}


def write_hdr_clip(path: Path, transfer: str, frames: int = 6) -> Path:
    """A 64x36 HEVC Main 10 clip of grey ramps, tagged BT.2020 (primaries and NCL matrix) + `transfer`."""
    ramp = np.linspace(0, 65535, 64, dtype=np.uint16)
    return write_hdr_video(path, np.repeat(np.repeat(ramp[None, :, None], 36, 0), 3, 2), transfer, frames=frames)


def composition(folder: Path, *clips: str) -> Path:
    """A 0.4 s 64x36 page showing each clip file in `clips` in turn (none: a plain page)."""
    videos = "".join(f'<video id="v{i}" class="clip" src="{name}" data-start="{i * 0.2:g}" data-duration="0.2" '
                     'muted style="position:absolute;left:0;top:0;width:64px;height:36px"></video>'
                     for i, name in enumerate(clips))
    return root_page(folder, f'<div style="color:white;font-size:10px">HDR</div>{videos}', id="main", duration=0.4,
                     fps=10, head='<meta charset="utf-8"><style>html,body{margin:0;background:#234}</style>')


def stream_tags(path: Path) -> dict[str, Any]:
    """The video stream's codec, pixel format and colour tags, and the first frame's HDR side data."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frame = next(container.decode(stream))
        return {"codec": stream.codec_context.name, "pix_fmt": frame.format.name, "matrix": frame.colorspace,
                "primaries": frame.color_primaries, "trc": frame.color_trc, "range": frame.color_range,
                "frames": 1 + sum(1 for _ in container.decode(stream)), **frame_hdr_metadata(frame)}


def ffprobe_tags(path: Path) -> dict[str, Any] | None:
    """ffprobe's reading of the video stream's colour tags and side data (None: no ffprobe here)."""
    if shutil.which("ffprobe") is None:
        return None
    done = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams", "-show_frames",
                           "-read_intervals", "%+#1", "-of", "json", str(path)], capture_output=True, text=True,
                          check=True, timeout=60)
    data = json.loads(done.stdout)
    return {**data["streams"][0], "side_data": data["frames"][0].get("side_data_list", [])}


def assert_hdr10(tags: dict[str, Any]) -> None:
    shown = tags["mastering_display"]
    for name, (x, y) in MASTERING_DISPLAY.items():
        assert shown[name] == pytest.approx((x, y), abs=2e-4), name
    assert shown["max_nits"] == pytest.approx(1000) and shown["min_nits"] == pytest.approx(0.0001, abs=5e-5)
    assert tags["content_light"] == CONTENT_LIGHT


# ---- the decision ---------------------------------------------------------------------------------


def test_detection_follows_the_sources_tags() -> None:
    assert decide_dynamic_range("auto", []) == DynamicRange(None, "no HDR source (no video tagged PQ or HLG)")
    assert not decide_dynamic_range("auto", [("<video id=a>", None)]).hdr
    pq = decide_dynamic_range("auto", [("<video id=a>", None), ("<video id=b>", "pq")])
    assert (pq.transfer, pq.name, pq.warning) == ("pq", "hdr-pq", None)
    assert "<video id=b> (PQ)" in pq.reason and "<video id=a>" not in pq.reason
    hlg = decide_dynamic_range("auto", [("<video id=c>", "hlg")])
    assert (hlg.transfer, hlg.name) == ("hlg", "hdr-hlg") and "HLG (ARIB STD-B67)" in hlg.reason
    mixed = decide_dynamic_range("auto", [("<video id=b>", "pq"), ("<video id=c>", "hlg")])
    assert mixed.transfer == "pq" and "mixed" in mixed.reason and "<video id=c> (HLG)" in mixed.reason


def test_hdr_and_sdr_force_the_range() -> None:
    forced = decide_dynamic_range("hdr", [("<video id=a>", None)])
    assert forced.transfer == "hlg" and forced.warning is not None and "no source is HDR" in forced.warning
    assert decide_dynamic_range("hdr", [("<video id=b>", "pq")]) == \
        DynamicRange("pq", "HDR was asked for: <video id=b> (PQ); the output is PQ (SMPTE ST 2084)")
    sdr = decide_dynamic_range("sdr", [("<video id=b>", "pq")])
    assert not sdr.hdr and sdr.name == "sdr" and "tone-mapped" in sdr.reason and "<video id=b>" in sdr.reason
    assert decide_dynamic_range("sdr", []).reason == "SDR was asked for"
    with pytest.raises(ValueError, match="expected one of auto, hdr, sdr"):
        decide_dynamic_range("wide", [])
    with pytest.raises(ConfigError, match="dynamic_range='wide' is not valid"):
        RenderOptions(dynamic_range="wide")


def test_the_gate_keeps_hdr_sequential() -> None:
    kwargs = dict(frame_count=30, transition_frames=0, frame_bytes=64 * 36 * 6, cpus=4, available_bytes=2 ** 34)
    options = RenderOptions(workers=2)
    assert decide(options, **kwargs, hdr=False).hybrid
    decision = decide(options, **kwargs, hdr=True)
    assert (decision.hybrid, decision.workers, decision.reason) == \
        (False, 1, "HDR content renders on the sequential path")
    with pytest.raises(ConfigError, match="path 'hybrid' cannot render HDR"):
        decide(RenderOptions(workers=2, path="hybrid"), **kwargs, hdr=True)


def test_codec_auto_and_outputs_that_cannot_hold_hdr(tmp_path: Path) -> None:
    for name, codec in (("a.mp4", "hevc"), ("a.mkv", "hevc"), ("a.mov", "prores"), ("a.webm", "av1")):
        target = resolve_output(tmp_path / name, "auto", transfer="pq")
        assert (target.codec, target.transfer) == (codec, "pq"), name
    assert resolve_output(tmp_path / "a.mp4", "auto").codec == "h264"  # SDR unchanged
    assert resolve_output(tmp_path / "a.mov", "hevc", transfer="hlg").codec == "hevc"
    for name, codec in (("a.gif", "auto"), ("a.mp4", "h264"), ("a.webm", "vp9"), ("f_%04d.png", "auto")):
        with pytest.raises(ConfigError, match=r"cannot hold HDR.*hevc \(HEVC Main 10: .mp4, .mkv, .mov\), prores "
                                              r"\(ProRes 4444: .mov\), av1 \(AV1 10-bit.*dynamic_range='sdr'"):
            resolve_output(tmp_path / name, codec, transfer="pq")
    with pytest.raises(ConfigError, match="cannot hold HDR"):  # --hdr: refused before any browser starts
        RenderOptions(dynamic_range="hdr", still=0).target(tmp_path / "a.png")
    assert RenderOptions(dynamic_range="sdr").target(tmp_path / "a.gif").transfer is None


# ---- the encoder ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "transfer", "codec", "pix_fmt"), [
    ("pq.mp4", "pq", "hevc", "yuv420p10le"), ("hlg.mkv", "hlg", "hevc", "yuv420p10le"),
    ("pq.mov", "pq", "prores", "yuv444p12le"), ("pq.webm", "pq", "libdav1d", "yuv420p10le"),
])
def test_hdr_streams_carry_bt2020_tags_and_hdr10_metadata(tmp_path: Path, name: str, transfer: str, codec: str,
                                                          pix_fmt: str) -> None:
    red = np.zeros((36, 64, 3), np.uint16)
    red[..., 0] = 65535
    red[18:, :] = 65535  # the lower half SDR white
    with Encoder(tmp_path / name, 64, 36, 10, transfer=transfer) as encoder:
        for _ in range(3):  # an HDR encoder takes frames in its signal (an HDR session's frames are)
            encoder.write(np.ascontiguousarray(to_hdr_signal(red, transfer)))
    tags = stream_tags(tmp_path / name)
    assert (tags["codec"], tags["pix_fmt"], tags["frames"]) == (codec, pix_fmt, 3)
    assert (tags["matrix"], tags["primaries"], tags["trc"], tags["range"]) == (9, 9, TRC[transfer], 1)
    with av.open(str(tmp_path / name)) as container:
        frame = next(container.decode(video=0))
        plane = frame.planes[0]
        rows = np.frombuffer(memoryview(plane), np.uint16).reshape(plane.height, plane.line_size // 2)
    scale = 4 if pix_fmt.endswith("12le") else 1
    # SDR white lands at BT.2408 reference white: PQ 10-bit limited 573 (203 nits), HLG 721 (75 %)
    assert abs(int(rows[30, 30]) - {"pq": 573, "hlg": 721}[transfer] * scale) <= 2 * scale
    # SDR red: BT.709 primaries into BT.2020 (BT.2087), in the output's signal, then the BT.2020 NCL matrix
    signal = to_hdr_signal(red[:1, :1], transfer)[0, 0] / 65535
    expected = 64 + float(np.dot([0.2627, 0.6780, 0.0593], signal)) * 876
    assert abs(int(rows[4, 30]) - expected * scale) <= 2 * scale, (int(rows[4, 30]), expected)
    if transfer == "pq" and codec != "prores":
        assert_hdr10(tags)
    else:  # HLG carries no HDR10 metadata; ProRes keeps the tags only
        assert "mastering_display" not in tags and "content_light" not in tags


# ---- renders --------------------------------------------------------------------------------------


@pytest.mark.parametrize("transfer", ["pq", "hlg"])
def test_a_render_with_an_hdr_clip_is_hdr_and_sequential(tmp_path: Path, transfer: str) -> None:
    comp = composition(tmp_path / "comp", "a.mp4", "b.mp4")
    write_hdr_clip(comp / "a.mp4", transfer)
    write_hdr_clip(comp / "b.mp4", transfer)
    out = tmp_path / "out.mp4"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RenderWarning)  # native layers keep the HDR clips: nothing to warn of
        result = engine.render(comp, out, workers=2)
    assert result.video_layers["native"] == 4
    assert (result.dynamic_range, result.codec) == (f"hdr-{transfer}", "hevc")
    assert '<video id="v0"' in result.dynamic_range_reason and transfer.upper() in result.dynamic_range_reason
    assert (result.path, result.workers, result.path_reason) == \
        ("sequential", 1, "HDR content renders on the sequential path")
    assert f"HDR-{transfer.upper()}" in result.summary() and result.as_dict()["dynamic_range"] == f"hdr-{transfer}"
    tags = stream_tags(out)
    assert (tags["codec"], tags["pix_fmt"], tags["frames"]) == ("hevc", "yuv420p10le", 4)
    assert (tags["matrix"], tags["primaries"], tags["trc"]) == (9, 9, TRC[transfer])
    if transfer == "pq":
        assert_hdr10(tags)
    else:
        assert "mastering_display" not in tags
    probed = ffprobe_tags(out)
    if probed is not None:  # an independent reader, where installed
        assert (probed["color_space"], probed["color_primaries"], probed["color_transfer"]) == \
            ("bt2020nc", "bt2020", "smpte2084" if transfer == "pq" else "arib-std-b67")


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.render", *map(str, args), "-q"], capture_output=True,
                          text=True, timeout=300)


def test_cli_sdr_hdr_and_outputs_that_cannot_hold_hdr(tmp_path: Path) -> None:
    comp = composition(tmp_path / "comp", "a.mp4")
    write_hdr_clip(comp / "a.mp4", "pq")
    plain = composition(tmp_path / "plain")
    stats = tmp_path / "stats.json"
    # --sdr: today's SDR output, the HDR clip tone-mapped
    done = _cli(comp, "-o", tmp_path / "sdr.mp4", "--sdr", "--stats-json", stats)
    assert done.returncode == 0, done.stderr
    assert json.loads(stats.read_text())["dynamic_range"] == "sdr"
    tags = stream_tags(tmp_path / "sdr.mp4")
    assert (tags["codec"], tags["pix_fmt"], tags["matrix"], tags["primaries"], tags["trc"]) == \
        ("h264", "yuv420p", 1, 1, 1)
    # an HDR render to an output that cannot hold it: exit 2, naming what can, nothing written
    for output, extra in (("out.gif", ()), ("out.mp4", ("--codec", "h264"))):
        done = _cli(comp, "-o", tmp_path / output, *extra)
        assert done.returncode == 2, done.stderr
        assert "cannot hold HDR" in done.stderr and "hevc (HEVC Main 10" in done.stderr and "--sdr" in done.stderr
        assert not (tmp_path / output).exists()
    # --hdr with no HDR source: HLG, warned; -v logs why
    done = _cli(plain, "-o", tmp_path / "forced.mov", "--hdr", "-v", "--stats-json", stats)
    assert done.returncode == 0, done.stderr
    assert "warning: HDR was asked for but no source is HDR" in done.stderr
    assert "dynamic range hdr-hlg: HDR was asked for; no source is HDR" in done.stderr
    assert "path sequential: HDR content renders on the sequential path" in done.stderr
    assert json.loads(stats.read_text())["codec"] == "prores"
    tags = stream_tags(tmp_path / "forced.mov")
    assert (tags["codec"], tags["matrix"], tags["primaries"], tags["trc"]) == ("prores", 9, 9, 18)
    done = _cli(plain, "-o", tmp_path / "forced.gif", "--hdr")  # refused before any browser starts
    assert done.returncode == 2 and "cannot hold HDR" in done.stderr
    done = _cli(plain, "-o", tmp_path / "x.mp4", "--hdr", "--sdr")
    assert done.returncode == 2 and "not allowed with argument" in done.stderr


def test_sdr_pictures_reach_reference_white_in_the_hdr_signal() -> None:
    """BT.2408: SDR white at 203 nits in PQ (58 %), at 75 % in HLG; black stays black; BT.709's
    primaries sit inside BT.2020's (a pure primary gains the others' components, none goes negative)."""
    white = np.full((1, 1, 3), 65535, np.uint16)
    assert abs(to_hdr_signal(white, "pq")[0, 0, 0] / 65535 - 0.5806) < 0.001
    assert abs(to_hdr_signal(white, "hlg")[0, 0, 0] / 65535 - 0.75) < 0.001
    assert not to_hdr_signal(np.zeros((1, 1, 3), np.uint16), "pq").any()
    ramp = np.repeat(np.arange(0, 65536, 257, dtype=np.uint16)[None, :, None], 3, 2)
    for transfer in ("pq", "hlg"):
        grey = to_hdr_signal(ramp, transfer)[0, :, 0].astype(int)
        assert all(np.diff(grey) > 0), transfer  # every 8-bit level stays a distinct, rising level
    green = np.zeros((1, 1, 3), np.uint16)
    green[..., 1] = 65535
    assert (to_hdr_signal(green, "pq")[0, 0] > 0).all()
    with pytest.raises(ValueError, match="transfer"):
        to_hdr_signal(white, "gamma")


def test_hdr_renders_on_ray_as_on_one_machine(tmp_path: Path) -> None:
    """An HDR render on a local Ray cluster: every chunk actor renders HDR, the chunks join into
    one HEVC Main 10 stream tagged PQ with HDR10 metadata, and its frames are those of the render
    on one machine (by hash)."""
    pytest.importorskip("ray", reason="Ray is not installed (the test extra installs it)")
    comp = composition(tmp_path / "comp", "a.mp4", "b.mp4")
    write_hdr_clip(comp / "a.mp4", "pq")
    write_hdr_clip(comp / "b.mp4", "pq")
    here = engine.render(comp, tmp_path / "here.mp4", hash_frames=True)
    result = engine.render(comp, tmp_path / "ray.mp4", ray="local", chunk_frames=2, hash_frames=True)
    assert (result.path, result.dynamic_range, result.codec) == ("ray", "hdr-pq", "hevc")
    assert result.frame_hashes == here.frame_hashes
    tags = stream_tags(tmp_path / "ray.mp4")
    with av.open(str(tmp_path / "ray.mp4")) as container:  # every frame of both chunks decodes
        assert sum(1 for _ in container.decode(video=0)) == 4
    assert (tags["codec"], tags["pix_fmt"]) == ("hevc", "yuv420p10le")
    assert (tags["matrix"], tags["primaries"], tags["trc"]) == (9, 9, TRC["pq"])
    assert_hdr10(tags)
