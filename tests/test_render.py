"""End-to-end renders through both paths and both partitioners, decoded back with PyAV."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import decode_video

import engine
from engine.errors import CaptureError, ConfigError

SOLID = Path(__file__).parent / "fixtures" / "render" / "solid"
LONG = Path(__file__).parent / "fixtures" / "render" / "long"
pytestmark = pytest.mark.usefixtures("chromium_leak_check")


def expected_colour(i: int) -> np.ndarray:
    red, blue = np.array([255, 0, 0]), np.array([0, 0, 255])
    if i < 8:
        return red
    if i >= 12:
        return blue
    return red + (blue - red) * (i - 8) / 4


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory) -> engine.RenderResult:
    out = tmp_path_factory.mktemp("render") / "sequential.mp4"
    return engine.render(SOLID, out, path="sequential", hash_frames=True, quality="high")


def test_sequential_output_decodes_to_the_expected_frames(sequential: engine.RenderResult) -> None:
    frames, duration, stream = decode_video(sequential.output)
    assert sequential.path == "sequential" and sequential.frames == 20
    assert len(frames) == 20 and frames[0].shape == (36, 64, 3)
    assert stream.average_rate == 10 and duration == pytest.approx(2.0, abs=0.05)
    for i, frame in enumerate(frames):
        centre = frame[18, 32].astype(float)
        assert np.abs(centre - expected_colour(i)).max() <= 10, f"frame {i}: {centre}"
    assert set(sequential.stage_seconds) >= {"capture", "blend", "encode", "startup"}


@pytest.mark.parametrize("partition", ["dynamic", "interleaved", "contiguous"])
def test_hybrid_hands_the_encoder_the_same_frames(
    sequential: engine.RenderResult, tmp_path: Path, partition: str
) -> None:
    result = engine.render(SOLID, tmp_path / "hybrid.mp4", path="hybrid", workers=2, partition=partition,
                           ring_depth=2, hash_frames=True, quality="high")
    assert result.path == "hybrid" and result.workers == 2 and result.partition == partition
    assert result.frame_hashes == sequential.frame_hashes
    assert len(decode_video(result.output).frames) == 20


def test_workers_started_early_but_not_needed_are_closed(tmp_path: Path) -> None:
    # 3 sessions start before the plan is known; 2 frames need only 2 workers (the leak check
    # of this module then proves the third browser is gone)
    result = engine.render(SOLID, tmp_path / "two.mp4", frames="0:2", workers=3, path="hybrid")
    assert result.workers == 2 and result.frames == 2
    with pytest.raises(ConfigError, match="path 'hybrid' needs at least 2 workers"):
        engine.render(SOLID, tmp_path / "one.mp4", frames="0:1", workers=3, path="hybrid")
    assert not (tmp_path / "one.mp4").exists()


def test_frame_range_and_auto_path(tmp_path: Path) -> None:
    result = engine.render(SOLID, tmp_path / "part.mp4", frames="6:14", workers=2)
    assert result.frames == 8 and result.path == "hybrid"
    frames = decode_video(result.output).frames
    assert len(frames) == 8
    assert np.abs(frames[4][18, 32].astype(float) - expected_colour(10)).max() <= 10


def test_capture_error_mid_render_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.capture.session import BrowserSession

    real = BrowserSession.capture_frame

    def failing(self: BrowserSession, t: object, **kw: object) -> np.ndarray:
        if float(t) >= 1.5:  # type: ignore[arg-type]
            raise CaptureError("simulated capture failure")
        return real(self, t, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(BrowserSession, "capture_frame", failing)
    threads_before = {t.name for t in threading.enumerate()}
    with pytest.raises(CaptureError, match=r"capture of frame 1\d \(t=1\.\d s\) failed after 2 new browser session\(s\)"
                                           r": simulated capture failure"):
        engine.render(SOLID, tmp_path / "v.mp4", path="hybrid", workers=2)
    assert list(tmp_path.iterdir()) == []
    deadline = time.monotonic() + 5
    while {t.name for t in threading.enumerate()} - threads_before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {t.name for t in threading.enumerate()} - threads_before == set()


def test_blend_error_mid_render_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise engine.BlendError("simulated blend failure")

    monkeypatch.setattr(engine.Blender, "blend", failing)
    with pytest.raises(engine.BlendError, match=r"blend of frame \d+ \(t=.* transition 'crossfade'.*simulated blend failure"):
        engine.render(SOLID, tmp_path / "v.mp4", path="hybrid", workers=2)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ring_depth": 0}, "ring_depth=0 is not valid; expected an integer from 1 to 64"),
        ({"ring_depth": "four"}, "ring_depth='four' is not valid"),
        ({"workers": "many"}, "workers='many' is not valid"),
        ({"frames": "30:10"}, "frames='30:10' is not valid"),
        ({"path": "fast"}, "path='fast' is not valid"),
        ({"path": "hybrid", "workers": 1}, "path 'hybrid' needs at least 2 workers"),
        ({"fps": "abc"}, "fps='abc' is not valid"),
    ],
)
def test_bad_options(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        engine.render(SOLID, tmp_path / "v.mp4", **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.render", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def test_cli_renders_and_writes_stats(tmp_path: Path) -> None:
    out, stats = tmp_path / "v.mp4", tmp_path / "stats.json"
    done = run_cli(str(SOLID), "-o", str(out), "--workers", "2", "--stats-json", str(stats), "--hash-frames")
    assert done.returncode == 0, done.stderr
    assert "20 frames 64x36" in done.stderr
    data = json.loads(stats.read_text())
    assert data["frames"] == 20 and len(data["frame_hashes"]) == 20 and data["path"] == "hybrid"


def test_cli_exit_codes(tmp_path: Path) -> None:
    assert run_cli("--help").returncode == 0
    bad_flag = run_cli(str(SOLID), "-o", str(tmp_path / "v.mp4"), "--colour", "red")
    assert bad_flag.returncode == 2 and "unrecognized arguments: --colour" in bad_flag.stderr
    missing = run_cli(str(tmp_path / "nothing"), "-o", str(tmp_path / "v.mp4"))
    assert missing.returncode == 2 and "nothing" in missing.stderr
    ring = run_cli(str(SOLID), "-o", str(tmp_path / "v.mp4"), env={"ENGINE_RING_DEPTH": "lots"})
    assert ring.returncode == 2 and "ENGINE_RING_DEPTH='lots' is not valid" in ring.stderr
    wrong_ext = run_cli(str(SOLID), "-o", str(tmp_path / "v.mp4"), "--codec", "prores")
    assert wrong_ext.returncode == 2 and "codec 'prores' writes .mov" in wrong_ext.stderr
    assert list(tmp_path.iterdir()) == []


def test_renders_in_parallel_threads_share_nothing(sequential: engine.RenderResult, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    jobs = {"a": dict(path="hybrid", workers=2), "b": dict(path="sequential"), "c": dict(path="hybrid", workers=2,
                                                                                          partition="contiguous")}
    with ThreadPoolExecutor(3) as pool:
        futures = {name: pool.submit(engine.render, SOLID, tmp_path / f"{name}.mp4", hash_frames=True, quality="high",
                                     **kwargs) for name, kwargs in jobs.items()}
        results = {name: f.result(timeout=300) for name, f in futures.items()}
    for name, result in results.items():
        assert result.output == tmp_path / f"{name}.mp4"
        assert result.frame_hashes == sequential.frame_hashes, name
        assert len(decode_video(result.output).frames) == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "b.mp4", "c.mp4"]


def test_without_gl_a_render_blends_on_the_cpu(tmp_path: Path) -> None:
    env = {"ENGINE_GL": "off"}
    ok = run_cli(str(SOLID), "-o", str(tmp_path / "v.mp4"), "--stats-json", str(tmp_path / "s.json"), env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr.count("blending on the CPU kernels") == 1
    assert json.loads((tmp_path / "s.json").read_text())["backend"] == "cpu"
    forced = run_cli(str(SOLID), "-o", str(tmp_path / "w.mp4"), "--backend", "gl", env=env)
    assert forced.returncode == 1 and "ENGINE_GL=off" in forced.stderr
    assert not (tmp_path / "w.mp4").exists()
