"""Real Chromium and real PyAV: video clips show the exact source frame, audio is mixed in sync.

Media are generated per test module (tests/media_gen.py): a video whose every frame shows its
own number, and tone bursts at known times. Frames are read back from captures and from the
encoded output; audio onsets are measured on the decoded output.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from helpers import composition
from media_gen import read_frame_number, write_corrupt_media, write_numbered_video, write_still, write_tone_bursts

import engine
from engine.capture import BrowserSession
from engine.errors import CompositionError, MediaError

W, H, FPS = 320, 180, 30
BOX = (40, 30, 160, 96)  # where the test compositions place their video: x, y, width, height
SRC_FPS = 24


def page(folder: Path, body: str, *, duration: float = 3, extra_head: str = "") -> Path:
    return composition(folder, body, id="m", width=W, height=H, duration=duration, fps=FPS,
                       head=f"<style>body{{background:#000}} .v{{position:absolute; left:{BOX[0]}px; top:{BOX[1]}px; "
                       f"width:{BOX[2]}px; height:{BOX[3]}px; object-fit:fill}}</style>{extra_head}")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    write_numbered_video(folder / "count.mp4", frames=72, fps=SRC_FPS, size=(160, 96))  # 3 s at 24 fps
    write_tone_bursts(folder / "bursts.wav", duration=2.0, bursts=[(0.25, 0.2, 1000.0), (1.5, 0.2, 2000.0)])
    return folder


def expected_frame(t: Fraction, start: float, media_start: float = 0.0, rate: float = 1.0,
                   frames: int = 72, loop: bool = False) -> int:
    when = (float(t) - start) * rate + media_start
    index = math.floor(when * SRC_FPS + 1e-9)
    if loop:
        first = math.floor(media_start * SRC_FPS + 1e-9)
        return first + (index - first) % (frames - first)
    return min(index, frames - 1)


def shown(frame: np.ndarray) -> int | None:
    """The number the video area shows, or None when it shows the black background."""
    x, y, w, h = BOX
    area = frame[y:y + h, x:x + w]
    if area.max() < 0.1 * (65535 if area.dtype == np.uint16 else 255):
        return None
    return read_frame_number(area)


def link(folder: Path, media: Path, *names: str) -> None:
    for name in names:
        shutil.copyfile(media / name, folder / name)  # not a symlink: the sandbox refuses links out of the folder


def test_video_clip_shows_the_exact_source_frame(tmp_path: Path, media: Path, chromium_leak_check: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.capture.router import AssetRouter

    routed: list[str] = []  # the URLs Playwright's driver handed to Python
    original = AssetRouter.handle

    def handle(self: AssetRouter, route) -> None:  # noqa: ANN001 - playwright Route
        routed.append(route.request.url)
        original(self, route)

    monkeypatch.setattr(AssetRouter, "handle", handle)
    folder = page(tmp_path / "c", '<video class="clip v" src="count.mp4" data-start="0.5" data-duration="2" '
                                  'data-media-start="0.25" muted></video>')
    link(folder, media, "count.mp4")
    with BrowserSession(folder, capture_format="png") as session:
        (clip,) = session.plan.media_clips
        assert (clip.kind, clip.start, clip.media_start, clip.source_duration) == ("video", 0.5, 0.25, 3.0)
        times = [Fraction(i, FPS) for i in (0, 14, 15, 16, 17, 30, 31, 45, 60, 74, 75, 80)]
        for t in times + [Fraction(20, FPS), Fraction(16, FPS)]:  # and back: a backward jump seeks
            got = shown(session.capture_frame(t))
            want = expected_frame(t, 0.5, 0.25) if 0.5 <= t < 2.5 else None
            assert got == want, f"t={t}: shows {got}, expected {want}"
    # Frame requests go straight to the frame server (a Route per frame grew both Playwright
    # processes' memory with every frame), while the composition's own files are still routed.
    assert any(url.endswith("/index.html") for url in routed)
    assert not [url for url in routed if url.startswith("http://127.0.0.1")]


def test_rate_loop_and_hold(tmp_path: Path, media: Path) -> None:
    folder = page(tmp_path / "c", '<video id="fast" class="clip v" src="count.mp4" data-start="0" data-duration="3" '
                                  'data-playback-rate="2" loop muted></video>'
                                  '<video id="held" class="clip v" style="top:0;left:220px;width:80px;height:48px" '
                                  'src="count.mp4" data-start="0" data-duration="3" data-media-start="2" muted></video>',
                  duration=3)
    link(folder, media, "count.mp4")
    with BrowserSession(folder, capture_format="png") as session:
        for i in (0, 10, 44, 45, 46, 60, 89):
            t = Fraction(i, FPS)
            frame = session.capture_frame(t)
            assert shown(frame) == expected_frame(t, 0, rate=2, loop=True), f"rate 2, loop at t={t}"
            held = read_frame_number(frame[0:48, 220:300])
            assert held == expected_frame(t, 0, media_start=2), f"held clip at t={t}"  # holds 71 from t=1


@pytest.mark.parametrize("path", ["sequential", "hybrid"])
def test_render_both_paths_with_a_transition(tmp_path: Path, media: Path, path: str) -> None:
    """Each scene holds a video; a crossfade between them; each render path (hybrid: 2 workers); output
    decoded. At 10 fps (of the page's 30): every frame outside the 1.5-2 s crossfade (frames 15-19)
    shows its scene's exact source frame."""
    body = ('<div id="s1" class="scene clip" data-start="0" data-duration="2">'
            '<video class="v" src="count.mp4" muted></video></div>'
            '<div id="s2" class="scene clip" data-start="1.5" data-duration="1.5">'
            '<video class="v clip" src="count.mp4" data-start="1.5" data-media-start="1" muted></video></div>'
            '<hf-transition data-time="1.5" data-duration="0.5" data-shader="crossfade" data-from="s1" data-to="s2" data-ease="linear"></hf-transition>')
    folder = page(tmp_path / "c", body, duration=3)
    link(folder, media, "count.mp4")
    out = tmp_path / "out.mp4"
    workers = 2 if path == "hybrid" else 1
    fps = 10
    result = engine.render(folder, out, workers=workers, path=path, quality="high", fps=fps)
    assert result.path == path and result.workers == workers
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 30
    for i, frame in enumerate(frames):
        t = Fraction(i, fps)
        if 15 <= i < 20:
            continue  # mid-crossfade: two numbers blended
        want = expected_frame(t, 0) if t < 1.5 else expected_frame(t, 1.5, media_start=1)
        assert shown(frame) == want, f"frame {i}"
    # the last frame of the crossfade region's neighbours: progress 0 and 1 ends show one number each
    assert shown(frames[14]) == expected_frame(Fraction(14, fps), 0)


def onset(samples: np.ndarray, rate: int, after: float = 0.0, threshold: float = 0.05) -> float:
    """Seconds of the first sample after `after` whose magnitude exceeds `threshold`."""
    mono = np.abs(samples).max(axis=0)
    start = int(after * rate)
    hits = np.nonzero(mono[start:] > threshold)[0]
    assert hits.size, "no onset found"
    return (start + hits[0]) / rate


def decode_audio(path: Path) -> tuple[np.ndarray, int, float, float]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        video = container.streams.video[0]
        video_duration = float(video.duration * video.time_base)
        rate = stream.rate
        planar = av.AudioResampler(format="fltp", layout="stereo", rate=rate)  # PCM in MOV is packed s32
        chunks = [f.to_ndarray() for frame in container.decode(stream) for f in planar.resample(frame)]
    samples = np.concatenate(chunks, axis=1).astype(np.float32)
    return samples, rate, samples.shape[1] / rate, video_duration


def test_audio_mixed_in_sync(tmp_path: Path, media: Path) -> None:
    body = ('<audio id="music" src="bursts.wav" data-start="0.5" data-volume="0.8"></audio>'
            '<video class="clip v" src="count.mp4" data-start="0" data-duration="3" muted></video>')
    folder = page(tmp_path / "c", body, duration=3)
    link(folder, media, "count.mp4", "bursts.wav")
    out = tmp_path / "out.mp4"
    result = engine.render(folder, out, workers=1, quality="draft", fps=10)  # the audio is not tied to the frame rate
    assert result.media["audio"]["clips"] == 1
    samples, rate, audio_duration, video_duration = decode_audio(out)
    assert rate == 48000 and samples.shape[0] == 2
    assert abs(video_duration - 3.0) < 1e-6
    assert abs(audio_duration - video_duration) < 1024 / rate + 1e-6
    assert abs(onset(samples, rate) - 0.75) < 0.002           # burst at 0.25 s of the file, clip at 0.5 s
    assert abs(onset(samples, rate, after=1.0) - 2.0) < 0.002  # burst at 1.5 s of the file
    assert np.abs(samples[:, : int(0.7 * rate)]).max() < 0.01  # silence before the first
    # --no-audio: no audio stream at all (three frames show it)
    quiet = tmp_path / "quiet.mp4"
    engine.render(folder, quiet, workers=1, quality="draft", audio=False, frames="0:3")
    with av.open(str(quiet)) as container:
        assert not container.streams.audio


def test_audio_in_mov_is_pcm_and_frame_range_offsets_it(tmp_path: Path, media: Path) -> None:
    folder = page(tmp_path / "c", '<audio src="bursts.wav" data-start="0"></audio>', duration=2)
    link(folder, media, "bursts.wav")
    out = tmp_path / "out.mov"
    engine.render(folder, out, workers=1, codec="prores", quality="draft", frames="30:60")  # t = 1 s .. 2 s
    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.name == "pcm_s24le"
    samples, rate, audio_duration, _ = decode_audio(out)
    assert audio_duration == pytest.approx(1.0, abs=1 / rate)
    assert onset(samples, rate) == pytest.approx(0.5, abs=2 / rate)  # the 1.5 s burst, 1 s into the range (a sine starts at 0)


@pytest.mark.parametrize("kind", ["missing", "garbage", "truncated", "audio-only", "text"])
def test_bad_media_is_bad_input(tmp_path: Path, media: Path, kind: str, chromium_leak_check: None) -> None:
    folder = page(tmp_path / "c", '<video id="bad" class="clip v" src="clip.mp4" data-start="0" muted></video>')
    target = folder / "clip.mp4"
    if kind == "garbage" or kind == "truncated":
        write_corrupt_media(target, kind)
    elif kind == "audio-only":
        write_tone_bursts(folder / "clip.wav", duration=1, bursts=[])
        (folder / "clip.wav").rename(target.with_suffix(".m4a"))
        (folder / "index.html").write_text((folder / "index.html").read_text().replace("clip.mp4", "clip.m4a"))
        target = target.with_suffix(".m4a")
    elif kind == "text":
        target.write_text("not a video\n")
    out = tmp_path / "out.mp4"
    proc = subprocess.run([sys.executable, "-m", "engine.render", str(folder), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert ('id="bad"' in proc.stderr or "id='bad'" in proc.stderr) and target.name in proc.stderr, proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.mp4*"))


def test_bad_timing_attribute_is_named(tmp_path: Path, media: Path) -> None:
    folder = page(tmp_path / "c", '<video id="v" class="clip v" src="count.mp4" data-start="0" '
                                  'data-media-start="soon" muted></video>')
    link(folder, media, "count.mp4")
    with pytest.raises(CompositionError, match=r'id="v".*data-media-start=\'soon\''):
        BrowserSession(folder).close()


def test_media_from_another_origin_is_bad_input(tmp_path: Path) -> None:
    folder = page(tmp_path / "c", '<video id="far" class="clip v" src="https://cdn.example.com/a.mp4" muted></video>')
    with pytest.raises(MediaError, match="cdn.example.com/a.mp4.*composition's folder"):
        BrowserSession(folder).close()


def test_a_mix_above_full_scale_is_clipped_and_warned(tmp_path: Path, media: Path) -> None:
    body = ''.join('<audio src="bursts.wav" data-start="0" data-volume="3"></audio>' for _ in range(2))
    folder = page(tmp_path / "c", body, duration=1)
    link(folder, media, "bursts.wav")
    with pytest.warns(engine.RenderWarning, match="clipped"):
        result = engine.render(folder, tmp_path / "loud.mp4", workers=1, quality="draft")
    assert [w["code"] for w in result.warnings] == ["audio-clipping"]
    assert result.media["audio"]["clipped"] > 0 and result.media["audio"]["peak"] > 1
    samples, _, _, _ = decode_audio(tmp_path / "loud.mp4")
    assert np.abs(samples).max() <= 1.05  # AAC may overshoot a clipped square slightly


SOURCES = [  # (file name, media_gen codec, extra arguments): every container and codec the issue names
    ("hevc.mp4", "hevc", {}),
    ("hevc10.mp4", "hevc10", {}),
    ("vp9.webm", "vp9", {}),
    ("av1.mp4", "av1", {}),
    ("prores.mov", "prores", {}),
    ("rotated.mp4", "h264", {"rotation": 90}),
    ("vfr.mkv", "h264", {"pts": [i / 24 + (0.02 if i % 3 == 1 else 0.0) for i in range(48)]}),
]


@pytest.mark.parametrize(("name", "codec", "extra"), SOURCES, ids=[s[0] for s in SOURCES])
def test_every_source_kind_shows_its_exact_frames(tmp_path: Path, name: str, codec: str, extra: dict) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    size = (96, 160) if extra.get("rotation") else (160, 96)  # displayed size; a rotated clip is portrait
    write_numbered_video(folder / name, frames=48, fps=SRC_FPS, size=size, codec=codec, **extra)
    style = "" if not extra.get("rotation") else ' style="width:54px;height:90px"'
    page(folder, f'<video class="clip v" src="{name}" data-start="0" data-duration="2" muted{style}></video>', duration=2)
    pts = extra.get("pts")
    with BrowserSession(folder) as session:
        for i in (0, 1, 7, 13, 29, 40, 59):
            t = Fraction(i, FPS)
            frame = session.capture_frame(t)
            if extra.get("rotation"):
                x, y = BOX[0], BOX[1]
                got = read_frame_number(frame[y:y + 90, x:x + 54])
            else:
                got = shown(frame)
            if pts is not None:  # the frame whose interval holds t
                want = max(k for k, p in enumerate(pts) if p <= float(t) + 1e-9)
            else:
                want = expected_frame(t, 0, frames=48)
            assert got == want, f"{name} at t={t}: shows {got}, expected {want}"


def test_images_are_decoded_before_the_first_capture(tmp_path: Path) -> None:
    """WebP, AVIF, SVG, a lazy <img> and a CSS background are all complete in the very first frame."""
    folder = tmp_path / "c"
    folder.mkdir()
    red = np.zeros((64, 64, 3), np.uint8)
    red[..., 0] = 230
    for name, codec, fmt in (("a.webp", "libwebp", "webp"), ("b.avif", "libsvtav1", "avif")):
        write_still(folder / name, red, codec, fmt)
    (folder / "c.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
                                  '<rect width="64" height="64" fill="rgb(230,0,0)"/></svg>')
    shutil.copyfile(folder / "a.webp", folder / "d.webp")
    shutil.copyfile(folder / "a.webp", folder / "e.webp")
    body = ('<img src="a.webp" style="position:absolute;left:0;top:0;width:64px;height:64px">'
            '<img src="b.avif" style="position:absolute;left:70px;top:0;width:64px;height:64px">'
            '<img src="c.svg" style="position:absolute;left:140px;top:0;width:64px;height:64px">'
            '<img src="d.webp" loading="lazy" style="position:absolute;left:210px;top:0;width:64px;height:64px">'
            '<div style="position:absolute;left:0;top:80px;width:64px;height:64px;background:url(e.webp) 0 0/64px 64px">'
            '</div>')
    page(folder, body, duration=1)
    with BrowserSession(folder, capture_format="png") as session:
        frame = session.capture_frame(0)
    for x, y in ((32, 32), (102, 32), (172, 32), (242, 32), (32, 112)):
        r, g, b = (frame[y, x] >> 8).tolist()
        assert r > 180 and g < 60 and b < 60, f"pixel at {(x, y)} is {(r, g, b)}: the image was not ready"
