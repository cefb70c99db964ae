"""Outputs beside MP4/MOV: the codec an extension implies, WebM (VP9, AV1), animated GIF, PNG
stills and PNG sequences; each decoded back. Encoder-level tests use synthetic frames; the
render tests drive a real Chromium."""

from __future__ import annotations

import subprocess
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from helpers import composition, decode_video

import engine
from engine.errors import ConfigError
from engine.output.encoder import EncodeError, Encoder
from engine.output.formats import resolve_codec, resolve_output, sequence_name
from engine.output.gif import check_gif_fps
from engine.pipeline.planning import parse_still, still_frame

ROOT = Path(__file__).resolve().parents[1]
SOLID = Path(__file__).parent / "fixtures" / "render" / "solid"
SHOWCASE = ROOT / "examples" / "showcase"
W, H = 64, 48


def ramp(i: int) -> np.ndarray:
    """Frame i: a flat colour that changes with i (16-bit)."""
    frame = np.zeros((H, W, 3), np.uint16)
    frame[..., 0] = 2000 * i
    frame[..., 1] = 30000
    frame[..., 2] = 65535 - 2000 * i
    return frame


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) / 65535 - b.astype(np.float64) / 65535) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(1 / mse)


# ---- pure: which codec, which kind of output ---------------------------------------------------

@pytest.mark.parametrize(("name", "codec"), [("a.mp4", "h264"), ("a.MKV", "h264"), ("a.mov", "prores"),
                                             ("a.webm", "vp9"), ("a.gif", "gif"), ("f_%04d.png", "png")])
def test_auto_codec_follows_the_extension(name: str, codec: str) -> None:
    assert resolve_codec(name, "auto") == codec
    assert resolve_codec(name, "hevc") == "hevc"  # a named codec is kept (its extension checked elsewhere)


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("poster.png", {}, "pass still=SECONDS"),
    ("v.mp4", {"still": True}, "writes one PNG"),
    ("f_%04d.png", {"still": True}, "names a sequence"),
    ("v_%04d.mp4", {}, "only PNG sequences take one"),
    ("f_%d_%d.png", {}, "2 frame-number placeholders"),
    ("v.webm", {"codec": "h264"}, "codec 'h264' writes .mp4, .mkv, .mov"),
    ("/proc/nowhere/f_%04d.png", {}, "cannot be written"),
])
def test_output_path_errors_name_what_is_expected(tmp_path: Path, name: str, kwargs: dict[str, object],
                                                  message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_output(tmp_path / name, **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_output_kinds(tmp_path: Path) -> None:
    assert resolve_output(tmp_path / "v.webm").kind == "video"
    assert resolve_output(tmp_path / "a.gif").kind == "gif"
    assert resolve_output(tmp_path / "p.png", still=True).kind == "still"
    target = resolve_output(tmp_path / "new" / "f_%04d.png")  # its own folder may be missing
    assert target.kind == "sequence" and not target.has_audio and not (tmp_path / "new").exists()


def test_sequence_names_and_still_frames() -> None:
    assert sequence_name("f_%04d.png", 12) == "f_0012.png"
    assert sequence_name("%d.png", 7) == "7.png"
    assert still_frame(parse_still("1.5"), Fraction(30), 90, Fraction(3)) == range(45, 46)
    assert still_frame(parse_still(Fraction(1, 3)), Fraction(30), 90, Fraction(3)) == range(10, 11)
    assert still_frame(parse_still(0.999), Fraction(10), 20, Fraction(2)) == range(9, 10)  # the frame shown then
    with pytest.raises(ConfigError, match="lasts 3 s"):
        still_frame(parse_still(3), Fraction(30), 90, Fraction(3))
    for bad in ("-1", "soon", True):
        with pytest.raises(ConfigError, match="still="):
            parse_still(bad)
    check_gif_fps(Fraction(50))
    with pytest.raises(ConfigError, match="at most 50 fps"):
        check_gif_fps(Fraction(60))


# ---- the encoder: each codec decoded back -----------------------------------------------------

@pytest.mark.parametrize(("name", "codec", "decoder"), [("v.webm", "auto", "vp9"), ("v.mkv", "vp9", "vp9"),
                                                         ("v.webm", "av1", "av1"), ("v.mp4", "av1", "av1")])
def test_webm_and_av1_decode_back(tmp_path: Path, name: str, codec: str, decoder: str) -> None:
    out = tmp_path / name
    with Encoder(out, W, H, 30, codec=codec, quality="draft") as enc:
        for i in range(15):
            enc.write(ramp(i))
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.name in (decoder, "libdav1d", "libaom-av1")
    frames, duration, _ = decode_video(out, "rgb48le")
    assert len(frames) == 15 and duration == pytest.approx(0.5, abs=0.04)
    for i in (0, 7, 14):
        assert np.abs(frames[i][H // 2, W // 2].astype(float) - ramp(i)[0, 0]).max() < 3000, i
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_webm_audio_is_opus_and_lasts_as_long_as_the_video(tmp_path: Path) -> None:
    out = tmp_path / "v.webm"
    t = np.arange(48000) / 48000
    tone = np.stack([np.sin(2 * np.pi * 440 * t)] * 2).astype(np.float32) * 0.5
    with Encoder(out, W, H, 30, quality="draft", audio=tone) as enc:
        for i in range(30):
            enc.write(ramp(i % 20))
    with av.open(str(out)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name in ("opus", "libopus")
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
    assert len(samples) / 2 == pytest.approx(48000, abs=960)  # one Opus frame at most
    assert 0.3 < np.abs(samples).max() < 0.6


def test_gif_keeps_the_duration_and_the_colours(tmp_path: Path) -> None:
    out = tmp_path / "a.gif"
    with Encoder(out, W, H, 30, quality="standard") as enc:
        for i in range(30):
            enc.write(ramp(i))
    with av.open(str(out)) as container:
        delays = [p.duration for p in container.demux(video=0) if p.size]
    assert sum(delays) == 100 and set(delays) <= {3, 4}  # 1 s exactly, in hundredths
    frames = decode_video(out, "rgb48le").frames
    assert len(frames) == 30
    for i in (0, 15, 29):  # 256 colours chosen from every frame: flat colours come back within 8-bit steps
        assert np.abs(frames[i][H // 2, W // 2].astype(float) - ramp(i)[0, 0]).max() < 1200, i
    assert [p.name for p in tmp_path.iterdir()] == ["a.gif"]


def test_png_still_is_16_bit_at_high_and_8_bit_otherwise(tmp_path: Path) -> None:
    frame = ramp(3)
    frame[0, 0] = (1, 2, 3)  # below one 8-bit step: kept only at 16 bits
    for quality, pix_fmt in (("high", "rgb48be"), ("standard", "rgb24")):
        out = tmp_path / f"{quality}.png"
        with Encoder(out, W, H, 30, quality=quality, still=True) as enc:
            enc.write(frame)
        with av.open(str(out)) as container:
            decoded = next(container.decode(video=0))
        assert decoded.format.name == pix_fmt
        if quality == "high":
            assert np.array_equal(decoded.to_ndarray(format="rgb48le"), frame)
    with pytest.raises(EncodeError, match="holds one frame"):
        with Encoder(tmp_path / "two.png", W, H, 30, still=True) as enc:
            enc.write(frame)
            enc.write(frame)
    assert not (tmp_path / "two.png").exists()


def test_sequence_numbers_files_by_frame_and_leaves_nothing_when_aborted(tmp_path: Path) -> None:
    pattern = tmp_path / "frames" / "f_%04d.png"
    with Encoder(pattern, W, H, 30, quality="high", first_index=40) as enc:
        for i in range(5):
            enc.write(ramp(i))
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [f"f_{i:04d}.png" for i in range(40, 45)]
    frames = decode_video(tmp_path / "frames" / "f_0042.png", "rgb48le").frames
    assert np.array_equal(frames[0], ramp(2))
    other = tmp_path / "other" / "g_%03d.png"
    enc = Encoder(other, W, H, 30)
    enc.write(ramp(0))
    enc.abort()
    assert not (tmp_path / "other").exists()  # the folder it made is gone with the frames
    with pytest.raises(EncodeError, match="holds no audio"):
        Encoder(tmp_path / "a.gif", W, H, 30, audio=np.zeros((2, 100), np.float32))


# ---- renders: a real Chromium ------------------------------------------------------------------

@pytest.mark.usefixtures("chromium_leak_check")
def test_still_matches_the_video_frame_and_the_sequence_frame(tmp_path: Path) -> None:
    still = tmp_path / "poster.png"
    result = engine.render(SHOWCASE, still, still=1.5, quality="high", workers=1)
    assert result.frames == 1 and result.codec == "png"
    seq = engine.render(SHOWCASE, tmp_path / "seq" / "f_%04d.png", frames="44:47", quality="high", workers=1)
    assert seq.frames == 3
    assert sorted(p.name for p in (tmp_path / "seq").iterdir()) == ["f_0044.png", "f_0045.png", "f_0046.png"]
    movie = tmp_path / "v.mov"
    engine.render(SHOWCASE, movie, frames="44:47", quality="high", workers=1)  # ProRes 4444 XQ
    poster = decode_video(still, "rgb48le").frames[0]
    assert poster.dtype == np.uint16 and poster.shape == (360, 640, 3)
    assert np.array_equal(poster, decode_video(tmp_path / "seq" / "f_0045.png", "rgb48le").frames[0])  # frame 45 = 1.5 s at 30 fps
    assert psnr(poster, decode_video(movie, "rgb48le").frames[1]) > 40
    assert psnr(poster, decode_video(movie, "rgb48le").frames[0]) < psnr(poster, decode_video(movie, "rgb48le").frames[1])  # and not its neighbour


@pytest.mark.usefixtures("chromium_leak_check")
def test_gif_render_at_a_lower_fps(tmp_path: Path) -> None:
    out = tmp_path / "solid.gif"
    result = engine.render(SOLID, out, fps=5, workers=1, quality="draft")
    assert result.frames == 10 and result.codec == "gif"
    frames = decode_video(out, "rgb48le").frames
    assert len(frames) == 10
    with av.open(str(out)) as container:
        assert sum(p.duration for p in container.demux(video=0) if p.size) == 200  # 2 s
    assert np.abs(frames[0][18, 32].astype(float) - (65535, 0, 0)).max() < 600  # red
    assert np.abs(frames[-1][18, 32].astype(float) - (0, 0, 65535)).max() < 600  # blue


def test_cli_png_without_still_is_bad_input(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "engine.render", str(SOLID), "-o", str(tmp_path / "p.png")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "pass --still SECONDS" in run.stderr
    run = subprocess.run([sys.executable, "-m", "engine.render", str(SOLID), "-o", str(tmp_path / "p.png"),
                          "--still", "1", "--frames", "0:3"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "cannot both be given" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_sound_left_out_of_a_gif_is_a_warning(tmp_path: Path) -> None:
    from media_gen import write_tone_bursts

    folder = composition(tmp_path / "c", '<audio src="tone.wav" data-start="0"></audio>', id="c", width=32, height=32,
                         fps=10, head="<style>body{margin:0;background:#0a0}</style>")
    write_tone_bursts(folder / "tone.wav", duration=1.0, bursts=[(0.2, 0.3, 440.0)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine.render(folder, tmp_path / "a.gif", workers=1, quality="draft")
    assert any("holds no sound" in str(w.message) for w in caught)
    assert (tmp_path / "a.gif").exists()
