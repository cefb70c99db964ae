"""``data-fx-chain`` (parsing, the sixteen effects, streaming) and the mix's loudness stats.

Units run the real DSP (pedalboard, scipy) on generated signals; the render tests run real
Chromium and PyAV and measure the decoded output.
"""

from __future__ import annotations

import html
import json
import math
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
from helpers import composition
from media_gen import write_tone_bursts

import engine
from engine.errors import CompositionError
from engine.lint import lint
from engine.media.audio_decode import AudioSource
from engine.media.clips import MediaClip
from engine.media.fx import ChainProcessor
from engine.media.fx_chain import REGISTRY, parse_chain
from engine.media.loudness import LoudnessMeter
from engine.media.mixer import MixStream, mix_audio

SR = 48000


def chain(*nodes: dict) -> str:
    return json.dumps({"version": 1, "nodes": list(nodes)})


def run(nodes: list[dict], x: np.ndarray) -> np.ndarray:
    parsed, _ = parse_chain(chain(*nodes), "<audio>")
    assert parsed is not None
    return ChainProcessor(parsed, SR).process(x)


def tone(freq: float, seconds: float = 1.0, amplitude: float = 0.5, phase: float = 0.0) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return np.stack([amplitude * np.sin(2 * np.pi * freq * t + phase)] * 2).astype(np.float32)


def rms_db(x: np.ndarray) -> float:
    return 20 * math.log10(float(np.sqrt(np.mean(np.square(x.astype(np.float64))))) + 1e-12)


def steady(x: np.ndarray) -> np.ndarray:
    """The second half of a signal (filters and detectors settled)."""
    return x[:, x.shape[1] // 2:]


# -- parsing ---------------------------------------------------------------------------------

def test_a_chain_parses_with_defaults_bypass_and_clamps() -> None:
    text = chain({"type": "highpass", "id": "n1", "label": "Remove Rumble", "params": {"frequency": 120, "poles": "2"}},
                 {"type": "peaking", "id": "n2", "params": {"gain": -90}},
                 {"type": "limiter", "id": "n3", "enabled": False, "params": {"limit": -1}})
    parsed, notes = parse_chain(text, '<audio id="vo">')
    assert parsed is not None
    assert [n.type for n in parsed.nodes] == ["highpass", "peaking", "limiter"]
    assert [n.type for n in parsed.active] == ["highpass", "peaking"]
    assert parsed.nodes[0].params == {"frequency": 120.0, "q": 0.707, "poles": "2"} and parsed.nodes[0].label == "Remove Rumble"
    assert parsed.nodes[1].params["gain"] == -40 and parsed.nodes[1].params["frequency"] == 1000
    assert len(notes) == 1 and 'id="vo"' in notes[0] and "gain=-90" in notes[0] and "-40" in notes[0]
    assert parse_chain(None, "e") == (None, []) and parse_chain("  ", "e") == (None, [])
    assert len(REGISTRY) == 17  # the sixteen of the issue, and the reference's truepeak


@pytest.mark.parametrize(("text", "match"), [
    ("{nodes: [", "not valid JSON"),
    ('{"version": 1}', 'no "nodes" list'),
    ('{"version": 2, "nodes": []}', "version 2"),
    (chain({"type": "wobble"}), 'node 1: type "wobble" is not an effect; expected one of highpass'),
    (chain({"type": "gain", "params": {"gain": "loud"}}), 'gain="loud" is not valid; expected a number'),
    (chain({"type": "gain", "params": {"level": 3}}), "gain has no parameter level; expected gain"),
    (chain({"type": "highpass", "params": {"poles": 4}}), "poles=4 is not valid; expected one of 2, 1"),
    (chain({"type": "gain", "enabled": "no"}), "enabled=\"no\" is not valid; expected true or false"),
    (chain({"type": "gain", "params": [1]}), "params is not an object"),
    (chain("gain"), "node 1 is not an object"),
])
def test_bad_chains_are_bad_input_naming_the_element(text: str, match: str) -> None:
    with pytest.raises(CompositionError, match=match) as caught:
        parse_chain(text, '<audio id="vo" src="vo.wav">')
    assert '<audio id="vo" src="vo.wav">' in str(caught.value)


# -- the effects -----------------------------------------------------------------------------

def lowpass_db(cutoff: float, freq: float, q: float = 0.707) -> float:
    """The Web Audio spec's 2-pole lowpass (its Q in dB) at `freq`, in dB."""
    w0, w = 2 * math.pi * cutoff / SR, 2 * math.pi * freq / SR
    alpha = math.sin(w0) / (2 * 10 ** (q / 20))
    b = np.array([(1 - math.cos(w0)) / 2, 1 - math.cos(w0), (1 - math.cos(w0)) / 2])
    a = np.array([1 + alpha, -2 * math.cos(w0), 1 - alpha])
    z = np.exp(-1j * w * np.arange(3))
    return 20 * math.log10(abs(b @ z) / abs(a @ z))


def test_filters_match_the_web_audio_biquads() -> None:
    hum = tone(50)
    assert rms_db(steady(run([{"type": "highpass", "params": {"frequency": 1000}}], hum))) < rms_db(hum) - 40
    expected = lowpass_db(1000, 5000)
    high = tone(5000)
    measured = rms_db(steady(run([{"type": "lowpass", "params": {"frequency": 1000}}], high))) - rms_db(high)
    assert measured == pytest.approx(expected, abs=1.0) and expected < -25
    one_pole = rms_db(steady(run([{"type": "lowpass", "params": {"frequency": 1000, "poles": "1"}}], high))) - rms_db(high)
    assert expected < one_pole < -10  # 6 dB/oct: gentler
    centre = tone(1000)
    cut = rms_db(steady(run([{"type": "peaking", "params": {"frequency": 1000, "gain": -12, "q": 2}}], centre)))
    assert cut - rms_db(centre) == pytest.approx(-12, abs=0.2)
    low = tone(40)
    assert rms_db(steady(run([{"type": "lowshelf", "params": {"frequency": 500, "gain": 6}}], low))) - rms_db(low) \
        == pytest.approx(6, abs=0.5)
    air = tone(15000)
    assert rms_db(steady(run([{"type": "highshelf", "params": {"frequency": 1000, "gain": -6}}], air))) - rms_db(air) \
        == pytest.approx(-6, abs=0.5)


def test_dynamics() -> None:
    x = tone(1000, 2.0, amplitude=0.5)  # peak -6 dBFS
    doubled = run([{"type": "gain", "params": {"gain": 6.0206}}], x)
    assert np.allclose(doubled, 2 * x, atol=1e-4)
    squeezed = steady(run([{"type": "compressor", "params": {"threshold": -24, "ratio": 4, "attack": 1, "release": 50}}], x))
    over = 20 * math.log10(0.5) + 24  # 18 dB above the threshold, 4:1 -> 4.5 dB above it
    assert 20 * math.log10(np.abs(squeezed).max()) == pytest.approx(-24 + over / 4, abs=1.5)
    loud = tone(1000, 2.0, amplitude=1.0)
    for node in ({"type": "limiter", "params": {"limit": -6}}, {"type": "truepeak", "params": {"ceiling": -6}}):
        assert 20 * math.log10(np.abs(steady(run([node], loud))).max()) < -5.5
    quiet = tone(1000, 2.0, amplitude=0.003)  # -50 dBFS: under the gate's threshold
    gated = run([{"type": "gate", "params": {"threshold": -35, "range": -60}}], quiet)
    assert rms_db(steady(gated)) < rms_db(quiet) - 30
    passed = run([{"type": "gate", "params": {"threshold": -35}}], x)
    assert rms_db(steady(passed)) == pytest.approx(rms_db(x), abs=0.5)


def test_nonlinear() -> None:
    x = tone(200, 0.5, amplitude=1.0)
    for kind in REGISTRY["saturate"]["type"].choices:
        shaped = run([{"type": "saturate", "params": {"type": kind, "threshold": -12}}], x)
        assert np.abs(shaped).max() <= 10 ** (-12 / 20) + 1e-3, kind
        small = run([{"type": "saturate", "params": {"type": kind, "threshold": -12}}], x * 0.001)
        assert np.allclose(small, x * 0.001, atol=2e-5), kind  # linear well below the threshold
    crushed = run([{"type": "bitcrush", "params": {"bits": 2}}], x)
    assert np.allclose(crushed * 4, np.round(crushed * 4), atol=1e-5)  # pedalboard's 2 bits: steps of 1/4
    assert len(np.unique(np.round(crushed[0], 5))) <= 9
    held = run([{"type": "bitcrush", "params": {"bits": 32, "samples": 4}}], x)
    assert np.all(held[0, 1:4] == held[0, 0]) and np.all(held[0, 5:8] == held[0, 4]) and held[0, 4] != held[0, 0]


def test_time_effects() -> None:
    burst = np.zeros((2, 2 * SR), np.float32)
    burst[:, :SR // 10] = tone(1000, 0.1)
    echoed = run([{"type": "delay", "params": {"time": 250, "feedback": 0.3, "mix": 0.5}}], burst)
    assert rms_db(echoed[:, int(0.26 * SR):int(0.34 * SR)]) > rms_db(burst[:, :SR // 10]) - 12  # the first echo
    assert np.abs(echoed[:, int(0.12 * SR):int(0.24 * SR)]).max() < 1e-3  # nothing between
    wet = run([{"type": "reverb", "params": {"size": 0.8, "wet": 0.5}}], burst)
    assert rms_db(wet[:, int(0.2 * SR):int(0.6 * SR)]) > -50  # a tail after the dry signal ended
    x = tone(440, 1.0)
    for node in ({"type": "chorus"}, {"type": "phaser"}):
        moved = run([node], x)
        assert np.abs(moved - x).max() > 0.05, node
    phased = run([{"type": "phaser", "params": {"out_gain": 2.0}}], x)
    assert rms_db(phased) > rms_db(run([{"type": "phaser", "params": {"out_gain": 0.5}}], x)) + 11


def test_pitchshift_moves_the_pitch_and_keeps_the_timeline() -> None:
    x = np.concatenate([tone(440, 3.0), np.zeros((2, SR), np.float32)], axis=1)
    parsed, _ = parse_chain(chain({"type": "pitchshift", "params": {"semitones": 12}}), "e")
    assert parsed is not None
    proc = ChainProcessor(parsed, SR)
    ahead = np.concatenate([x, np.zeros((2, proc.latency), np.float32)], axis=1)
    proc.process(ahead[:, :proc.latency])  # what the mixer does: feed the clip `latency` samples ahead
    out = proc.process(ahead[:, proc.latency:])[:, :x.shape[1]]
    spectrum = np.abs(np.fft.rfft(out[0, SR:2 * SR]))
    assert abs(np.fft.rfftfreq(SR, 1 / SR)[np.argmax(spectrum)] - 880) < 15
    assert rms_db(out[:, :SR // 2]) > -12 and rms_db(out[:, int(3.2 * SR):]) < -40  # in time with the source


def test_bypassed_nodes_are_identity() -> None:
    x = tone(300, 0.5)
    nodes = [{"type": kind, "enabled": False} for kind in REGISTRY]
    assert np.array_equal(run(nodes, x), x)


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_blocks_equal_whole(kind: str) -> None:
    params = {"bitcrush": {"samples": 3}, "compressor": {"mix": 0.7}, "pitchshift": {"semitones": 3}}.get(kind, {})
    parsed, _ = parse_chain(chain({"type": kind, "params": params}), "e")
    assert parsed is not None
    x = (np.random.default_rng(1).standard_normal((2, 3 * SR)) * 0.2).astype(np.float32)
    whole = ChainProcessor(parsed, SR).process(x)
    blocks, parts, at = ChainProcessor(parsed, SR), [], 0
    for size in [10, 1, 100, 5000, 3, 700] + [1024] * 200:
        parts.append(blocks.process(x[:, at:at + size]))
        at += size
        if at >= x.shape[1]:
            break
    assert np.allclose(np.concatenate(parts, axis=1), whole, atol=1e-5)


# -- in the mixer ----------------------------------------------------------------------------

def clip_with(path: Path, nodes: list[dict] | None) -> AudioSource:
    fx = parse_chain(chain(*nodes), "e")[0] if nodes else None
    clip = MediaClip(index=0, kind="audio", element="<audio>", src=path.name, path=path, start=0.0, fx=fx,
                     source_duration=1.0)
    return AudioSource(clip, 1.0)


def test_the_mix_streams_a_chain_and_keeps_its_tail(tmp_path: Path) -> None:
    path = write_tone_bursts(tmp_path / "b.wav", duration=1.0, bursts=[(0.5, 0.4, 1000.0)])
    nodes = [{"type": "delay", "params": {"time": 300, "feedback": 0.4, "mix": 0.5}},
             {"type": "pitchshift", "params": {"semitones": 5}}]
    dry = mix_audio([clip_with(path, None)], 3.0)
    wet = mix_audio([clip_with(path, nodes)], 3.0)
    assert np.abs(dry.samples[:, int(1.05 * SR):]).max() == 0  # the source ends at 1 s
    assert rms_db(wet.samples[:, int(1.1 * SR):int(1.5 * SR)]) > -30  # the echoes ring on past it
    assert rms_db(wet.samples[:, int(0.1 * SR):int(0.4 * SR)]) < -60  # nothing before the burst (pitchshift aligned)
    stream, parts = MixStream([clip_with(path, nodes)], 3.0), []
    for size in [1000, 17, 4096, 333] * 100:
        parts.append(stream.read(size))
    assert np.allclose(np.concatenate(parts, axis=1)[:, :wet.samples.shape[1]], wet.samples, atol=1e-5)


def test_loudness_meter_equals_pyloudnorm_and_reads_true_peak() -> None:
    x = (np.random.default_rng(2).standard_normal((2, 5 * SR)) * 0.1).astype(np.float32)
    x[:, 2 * SR:3 * SR] *= 0.01  # a quiet second: the relative gate drops it
    meter = LoudnessMeter(SR)
    for at in range(0, x.shape[1], 1777):
        meter.add(x[:, at:at + 1777])
    expected = pyloudnorm.Meter(SR).integrated_loudness(x.T.astype(np.float64))
    assert meter.integrated == pytest.approx(expected, abs=0.01)
    # a quarter-rate sine sampled 45 degrees off its crest: sample peak 0.707, true peak 1.0
    crest = tone(SR / 4, 1.0, amplitude=1.0, phase=math.pi / 4)
    peaks = LoudnessMeter(SR)
    peaks.add(crest)
    assert np.abs(crest).max() < 0.71 and peaks.true_peak == pytest.approx(0.0, abs=0.3)
    assert LoudnessMeter(SR).integrated is None and LoudnessMeter(SR).true_peak is None


# -- rendered --------------------------------------------------------------------------------

def decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        planar = av.AudioResampler(format="fltp", layout="stereo", rate=SR)
        chunks = [f.to_ndarray() for frame in container.decode(audio=0) for f in planar.resample(frame)]
    return np.concatenate(chunks, axis=1).astype(np.float32)


def fx_attr(*nodes: dict) -> str:
    return html.escape(chain(*nodes), quote=True)


def test_a_rendered_chain_is_heard_and_loudness_is_reported(tmp_path: Path) -> None:
    folder = composition(tmp_path / "c", duration=2, fps=10, body=(
        f'<audio id="hi" src="hi.wav" data-start="0" data-fx-chain="{fx_attr({"type": "lowpass", "params": {"frequency": 1000}})}"></audio>'
        f'<audio id="echo" src="lo.wav" data-start="1" data-fx-chain="'
        f'{fx_attr({"type": "delay", "params": {"time": 250, "feedback": 0.4, "mix": 0.5}})}"></audio>'))
    write_tone_bursts(folder / "hi.wav", duration=0.8, bursts=[(0.1, 0.6, 5000.0)])
    write_tone_bursts(folder / "lo.wav", duration=0.3, bursts=[(0.0, 0.2, 1000.0)])
    out = tmp_path / "out.mp4"
    result = engine.render(folder, out, workers=1, quality="draft")
    samples = decode(out)
    burst = rms_db(samples[:, int(0.3 * SR):int(0.6 * SR)])
    assert burst - 20 * math.log10(0.5 / math.sqrt(2)) == pytest.approx(lowpass_db(1000, 5000), abs=1.0)
    assert rms_db(samples[:, int(1.3 * SR):int(1.7 * SR)]) > -35  # the echoes after lo.wav's burst ended at 1.2 s
    audio = result.media["audio"]
    expected = pyloudnorm.Meter(SR).integrated_loudness(samples.T.astype(np.float64))
    assert audio["loudness_lufs"] == pytest.approx(expected, abs=0.5)
    assert audio["true_peak_dbtp"] == pytest.approx(20 * math.log10(np.abs(samples).max()), abs=1.0)


def test_a_bad_chain_exits_2_before_any_frame_and_lint_reports_it(tmp_path: Path) -> None:
    bad = html.escape(chain({"type": "wobble"}), quote=True)
    folder = composition(tmp_path / "c", body=f'<audio id="vo" src="vo.wav" data-start="0" data-fx-chain="{bad}"></audio>')
    write_tone_bursts(folder / "vo.wav", duration=0.5, bursts=[(0.0, 0.2, 440.0)])
    out = tmp_path / "o.mp4"
    done = subprocess.run([sys.executable, "-m", "engine.render", str(folder), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert 'id="vo"' in done.stderr and '"wobble" is not an effect' in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    problems = lint(folder)
    assert any(p.code == "media-attribute" and '"wobble"' in p.message and p.line == 3 for p in problems), problems
    clamped = html.escape(chain({"type": "gain", "params": {"gain": 30}}), quote=True)
    (folder / "index.html").write_text((folder / "index.html").read_text().replace(bad, clamped))
    problems = lint(folder)
    assert any(p.code == "audio-fx" and "gain=30" in p.message for p in problems), problems
