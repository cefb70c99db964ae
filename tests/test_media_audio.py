"""The audio mix and the encoder's audio stream, measured on decoded samples.

Sources are written here: silence with short sine bursts at known times, so every placement,
offset, loop, gain and rate shows as a burst onset (the first sample above a threshold).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from images import solid_frame

from engine.errors import MediaError
from engine.media.audio_decode import AudioSource
from engine.media.clips import MediaClip
from engine.media.mixer import MAX_GAIN, SAMPLE_RATE, MixResult, mix_audio, segment
from engine.output.encoder import EncodeError, Encoder

SR = SAMPLE_RATE
MS = 1e-3


def write_bursts(path: Path, duration: float, bursts: list[float], *, rate: int = SR, channels: int = 2,
                 freq: float = 1000.0, length: float = 0.05, amp: float = 0.5, codec: str = "pcm_s16le") -> Path:
    """Silence of `duration` s with sine bursts (starting at phase 0) at the given times."""
    n = round(duration * rate)
    signal = np.zeros(n, np.float32)
    for t in bursts:
        first = round(t * rate)
        k = np.arange(min(n, first + round(length * rate)) - first)
        signal[first:first + len(k)] = amp * np.sin(2 * np.pi * freq * k / rate)
    layout = "mono" if channels == 1 else "stereo"
    data = np.tile(signal, (channels, 1))
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        for i in range(0, n, 1024):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[:, i:i + 1024]), format="fltp", layout=layout)
            frame.sample_rate, frame.pts, frame.time_base = rate, i, Fraction(1, rate)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def clip(path: Path, **timing: object) -> MediaClip:
    return MediaClip(index=0, kind=str(timing.pop("kind", "audio")), element=f'<audio id="a" src="{path.name}">',
                     src=path.name, path=path, **timing)  # type: ignore[arg-type]


def onsets(samples: np.ndarray, sr: int = SR, threshold: float = 0.05, gap: float = 0.02) -> list[float]:
    """Times (s) where the envelope first exceeds `threshold` after `gap` s below it."""
    above = np.flatnonzero(np.abs(samples).max(axis=0) > threshold)
    if not len(above):
        return []
    starts = above[np.concatenate([[True], np.diff(above) > gap * sr])]
    return [i / sr for i in starts]


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def assert_onsets(found: list[float], expected: list[float], tol: float = 1 * MS) -> None:
    assert len(found) == len(expected), (found, expected)
    assert np.abs(np.array(found) - np.array(expected)).max() <= tol, (found, expected)


def mix(*sources: tuple[MediaClip, float], duration: float) -> MixResult:
    return mix_audio([AudioSource(c, d) for c, d in sources], duration)


@pytest.mark.parametrize("codec", ["pcm_s16le", "aac"])
@pytest.mark.parametrize("media_start", [0.0, 0.4, 1.2])
def test_placement_and_media_start(tmp_path: Path, codec: str, media_start: float) -> None:
    bursts = [0.5, 1.5, 2.5]
    src = write_bursts(tmp_path / ("a.wav" if codec.startswith("pcm") else "a.m4a"), 3.0, bursts, codec=codec)
    result = mix((clip(src, start=1.0, media_start=media_start), 3.0), duration=5.0)
    assert result.samples.shape == (2, 5 * SR) and result.samples.dtype == np.float32
    assert result.clips == 1 and result.clipped == 0 and result.peak == pytest.approx(0.5, abs=0.03)
    expected = [1.0 + b - media_start for b in bursts if b >= media_start]
    assert_onsets(onsets(result.samples), expected, tol=1 / SR + 1e-9)
    assert not result.samples[:, :SR].any()  # nothing before the clip starts


def test_loop_repeats_at_the_loop_period(tmp_path: Path) -> None:
    src = write_bursts(tmp_path / "a.wav", 1.0, [0.2])
    looped = clip(src, start=0.5, duration=3.0, media_start=0.1, loop=True)
    result = mix((looped, 1.0), duration=4.0)
    assert_onsets(onsets(result.samples), [0.6, 1.5, 2.4, 3.3], tol=1 / SR + 1e-9)
    assert not result.samples[:, round(3.5 * SR):].any()  # data-duration ends it
    once = mix((clip(src, start=0.5, duration=3.0, media_start=0.1), 1.0), duration=4.0)
    assert_onsets(onsets(once.samples), [0.6], tol=1 / SR + 1e-9)
    faster = mix((clip(src, start=0.0, duration=2.0, loop=True, rate=1.5), 1.0), duration=3.0)  # wraps in source time
    assert_onsets(onsets(faster.samples), [(0.2 + k) / 1.5 for k in range(3)], tol=15 * MS)


def test_volume_scales_and_is_clamped(tmp_path: Path) -> None:
    src = write_bursts(tmp_path / "a.wav", 1.0, [0.2], amp=0.05)
    unity = rms(mix((clip(src, start=0.0), 1.0), duration=1.0).samples)
    quarter = rms(mix((clip(src, start=0.0, volume=0.25), 1.0), duration=1.0).samples)
    loud = mix((clip(src, start=0.0, volume=10.0), 1.0), duration=1.0)
    assert quarter / unity == pytest.approx(0.25, rel=1e-3)
    assert rms(loud.samples) / unity == pytest.approx(MAX_GAIN, rel=1e-3) and loud.clipped == 0


def test_muted_and_silent_clips_are_skipped(tmp_path: Path) -> None:
    src = write_bursts(tmp_path / "a.wav", 1.0, [0.2])
    result = mix((clip(src, start=0.0, muted=True), 1.0), (clip(src, start=0.0, volume=0.0), 1.0), duration=1.0)
    assert result.clips == 0 and not result.samples.any()
    video = mix((clip(src, start=0.0, kind="video"), 1.0), duration=1.0)  # an unmuted video's sound
    assert video.clips == 1 and onsets(video.samples) == [pytest.approx(0.2, abs=1 * MS)]
    silent = tmp_path / "silent.mp4"
    with Encoder(silent, 64, 64, FPS) as enc:
        for _ in range(10):
            enc.write(solid_frame(64, 64, (0, 0, 0)))
    assert mix((clip(silent, start=0.0, kind="video"), 0.3), duration=1.0).clips == 0  # no audio stream: silent
    with pytest.raises(MediaError, match="has no audio stream"):
        mix((clip(silent, start=0.0), 0.3), duration=1.0)


def test_cut_at_composition_end_and_silence_after_source(tmp_path: Path) -> None:
    src = write_bursts(tmp_path / "a.wav", 3.0, [0.5, 1.5])
    cut = mix((clip(src, start=0.0), 3.0), duration=1.2)
    assert cut.samples.shape == (2, round(1.2 * SR))
    assert_onsets(onsets(cut.samples), [0.5])
    tone = write_bursts(tmp_path / "tone.wav", 1.0, [0.0], length=1.0)
    long_slot = mix((clip(tone, start=0.5, duration=3.0), 1.0), duration=4.0)
    heard = np.flatnonzero(np.abs(long_slot.samples[0]) > 0)
    assert heard[0] / SR == pytest.approx(0.5, abs=1 * MS) and heard[-1] / SR == pytest.approx(1.5, abs=1 * MS)
    # the file holds less than its stated duration: silence where it runs out
    short_file = mix((clip(tone, start=0.0, loop=True, duration=3.0), 1.5), duration=3.0)
    env = np.abs(short_file.samples[0])
    assert env[: SR - 10].max() > 0.4 and not env[SR + 1: round(1.5 * SR) - 1].any() and env[round(1.5 * SR) + 10:].max() > 0.4


def burst_frequency(samples: np.ndarray, at: float, length: float) -> float:
    """Zero-crossing frequency of channel 0 over the middle of a burst."""
    part = samples[0, round((at + length * 0.25) * SR):round((at + length * 0.75) * SR)]
    crossings = np.count_nonzero(np.diff(np.signbit(part).astype(np.int8)))
    return crossings / 2 / (len(part) / SR)


def burst_centre(samples: np.ndarray, near: float, length: float) -> float:
    """Energy centroid (s) of the burst that starts near `near`."""
    idx = np.arange(round((near - 0.08) * SR), round((near + length + 0.08) * SR))
    energy = np.square(samples[0, idx], dtype=np.float64)
    return float((idx * energy).sum() / energy.sum() / SR)


@pytest.mark.parametrize("rate", [2.0, 0.5])
def test_playback_rate_keeps_pitch(tmp_path: Path, rate: float) -> None:
    bursts, length = [0.5, 1.5, 2.5], 0.1
    src = write_bursts(tmp_path / "a.wav", 3.0, bursts, length=length)
    result = mix((clip(src, start=0.2, rate=rate), 3.0), duration=0.2 + 3.0 / rate)
    expected = [0.2 + b / rate for b in bursts]
    found = onsets(result.samples)
    assert len(found) == 3
    for f, e in zip(found, expected, strict=True):
        # atempo's overlap-add window (42.7 ms) smears an onset early by up to a window; the
        # burst's energy centre stays within a few ms of where it belongs
        assert -45 * MS <= f - e <= 1 * MS, (found, expected)
        assert burst_centre(result.samples, e, length / rate) == pytest.approx(e + length / rate / 2, abs=8 * MS)
    # pitch kept (atempo): still 1 kHz, and the burst lasts length / rate
    assert burst_frequency(result.samples, expected[1], length / rate) == pytest.approx(1000, rel=0.03)
    loud = np.flatnonzero(np.abs(result.samples[0, round(expected[1] * SR) - 2400:round((expected[1] + 0.3) * SR)]) > 0.25)
    assert (loud[-1] - loud[0]) / SR == pytest.approx(length / rate, abs=0.03)


def test_mono_and_44k_sources_resampled(tmp_path: Path) -> None:
    src = write_bursts(tmp_path / "m.wav", 2.0, [0.5, 1.25], rate=44100, channels=1)
    result = mix((clip(src, start=0.3), 2.0), duration=2.5)
    assert_onsets(onsets(result.samples), [0.8, 1.55])
    left, right = result.samples
    assert np.array_equal(left, right)
    assert np.abs(left).max() == pytest.approx(0.5, rel=0.02)  # full level in both channels (no -3 dB)
    assert burst_frequency(result.samples, 0.8, 0.05) == pytest.approx(1000, rel=0.03)


def test_loud_overlap_is_limited(tmp_path: Path) -> None:
    src = write_bursts(tmp_path / "a.wav", 1.0, [0.2], amp=0.8)
    result = mix((clip(src, start=0.0), 1.0), (clip(src, start=0.0), 1.0), duration=1.0)
    assert result.clips == 2 and result.peak == pytest.approx(1.6, rel=0.01)
    assert result.clipped > 0 and np.abs(result.samples).max() <= 1.0


def test_segment_slices_and_pads(tmp_path: Path) -> None:
    src = write_bursts(tmp_path / "a.wav", 1.0, [0.5])
    result = mix((clip(src, start=0.0), 1.0), duration=1.0)
    part = segment(result, 0.4, 1.25)
    assert part.shape == (2, round(0.85 * SR)) and part.dtype == np.float32
    assert np.array_equal(part[:, : round(0.6 * SR)], result.samples[:, round(0.4 * SR):])
    assert not part[:, round(0.6 * SR):].any()
    assert_onsets(onsets(part), [0.1])


@pytest.mark.parametrize("damage", ["garbage", "middle"])
def test_corrupt_audio_names_element_and_file(tmp_path: Path, damage: str) -> None:
    src = write_bursts(tmp_path / "a.m4a", 3.0, [0.5, 1.5], codec="aac")
    data = bytearray(src.read_bytes())
    third = len(data) // 3
    if damage == "garbage":
        data[:] = np.random.default_rng(0).integers(0, 256, len(data), dtype=np.uint8).tobytes()
    else:
        data[third:2 * third] = b"\xff" * third
    src.write_bytes(bytes(data))
    with pytest.raises(MediaError) as info:
        mix((clip(src, start=0.0), 3.0), duration=3.0)
    assert '<audio id="a" src="a.m4a">' in str(info.value) and str(src) in str(info.value)
    with pytest.raises(MediaError, match="missing.wav"):
        mix((clip(tmp_path / "missing.wav", start=0.0), 1.0), duration=1.0)


# --- the encoder's audio stream ------------------------------------------------------------

FPS = 30


def burst_mix(duration: float, at: float) -> np.ndarray:
    samples = np.zeros((2, round(duration * SR)), np.float32)
    k = np.arange(round(0.05 * SR))
    samples[:, round(at * SR):round(at * SR) + len(k)] = 0.5 * np.sin(2 * np.pi * 1000 * k / SR)
    return samples


def encode(path: Path, codec: str, audio: np.ndarray, frames: int = 2 * FPS) -> Path:
    with Encoder(path, 64, 64, FPS, codec=codec, quality="draft", audio=audio) as enc:
        for _ in range(frames):
            enc.write(solid_frame(64, 64, (20000, 30000, 40000)))
    return path


def decoded_audio(path: Path) -> tuple[np.ndarray, float, float, float, int]:
    """(planar samples, first audio time, first video time, video duration, audio streams)."""
    with av.open(str(path)) as container:
        streams = len(container.streams.audio)
        audio = container.streams.audio[0]
        assert audio.rate == SR and audio.channels == 2
        frames = list(container.decode(audio))
        first_audio = float(frames[0].time)
        data = np.concatenate([f.to_ndarray().reshape(-1, 2).T if f.format.is_packed else f.to_ndarray()
                               for f in frames], axis=1).astype(np.float64)
        if frames[0].format.name in ("s16", "s32"):
            data /= 2.0 ** (8 * frames[0].format.bytes - 1)
    with av.open(str(path)) as container:
        video = list(container.decode(video=0))
        first_video = float(video[0].time)
        video_duration = len(video) / FPS
    return data, first_audio, first_video, video_duration, streams


@pytest.mark.parametrize(("codec", "ext", "codec_name", "onset_tol"),
                         [("h264", ".mp4", "aac", 2 * MS), ("prores", ".mov", "pcm_s24le", 1 / SR + 1e-9)])
def test_encoder_writes_aligned_interleaved_audio(tmp_path: Path, codec: str, ext: str, codec_name: str,
                                                  onset_tol: float) -> None:
    out = encode(tmp_path / f"out{ext}", codec, burst_mix(2.0, 1.0))
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    data, first_audio, first_video, video_duration, streams = decoded_audio(out)
    assert streams == 1
    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.name == codec_name
        kinds = [p.stream.type for p in container.demux() if p.size]
    assert abs(first_audio - first_video) <= 1 * MS and abs(first_audio) <= 1 * MS
    found = onsets(data)
    assert len(found) == 1 and abs(first_audio + found[0] - 1.0) <= onset_tol, found
    assert abs(data.shape[1] / SR - video_duration) <= 1024 / SR
    # interleaved: audio packets start in the first half of the file, not after all video
    assert kinds.index("audio") < len(kinds) // 4 and "video" in kinds[len(kinds) // 2:]


@pytest.mark.parametrize("audio_seconds", [1.5, 3.0])
def test_encoder_pads_or_trims_audio_to_the_video(tmp_path: Path, audio_seconds: float) -> None:
    out = encode(tmp_path / "out.mkv", "h264", burst_mix(audio_seconds, 0.5), frames=FPS)
    data, first_audio, first_video, video_duration, _ = decoded_audio(out)
    assert video_duration == 1.0 and abs(first_audio - first_video) <= 1 * MS
    assert abs(data.shape[1] / SR - 1.0) <= 1024 / SR
    assert_onsets([first_audio + t for t in onsets(data)], [0.5], tol=2 * MS)


def test_encoder_abort_with_audio_leaves_nothing(tmp_path: Path) -> None:
    enc = Encoder(tmp_path / "out.mp4", 64, 64, FPS, audio=burst_mix(1.0, 0.5))
    enc.write(solid_frame(64, 64, (0, 0, 0)))
    enc.abort()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(EncodeError, match=r"expected planar stereo \(2, n\)"):
        Encoder(tmp_path / "out.mp4", 64, 64, FPS, audio=burst_mix(1.0, 0.5).T)
    assert list(tmp_path.iterdir()) == []
