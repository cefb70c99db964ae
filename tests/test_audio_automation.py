"""``data-automation`` lanes: parsing, the curve shapes, the mixer, and rendered output.

Units run the real DSP on generated signals; the render tests run real Chromium and PyAV and
measure the decoded output.
"""

from __future__ import annotations

import html
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import composition
from media_gen import write_tone_bursts
from test_audio_fx import SR, chain, decode, rms_db, run, tone

import engine
from engine.errors import CompositionError
from engine.lint import lint
from engine.media.audio_decode import AudioSource
from engine.media.automation import MAX_GAIN, Point, parse_automation, shape
from engine.media.clips import MediaClip
from engine.media.fx import ChainProcessor
from engine.media.fx_chain import parse_chain
from engine.media.groups import parse_group
from engine.media.mixer import MixStream, mix_audio


def auto(*lanes: dict) -> str:
    return json.dumps({"version": 1, "lanes": list(lanes)})


def lane(target: str, *points: tuple, **extra: float) -> dict:
    return {"target": target, "points": [{"t": p[0], "v": p[1], **(p[2] if len(p) > 2 else {})} for p in points]}


# -- parsing and shapes ----------------------------------------------------------------------

def test_a_lane_holds_interpolates_and_bends() -> None:
    parsed = parse_automation(auto(lane("volume", (2, 0.5), (1, 1), (3, 0.25, {}), (3, 0.0), (9, 99))), "e", None)
    assert parsed is not None and parsed.volume is not None
    vol = parsed.volume
    assert [p.t for p in vol.points] == [1, 2, 3, 9]  # sorted, the later of two at t=3 wins
    assert vol.points[-1].v == MAX_GAIN and any("clamped" in n for n in parsed.notes)  # +12 dB ceiling
    got = vol.values(np.array([0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 20.0]))
    assert got == pytest.approx([1, 1, 0.75, 0.5, 0.25, 0.0, MAX_GAIN])  # holds before the first / after the last
    x = np.linspace(0, 1, 11)
    assert shape(x, Point(0, 0, curve=0.5)) == pytest.approx(x ** 2)  # positive: holds low, rises late
    assert shape(x, Point(0, 0, curve=-0.5)) == pytest.approx(x ** 0.5)
    for vx, vy in [(0.3, 0.8), (0.7, 0.2), (0.05, 0.95), (0.5, 0.9)]:
        curve = shape(np.linspace(0, 1, 2001), Point(0, 0, via=(vx, vy)))
        assert curve[0] == pytest.approx(0, abs=1e-9) and curve[-1] == pytest.approx(1, abs=1e-9)
        assert np.all(np.diff(curve) >= -1e-9)  # monotone
        assert shape(np.array([vx]), Point(0, 0, via=(vx, vy)))[0] == pytest.approx(vy, abs=1e-6)  # through it
    freq = parse_automation(auto(lane("fx.n1.frequency", (0, 100), (1, 10000))), "e",
                            parse_chain(chain({"type": "lowpass", "id": "n1"}), "e")[0])
    assert freq is not None and freq.fx[("n1", "frequency")].values(np.array([0.5]))[0] == pytest.approx(1000)  # log


@pytest.mark.parametrize(("text", "match"), [
    ("{", "not valid JSON"), ("[]", "not a JSON object"), ('{"version": 2, "lanes": []}', "version 2"),
    ('{"version": 1}', 'no "lanes" list'), ('{"version": 1, "lanes": [3]}', "lane 1 is not an object"),
    (auto({"target": "pan", "points": []}), 'target "pan" is not readable'),
    (auto({"target": "volume"}), 'no "points" list'),
])
def test_unreadable_automation_is_bad_input_naming_the_element(text: str, match: str) -> None:
    with pytest.raises(CompositionError, match=match) as caught:
        parse_automation(text, '<audio id="bed">', None)
    assert '<audio id="bed">' in str(caught.value)


def test_lanes_that_drive_nothing_are_notes() -> None:
    fx = parse_chain(chain({"type": "compressor", "id": "c"}, {"type": "lowpass", "id": "f"}), "e")[0]
    parsed = parse_automation(auto(lane("fx.c.ratio", (0, 2)), lane("fx.gone.gain", (0, 1)),
                                   lane("fx.f.poles", (0, 1)), lane("fx.preset.voice-clean", (0, 1)),
                                   {"target": "volume", "points": [{"t": "x", "v": 1}, {"t": 0, "v": 0.5}]}),
                              '<audio id="a">', fx)
    assert parsed is not None and not parsed.fx and parsed.volume is not None
    text = "\n".join(parsed.notes)
    assert 'compressor parameter "ratio" cannot be automated' in text
    assert 'no node "gone"' in text and 'lowpass parameter "poles"' in text
    assert 'no preset "voice-clean" in data-fx-chain' in text
    assert "1 point(s) without a numeric t and v" in text
    assert all(note.startswith('<audio id="a">: data-automation lane') for note in parsed.notes)


# -- effect lanes ----------------------------------------------------------------------------

def test_effect_lanes_move_parameters_and_stream_exactly() -> None:
    fx = parse_chain(chain({"type": "gain", "id": "g"}, {"type": "peaking", "id": "p",
                                                          "params": {"frequency": 1000, "q": 1}}), "e")[0]
    lanes = parse_automation(auto(lane("fx.g.gain", (0, 0), (1, -12)), lane("fx.p.gain", (0, 0), (0.5, 0), (1, -20))),
                             "e", fx)
    assert lanes is not None
    x = tone(1000, 2.0)
    whole = ChainProcessor(fx, SR, lanes.fx).process(x)
    assert rms_db(whole[:, :int(0.01 * SR)]) == pytest.approx(rms_db(x[:, :int(0.01 * SR)]), abs=0.1)  # untouched
    # at t >= 1: the gain lane's -12 dB and the peaking cut's -20 dB at its centre
    assert rms_db(whole[:, int(1.3 * SR):]) - rms_db(x[:, int(1.3 * SR):]) == pytest.approx(-32, abs=0.5)
    # the gain lane alone, per sample: -6 dB at t = 0.5 (the peaking lane still at 0 there)
    mid = whole[:, int(0.49 * SR):int(0.51 * SR)]
    assert rms_db(mid) - rms_db(x[:, :int(0.02 * SR)]) == pytest.approx(-6, abs=0.3)
    processor, parts = ChainProcessor(fx, SR, lanes.fx), []
    for at in range(0, x.shape[1], 777):
        parts.append(processor.process(x[:, at:at + 777]))
    assert np.allclose(np.concatenate(parts, axis=1), whole, atol=1e-5)


def test_a_volume_lane_in_the_mixer_runs_on_the_clip_clock(tmp_path: Path) -> None:
    path = write_tone_bursts(tmp_path / "t.wav", duration=2.0, bursts=[(0.0, 2.0, 440.0)])
    automation = parse_automation(auto(lane("volume", (0.5, 1), (1.5, 0.0))), "e", None)
    clip = MediaClip(index=0, kind="audio", element="<audio>", src="t.wav", path=path, start=1.0, volume=0.1,
                     source_duration=2.0, automation=automation)
    mix = mix_audio([AudioSource(clip, 2.0)], 3.5)
    level = 20 * math.log10(0.5 / math.sqrt(2))
    assert rms_db(mix.samples[:, int(1.1 * SR):int(1.4 * SR)]) == pytest.approx(level, abs=0.1)  # the lane wins over 0.1
    assert rms_db(mix.samples[:, int(1.98 * SR):int(2.02 * SR)]) == pytest.approx(level - 6.02, abs=0.3)  # 0.5 at 2 s
    assert np.abs(mix.samples[:, int(2.5 * SR):]).max() == 0
    stream = MixStream([AudioSource(clip, 2.0)], 3.5, start_s=1.7)  # a render starting inside the clip
    part = stream.read(int(0.1 * SR))
    assert np.allclose(part, mix.samples[:, int(1.7 * SR):int(1.8 * SR)], atol=1e-6)


# -- rendered --------------------------------------------------------------------------------

def test_a_rendered_volume_lane_is_measured_on_the_output(tmp_path: Path) -> None:
    lanes = html.escape(auto(lane("volume", (0.5, 1), (2.5, 0.25))), quote=True)
    folder = composition(tmp_path / "c", duration=4, fps=10, body=(
        f'<audio id="bed" src="bed.wav" data-start="0.5" data-volume="0.5" data-automation="{lanes}"></audio>'))
    write_tone_bursts(folder / "bed.wav", duration=3.5, bursts=[(0.0, 3.5, 440.0)])
    out = tmp_path / "out.mp4"
    engine.render(folder, out, workers=1, quality="draft")
    samples = decode(out)
    full = 20 * math.log10(0.5 / math.sqrt(2))
    for t in [0.8, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]:  # composition time; the lane's clock starts at 0.5
        x = min(1.0, max(0.0, (t - 0.5 - 0.5) / 2))
        expected = full + 20 * math.log10(1 + (0.25 - 1) * x)
        window = samples[:, int((t - 0.01) * SR):int((t + 0.01) * SR)]
        assert rms_db(window) == pytest.approx(expected, abs=0.5), t


def test_bad_automation_exits_2_and_lint_reports_ignored_lanes(tmp_path: Path) -> None:
    bad = html.escape('{"version": 1, "lanes": [{"target": "volume", "points": 4}]}', quote=True)
    folder = composition(tmp_path / "c", body=f'<audio id="vo" src="vo.wav" data-start="0" data-automation="{bad}"></audio>')
    write_tone_bursts(folder / "vo.wav", duration=0.5, bursts=[(0.0, 0.2, 440.0)])
    out = tmp_path / "o.mp4"
    done = subprocess.run([sys.executable, "-m", "engine.render", str(folder), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert 'id="vo"' in done.stderr and 'no "points" list' in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    assert any(p.code == "media-attribute" and "data-automation" in p.message and p.line == 3 for p in lint(folder))
    inert = html.escape(auto(lane("fx.n1.gain", (0, 1))), quote=True)
    (folder / "index.html").write_text((folder / "index.html").read_text().replace(bad, inert))
    problems = lint(folder)
    assert any(p.code == "audio-fx" and 'no node "n1"' in p.message and 'id="vo"' in p.message for p in problems), problems


def test_a_faded_preset_blends_its_run_with_the_dry_signal() -> None:
    """HyperFrames' wrap: ``amount * run(x) + (1 - amount) * x`` around a preset's consecutive
    (enabled) nodes, the amount read off the run's first node, clamped into 0..1."""
    boost = {"type": "gain", "params": {"gain": 6}}
    low = {"type": "lowpass", "params": {"frequency": 1000}}
    cut = {"type": "gain", "params": {"gain": -6}}
    off = {"type": "reverb", "enabled": False}
    x = tone(3000, 0.5) + tone(200, 0.5)
    faded = [{**boost, "fromPreset": "warm", "presetAmount": 0.25}, off, {**low, "fromPreset": "warm"}, cut]
    wet = run([boost, low], x)
    expected = run([cut], 0.25 * wet + 0.75 * x)
    assert np.abs(run(faded, x) - expected).max() < 1e-5
    assert np.abs(run(faded, x) - run([boost, low, cut], x)).max() > 0.05  # not the full-amount chain
    # 0 is the dry signal; 1 (or none) the plain chain; another preset's run is wrapped on its own
    assert np.abs(run([{**boost, "fromPreset": "p", "presetAmount": 0}, cut], x) - run([cut], x)).max() < 1e-6
    assert np.array_equal(run([{**boost, "fromPreset": "p", "presetAmount": 1}], x), run([boost], x))
    two = [{**boost, "fromPreset": "a", "presetAmount": 0.5}, {**cut, "fromPreset": "b", "presetAmount": 0.5}]
    halfway = 0.5 * run([boost], x) + 0.5 * x
    assert np.abs(run(two, x) - (0.5 * run([cut], halfway) + 0.5 * halfway)).max() < 1e-5


def test_preset_amounts_out_of_range_or_without_a_preset_are_named() -> None:
    text = json.dumps({"version": 1, "nodes": [{"type": "gain", "fromPreset": "voice-clean", "presetAmount": 1.5},
                                               {"type": "gain", "presetAmount": 0.5},
                                               {"type": "gain", "fromPreset": "x", "presetAmount": "half"}]})
    parsed, notes = parse_chain(text, '<audio id="a">')
    assert parsed is not None and [n.amount for n in parsed.nodes] == [1.0, 0.5, 1.0]
    assert [amount for amount, _ in parsed.runs()] == [1.0, 1.0, 1.0]  # the node without a preset is not blended
    assert notes == ['<audio id="a">: data-fx-chain node 1: presetAmount=1.5 is outside 0..1; it is clamped to 1 '
                     "(as in HyperFrames)",
                     '<audio id="a">: data-fx-chain node 2: presetAmount=0.5 is ignored: the node has no fromPreset '
                     "(as in HyperFrames, only a preset's nodes are blended)",
                     '<audio id="a">: data-fx-chain node 3: presetAmount="half" is not a number from 0 to 1; it is '
                     "ignored (as in HyperFrames): the preset plays at full amount"]


# -- preset amount lanes (fx.preset.<id>) ------------------------------------------------------

def amount_at(t: np.ndarray, start: float = 0.5, length: float = 2.0) -> np.ndarray:
    """The amount of a lane from 0 at `start` to 1 at `start + length` (held either side)."""
    return np.clip((t - start) / length, 0.0, 1.0)[None, :]


def test_a_preset_lane_drives_every_run_of_its_preset_per_sample() -> None:
    """``fx.preset.tel`` replaces the runs' ``presetAmount`` (0.3 here) with its value, per sample,
    on both runs of the split preset; the node between them is not blended."""
    low = {"type": "lowpass", "id": "n1", "fromPreset": "tel", "presetAmount": 0.3, "params": {"frequency": 1000}}
    own = {"type": "gain", "id": "n2", "params": {"gain": -6}}
    lift = {"type": "gain", "id": "n3", "fromPreset": "tel", "params": {"gain": 4}}
    fx = parse_chain(chain(low, own, lift), "e")[0]
    lanes = parse_automation(auto(lane("fx.preset.tel", (0.5, 0), (2.5, 1))), "e", fx)
    assert lanes is not None and set(lanes.presets) == {"tel"} and not lanes.notes
    x = tone(5000, 3.0) + tone(300, 3.0, 0.2)
    a = amount_at(np.arange(x.shape[1]) / SR)
    first = a * run([{**low, "fromPreset": None}], x) + (1 - a) * x
    second = run([own], first)
    expected = a * run([{**lift, "fromPreset": None}], second) + (1 - a) * second
    whole = ChainProcessor(fx, SR, lanes.fx).process(x)
    assert np.abs(whole - expected).max() < 1e-5
    processor, parts = ChainProcessor(fx, SR, lanes.fx), []
    for at in range(0, x.shape[1], 1000):  # streamed in other blocks: the same
        parts.append(processor.process(x[:, at:at + 1000]))
    assert np.allclose(np.concatenate(parts, axis=1), whole, atol=1e-5)
    over = parse_automation(auto(lane("fx.preset.tel", (0, -1), (1, 7))), "e", fx)  # clamped into 0..1
    assert over is not None and [p.v for p in over.presets["tel"].points] == [0, 1]
    assert any("clamped" in note for note in over.notes)


def test_a_group_preset_lane_runs_on_the_composition_clock(tmp_path: Path) -> None:
    tone_path = write_tone_bursts(tmp_path / "t.wav", duration=1.0, bursts=[(0.0, 1.0, 5000.0)])
    low = {"type": "lowpass", "fromPreset": "muffle", "params": {"frequency": 1000}}
    lanes = auto(lane("fx.preset.muffle", (1.2, 1), (1.3, 0)))
    group = parse_group({"id": "g", "element": '<hf-audio-group id="g">', "fxChain": chain(low), "automation": lanes},
                        "index.html")
    assert group.automation is not None and not group.notes
    clip = MediaClip(index=0, kind="audio", element='<audio id="m">', src="t.wav", path=tone_path, start=1.0,
                     source_duration=1.0, group=group)
    mix = mix_audio([AudioSource(clip, 1.0)], 2.5)
    level = 20 * math.log10(0.5 / math.sqrt(2))
    # composition t 1.1: amount 1 (filtered; on the clip's clock it would be 1 too), 1.6: 0 (dry; the clip's clock: 1)
    assert rms_db(mix.samples[:, int(1.05 * SR):int(1.15 * SR)]) < level - 20
    assert rms_db(mix.samples[:, int(1.5 * SR):int(1.9 * SR)]) == pytest.approx(level, abs=0.1)


def test_a_rendered_preset_lane_fades_the_preset_in(tmp_path: Path) -> None:
    """A lowpass a preset wrote, its amount ramped 0 -> 1 over 2 s: the dry tone at the start, the
    filtered one at the end, between them the mix at the lane's value (measured on the output)."""
    low = {"type": "lowpass", "id": "n1", "fromPreset": "telephone", "presetAmount": 0.3, "params": {"frequency": 1000}}
    fx = html.escape(chain(low), quote=True)
    lanes = html.escape(auto(lane("fx.preset.telephone", (0.5, 0), (2.5, 1)), lane("fx.preset.hall", (0, 1))),
                        quote=True)
    folder = composition(tmp_path / "c", duration=4, fps=10, body=(
        f'<audio id="vo" src="vo.wav" data-start="0.5" data-fx-chain="{fx}" data-automation="{lanes}"></audio>'))
    write_tone_bursts(folder / "vo.wav", duration=3.5, bursts=[(0.0, 3.5, 5000.0)])
    out = tmp_path / "out.mp4"
    with pytest.warns(engine.RenderWarning):
        result = engine.render(folder, out, workers=1, quality="draft")
    samples = decode(out)
    dry = decode(folder / "vo.wav")
    wet = run([{**low, "fromPreset": None}], dry)
    for t in [0.8, 1.2, 1.6, 2.0, 2.4, 2.8, 3.2, 3.8]:  # composition time; the clip (and lane) clock starts at 0.5
        at = np.arange(int((t - 0.51) * SR), int((t - 0.49) * SR))
        a = amount_at(at / SR)
        expected = a * wet[:, at] + (1 - a) * dry[:, at]
        window = samples[:, at + int(0.5 * SR)]
        assert rms_db(window) == pytest.approx(rms_db(expected), abs=0.5), t
    start, end = rms_db(samples[:, int(0.7 * SR):int(0.9 * SR)]), rms_db(samples[:, int(3.3 * SR):int(3.9 * SR)])
    assert start - end > 20  # the dry tone, then the lowpass's -28 dB at 5 kHz
    assert any(w["code"] == "audio-fx" and 'id="vo"' in w["element"] and 'no preset "hall"' in w["message"]
               for w in result.warnings), result.warnings
    assert any(p.code == "audio-fx" and 'no preset "hall"' in p.message and 'id="vo"' in p.message
               for p in lint(folder))
