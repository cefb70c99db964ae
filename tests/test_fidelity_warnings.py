"""Nothing renders silently wrong: each thing the engine cannot render faithfully is a warning that
names the element (Python warning, stderr line, stats JSON), and `strict` makes it bad input
with no output. Each case is a real composition in a real Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

import engine
from engine.errors import RenderWarning, UnfaithfulRenderError

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]

VENDOR = Path(__file__).parent / "fixtures" / "vendor"
LIBRARY = "https://cdn.jsdelivr.net/npm/@hyperframes/shader-transitions@0.8.41/dist/"
GSAP = "https://cdn.jsdelivr.net/npm/gsap@3/dist/"
URL_MAP = {GSAP: str(VENDOR / "gsap"), LIBRARY: str(VENDOR / "shader-transitions")}


def write_video(path: Path, transfer: int | None = None) -> None:
    """A tiny H.264 clip; `transfer` tags it (FFmpeg's color_trc: 16 PQ, 18 HLG) with BT.2020."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width = stream.height = 32
        stream.pix_fmt = "yuv420p"
        if transfer is not None:
            cc = stream.codec_context
            cc.color_primaries, cc.color_trc, cc.colorspace = 9, transfer, 9
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), i * 40, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def write_wav(path: Path) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes((np.sin(np.arange(8000) / 8000 * 2 * np.pi * 440) * 8000).astype("<i2").tobytes())


def page(body: str, head: str = "") -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8">
<style>html,body{{margin:0;background:#123}}</style>{head}</head><body>
<div id="root" data-composition-id="main" data-width="64" data-height="36" data-duration="0.3" data-fps="10">
{body}
</div></body></html>"""


def _media_rate(d: Path) -> str:
    write_video(d / "clip.mp4")
    return page('<video id="clip" src="clip.mp4" data-playback-rate="8" muted></video>')


def _hdr(d: Path) -> str:
    write_video(d / "hdr.mp4", transfer=16)
    # a filter keeps it off the native path: Chromium draws it tone-mapped inside the HDR render
    return page('<video id="hdr" src="hdr.mp4" muted style="filter:contrast(1.01)"></video>')


def _font(d: Path) -> str:
    (d / "broken.woff2").write_bytes(b"not a font at all" * 8)
    return page('<p style="font-family: Broken">Hello</p>',
                "<style>@font-face { font-family: Broken; src: url(broken.woff2); }</style>")


def _image(d: Path) -> str:
    (d / "corrupt.png").write_bytes(b"\x89PNG broken" * 4)
    return page('<img id="pic" src="corrupt.png">')


def _animated(d: Path) -> str:
    from engine.output.encoder import Encoder

    with Encoder(d / "spin.gif", 16, 16, 10) as enc:
        for i in range(3):
            enc.write(np.full((16, 16, 3), 30000 * (i % 2), np.uint16))
    return page('<img id="spin" src="spin.gif">')


def _preview(d: Path) -> str:
    # The page clears the render-mode flag before the library's init: it stays in preview mode.
    return page('<div class="scene" id="a">A</div><div class="scene" id="b">B</div>',
                f'<script src="{GSAP}gsap.min.js"></script><script src="{LIBRARY}index.global.js"></script>'
                '<script>window.addEventListener("DOMContentLoaded", () => { window.__HF_VIRTUAL_TIME__ = undefined;'
                ' HyperShader.init({bgColor: "#000", scenes: ["a", "b"], transitions: [{time: 0.1, shader: "glitch",'
                ' duration: 0.1}]}); });</script>')


CASES: dict[str, tuple[Callable[[Path], str], str | tuple[str, ...]]] = {
    # video and audio are decoded by the engine (tests/test_media_render.py); a rate HyperFrames clamps is named
    "media-rate": (_media_rate, '<video id="clip" src="clip.mp4">'),
    # an HDR source drawn by Chromium is tone-mapped to SDR (tests/test_hdr_layers.py): named, never silent
    "hdr-source": (_hdr, '<video id="hdr" src="hdr.mp4">'),
    # another origin's page (same-origin iframes run on the virtual clock: tests/test_hyperframes_compat.py)
    "iframe": (lambda d: page('<iframe id="embed" src="https://example.com/embed"></iframe>'),
               '<iframe id="embed" src="https://example.com/embed">'),
    "canvas": (lambda d: page('<canvas id="drawn"></canvas><script>'
                              'document.getElementById("drawn").transferControlToOffscreen();</script>'),
               '<canvas id="drawn">'),
    "font": (_font, '@font-face "Broken"'),
    "image": (_image, '<img id="pic" src="corrupt.png">'),
    "blocked-request": (lambda d: page('<img src="https://example.com/logo.png">'), "https://example.com/logo.png"),
    # the library's loading overlay, or its canvas once the library (on its own clock) removed the overlay
    "preview-mode": (_preview, ("data-hyper-shader-loading", "gl-canvas")),
    # media a script makes after the load is never decoded: named at the first frame that has it
    # Chromium animates a GIF on its own clock: named
    "animated-image": (_animated, '<img id="spin" src="spin.gif">'),
    "video": (lambda d: page('<script>setTimeout(() => { const v = document.createElement("video"); v.id = "late"; '
                             'v.src = "late.mp4"; document.getElementById("root").appendChild(v); }, 100);</script>'),
              '<video id="late" src="late.mp4">'),
}


def composition(tmp_path: Path, code: str) -> Path:
    folder = tmp_path / code
    folder.mkdir()
    make, _ = CASES[code]
    (folder / "index.html").write_text(make(folder), encoding="utf-8")
    return folder


@pytest.mark.parametrize("code", sorted(CASES))
def test_warned_by_name_and_strict_refuses(code: str, tmp_path: Path) -> None:
    comp = composition(tmp_path, code)
    names = CASES[code][1]
    out = tmp_path / "out.mp4"
    with pytest.warns(RenderWarning) as caught:
        result = engine.render(comp, out, workers=1, capture={"url_map": URL_MAP})
    assert out.exists()
    found = [w for w in result.warnings if w["code"] == code]
    assert found, result.warnings
    element = next((n for n in ((names,) if isinstance(names, str) else names) if n in found[0]["element"]), None)
    assert element is not None, found
    assert any(element in str(w.message) for w in caught)
    strict_out = tmp_path / "strict.mp4"
    with pytest.raises(UnfaithfulRenderError, match="cannot be rendered faithfully") as refused:
        engine.render(comp, strict_out, workers=1, strict=True, capture={"url_map": URL_MAP})
    assert any(n in str(refused.value) for n in ((names,) if isinstance(names, str) else names))
    assert not strict_out.exists() and not list(tmp_path.glob(".strict.mp4*"))


def test_cli_prints_warnings_writes_them_to_stats_and_strict_exits_2(tmp_path: Path) -> None:
    comp = composition(tmp_path, "media-rate")
    stats = tmp_path / "stats.json"
    command = [sys.executable, "-m", "engine.render", str(comp), "-o", str(tmp_path / "v.mp4"), "--workers", "1",
               "--stats-json", str(stats)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    assert len(lines) == 1 and '<video id="clip" src="clip.mp4">' in lines[0], done.stderr
    assert "1 warning(s)" in done.stderr
    assert [w["code"] for w in json.loads(stats.read_text())["warnings"]] == ["media-rate"]
    strict = subprocess.run([*command[:5], str(tmp_path / "s.mp4"), "--strict"], capture_output=True, text=True,
                            timeout=120)
    assert strict.returncode == 2, strict.stderr
    assert "error:" in strict.stderr and "<video id=\"clip\"" in strict.stderr
    assert not (tmp_path / "s.mp4").exists()


def test_a_faithful_composition_has_no_warnings(tmp_path: Path, compositions_dir: Path) -> None:
    result = engine.render(compositions_dir / "scenes", tmp_path / "ok.mp4", workers=1, frames="0:3")
    assert result.warnings == []


def test_what_only_another_worker_met_is_in_the_stats_and_refused_by_strict(tmp_path: Path) -> None:
    folder = tmp_path / "late"
    folder.mkdir()
    (folder / "index.html").write_text(
        page('<script>setTimeout(() => { const v = document.createElement("video"); v.id = "late"; '
             'document.getElementById("root").appendChild(v); }, 800);</script>').replace('data-duration="0.3"',
                                                                                          'data-duration="1"'),
        encoding="utf-8")
    # contiguous shares: frames 5-9 (the video appears at 0.8 s) are worker 1's alone
    with pytest.warns(RenderWarning):
        result = engine.render(folder, tmp_path / "out.mp4", workers=2, path="hybrid", partition="contiguous")
    assert result.workers == 2 and [w["code"] for w in result.warnings] == ["video"]
    with pytest.raises(UnfaithfulRenderError, match='<video id="late">'):
        engine.render(folder, tmp_path / "strict.mp4", workers=2, path="hybrid", partition="contiguous", strict=True)
    assert not (tmp_path / "strict.mp4").exists()
