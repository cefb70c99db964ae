"""Native video layers against the poster path, with real Chromium and real PyAV.

Each page is captured twice at the same times: with ``media_path="native"`` (the video
composited outside the browser between the page's parts below and above it) and with
``"poster"`` (Chromium paints the frame as the element's poster). The two must agree (PSNR),
the native path must really have been taken where the CSS allows it (no picture of the frame
served to the page after the first), and refused where it does not (the poster path, so the
frame is still right).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import composition
from media_gen import read_frame_number, write_numbered_video

import engine
from engine.capture import BrowserSession

W, H = 320, 180
TIMES = [0.0, 0.4, 0.85, 1.3]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    diff = a.astype(np.float64) - b.astype(np.float64)
    mse = float(np.mean(diff * diff))
    return float("inf") if mse == 0 else 10 * np.log10(65535.0**2 / mse)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("layers")
    write_numbered_video(folder / "count.mp4", frames=48, fps=24, size=(160, 96))
    return folder / "count.mp4"


def page(folder: Path, clip: Path, style: str, body: str) -> Path:
    composition(folder, body, id="m", width=W, height=H, duration=2, fps=30,
                head=f"<style>body{{margin:0;background:#203040;font:bold 28px sans-serif;color:#fff}}{style}</style>")
    shutil.copyfile(clip, folder / "count.mp4")
    return folder


def captures(folder: Path, layers: str, **options: object) -> tuple[list[np.ndarray], int]:
    with BrowserSession(folder, media_path=layers, **options) as session:
        frames = [session.capture_frame(t, next_time=TIMES[i + 1] if i + 1 < len(TIMES) else None).copy()
                  for i, t in enumerate(TIMES)]
        assert session._video is not None
        return frames, session._video.frames.pictures_served


VIDEO = '<video id="v" class="clip" src="count.mp4" data-start="0" data-duration="2" muted></video>'

#: (name, style, body, native): pages whose video the split reproduces, and some it refuses.
CASES = [
    ("full-frame under a title",
     "#v{position:absolute;left:0;top:0;width:320px;height:180px;object-fit:cover}"
     ".t{position:absolute;left:20px;top:70px;text-shadow:0 0 6px #000}",
     VIDEO + '<div class="t">Title</div>', True),
    ("boxed, contain, caption overlapping with translucent background",
     "#v{position:absolute;left:40px;top:30px;width:200px;height:100px;object-fit:contain}"
     ".c{position:absolute;left:60px;top:100px;width:220px;height:50px;background:rgba(200,40,40,.6)}"
     ".u{position:absolute;left:10px;top:10px;width:120px;height:120px;background:#5a5;z-index:-1}",
     '<div class="u"></div>' + VIDEO + '<div class="c">Caption</div>', True),
    ("scaled, cover, fractional position, clipped by its container, half transparent",
     ".box{position:absolute;left:30.5px;top:20.25px;width:180px;height:120px;overflow:hidden;background:#fc0}"
     "#v{width:180px;height:120px;object-fit:cover;object-position:30% 70%;transform:scale(1.3) translate(7px,3px);"
     "opacity:.6;display:block}",
     '<div class="box">' + VIDEO + "</div>", True),
    ("under a positioned sibling and a pseudo-element gradient of its container",
     ".box{position:relative;width:320px;height:180px}"
     ".box::after{content:'';position:absolute;left:0;top:90px;width:320px;height:90px;"
     "background:linear-gradient(transparent,rgba(0,0,0,.8))}"
     "#v{position:absolute;left:0;top:0;width:320px;height:180px;object-fit:fill}"
     ".t{position:absolute;right:10px;bottom:10px;z-index:2}",
     '<div class="box">' + VIDEO + '<div class="t">Over</div></div>', True),
    ("rounded corners (native, anti-aliased curves)",
     "#v{position:absolute;left:40px;top:30px;width:200px;height:100px;border-radius:16px;object-fit:cover}",
     VIDEO, True),
    ("in a container with opacity (refused: group opacity)",
     ".box{opacity:.7}#v{position:absolute;left:40px;top:30px;width:200px;height:100px}",
     '<div class="box">' + VIDEO + "</div>", False),
    ("rotated (native, through its matrix)",
     "#v{position:absolute;left:40px;top:30px;width:200px;height:100px;transform:rotate(8deg)}",
     VIDEO, True),
    ("3D-transformed (refused)",
     "#v{position:absolute;left:40px;top:30px;width:200px;height:100px;transform:perspective(300px) rotateY(20deg)}",
     VIDEO, False),
]


@pytest.mark.parametrize(("name", "style", "body", "native"), CASES, ids=[c[0] for c in CASES])
def test_native_layer_matches_the_poster_path(tmp_path: Path, clip: Path, chromium_leak_check: None,
                                              name: str, style: str, body: str, native: bool) -> None:
    folder = page(tmp_path / "p", clip, style, body)
    poster, poster_pictures = captures(folder, "poster")
    layered, layered_pictures = captures(folder, "native")
    assert poster_pictures >= len(TIMES) - 1  # the poster path sends (nearly) every frame
    if native:
        # the first frame is shown as a poster (it sets the element's intrinsic size), and the second prefetched
        assert layered_pictures <= 2, f"{name}: the native path was not taken ({layered_pictures} pictures served)"
    else:
        assert layered_pictures == poster_pictures, f"{name}: the native path was taken where it must not be"
    for t, a, b in zip(TIMES, poster, layered, strict=True):
        quality = psnr(a, b)
        # JPEG captures of different content (the poster path's page holds the frame) differ a little
        assert quality > 34, f"{name} at t={t}: native against poster PSNR {quality:.1f} dB"


def test_native_layer_is_exact_on_png_captures(tmp_path: Path, clip: Path, chromium_leak_check: None) -> None:
    """A 1:1 placed video on an exact (PNG) capture: the frame's pixels arrive untouched, and the
    number read back is the source frame at each time."""
    folder = page(tmp_path / "p", clip, "#v{position:absolute;left:40px;top:30px;width:160px;height:96px}"
                  ".t{position:absolute;left:50px;top:140px}", VIDEO + '<div class="t">x</div>')
    poster, _ = captures(folder, "poster", capture_format="png")
    layered, pictures = captures(folder, "native", capture_format="png")
    assert pictures <= 2  # the first frame as a poster (it sets the element's intrinsic size), the second prefetched
    for t, a, b in zip(TIMES, poster, layered, strict=True):
        assert read_frame_number(b[30:126, 40:200]) == int(t * 24 + 1e-9)
        # Chromium paints the BMP poster 1:1 too: the two paths agree to the bit
        assert np.array_equal(a[30:126, 40:200], b[30:126, 40:200]), f"t={t}"
        assert psnr(a, b) > 45


def test_render_with_native_layers_and_a_transition(tmp_path: Path, clip: Path, chromium_leak_check: None) -> None:
    """A transition between two scenes that each hold a video, rendered with native layers and with
    posters: the same video, frame for frame (PSNR of decoded output frames). At 15 fps: scene A
    alone (frames 0-11), the 0.8-1.2 s crossfade (12-17) and scene B alone (18-29) are all rendered."""
    import av

    folder = tmp_path / "t"
    folder.mkdir()
    shutil.copyfile(clip, folder / "count.mp4")
    scene = ('<div id="{id}" class="scene clip" data-start="{start}" data-duration="1.2" '
             'style="position:absolute;inset:0;background:{bg}">'
             '<video class="clip" src="count.mp4" data-start="{start}" data-duration="1.2" muted '
             'style="position:absolute;left:{x}px;top:30px;width:160px;height:96px"></video></div>')
    body = (scene.format(id="a", start=0, bg="#335", x=20) + scene.format(id="b", start=0.8, bg="#533", x=140)
            + '<hf-transition data-time="0.8" data-duration="0.4" data-shader="crossfade" data-from="a" data-to="b" '
            'data-ease="linear"></hf-transition>')
    composition(folder, body, id="m", width=W, height=H, duration=2, fps=15, head="<style>body{margin:0}</style>")
    outputs = {}
    for layers in ("native", "poster"):
        out = tmp_path / f"{layers}.mp4"
        result = engine.render(folder, out, quality="high", capture={"media_path": layers})
        with av.open(str(out)) as container:
            outputs[layers] = [f.to_ndarray(format="rgb48le") for f in container.decode(video=0)]
        # each video counted once per frame it shows in: A in frames 0-17, B in 12-29 (the
        # crossfade's two scene captures count their own video, not both twice)
        kinds = result.video_layers
        assert kinds["native"] + kinds["two_capture"] + kinds["poster"] == 36, (layers, kinds)
    assert len(outputs["native"]) == len(outputs["poster"]) == 30
    worst = min(psnr(a, b) for a, b in zip(outputs["native"], outputs["poster"], strict=True))
    assert worst > 40, f"native against poster render: worst frame PSNR {worst:.1f} dB"


def test_render_stats_count_each_kind_and_name_refusals(tmp_path: Path, clip: Path, chromium_leak_check: None) -> None:
    """The stats count frames by how their video was drawn, and captures; a refused video is named
    (a native-video warning when native layers were asked for, with the CSS that refused it)."""
    boxed = page(tmp_path / "boxed", clip, "#v{position:absolute;left:40px;top:30px;width:160px;height:96px}", VIDEO)
    result = engine.render(boxed, tmp_path / "boxed.mp4", workers=1, frames="0:6",
                           capture={"media_path": "native"})
    assert result.video_layers["two_capture"] == result.frames == 6
    assert result.video_layers["native"] == result.video_layers["poster"] == 0
    assert result.captures == 2 * result.frames  # below, then above the video
    assert not [w for w in result.warnings if w["code"] == "native-video"]

    full = page(tmp_path / "full", clip, "#v{position:absolute;left:0;top:0;width:320px;height:180px;"
                "object-fit:cover}", VIDEO + '<div style="position:absolute;left:9px;top:9px">T</div>')
    result = engine.render(full, tmp_path / "full.mp4", workers=1, frames="0:6",
                           capture={"media_path": "native"})
    assert result.video_layers["native"] == result.captures == result.frames == 6  # one capture per frame

    refused = page(tmp_path / "refused", clip, "#v{position:absolute;left:40px;top:30px;width:160px;height:96px;"
                   "filter:blur(2px)}", VIDEO)
    result = engine.render(refused, tmp_path / "refused.mp4", workers=1, frames="0:6",
                           capture={"media_path": "native"})
    assert result.video_layers["poster"] == result.frames == 6 and result.video_layers["native"] == 0
    reason = "it has a filter not drawn natively (filter: blur(2px); blur() is not a colour function drawn natively)"
    assert result.video_layers["fallbacks"] == [{"element": result.video_layers["fallbacks"][0]["element"],
                                                 "reason": reason}]
    assert 'id="v"' in result.video_layers["fallbacks"][0]["element"]
    named = [w for w in result.warnings if w["code"] == "native-video"]
    assert len(named) == 1 and "filter: blur(2px)" in named[0]["message"]
    poster = engine.render(refused, tmp_path / "refused-poster.mp4", workers=1, frames="0:6",
                           capture={"media_path": "poster"})
    assert poster.video_layers["poster"] == poster.frames == 6 and poster.video_layers["fallbacks"] == []
    assert not [w for w in poster.warnings if w["code"] == "native-video"]


def test_a_video_under_an_ancestor_at_opacity_zero_is_hidden_not_refused(tmp_path: Path, clip: Path,
                                                                         chromium_leak_check: None) -> None:
    """Nothing of a video under an ancestor at opacity 0 shows (a scene faded out): it is neither a
    layer nor a refusal, whatever else the split would refuse (a filter on a wrapper inside); the
    frame is the poster path's."""
    body = ('<div id="out" style="opacity:0"><div style="filter:blur(2px)">' + VIDEO + '</div></div>'
            '<div style="position:absolute;left:9px;top:9px;color:#fff">T</div>')
    faded = page(tmp_path / "faded", clip, "#v{position:absolute;left:40px;top:30px;width:160px;height:96px}", body)
    result = engine.render(faded, tmp_path / "faded.mp4", workers=1, frames="0:3", hash_frames=True,
                           capture={"media_path": "native"})
    assert result.video_layers["fallbacks"] == [] and not [w for w in result.warnings if w["code"] == "native-video"]
    assert result.video_layers["native"] == result.video_layers["two_capture"] == result.video_layers["poster"] == 0
    assert result.captures == result.frames == 3  # one picture: no split
    poster = engine.render(faded, tmp_path / "poster.mp4", workers=1, frames="0:3", hash_frames=True,
                           capture={"media_path": "poster"})
    assert result.frame_hashes == poster.frame_hashes


def test_auto_keeps_8_bit_footage_needing_two_captures_on_the_poster_path_at_jpeg_capture(
        tmp_path: Path, clip: Path, chromium_leak_check: None) -> None:
    """Measured: for 8-bit SDR footage with something below it, a capture below and one above cost
    more than Chromium painting the frame in one JPEG capture (bench/RESULTS.md). So `auto` keeps it
    on the poster path when captures are JPEG (a choice: no fallback, no warning); PNG captures,
    deeper footage and media_path='native' keep the split, and a video covering the frame stays native."""
    boxed = page(tmp_path / "boxed", clip, "#v{position:absolute;left:40px;top:30px;width:160px;height:96px}", VIDEO)

    def kinds(folder: Path, **options: object) -> tuple[dict[str, object], int]:
        result = engine.render(folder, tmp_path / "out.mp4", workers=1, frames="0:4", **options)  # type: ignore[arg-type]
        assert not [w for w in result.warnings if w["code"] == "native-video"]
        return {k: v for k, v in result.video_layers.items() if v}, result.captures

    assert kinds(boxed, quality="standard") == ({"poster": 4}, 4)  # JPEG captures: one each, Chromium paints
    assert kinds(boxed, quality="high") == ({"two_capture": 4}, 8)  # PNG captures: the split
    assert kinds(boxed, quality="standard", capture={"media_path": "native"}) == ({"two_capture": 4}, 8)
    full = page(tmp_path / "full", clip, "#v{position:absolute;left:0;top:0;width:320px;height:180px;"
                "object-fit:cover}", VIDEO)
    assert kinds(full, quality="standard") == ({"native": 4}, 4)  # one capture either way: native
    ten = write_numbered_video(tmp_path / "ten.mp4", frames=48, fps=24, codec="h264_10")
    deep = page(tmp_path / "deep", ten, "#v{position:absolute;left:40px;top:30px;width:160px;height:96px}", VIDEO)
    assert kinds(deep, quality="standard") == ({"two_capture": 4}, 8)  # 10 bits: kept by the split
