"""``<hf-audio-group>`` buses: members summed, then the group's chain, volume and lanes
(composition clock); measured in the mixer and on decoded output (real Chromium and PyAV)."""

from __future__ import annotations

import html
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import composition
from media_gen import write_tone_bursts
from test_audio_fx import SR, chain, decode, rms_db

import engine
from engine.errors import CompositionError
from engine.lint import lint
from engine.media.audio_decode import AudioSource
from engine.media.census import clips_from_census, fx_notes
from engine.media.clips import MediaClip
from engine.media.groups import AudioGroup, parse_group
from engine.media.mixer import mix_audio

LEVEL = 20 * math.log10(0.5 / math.sqrt(2))  # a 0.5 sine's RMS


def member(path: Path, index: int, start: float, group: AudioGroup | None) -> AudioSource:
    clip = MediaClip(index=index, kind="audio", element=f'<audio id="m{index}">', src=path.name, path=path,
                     start=start, source_duration=1.0, group=group)
    return AudioSource(clip, 1.0)


def test_a_group_bus_scales_filters_and_automates_its_members(tmp_path: Path) -> None:
    tone = write_tone_bursts(tmp_path / "t.wav", duration=1.0, bursts=[(0.0, 1.0, 5000.0)])
    lanes = json.dumps({"version": 1, "lanes": [{"target": "volume", "points": [{"t": 2.0, "v": 0.5}, {"t": 3.0, "v": 0.125}]}]})
    group = parse_group({"id": "vo", "element": '<hf-audio-group id="vo">', "volume": "0.25", "automation": lanes,
                         "fxChain": chain({"type": "lowpass", "params": {"frequency": 1000}})}, "index.html")
    plain = parse_group({"id": "bed", "element": '<hf-audio-group id="bed">', "volume": "0.5"}, "index.html")
    mix = mix_audio([member(tone, 0, 0.0, plain), member(tone, 1, 1.0, plain)], 4.0)
    # the group's data-volume on each member
    assert rms_db(mix.samples[:, int(0.2 * SR):int(0.8 * SR)]) == pytest.approx(LEVEL - 6.02, abs=0.05)
    assert rms_db(mix.samples[:, int(1.2 * SR):int(1.8 * SR)]) == pytest.approx(LEVEL - 6.02, abs=0.05)
    filtered = mix_audio([member(tone, 0, 2.0, group)], 4.0)
    # the lane replaces data-volume (0.25) on the composition's clock: 0.5 at 2 s .. 0.125 at 3 s, after the lowpass
    early = rms_db(filtered.samples[:, int(2.1 * SR):int(2.12 * SR)])
    late = rms_db(filtered.samples[:, int(2.88 * SR):int(2.9 * SR)])
    lowpass = early - (LEVEL + 20 * math.log10(0.5 - 0.375 * 0.11))
    assert lowpass < -20  # the bus's lowpass at 1 kHz on a 5 kHz tone
    assert late - early == pytest.approx(20 * math.log10((0.5 - 0.375 * 0.89) / (0.5 - 0.375 * 0.11)), abs=0.3)
    hidden = AudioGroup("x", '<hf-audio-group id="x">', hidden=True)
    assert mix_audio([member(tone, 0, 0.0, hidden)], 2.0).clips == 0  # data-hidden drops its members
    with pytest.raises(CompositionError, match=r'<hf-audio-group id="vo">: data-fx-chain is not valid JSON'):
        parse_group({"id": "vo", "element": '<hf-audio-group id="vo">', "fxChain": "{"}, "index.html")


def test_a_rendered_group_applies_its_volume_and_names_its_ignored_lane(tmp_path: Path) -> None:
    lanes = html.escape(json.dumps({"version": 1, "lanes": [{"target": "fx.gone.gain", "points": [{"t": 0, "v": 0}]}]}),
                        quote=True)
    folder = composition(tmp_path / "c", duration=2, fps=10, head="<style>hf-audio-group{display:none}</style>", body=(
        f'<hf-audio-group id="music" data-volume="0.5" data-automation="{lanes}"></hf-audio-group>'
        '<audio id="a" src="a.wav" data-start="0" data-audio-group="music"></audio>'
        '<audio id="b" src="b.wav" data-start="1" data-audio-group="music"></audio>'
        '<audio id="c" src="b.wav" data-start="1" data-hidden></audio>'))
    write_tone_bursts(folder / "a.wav", duration=0.8, bursts=[(0.0, 0.8, 440.0)])
    write_tone_bursts(folder / "b.wav", duration=0.8, bursts=[(0.0, 0.8, 660.0)])
    out = tmp_path / "out.mp4"
    with pytest.warns(engine.RenderWarning):
        result = engine.render(folder, out, workers=1, quality="draft")
    samples = decode(out)
    assert rms_db(samples[:, int(0.2 * SR):int(0.6 * SR)]) == pytest.approx(LEVEL - 6.02, abs=0.5)
    assert rms_db(samples[:, int(1.2 * SR):int(1.6 * SR)]) == pytest.approx(LEVEL - 6.02, abs=0.5)  # c is hidden
    codes = {(w["code"], w["element"]): w["message"] for w in result.warnings}
    assert 'no node "gone"' in codes[("audio-fx", '<hf-audio-group id="music">')]


def test_data_audio_group_outside_audio_with_an_id_is_named(tmp_path: Path) -> None:
    entries = [{"index": i, "tag": tag, "element": f"<{tag}>", "src": "a.wav", "url": "http://x/a.wav",
                "audioGroup": "music", "group": None} for i, tag in enumerate(["video", "audio"])]
    clips, _ = clips_from_census(entries, lambda url: tmp_path / "a.wav", "index.html")
    notes = fx_notes(clips)
    assert ("<video>", "data-audio-group='music' is ignored (groups hold <audio> only, as in HyperFrames): it plays "
            "outside the group") in notes
    assert any(element == "<audio>" and "a member needs an id" in message for element, message in notes)


def test_lint_checks_a_group_as_the_render_does(tmp_path: Path) -> None:
    """A group's own chain and lanes: refused by the render (exit 2, naming the group) and an error
    in the lint on its line; a lane that drives nothing a warning naming it; a group no member
    names is not mixed, so not checked."""
    bad = html.escape(chain({"type": "wobble"}), quote=True)
    inert = html.escape(json.dumps({"version": 1, "lanes": [{"target": "fx.gone.gain", "points": [{"t": 0, "v": 0}]}]}),
                        quote=True)
    folder = composition(tmp_path / "c", duration=1, fps=10, head="<style>hf-audio-group{display:none}</style>", body=(
        f'<hf-audio-group id="vo" data-fx-chain="{bad}"></hf-audio-group>\n'
        f'<hf-audio-group id="bed" data-volume="0.5" data-automation="{inert}"></hf-audio-group>\n'
        f'<hf-audio-group id="spare" data-fx-chain="{bad}"></hf-audio-group>\n'
        '<audio id="a" src="a.wav" data-start="0" data-audio-group="vo"></audio>\n'
        '<audio id="b" src="a.wav" data-start="0" data-audio-group="bed"></audio>'))
    write_tone_bursts(folder / "a.wav", duration=0.5, bursts=[(0.0, 0.2, 440.0)])
    out = tmp_path / "o.mp4"
    done = subprocess.run([sys.executable, "-m", "engine.render", str(folder), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and '<hf-audio-group id="vo">' in done.stderr, done.stderr
    assert '"wobble" is not an effect' in done.stderr and not out.exists()
    problems = [p for p in lint(folder) if p.code in ("media-attribute", "audio-fx")]
    assert [(p.severity, p.code, p.line) for p in problems] == [("error", "media-attribute", 3),
                                                                ("warning", "audio-fx", 4)], problems
    assert problems[0].message.startswith('<hf-audio-group id="vo">: data-fx-chain node 1: type "wobble"')
    assert problems[1].message.startswith('<hf-audio-group id="bed">: ') and 'no node "gone"' in problems[1].message
    (folder / "index.html").write_text((folder / "index.html").read_text().replace(
        'id="bed" data-volume="0.5"', 'id="bed" data-volume="loud"'))
    assert any(p.severity == "error" and p.line == 4 and 'data-volume=\'loud\' is not valid' in p.message
               for p in lint(folder))
