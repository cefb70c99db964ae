"""`engine.render.stills.StillSession`: a page kept loaded and seeked gives exactly the pixels of a
``--still T --quality high`` render (real Chromium, real blends, real PyAV), at times asked in any
order, inside a transition and with a native video layer; nothing outlives `close`."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import numpy as np
import pytest
from helpers import composition
from media_gen import read_frame_number, write_numbered_video

import engine
from engine.errors import ConfigError, EngineError
from engine.render.stills import StillSession

pytestmark = pytest.mark.browser

W, H, FPS = 320, 180, 30
SCENES = """
<style>.scene{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;font:32px "DejaVu Sans"}
#a{background:radial-gradient(circle at 30% 30%,#3a6df0,#101a40 70%);color:#fff}
#b{background:linear-gradient(135deg,#1d2b1f,#3f8f4f);color:#ff0}
#box{position:absolute;left:0;top:120px;width:40px;height:40px;background:#e33;animation:mv 2s linear both}
@keyframes mv{to{left:280px;transform:rotate(360deg)}}</style>
<section class="scene clip" id="a" data-start="0" data-duration="1.5"><h1>A</h1><div id="box"></div></section>
<section class="scene clip" id="b" data-start="1" data-duration="1"><h1>B</h1></section>
<hf-transition data-shader="crossfade" data-time="1" data-duration="0.5" data-from="a" data-to="b"></hf-transition>
"""


def rendered(comp: Path, t: str, out: Path, **options: object) -> np.ndarray:
    """The pixels of ``--still t --quality high`` (engine.render, the CLI's code path), decoded from its PNG."""
    engine.render(comp, out, still=t, quality="high", **options)
    with av.open(str(out)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb48le")


def test_warm_stills_equal_the_still_render(tmp_path: Path, chromium_leak_check: None) -> None:
    comp = composition(tmp_path / "comp", SCENES, id="s", width=W, height=H, duration=2, fps=FPS)
    times = ["1.7", "0", "1.2", "0.5", "1.2", "31/30"]  # backwards, a transition frame, one asked twice
    with StillSession(comp) as stills:
        assert stills.frame_index("31/30") == 31 and stills.plan.frame(stills.frame_index("1.2")).is_transition
        got = {t: stills.frame(t) for t in times}
        png = stills.png("1.2")
        assert stills.frames == len(times) + 1
    assert stills.closed
    for n, t in enumerate(dict.fromkeys(times)):
        expected = rendered(comp, t, tmp_path / f"still{n}.png")
        assert got[t].dtype == np.uint16 and got[t].shape == (H, W, 3)
        assert np.array_equal(got[t], expected), f"t={t}: the warm still differs from --still"
    assert not np.array_equal(got["0"], got["0.5"])  # the box moved: the times were really seeked
    (tmp_path / "p.png").write_bytes(png)
    with av.open(str(tmp_path / "p.png")) as container:
        assert np.array_equal(next(container.decode(video=0)).to_ndarray(format="rgb48le"), got["1.2"])
    with pytest.raises(EngineError, match="closed"):
        stills.frame(0)


def test_native_video_layer_frames_equal_the_still_render(tmp_path: Path, chromium_leak_check: None) -> None:
    comp = tmp_path / "video"
    comp.mkdir()
    write_numbered_video(comp / "count.mp4", frames=48, fps=24, size=(160, 96))
    composition(comp, '<video class="v clip" id="v" src="count.mp4" data-start="0.5" data-duration="1.5" muted></video>',
                id="m", width=W, height=H, duration=2, fps=FPS,
                head="<style>body{background:#000} .v{position:absolute;left:40px;top:30px;width:160px;"
                     "height:96px;object-fit:fill}</style>")
    times = ["1.5", "0.7", "1.9", "0.2"]  # random access into the video, and a frame before it starts
    with StillSession(comp) as stills:
        got = {t: stills.frame(t) for t in times}
    result = engine.render(comp, tmp_path / "check.png", still="1.5", quality="high")
    assert result.video_layers, "the video was not composited as a native layer (the test would not test it)"
    for n, t in enumerate(times):
        assert np.array_equal(got[t], rendered(comp, t, tmp_path / f"v{n}.png")), f"t={t}: differs from --still"
    x, y = 40, 30
    for t in ("1.5", "0.7", "1.9"):  # and each shows the source frame of its time
        assert read_frame_number(got[t][y:y + 96, x:x + 160]) == min(47, int((float(t) - 0.5) * 24 + 1e-9))


def test_variables_and_bad_options(tmp_path: Path, chromium_leak_check: None) -> None:
    comp = composition(tmp_path / "vars", '<div id="t" style="position:absolute;inset:0"></div>'
                       '<script>document.getElementById("t").style.background='
                       'window.__hyperframes.getVariables().colour</script>',
                       id="v", width=64, height=36, duration=1, fps=10,
                       data_composition_variables='[{&quot;id&quot;:&quot;colour&quot;,&quot;type&quot;:&quot;string'
                                                  '&quot;,&quot;default&quot;:&quot;#00f&quot;}]')
    with StillSession(comp, variables={"colour": "#f00"}) as stills:
        red = stills.frame(0.5)
        with pytest.raises(ConfigError, match="lasts 1 s"):
            stills.frame(1)
    assert tuple(red[18, 32] >> 8) == (255, 0, 0)  # the value reached the page
    assert np.array_equal(red, rendered(comp, "0.5", tmp_path / "v.png", variables={"colour": "#f00"}))
    with pytest.raises(ConfigError, match="does not take still"):
        StillSession(comp, still=1)
    with pytest.raises(ConfigError, match=r"unknown StillSession option\(s\): qualty; expected some of: .*quality"):
        StillSession(comp, qualty="high")  # type: ignore[call-arg]
    shutil.rmtree(comp)
