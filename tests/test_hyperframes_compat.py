"""HyperFrames compositions as their authors write them, rendered in a real Chromium: the shader
library (`HyperShader.init`, vendored from npm) in render mode, the globals HyperFrames' runtime
predefines, and GSAP's frame 0."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from helpers import composition, decode_video

import engine
from engine.capture import load_plan
from engine.composition.hypershader import accent_colors, from_hypershader

FIXTURES = Path(__file__).parent / "fixtures"
VENDOR = FIXTURES / "vendor"
HYPERSHADER = FIXTURES / "compositions" / "hypershader"
#: What the fixtures load from the CDN, served from the vendored copies.
URL_MAP = {
    "https://cdn.jsdelivr.net/npm/gsap@3/dist/": str(VENDOR / "gsap"),
    "https://cdn.jsdelivr.net/npm/@hyperframes/shader-transitions@0.8.41/dist/": str(VENDOR / "shader-transitions"),
}
RED, GREEN, BLUE = (220, 40, 40), (40, 200, 60), (40, 60, 220)

browser = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]


def near(pixel: np.ndarray, colour: tuple[int, int, int], tol: int = 12) -> bool:
    return bool(np.all(np.abs(pixel - np.array(colour)) <= tol))


# ---- pure: the library's published transitions and accent colour ----

def test_accent_colors_follow_the_library() -> None:
    colours = accent_colors("#22aaff")
    r, g, b = 0x22 / 255, 0xAA / 255, 1.0
    assert colours["accent"] == pytest.approx((r, g, b))
    assert colours["dark"] == pytest.approx((r * 0.35, g * 0.35, b * 0.35))
    assert colours["bright"] == pytest.approx((min(1, r * 1.5 + 0.2), min(1, g * 1.5 + 0.2), 1.0))
    assert accent_colors("#abc")["accent"] == (0.5, 0.5, 0.5)  # the library's fallback


def test_crossfades_are_left_to_the_page_and_accents_become_parameters() -> None:
    published = [
        {"time": 1, "duration": 0.5, "shader": "light-leak", "ease": "power2.inOut", "fromScene": "a", "toScene": "b"},
        {"time": 2, "duration": 0.5, "ease": "none", "fromScene": "b", "toScene": "c"},
        {"time": 3, "duration": 0.5, "shader": "glitch", "ease": "none", "fromScene": "c", "toScene": "d"},
    ]
    blended, page_drawn = from_hypershader(published, {"accentColor": "#ff0000"})
    assert [e["shader"] for e in blended] == ["light-leak", "glitch"]
    assert blended[0]["params"] == {"leak_color": pytest.approx((1.0, 0.0, 0.0)),
                                    "flare_color": pytest.approx((1.0, 0.2, 0.2))}
    assert blended[1]["params"] == {}
    assert len(page_drawn) == 1 and "'b' -> 'c'" in page_drawn[0]
    blended, _ = from_hypershader(published, {"accentColor": None})
    assert blended[0]["params"] == {}  # no accent given: the built-in's own colours


# ---- in Chromium ----

@pytest.mark.parametrize("shader", ["glitch", "light-leak"])
@pytest.mark.browser
def test_hypershader_library_publishes_its_transitions(shader: str, tmp_path: Path, chromium_leak_check: None) -> None:
    comp = tmp_path / "comp"
    shutil.copytree(HYPERSHADER, comp)
    html = comp / "index.html"
    html.write_text(html.read_text().replace('shader: "glitch"', f'shader: "{shader}"'))
    plan = load_plan(comp, url_map=URL_MAP)
    assert [(float(t.time), float(t.duration), t.shader, t.ease, t.from_scene, t.to_scene) for t in plan.transitions] \
        == [(1.0, 0.5, shader, "power2.inOut", "s1", "s2")]  # the crossfade (no shader) is the page's own
    if shader == "light-leak":
        colours = accent_colors("#22aaff")
        assert plan.transitions[0].params["leak_color"] == pytest.approx(colours["accent"])
        assert plan.transitions[0].params["flare_color"] == pytest.approx(colours["bright"])


@pytest.mark.browser
def test_hypershader_composition_renders_both_transitions(tmp_path: Path, chromium_leak_check: None) -> None:
    out = tmp_path / "hs.mp4"
    result = engine.render(HYPERSHADER, out, workers=2, capture={"url_map": URL_MAP})
    assert result.backend != "none" and result.warnings == []
    frames = [f.astype(int) for f in decode_video(out).frames]
    assert len(frames) == 30  # 3 s at 10 fps
    centre = [f[45, 80] for f in frames]
    for i in range(0, 10):  # before the glitch: scene 1 only (frame 0 included: GSAP's set() at 0 applied)
        assert near(centre[i], RED), (i, centre[i])
    for i in range(15, 21):  # between the glitch and the crossfade: scene 2
        assert near(centre[i], GREEN), (i, centre[i])
    for i in range(25, 30):  # after the crossfade: scene 3
        assert near(centre[i], BLUE), (i, centre[i])
    glitched = [i for i in range(11, 15) if not near(centre[i], RED) or not np.array_equal(frames[i], frames[9])]
    assert glitched, "the glitch window shows no blend"
    mid = frames[12].reshape(-1, 3)
    reds = np.all(np.abs(mid - RED) <= 30, axis=1).mean()
    greens = np.all(np.abs(mid - GREEN) <= 30, axis=1).mean()
    assert reds > 0.01 and greens > 0.01, (reds, greens)  # both scenes in the blended frame
    # the page's own crossfade (ease none): halfway at t=2.2 both scenes show through
    assert centre[22][1] < GREEN[1] - 40 and centre[22][2] > GREEN[2] + 20, centre[22]
    # the white dot slides in with GSAP's from(): off to the right at 0, at x=10..30 by t=0.9
    assert near(frames[9][20, 20], (255, 255, 255), 30) and near(frames[0][20, 20], RED)


@pytest.mark.browser
def test_predefined_globals_and_gsap_frame_zero(tmp_path: Path, chromium_leak_check: None) -> None:
    """window.__timelines["id"] = tl without creating the object, and a GSAP set() and from() at 0
    that must show in frame 0."""
    comp = tmp_path / "globals"
    comp.mkdir()
    (comp / "index.html").write_text("""<!doctype html><html><head><meta charset="utf-8">
<style>html,body{margin:0;background:#000} .box{position:absolute;top:0;width:40px;height:36px;background:#fff}</style>
<script src="https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"></script></head><body>
<div id="root" data-composition-id="main" data-width="80" data-height="36" data-duration="1" data-fps="10">
  <div class="box" id="left" style="left:0"></div><div class="box" id="right" style="left:40px"></div>
</div>
<script>
  const tl = gsap.timeline({ paused: true });
  tl.set("#left", { opacity: 0 }, 0);
  tl.from("#right", { opacity: 0, duration: 1, ease: "none" }, 0);
  window.__timelines["main"] = tl;
  window.__hf.ready = Promise.resolve();
</script></body></html>""")
    out = tmp_path / "g.mp4"
    engine.render(comp, out, workers=1, quality="high", capture={"url_map": URL_MAP})
    frames = [f.astype(int) for f in decode_video(out).frames]
    assert frames[0][18, 20].max() < 20 and frames[0][18, 60].max() < 20  # both invisible at frame 0
    assert frames[5][18, 20].max() < 20 and 100 < frames[5][18, 60].min() < 160  # from(): half way at 0.5 s


@pytest.mark.browser
def test_without_data_duration_the_root_timeline_gives_the_duration(tmp_path: Path, chromium_leak_check: None) -> None:
    page = """<!doctype html><html><head><script src="https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"></script>
</head><body><div id="root" data-composition-id="main" data-width="32" data-height="32" data-fps="10">
<div id="box" style="width:8px;height:8px;background:#fff"></div></div>
<script>{}</script></body></html>"""
    comp = tmp_path / "timed"
    comp.mkdir()
    (comp / "index.html").write_text(page.format(
        'window.__timelines["main"] = gsap.timeline({paused: true}).to("#box", {x: 20, duration: 1.5});'))
    plan = load_plan(comp, url_map=URL_MAP)
    assert plan.duration == Fraction(3, 2) and plan.frame_count == 15 and plan.duration_from_timeline
    (comp / "index.html").write_text(page.format("window.__timelines['other'] = gsap.timeline({paused: true});"))
    with pytest.raises(engine.CompositionError, match=r"has no data-duration; expected a positive number, or a "
                                                      r"timeline with a duration registered as window.__timelines\['main'\]"):
        load_plan(comp, url_map=URL_MAP)


@pytest.mark.browser
def test_same_origin_iframes_run_on_the_virtual_clock(tmp_path: Path, chromium_leak_check: None) -> None:
    """An iframe whose page animates with requestAnimationFrame (x = timestamp / 10 px) shows each
    frame's own time, forwards and backwards, and is no warning."""
    comp = composition(tmp_path / "iframe", '<iframe id="embed" src="inner.html"></iframe>', id="main", width=200,
                       height=40, duration=2, fps=10, head="<style>html,body{margin:0;background:#000}\n"
                       "iframe{border:0;position:absolute;left:0;top:0;width:200px;height:40px}</style>")
    (comp / "inner.html").write_text("""<!doctype html><html><body style="margin:0;background:#000">
<div id="b" style="position:absolute;top:0;width:20px;height:20px;background:#fff"></div><script>
const b = document.getElementById('b');
const loop = (ts) => { b.style.left = `${Math.round(ts / 10)}px`; requestAnimationFrame(loop); };
requestAnimationFrame(loop);</script></body></html>""")
    with engine.BrowserSession(comp, capture_format="png") as session:
        assert session.warnings == []
        lefts = []
        for t in (0.5, 1.2, 0.3):
            row = session.capture_frame(t)[10] >> 8
            lefts.append(int(np.flatnonzero(row.min(axis=1) > 200)[0]))
    assert lefts == [50, 120, 30]
