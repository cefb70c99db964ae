"""``--loudness``: the mix normalised to an integrated loudness with a -1 dBTP true-peak ceiling,
measured on the decoded output (real Chromium and PyAV)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyloudnorm
import pytest
from helpers import composition
from media_gen import write_tone_bursts
from test_audio_fx import SR, decode

import engine
from engine.errors import ConfigError
from engine.media.loudness import LoudnessMeter
from engine.render.audio import CEILING_DBTP, normalising_gain
from engine.render.options import RenderOptions


def test_the_gain_reaches_the_target_under_the_ceiling() -> None:
    assert normalising_gain(-20.0, -8.0, -14.0) == (6.0, -14.0)
    gain, reached = normalising_gain(-20.0, -3.0, -14.0)  # +6 dB would put the true peak at +3 dBTP
    assert gain == pytest.approx(CEILING_DBTP + 3.0) and reached == pytest.approx(-18.0)
    assert normalising_gain(None, None, -14.0) == (0.0, -14.0)  # silence: nothing to normalise
    assert RenderOptions(loudness="-23").loudness == -23.0 and RenderOptions().loudness is None
    for bad in ("loud", 3, -90, True):
        with pytest.raises(ConfigError, match=r"loudness=.* expected an integrated loudness in LUFS from -70 to 0"):
            RenderOptions(loudness=bad)


def test_loudness_minus_14_lands_within_half_a_lu_under_minus_1_dbtp(tmp_path: Path) -> None:
    folder = composition(tmp_path / "c", duration=3, fps=10, body=(
        '<audio id="a" src="a.wav" data-start="0" data-volume="0.2"></audio>'
        '<audio id="b" src="b.wav" data-start="1" data-volume="0.15"></audio>'))
    write_tone_bursts(folder / "a.wav", duration=3.0, bursts=[(0.0, 3.0, 440.0)])
    write_tone_bursts(folder / "b.wav", duration=1.5, bursts=[(0.2, 1.0, 2500.0)])
    out = tmp_path / "out.mp4"
    result = engine.render(folder, out, workers=1, quality="draft", loudness=-14)
    samples = decode(out)
    measured = pyloudnorm.Meter(SR).integrated_loudness(samples.T.astype("float64"))
    assert measured == pytest.approx(-14.0, abs=0.5)
    meter = LoudnessMeter(SR)
    meter.add(samples)
    assert meter.true_peak is not None and meter.true_peak <= CEILING_DBTP + 0.1  # AAC adds a little
    audio = result.media["audio"]
    assert audio["normalised_to_lufs"] == -14.0 and audio["loudness_lufs"] == pytest.approx(-14.0, abs=0.1)
    assert audio["normalising_gain_db"] > 5  # the quiet mix was raised


def test_a_bad_loudness_flag_exits_2(tmp_path: Path) -> None:
    folder = composition(tmp_path / "c")
    done = subprocess.run([sys.executable, "-m", "engine.render", str(folder), "-o", str(tmp_path / "o.mp4"),
                           "--loudness", "loud", "-q"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--loudness loud is not valid" in done.stderr, done.stderr

