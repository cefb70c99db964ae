"""The mix does not depend on how the frames are made: a composition with an effect chain, a
volume lane, a group bus (its own chain and lane) and ``loudness=-14`` gives the same decoded
audio rendered sequentially, on the hybrid path and on a local Ray cluster (where the driver
mixes it once). Real Chromium and PyAV; small compositions (CI has 2 cores)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from helpers import composition
from media_gen import write_tone_bursts
from test_audio_fx import SR, chain, decode, rms_db

import engine


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _lanes(*lanes: dict) -> str:
    return _attr(json.dumps({"version": 1, "lanes": list(lanes)}))


def _fade(target: str, *points: tuple[float, float]) -> dict:
    return {"target": target, "points": [{"t": t, "v": v} for t, v in points]}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray, dict]:
    """The composition, and its sequential render's decoded audio and audio stats."""
    folder = composition(tmp_path_factory.mktemp("paths") / "c", duration=3, fps=10,
                         head="<style>hf-audio-group{display:none}</style>", body=(
        f'<hf-audio-group id="bed" data-volume="0.5" '
        f'data-fx-chain="{_attr(chain({"type": "lowpass", "id": "lp", "params": {"frequency": 2000}}))}" '
        f'data-automation="{_lanes(_fade("volume", (1.0, 0.5), (2.5, 0.1)))}"></hf-audio-group>'
        '<audio id="pad" src="pad.wav" data-start="0" data-audio-group="bed"></audio>'
        f'<audio id="vo" src="vo.wav" data-start="0.5" data-fx-chain="'
        f'{_attr(chain({"type": "highpass", "id": "hp", "params": {"frequency": 300}}, {"type": "delay", "id": "d", "params": {"time": 150, "feedback": 0.3, "mix": 0.3}}))}" '
        f'data-automation="{_lanes(_fade("volume", (0.0, 1.0), (1.5, 0.25)))}"></audio>'))
    write_tone_bursts(folder / "pad.wav", duration=3.0, bursts=[(0.0, 3.0, 220.0)])
    write_tone_bursts(folder / "vo.wav", duration=2.0, bursts=[(0.1, 0.5, 1000.0), (0.9, 0.6, 3000.0)])
    out = folder.parent / "sequential.mp4"
    result = engine.render(folder, out, workers=1, path="sequential", quality="draft", loudness=-14)
    return folder, decode(out), result.media["audio"]


def _same_mix(samples: np.ndarray, reference: np.ndarray, audio: dict, reference_audio: dict) -> None:
    assert samples.shape == reference.shape
    assert np.abs(samples - reference).max() < 2e-3  # the same samples into the same AAC encoder
    assert rms_db(samples - reference) < rms_db(reference) - 60
    loudness = pyloudnorm.Meter(SR).integrated_loudness(samples.T.astype(np.float64))
    assert loudness == pytest.approx(-14.0, abs=0.5)
    for key in ("loudness_lufs", "true_peak_dbtp", "normalising_gain_db", "normalised_to_lufs", "clips"):
        assert audio[key] == pytest.approx(reference_audio[key], abs=0.05), key


def test_the_reference_mix_is_shaped(mixed: tuple[Path, np.ndarray, dict]) -> None:
    """(So that equal mixes below are equal shaped mixes, not equal dry ones.)"""
    _, samples, audio = mixed
    assert audio["clips"] == 2 and audio["normalised_to_lufs"] == -14.0
    assert audio["loudness_lufs"] == pytest.approx(-14.0, abs=0.1)
    pad_early = rms_db(samples[:, int(0.1 * SR):int(0.4 * SR)])  # the bus alone, before vo starts
    pad_late = rms_db(samples[:, int(2.6 * SR):int(2.9 * SR)])  # the bus lane at 0.1 (vo and its echoes ended)
    assert pad_late - pad_early == pytest.approx(20 * np.log10(0.1 / 0.5), abs=0.5)


def test_sequential_and_hybrid_give_the_same_mix(mixed: tuple[Path, np.ndarray, dict], tmp_path: Path) -> None:
    folder, reference, reference_audio = mixed
    result = engine.render(folder, tmp_path / "hybrid.mp4", workers=2, path="hybrid", quality="draft", loudness=-14)
    assert result.path == "hybrid"
    _same_mix(decode(tmp_path / "hybrid.mp4"), reference, result.media["audio"], reference_audio)


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """One local Ray cluster for the module (as tests/test_ray.py starts it)."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_ray_mixes_once_on_the_driver_with_the_same_options(mixed: tuple[Path, np.ndarray, dict], tmp_path: Path,
                                                           cluster: None) -> None:
    folder, reference, reference_audio = mixed
    result = engine.render(folder, tmp_path / "ray.mp4", ray="auto", chunk_frames=10, quality="draft", loudness=-14)
    assert result.path == "ray" and "3 chunks" in result.path_reason
    _same_mix(decode(tmp_path / "ray.mp4"), reference, result.media["audio"], reference_audio)
