"""Probing and decoding video sources (PyAV only, no browser): exact frames at any source time.

Every source is generated (tests/media_gen.py): each frame shows its own index, read back from
the decoded pixels; the frame intervals expected come from the file's own timestamps.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from media_gen import (
    available_video_codecs,
    read_frame_number,
    write_corrupt_media,
    write_numbered_video,
    write_solid_yuv,
    write_tone_bursts,
)

from engine.errors import MediaError
from engine.media.probe import SourceInfo, probe_source
from engine.media.video import VideoDecoder

FRAMES, FPS, SIZE = 48, 24, (160, 96)
AVAILABLE = available_video_codecs()
# codec: (file suffix, codec name probed, bit depth)
MAIN = {"h264": (".mp4", "h264", 8), "hevc": (".mp4", "hevc", 8), "hevc10": (".mp4", "hevc", 10),
        "vp9": (".webm", "vp9", 8), "av1": (".mp4", "av1", 8), "prores": (".mov", "prores", 10)}


def _need(codec: str) -> None:
    if codec not in AVAILABLE:
        pytest.skip(f"this PyAV build has no encoder for {codec}")


def _probe(path: Path) -> SourceInfo:
    return probe_source(path, f'<video src="{path.name}">', need_video=True)


def _starts(path: Path) -> list[float]:
    """Each frame's start in seconds from the first frame, from the file's own timestamps."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base
        pts = [frame.pts for frame in container.decode(stream)]
    assert time_base is not None and None not in pts
    stamps = [p for p in pts if p is not None]
    return [float((p - stamps[0]) * time_base) for p in stamps]


def _number(decoder: VideoDecoder, when: float) -> int:
    return read_frame_number(decoder.frame_at(when)[1])


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def numbered(media: Path) -> dict[str, Path]:
    """One 48-frame numbered video per available main codec."""
    return {codec: write_numbered_video(media / f"n_{codec}{suffix}", frames=FRAMES, fps=FPS, codec=codec)
            for codec, (suffix, _, _) in MAIN.items() if codec in AVAILABLE}


@pytest.mark.parametrize("codec", list(MAIN))
def test_probe_fields(numbered: dict[str, Path], codec: str) -> None:
    _need(codec)
    info = _probe(numbered[codec])
    _, name, depth = MAIN[codec]
    video = info.video
    assert video is not None and info.audio is None
    assert (video.codec, video.width, video.height, video.coded_width, video.coded_height) == (name, 160, 96, 160, 96)
    assert (video.rotation, video.bit_depth, video.fps, video.start_time) == (0, depth, 24.0, 0.0)
    assert not video.variable_frame_rate and video.transfer is None  # SDR
    tolerance = 0.0011 if codec == "vp9" else 1e-6  # WebM rounds timestamps to milliseconds
    assert video.duration == pytest.approx(FRAMES / FPS, abs=tolerance)
    assert info.duration == video.duration and info.path == numbered[codec]


@pytest.mark.parametrize(("codec", "pix_fmt", "trc", "transfer"),
                         [("libx265", "yuv420p10le", 16, "pq"), ("libx265", "yuv420p10le", 18, "hlg"),
                          ("libx264", "yuv420p", 16, "pq"), ("libx264", "yuv420p", 1, None)])
def test_hdr_transfer_detected_from_the_stream_tags(media: Path, codec: str, pix_fmt: str, trc: int,
                                                    transfer: str | None) -> None:
    path = media / f"tagged_{codec}_{trc}.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=10, options={"x265-params": "log-level=error"} if codec == "libx265" else {})
        stream.width, stream.height, stream.pix_fmt = 64, 64, pix_fmt
        cc = stream.codec_context
        cc.color_primaries, cc.color_trc, cc.colorspace = (9, trc, 9) if transfer else (1, trc, 1)
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), 60 * i, np.uint8), format="rgb24")
            for packet in stream.encode(frame.reformat(format=pix_fmt)):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    info = _probe(path)
    assert info.video is not None and info.video.transfer == transfer


@pytest.mark.parametrize("codec", list(MAIN))
def test_exact_frame_at_every_boundary(numbered: dict[str, Path], codec: str) -> None:
    _need(codec)
    path = numbered[codec]
    starts = _starts(path)
    assert len(starts) == FRAMES
    with VideoDecoder(_probe(path)) as decoder:
        tol = decoder.tolerance
        ids = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else start + 1 / FPS
            assert _number(decoder, start) == i
            ids.append(decoder.frame_at(start)[0])
            assert _number(decoder, (start + end) / 2) == i
            assert _number(decoder, end - tol - 1e-6) == i  # just before the next boundary
            assert _number(decoder, (i + 1) / FPS - 1e-9) == min(i + 1, FRAMES - 1)  # float rounding
        assert decoder.seeks == 0 and decoder.decoded == FRAMES  # a forward walk decodes each frame once
        assert ids == sorted(set(ids))
        assert _number(decoder, starts[-1] + 10) == FRAMES - 1  # past the end: the last frame holds
        assert _number(decoder, -0.5) == 0  # before the start: the first frame
        assert _number(decoder, 1.0) == 24


@pytest.mark.parametrize("codec", list(MAIN))
def test_backward_jumps_seek_and_stay_exact(numbered: dict[str, Path], codec: str) -> None:
    _need(codec)
    with VideoDecoder(_probe(numbered[codec])) as decoder:
        assert _number(decoder, 40.3 / FPS) == 40
        for target in (5, 30, 0, 47, 13, 12):
            seeks = decoder.seeks
            assert _number(decoder, (target + 0.2) / FPS) == target
            if target in (5, 0, 13, 12):  # backward
                assert decoder.seeks == seeks + 1


@pytest.fixture(scope="module")
def long_h264(media: Path) -> Path:
    _need("h264")
    return write_numbered_video(media / "long.mp4", frames=300, fps=30, codec="h264", gop=30)


def test_big_forward_jump_seeks_instead_of_decoding_through(long_h264: Path) -> None:
    with VideoDecoder(_probe(long_h264)) as decoder:
        assert _number(decoder, 0.0) == 0
        assert _number(decoder, 250.5 / 30) == 250
        assert decoder.seeks == 1 and decoder.decoded < 60  # from the keyframe at 240, not from 0
        for i in range(251, 262):  # then sequential again
            assert _number(decoder, i / 30) == i
        assert decoder.seeks == 1
        assert _number(decoder, 1.5) == 45 and decoder.seeks == 2
        assert _number(decoder, 1.5 + 1.9) == 102 and decoder.seeks == 2  # under 2 s ahead: decodes on


def test_webm_duration_found_by_demuxing_its_tail(media: Path) -> None:
    """WebM carries no per-stream duration: the probe reads the last packets (past 10 s, from a seek)."""
    _need("vp9")
    path = write_numbered_video(media / "long.webm", frames=150, fps=12, codec="vp9", size=(64, 48), gop=24)
    with av.open(str(path)) as container:
        assert container.streams.video[0].duration is None
    info = _probe(path)
    assert info.video is not None and info.video.duration == pytest.approx(12.5, abs=0.0011)
    with VideoDecoder(info) as decoder:
        assert _number(decoder, 12.4) == 148 and _number(decoder, 99.0) == 149


def test_damaged_packets_mid_stream_do_not_stop_decoding(media: Path, numbered: dict[str, Path]) -> None:
    _need("h264")
    data = bytearray(numbered["h264"].read_bytes())
    mdat, moov = data.find(b"mdat"), data.find(b"moov")
    middle = mdat + (moov - mdat) // 2
    data[middle : middle + 300] = np.random.default_rng(1).integers(0, 256, 300, dtype=np.uint8).tobytes()
    path = media / "damaged.mp4"
    path.write_bytes(bytes(data))
    with VideoDecoder(_probe(path)) as decoder:
        ids = [decoder.frame_at(i / FPS)[0] for i in range(FRAMES)]
        assert read_frame_number(decoder.frame_at(0.0)[1]) == 0
        assert read_frame_number(decoder.frame_at((FRAMES - 1) / FPS)[1]) == FRAMES - 1
    assert ids == sorted(ids) and len(set(ids)) > FRAMES // 2  # damaged frames hold the last good one


def test_same_time_twice_costs_nothing(numbered: dict[str, Path]) -> None:
    _need("h264")
    with VideoDecoder(_probe(numbered["h264"])) as decoder:
        frame_id, pixels = decoder.frame_at(0.5)
        decoded = decoder.decoded
        assert decoder.frame_at(0.5) == (frame_id, pixels)
        again_id, again = decoder.frame_at(0.5 + 0.01)  # same frame: not converted again
        assert again_id == frame_id and again is pixels and decoder.decoded == decoded
        assert pixels.flags.c_contiguous and pixels.shape == (96, 160, 3) and pixels.dtype == np.uint8


VFR_PTS = [0.0, 0.03, 0.05, 0.2, 0.21, 0.5, 0.52, 0.9] + [1.0 + i / 30 for i in range(16)]


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_variable_frame_rate(media: Path, suffix: str) -> None:
    _need("h264")
    path = write_numbered_video(media / f"vfr{suffix}", frames=len(VFR_PTS), fps=30, pts=VFR_PTS)
    info = _probe(path)
    assert info.video is not None and info.video.variable_frame_rate
    assert info.video.duration >= VFR_PTS[-1]
    starts = _starts(path)
    assert starts == pytest.approx(VFR_PTS, abs=6e-4)
    with VideoDecoder(info) as decoder:
        for i in range(len(starts) - 1):
            for when in (starts[i], (starts[i] + starts[i + 1]) / 2, starts[i + 1] - decoder.tolerance - 1e-6):
                assert _number(decoder, when) == i
        for i in (7, 2, 20, 4, 0):
            assert _number(decoder, starts[i] + 1e-4) == i


@pytest.mark.parametrize("suffix, offset", [(".mkv", 0.5), (".mp4", 0.5), (".ts", 0.0)])
def test_first_pts_not_zero(media: Path, suffix: str, offset: float) -> None:
    """`when` counts from the first frame whatever the stream's first pts (MPEG-TS starts late)."""
    _need("h264")
    path = write_numbered_video(media / f"late{suffix}", frames=FRAMES, fps=FPS,
                                pts=[offset + i / FPS for i in range(FRAMES)] if offset else None)
    info = _probe(path)
    assert info.video is not None and info.video.start_time > 0.05
    assert info.video.duration == pytest.approx(FRAMES / FPS, abs=0.0011)
    with VideoDecoder(info) as decoder:
        for i in (0, 1, 23, 47, 3, 0, 30):  # MPEG-TS has no index: its seeks land late and step back
            assert _number(decoder, (i + 0.5) / FPS) == i


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation(media: Path, rotation: int) -> None:
    _need("h264")
    path = write_numbered_video(media / f"rot{rotation}.mp4", frames=6, fps=FPS, rotation=rotation)
    info = _probe(path)
    video = info.video
    assert video is not None and video.rotation == rotation and (video.width, video.height) == (160, 96)
    coded = (96, 160) if rotation != 180 else (160, 96)
    assert (video.coded_width, video.coded_height) == coded
    with VideoDecoder(info) as decoder:
        for i in range(6):
            frame_id, pixels = decoder.frame_at(i / FPS)
            assert pixels.shape == (96, 160, 3) and pixels.flags.c_contiguous
            assert read_frame_number(pixels) == i  # orientation markers upright


@pytest.mark.parametrize("codec, size", [("h264_444", (161, 97)), ("vp9", (95, 63))])
def test_odd_sizes(media: Path, codec: str, size: tuple[int, int]) -> None:
    _need(codec)
    path = write_numbered_video(media / f"odd_{codec}.{'webm' if codec == 'vp9' else 'mp4'}", frames=8, fps=FPS,
                                codec=codec, size=size)
    info = _probe(path)
    assert info.video is not None and (info.video.width, info.video.height) == size
    with VideoDecoder(info) as decoder:
        for i in range(8):
            pixels = decoder.frame_at(i / FPS)[1]
            assert pixels.shape == (size[1], size[0], 3) and pixels.flags.c_contiguous
            assert read_frame_number(pixels) == i


@pytest.mark.parametrize("codec, pix_fmt, suffix", [
    ("h264_full", "yuvj420p", ".mp4"), ("h264_10", "yuv420p10le", ".mp4"), ("vp9_gbrp", "gbrp", ".webm"),
    ("prores4444", "yuv444p12le", ".mov"), ("av1_10", "yuv420p10le", ".mkv")])
@pytest.mark.parametrize("depth", [8, 16])
def test_pixel_formats(media: Path, codec: str, pix_fmt: str, suffix: str, depth: int) -> None:
    _need(codec)
    path = media / f"fmt_{codec}{suffix}"
    if not path.exists():
        write_numbered_video(path, frames=6, fps=FPS, codec=codec)
    info = _probe(path)
    assert info.video is not None and info.video.pix_fmt == pix_fmt
    with VideoDecoder(info, depth=depth) as decoder:
        for i in range(6):
            pixels = decoder.frame_at(i / FPS)[1]
            assert pixels.dtype == (np.uint8 if depth == 8 else np.uint16)
            assert read_frame_number(pixels) == i


def test_ten_bit_source_keeps_its_bits_at_depth_16(media: Path, numbered: dict[str, Path]) -> None:
    _need("hevc10")
    # a lossless 10-bit grey between two 8-bit code values: luma 401 is 8-bit 100.25
    path = write_solid_yuv(media / "grey10.mp4", (401, 512, 512), pix_fmt="yuv420p10le")
    with VideoDecoder(_probe(path), depth=16) as decoder:
        pixels = decoder.frame_at(0)[1]
    expected = (401 - 64) / 876 * 65535
    assert pixels.dtype == np.uint16 and np.all(np.abs(pixels.astype(float) - expected) <= 2)
    eight_bit_levels = np.array([100, 101]) / 255 * 65535  # where an 8-bit source could land
    assert np.min(np.abs(eight_bit_levels - expected)) > 70 and np.all(pixels % 257 != 0)
    with VideoDecoder(_probe(numbered["hevc10"]), depth=16) as decoder:  # a lossy 10-bit clip
        pixels = decoder.frame_at(0.5)[1]
    assert read_frame_number(pixels) == 12
    assert np.mean(pixels % 257 != 0) > 0.5


def _expected_rgb(yuv: tuple[int, int, int], bits: int, matrix: str, full: bool) -> np.ndarray:
    scale = 1 << (bits - 8)
    y, u, v = yuv
    if full:
        top = (1 << bits) - 1
        luma, cb, cr = y / top, (u - 128 * scale) / top, (v - 128 * scale) / top
    else:
        luma, cb, cr = (y - 16 * scale) / (219 * scale), (u - 128 * scale) / (224 * scale), (v - 128 * scale) / (224 * scale)
    kr, kb = {"709": (0.2126, 0.0722), "601": (0.299, 0.114)}[matrix]
    r, b = luma + 2 * (1 - kr) * cr, luma + 2 * (1 - kb) * cb
    g = (luma - kr * r - kb * b) / (1 - kr - kb)
    return np.clip(np.array([r, g, b]), 0, 1)


@pytest.mark.parametrize("pix_fmt, yuv, colorspace, color_range, matrix, full", [
    ("yuv420p", (101, 90, 183), 1, 1, "709", False),
    ("yuv420p", (101, 90, 183), 6, 1, "601", False),
    ("yuv420p", (101, 90, 183), 1, 2, "709", True),
    ("yuv420p", (101, 90, 183), 2, 0, "601", False),  # unspecified at 64x48: BT.601 limited (below HD)
    ("yuv420p", (235, 128, 128), 1, 1, "709", False),  # white reaches the top at both depths
    ("yuv420p10le", (401, 360, 733), 1, 1, "709", False),
    ("yuv420p10le", (1023, 512, 512), 1, 2, "709", True),
])
def test_colour_matrix_and_range(media: Path, pix_fmt: str, yuv: tuple[int, int, int], colorspace: int,
                                 color_range: int, matrix: str, full: bool) -> None:
    path = write_solid_yuv(media / f"solid_{pix_fmt}_{colorspace}_{color_range}_{yuv[0]}.mp4", yuv, pix_fmt=pix_fmt,
                           colorspace=colorspace, color_range=color_range)
    expected = _expected_rgb(yuv, 10 if "10" in pix_fmt else 8, matrix, full)
    for depth, top, slack in ((8, 255, 0.51), (16, 65535, 0.02 * 257)):
        with VideoDecoder(_probe(path), depth=depth) as decoder:
            pixel = decoder.frame_at(0)[1][20, 20].astype(float)
        assert np.abs(pixel - expected * top).max() <= slack, (depth, pixel, expected * top)


def test_probe_audio_and_video_with_sound(media: Path) -> None:
    _need("h264")
    wav = write_tone_bursts(media / "b.wav", duration=1.5, bursts=[(0.5, 0.1, 1000)])
    info = probe_source(wav, '<audio src="b.wav">', need_video=False)
    assert info.video is None and info.audio is not None
    assert (info.audio.codec, info.audio.sample_rate, info.audio.channels) == ("pcm_s16le", 48000, 2)
    assert info.duration == pytest.approx(1.5)
    clip = write_numbered_video(media / "sound.mp4", frames=24, fps=FPS, audio_tone=440.0)
    both = _probe(clip)
    assert both.video is not None and both.audio is not None and both.audio.codec == "aac"
    assert both.duration == max(both.video.duration, both.audio.duration)
    as_audio = probe_source(clip, '<audio src="sound.mp4">', need_video=False)
    assert as_audio.video is None and as_audio.audio == both.audio


def test_decoder_close_is_idempotent(numbered: dict[str, Path]) -> None:
    _need("h264")
    decoder = VideoDecoder(_probe(numbered["h264"]))
    decoder.frame_at(0.1)
    decoder.close()
    decoder.close()
    with pytest.raises(ValueError):
        decoder.frame_at(0.2)
    with VideoDecoder(_probe(numbered["h264"]), depth=16) as other:
        assert other.frame_at(0.0)[1].dtype == np.uint16
    with pytest.raises(ValueError):
        VideoDecoder(_probe(numbered["h264"]), depth=12)


# -- bad input ---------------------------------------------------------------------------------

def _bad(path: Path, need_video: bool = True) -> str:
    element = f'<video id="v" src="{path.name}">'
    with pytest.raises(MediaError) as caught:
        probe_source(path, element, need_video=need_video)
    message = str(caught.value)
    assert element in message and str(path) in message, message
    return message


def test_missing_file_and_folder(media: Path) -> None:
    assert "does not exist" in _bad(media / "nope.mp4")
    assert "is a folder" in _bad(media)


@pytest.mark.parametrize("kind", ["garbage", "truncated", "empty", "bad_data"])
def test_corrupt_files(media: Path, kind: str) -> None:
    _need("h264")
    message = _bad(write_corrupt_media(media / f"corrupt_{kind}.mp4", kind))
    assert "corrupt" in message


def test_text_file(media: Path) -> None:
    path = media / "notes.mp4"
    path.write_text("this is not a video\n" * 20)
    assert "not a media file" in _bad(path)


def test_wrong_kind_of_stream(media: Path, numbered: dict[str, Path]) -> None:
    _need("h264")
    audio_only = write_tone_bursts(media / "tone.m4a", duration=0.5, bursts=[(0.1, 0.1, 440)], codec="aac")
    assert "has no video stream" in _bad(audio_only)
    assert "has no audio stream" in _bad(numbered["h264"], need_video=False)


def test_unsupported_codec(media: Path) -> None:
    _need("h264")
    source = write_numbered_video(media / "codec.mkv", frames=4, fps=FPS)
    data = source.read_bytes()
    assert data.count(b"V_MPEG4/ISO/AVC") == 1
    path = media / "unknown_codec.mkv"
    path.write_bytes(data.replace(b"V_MPEG4/ISO/AVC", b"V_ZZZZZ/ISO/ZZZ"))  # a codec id no decoder knows
    assert "unsupported codec" in _bad(path)


def test_unreadable_file(media: Path, numbered: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the process may not read (simulated: this suite may run as root, who reads anything)."""
    _need("h264")
    path = media / "locked.mp4"
    path.write_bytes(numbered["h264"].read_bytes())
    real_open = open

    def refusing_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", refusing_open)
    assert "cannot be read (Permission denied)" in _bad(path)
