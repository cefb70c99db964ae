"""Rendering across machines on Ray, on a local cluster: the joined video's frames are a
one-machine render's, the audio is in place, a killed actor's chunk is rendered again, a chunk
that fails fails the render cleanly, bad addresses are bad input. Small compositions: CI has
2 cores."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import psutil
import pytest
from media_gen import write_tone_bursts

import engine
from engine.errors import ConfigError, InputError
from engine.pipeline.chunks import chunk_ranges, default_chunk_frames
from engine.render.options import parse_ray_address

SOLID = Path(__file__).parent / "fixtures" / "render" / "solid"  # 20 frames, a crossfade over frames 8-11


# ---- pure ---------------------------------------------------------------------------------------

def test_addresses() -> None:
    assert parse_ray_address(" Local ") == "local" and parse_ray_address("auto") == "auto"
    assert parse_ray_address("ray://10.0.0.5:10001") == "ray://10.0.0.5:10001"
    for bad in ("", "cluster", "ray://host", "http://host:10001", 3):
        with pytest.raises(ConfigError, match="expected local .* auto .* ray://HOST:PORT"):
            parse_ray_address(bad)


def test_chunks_keep_transitions_whole() -> None:
    inside = lambda i: 9 <= i <= 11  # noqa: E731 - frames 8..11 are one transition
    assert chunk_ranges(range(20), 10, inside) == [range(0, 8), range(8, 18), range(18, 20)]
    assert chunk_ranges(range(20), 1, inside)[8] == range(8, 12)  # never cut inside it, even for tiny chunks
    assert chunk_ranges(range(5, 9), 30, inside) == [range(5, 9)]
    ranges = chunk_ranges(range(1000), 64, lambda i: i % 100 > 50)
    assert [i for r in ranges for i in r] == list(range(1000))
    assert all(not (r.start % 100 > 50) for r in ranges)
    assert default_chunk_frames(300, 2) == 38 and default_chunk_frames(20, 8) == 30
    with pytest.raises(ConfigError):
        chunk_ranges(range(10), 0, inside)


def test_bad_input_exits_2_before_any_cluster(tmp_path: Path) -> None:
    cases = [(["--ray", "cluster"], "ray='cluster' is not valid"),
             (["--chunk-frames", "10"], "give --ray ADDRESS too"),
             (["--ray", "local", "--chunk-frames", "0"], "--chunk-frames=0 is not valid")]
    for args, message in cases:
        run = subprocess.run([sys.executable, "-m", "engine.render", str(SOLID), "-o", str(tmp_path / "v.mp4"), *args],
                             capture_output=True, text=True, timeout=120, env={**os.environ, "RAY_ADDRESS": ""})
        assert run.returncode == 2 and message in run.stderr, (args, run.stderr[-500:])
    with pytest.raises(ConfigError, match="writes a video file"):
        engine.render(SOLID, tmp_path / "a.gif", ray="local")
    assert list(tmp_path.iterdir()) == []


def test_a_cluster_that_cannot_be_reached_is_bad_input() -> None:
    """(With a fake Ray: whether `auto` finds a cluster depends on what else runs on the machine.)"""
    from engine.render.distributed import _connect

    class NoCluster:
        @staticmethod
        def is_initialized() -> bool:
            return False

        @staticmethod
        def init(**kwargs: object) -> None:
            raise ConnectionError("Could not find any running Ray instance.\nmore detail")

    with pytest.raises(ConfigError, match=r"cannot reach a Ray cluster at ray='auto': Could not find any running Ray "
                                          r"instance\.$"):
        _connect(NoCluster, "auto")


# ---- on a local cluster ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """One local Ray cluster for the module (renders given ray="auto" use it and leave it running)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def one(tmp_path_factory: pytest.TempPathFactory) -> engine.RenderResult:
    """SOLID rendered on one machine, one worker (the frames the Ray renders must give)."""
    return engine.render(SOLID, tmp_path_factory.mktemp("one") / "one.mp4", workers=1, hash_frames=True)


def test_joined_frames_are_the_one_machine_frames(tmp_path: Path, cluster: None, one: engine.RenderResult) -> None:
    spread = engine.render(SOLID, tmp_path / "made" / "ray.mp4", ray="auto", chunk_frames=5, hash_frames=True)
    assert spread.path == "ray" and spread.workers == 2 and "5 chunks" in spread.path_reason  # 0-4, 5-7, 8-12 (the crossfade whole), 13-17, 18-19
    assert spread.frame_hashes == one.frame_hashes and spread.frames == 20
    assert spread.captures == one.captures > 20  # the transition frames take two each, on one machine or many
    with av.open(str(tmp_path / "made" / "ray.mp4")) as container:
        stream = container.streams.video[0]
        times = [float(f.pts * f.time_base) for f in container.decode(stream)]
    assert times == pytest.approx([i / 10 for i in range(20)], abs=1e-6)  # evenly spaced across the joins
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made"]  # the missing folder was made
    assert sorted(p.name for p in (tmp_path / "made").iterdir()) == ["ray.mp4"]  # no chunk left behind


def test_audio_is_mixed_once_and_in_place(tmp_path: Path, cluster: None) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    write_tone_bursts(folder / "bursts.wav", duration=2.0, bursts=[(0.25, 0.2, 1000.0), (1.5, 0.2, 2000.0)])
    (folder / "index.html").write_text(
        '<!doctype html><html><body style="margin:0;background:#000"><div id="root" data-composition-id="m" '
        'data-width="32" data-height="32" data-duration="2" data-fps="10">'
        '<audio src="bursts.wav" data-start="0.5"></audio></div></body></html>', encoding="utf-8")
    out = tmp_path / "a.mp4"
    engine.render(folder, out, ray="auto", chunk_frames=4)
    with av.open(str(out)) as container:
        resample = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
        samples = np.concatenate([f.to_ndarray() for frame in container.decode(container.streams.audio[0])
                                  for f in resample.resample(frame)], axis=1)
    loud = np.nonzero(np.abs(samples).max(axis=0) > 0.05)[0] / 48000
    assert loud[0] == pytest.approx(0.75, abs=0.002)  # the 0.25 s burst of a clip starting at 0.5 s
    assert samples.shape[1] / 48000 == pytest.approx(2.0, abs=0.03)


def test_a_killed_actor_does_not_lose_its_chunk(tmp_path: Path, cluster: None, one: engine.RenderResult) -> None:
    killed: list[int] = []

    def kill_one(done: int, total: int) -> None:
        if killed:
            return
        for proc in psutil.process_iter(["pid", "cmdline"]):
            if any("ChunkRenderer" in part for part in proc.info["cmdline"] or []):
                killed.append(proc.info["pid"])
                threading.Thread(target=proc.kill).start()
                return

    spread = engine.render(SOLID, tmp_path / "ray.mp4", ray="auto", chunk_frames=2, hash_frames=True,
                           progress=kill_one)
    assert killed, "no actor process was found to kill"
    assert spread.frame_hashes == one.frame_hashes


def test_a_chunk_that_fails_fails_the_render_cleanly(tmp_path: Path, cluster: None) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "index.html").write_text(
        '<!doctype html><html><body><div id="root" data-composition-id="m" data-width="32" data-height="32" '
        'data-duration="2" data-fps="10"></div><script>window.__timelines = window.__timelines || {};'
        'window.__timelines["m"] = { seek(t) { if (t > 1.4) throw new Error("broken at " + t); return this; } };'
        '</script></body></html>',
        encoding="utf-8")
    out = tmp_path / "out" / "deeper" / "v.mp4"
    out.parent.parent.mkdir()
    with pytest.raises(InputError, match="broken at"):
        engine.render(folder, out, ray="auto", chunk_frames=5)
    assert list(out.parent.parent.iterdir()) == []  # nothing written, and the folder it made removed


def test_cli_on_a_cluster_of_its_own(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "engine.render", str(SOLID), "-o", str(tmp_path / "v.mp4"),
                          "--ray", "local", "--chunk-frames", "10"], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "RAY_ADDRESS": ""})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "path ray" in run.stderr
    with av.open(str(tmp_path / "v.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 20
