"""Animation libraries other than GSAP, registered the way HyperFrames' adapters expect
(engine/capture/adapters.js), in a real Chromium: anime.js (window.__hfAnime), lottie-web
(window.__hfLottie and lottie's own registry), d3 transitions (window.__hfD3, on the virtual
clock), the three.js / TypeGPU protocol (window.__hfThreeTime, __hfTypegpuTime and the "hf-seek"
event with waitUntil), dotLottie players; and the problems named."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import composition

from engine.capture import BrowserSession, PageScriptError

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]

VENDOR = Path(__file__).parent / "fixtures" / "vendor"
#: The CDN URLs HyperFrames' docs and fixtures load the libraries from, served from the vendored copies.
URL_MAP = {
    "https://cdn.jsdelivr.net/npm/animejs@4.5.0/dist/bundles/": str(VENDOR / "animejs"),
    "https://cdn.jsdelivr.net/npm/d3@7/dist/": str(VENDOR / "d3"),
    "https://cdnjs.cloudflare.com/ajax/libs/bodymovin/5.12.2/": str(VENDOR / "lottie"),
}
ANIME = '<script src="https://cdn.jsdelivr.net/npm/animejs@4.5.0/dist/bundles/anime.umd.min.js"></script>'
D3 = '<script src="https://cdn.jsdelivr.net/npm/d3@7/dist/d3.min.js"></script>'
LOTTIE = '<script src="https://cdnjs.cloudflare.com/ajax/libs/bodymovin/5.12.2/lottie_light.min.js"></script>'
WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def page(tmp_path: Path, body: str, head: str = "", *, width: int = 200, height: int = 40, duration: float = 2,
         files: dict[str, str] | None = None) -> Path:
    """A composition folder: black page of width x height, `head` in <head>, `body` in the root."""
    comp = composition(tmp_path / "comp", body, id="main", width=width, height=height, duration=duration, fps=10,
                       head='<meta charset="utf-8"><style>html,body{margin:0;background:#000} '
                            f'.box{{position:absolute;width:20px;height:20px;background:#fff}}</style>\n{head}')
    for name, text in (files or {}).items():
        (comp / name).write_text(text)
    return comp


def rgb(frame: np.ndarray, x: int, y: int) -> tuple[int, ...]:
    return tuple(int(v) for v in frame[y, x] >> 8)


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel, colour, strict=True))


def white_span(frame: np.ndarray, y: int) -> tuple[int, int]:
    """First and last x of the white pixels on row y."""
    xs = np.flatnonzero((frame[y] >> 8).min(axis=1) > 200)
    assert xs.size, f"nothing white on row {y}"
    return int(xs[0]), int(xs[-1])


def capture(comp: Path, times: list[float], **options: object) -> list[np.ndarray]:
    with BrowserSession(comp, url_map=URL_MAP, capture_format="png", **options) as session:
        return [session.capture_frame(t).copy() for t in times]


# ---- anime.js ----

def test_anime_animations_and_timelines_are_seeked(tmp_path: Path) -> None:
    """An anime.js v4 animation (x: 0 -> 160 px over 1 s) and a timeline (red -> blue), both with
    autoplay off, as HyperFrames documents: they move only if the adapter seeks them (ms)."""
    comp = page(tmp_path, """
<div class="box" id="mover" style="left:0;top:0"></div>
<div class="box" id="tint" style="left:180px;top:20px;background:#ff0000"></div>
<script>
  window.__hfAnime = window.__hfAnime || [];
  const anim = anime.animate('#mover', { x: 160, duration: 1000, ease: 'linear', autoplay: false });
  const tl = anime.createTimeline({ autoplay: false });
  tl.add('#tint', { backgroundColor: ['#ff0000', '#0000ff'], duration: 1000, ease: 'linear' }, 500);
  window.__hfAnime.push(anim, tl);
</script>""", head=ANIME)
    # out of order on purpose: anime.js seeks backwards as well
    f0, f05, f1, f15, f025 = capture(comp, [0, 0.5, 1.0, 1.5, 0.25])
    assert white_span(f0, 5) == (0, 19)
    assert white_span(f05, 5) == (80, 99)
    assert white_span(f1, 5) == (160, 179)
    assert white_span(f15, 5) == (160, 179)  # held at its end
    assert white_span(f025, 5) == (40, 59)
    assert near(rgb(f0, 190, 30), (255, 0, 0)) and near(rgb(f05, 190, 30), (255, 0, 0))  # the tint starts at 0.5 s
    mid = rgb(f1, 190, 30)
    # half way from red to blue (anime.js mixes colours in squared, about linear-light, values: 180 each)
    assert 120 < mid[0] < 200 and mid[1] < 20 and 120 < mid[2] < 200 and abs(mid[0] - mid[2]) < 10, mid
    assert near(rgb(f15, 190, 30), (0, 0, 255))


def test_anime_v3_running_instances_are_found_at_the_first_frame(tmp_path: Path) -> None:
    """anime.js v3 lists playing instances in anime.running: those there at the first frame are
    seeked without being registered (as HyperFrames discovers them before its first frame), one
    that turns up later is not; registered and running at once, an instance is seeked once."""
    comp = page(tmp_path, """
<div class="box" id="a" style="left:0;top:0"></div><div class="box" id="b" style="left:0;top:20px"></div>
<script>
  const box = (id) => ({ seeks: 0, seek(ms) { this.seeks++; document.getElementById(id).style.left = (ms / 10) + 'px'; } });
  const a = box('a');
  window.anime = { running: [a] };
  window.__hfAnime = [a];
  setTimeout(() => { window.anime.running.push(box('b')); if (a.seeks !== 1) throw new Error('seeked twice'); }, 100);
</script>""")
    frames = capture(comp, [0, 0.5])
    assert white_span(frames[1], 5) == (50, 69)
    assert white_span(frames[1], 30) == (0, 19)


def test_anime_problems_are_named(tmp_path: Path) -> None:
    comp = page(tmp_path, """
<script>
  window.__hfAnime = [null, { seek() {} }, { seek(ms) { if (ms > 400) throw new Error('boom at ' + ms); } }, {}];
</script>""")
    with BrowserSession(comp, capture_format="png") as session:
        with pytest.raises(PageScriptError, match=r"window\.__hfAnime\[3\] has no seek\(ms\)"):
            session.capture_frame(0.2)
        with pytest.raises(PageScriptError, match=r"window\.__hfAnime\[2\]\.seek threw: boom at 500"):
            session.capture_frame(0.5)
    comp = page(tmp_path / "single", "<script>window.__hfAnime = { seek() {} };</script>")
    with BrowserSession(comp, capture_format="png") as session, \
            pytest.raises(PageScriptError, match=r"window\.__hfAnime is not an array \(object\)"):
        session.capture_frame(0)


def test_a_seek_returning_a_promise_is_awaited(tmp_path: Path) -> None:
    """A registered object whose seek resolves later (after a request): the frame waits for it;
    a rejected one is an error naming the instance."""
    comp = page(tmp_path, """
<div class="box" id="late" style="left:0;top:0"></div>
<script>
  window.__hfAnime = [{
    seek(ms) {
      return fetch('x.txt').then((r) => r.text()).then((text) => {
        if (ms > 1500) throw new Error('cannot seek past ' + text.trim());
        document.getElementById('late').style.left = (ms / 10) + 'px';
      });
    },
  }];
</script>""", files={"x.txt": "1.5 s\n"})
    with BrowserSession(comp, capture_format="png") as session:
        for t in (0.3, 1.2, 0.6):
            assert white_span(session.capture_frame(t), 5) == (round(t * 100), round(t * 100) + 19)
        with pytest.raises(PageScriptError, match=r"window\.__hfAnime\[0\]\.seek\(1600\) rejected: cannot seek past 1\.5 s"):
            session.capture_frame(1.6)


# ---- d3 ----

def test_d3_transitions_run_on_the_virtual_clock(tmp_path: Path) -> None:
    """d3 transitions registered in window.__hfD3 (as HyperFrames' d3 fixture does): d3-timer runs
    on the engine's virtual clock, so each frame shows the transition at its time; one starts at
    once, one after a 500 ms delay (a d3 timer on setTimeout)."""
    comp = page(tmp_path, """
<svg width="200" height="40" style="position:absolute;left:0;top:0">
  <rect id="bar" x="0" y="0" width="20" height="20" fill="#fff"></rect>
  <rect id="late" x="0" y="20" width="20" height="20" fill="#fff"></rect>
</svg>
<script>
  window.__hfD3 = window.__hfD3 || [];
  const bar = d3.select('#bar').transition().duration(1000).ease(d3.easeLinear).attr('x', 160);
  const late = d3.select('#late').transition().delay(500).duration(1000).ease(d3.easeLinear).attr('x', 160);
  window.__hfD3 = [bar, late];
</script>""", head=D3)
    frames = capture(comp, [0, 0.5, 1.0, 1.5, 1.9])
    bars = [white_span(f, 5) for f in frames]
    lates = [white_span(f, 30) for f in frames]
    assert bars == [(0, 19), (80, 99), (160, 179), (160, 179), (160, 179)]
    assert lates == [(0, 19), (0, 19), (80, 99), (160, 179), (160, 179)]


# ---- lottie ----

def lottie_json() -> str:
    """A 200x40 Lottie, 30 fps, 2 s: a 20x20 white square whose centre moves from x=10 to x=170
    over the first second (frames 0-30), linearly."""
    square = {
        "ty": "gr", "nm": "g", "it": [
            {"ty": "rc", "nm": "r", "d": 1, "s": {"a": 0, "k": [20, 20]}, "p": {"a": 0, "k": [0, 0]}, "r": {"a": 0, "k": 0}},
            {"ty": "fl", "nm": "f", "c": {"a": 0, "k": [1, 1, 1, 1]}, "o": {"a": 0, "k": 100}, "r": 1},
            {"ty": "tr", "p": {"a": 0, "k": [0, 0]}, "a": {"a": 0, "k": [0, 0]}, "s": {"a": 0, "k": [100, 100]},
             "r": {"a": 0, "k": 0}, "o": {"a": 0, "k": 100}, "sk": {"a": 0, "k": 0}, "sa": {"a": 0, "k": 0}},
        ],
    }
    linear = {"o": {"x": [0], "y": [0]}, "i": {"x": [1], "y": [1]}}
    layer = {
        "ddd": 0, "ind": 1, "ty": 4, "nm": "box", "sr": 1, "ao": 0, "ip": 0, "op": 60, "st": 0, "bm": 0,
        "ks": {"o": {"a": 0, "k": 100}, "r": {"a": 0, "k": 0}, "a": {"a": 0, "k": [0, 0, 0]},
               "s": {"a": 0, "k": [100, 100, 100]},
               "p": {"a": 1, "k": [{"t": 0, "s": [10, 10, 0], "e": [170, 10, 0], **linear}, {"t": 30, "s": [170, 10, 0]}]}},
        "shapes": [square],
    }
    return json.dumps({"v": "5.7.4", "fr": 30, "ip": 0, "op": 60, "w": 200, "h": 40, "nm": "t", "ddd": 0,
                       "assets": [], "layers": [layer]})


def test_lottie_animations_are_seeked(tmp_path: Path) -> None:
    """Two lottie-web animations with autoplay off: one with inline data registered in
    window.__hfLottie, one loaded from a path and not registered (found through
    lottie.getRegisteredAnimations(), as HyperFrames does), whose data is still on its way at the
    first frame: that frame waits for it."""
    comp = page(tmp_path, f"""
<div id="a" style="position:absolute;left:0;top:0;width:200px;height:20px;overflow:hidden"></div>
<div id="b" style="position:absolute;left:0;top:20px;width:200px;height:20px;overflow:hidden"></div>
<script>
  const data = {lottie_json()};
  const a = lottie.loadAnimation({{ container: document.getElementById('a'), renderer: 'svg', loop: false,
                                    autoplay: false, animationData: data,
                                    rendererSettings: {{ preserveAspectRatio: 'xMinYMin slice' }} }});
  window.__hfLottie = window.__hfLottie || [];
  window.__hfLottie.push(a);
  // started by the first frame's requestAnimationFrame round: its request is still out when it is seeked
  requestAnimationFrame(() => lottie.loadAnimation({{ container: document.getElementById('b'), renderer: 'svg', loop: false,
                                          autoplay: false, path: 'box.json',
                                          rendererSettings: {{ preserveAspectRatio: 'xMinYMin slice' }} }}));
</script>""", head=LOTTIE, files={"box.json": lottie_json()})
    frames = capture(comp, [0, 0.5, 1.5, 0.25])
    expected = [(0, 19), (80, 99), (160, 179), (40, 59)]
    assert [white_span(f, 5) for f in frames] == expected   # inline data, registered
    assert [white_span(f, 25) for f in frames] == expected  # loaded from box.json, discovered


def test_dotlottie_players_get_frames(tmp_path: Path) -> None:
    """dotLottie players (no real player here: its WebAssembly renderer is not vendored) get the
    calls HyperFrames' adapter makes, in its units: setCurrentRawFrameValue(t * frameRate) clamped
    to the last frame, seek(percent of duration); and setFrame(frame) for later players."""
    comp = page(tmp_path, """
<div id="log" style="position:absolute;left:0;top:0;width:200px;height:20px"></div>
<script>
  const calls = [];
  const player = (extra) => Object.assign({ pause() {}, totalFrames: 60, duration: 2 }, extra);
  window.__hfLottie = [
    player({ frameRate: 30, setCurrentRawFrameValue(f) { calls.push('raw ' + f); } }),
    player({ seek(p) { calls.push('seek ' + p); } }),
    player({ setFrame(f) { calls.push('frame ' + f); } }),
  ];
  window.addEventListener('hf-seek', (e) => {  // sent after the lottie seeks: check this seek's calls
    const expected = { 0.5: 'raw 15,seek 25,frame 15', 3: 'raw 59,seek 100,frame 59' }[e.detail.time];
    document.getElementById('log').style.background = calls.join(',') === expected ? '#fff' : '#f00';
    calls.length = 0;
  });
</script>""", duration=3)
    for frame in capture(comp, [0.5, 3]):
        assert near(rgb(frame, 100, 10), WHITE), rgb(frame, 100, 10)


def test_lottie_problems_are_named(tmp_path: Path) -> None:
    comp = page(tmp_path, "<script>window.__hfLottie = [{ play() {} }];</script>")
    with BrowserSession(comp, capture_format="png") as session, \
            pytest.raises(PageScriptError, match=r"window\.__hfLottie\[0\] is neither a lottie-web animation"):
        session.capture_frame(0)


# ---- three.js / TypeGPU: globals and the hf-seek event ----

def test_hf_seek_event_and_time_globals(tmp_path: Path) -> None:
    """A canvas drawn from the hf-seek event (as HyperFrames' three.js and WebGPU compositions do):
    detail.time in seconds, __hfThreeTime and __hfTypegpuTime set before it, and work registered
    with detail.waitUntil awaited before the capture."""
    comp = page(tmp_path, """
<canvas id="c" width="200" height="40" style="position:absolute;left:0;top:0"></canvas>
<script>
  const ctx = document.getElementById('c').getContext('2d');
  window.__hfThreeTime = 0;
  window.addEventListener('hf-seek', (e) => {
    const t = e.detail.time;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, 200, 40);
    ctx.fillStyle = '#fff';
    ctx.fillRect(window.__hfThreeTime * 100, 0, 20, 20);
    // drawn only once a request has come back: the frame must wait for it
    e.detail.waitUntil(fetch('x.txt').then(() => {
      ctx.fillStyle = '#fff';
      ctx.fillRect(window.__hfTypegpuTime * 100, 20, 20, 20);
    }));
    if (t !== window.__hfThreeTime || t !== window.__hfTypegpuTime) throw new Error('globals not set');
  });
</script>""", files={"x.txt": "x"})
    frames = capture(comp, [0, 0.4, 1.6, 1.0])
    for frame, t in zip(frames, [0, 0.4, 1.6, 1.0], strict=True):
        x = round(t * 100)
        assert white_span(frame, 5) == (x, x + 19)
        assert white_span(frame, 30) == (x, x + 19)


def test_three_loading_manager_is_waited_for(tmp_path: Path) -> None:
    """Items in flight on THREE.DefaultLoadingManager (a texture, say) hold the frame until they
    are loaded, then hf-seek is sent again so the scene draws with them (HyperFrames waits for
    them before its first frame). A stand-in THREE: the real one is not vendored."""
    comp = page(tmp_path, """
<canvas id="c" width="200" height="40" style="position:absolute;left:0;top:0"></canvas>
<script>
  window.THREE = { DefaultLoadingManager: { itemsLoaded: 0, itemsTotal: 0 } };
  const mgr = THREE.DefaultLoadingManager;
  const ctx = document.getElementById('c').getContext('2d');
  let texture = null;
  requestAnimationFrame(() => {  // the first frame's round: the request is out when the adapters run
    mgr.itemsTotal++;
    fetch('x.txt').then((r) => r.text()).then((text) => { texture = text; mgr.itemsLoaded++; });
  });
  window.addEventListener('hf-seek', (e) => {
    ctx.clearRect(0, 0, 200, 40);
    ctx.fillStyle = '#fff';
    if (texture) ctx.fillRect(e.detail.time * 100, 0, 20, 20);
  });
</script>""", files={"x.txt": "x"})
    frames = capture(comp, [0, 0.5])
    assert white_span(frames[0], 5) == (0, 19)
    assert white_span(frames[1], 5) == (50, 69)


def test_waituntil_after_the_event_is_refused(tmp_path: Path) -> None:
    comp = page(tmp_path, """
<script>
  window.addEventListener('hf-seek', (e) => {
    Promise.resolve().then(() => { e.detail.waitUntil(Promise.resolve()); });
  });
</script>""")
    with BrowserSession(comp, capture_format="png") as session, \
            pytest.raises(PageScriptError, match="hf-seek waitUntil\\(\\) must be called synchronously"):
        session.capture_frame(0)
        session.capture_frame(0.1)  # the error surfaces at the latest with the next call


def test_the_adapters_global_is_frozen_and_hidden(tmp_path: Path) -> None:
    comp = page(tmp_path, """
<div class="box" id="probe" style="left:0;top:0"></div>
<script>
  const a = window.__hfEngineAdapters;
  const ok = typeof a.seek === 'function' && Object.isFrozen(a) && !Object.keys(window).includes('__hfEngineAdapters')
    && !('__hfAnime' in window) && !('__hfLottie' in window) && !('__hfD3' in window) && !('__hfThreeTime' in window);
  try { window.__hfEngineAdapters = null; } catch (e) {}
  document.getElementById('probe').style.left = (ok && window.__hfEngineAdapters === a) ? '100px' : '0';
</script>""")
    (frame,) = capture(comp, [0])
    assert white_span(frame, 5) == (100, 119)


def test_a_raf_draw_loop_reading_the_frame_time_sees_this_frames_time(tmp_path: Path) -> None:
    """A three.js-style page that draws in requestAnimationFrame from window.__hfThreeTime: the
    time global is set before the page's rAF callbacks run, so each frame draws its own time."""
    comp = page(tmp_path, """
<div class="box" id="mover" style="left:0;top:0"></div>
<script>
  const mover = document.getElementById('mover');
  const loop = () => { mover.style.left = `${Math.round((window.__hfThreeTime || 0) * 100)}px`; requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
</script>""")
    frames = capture(comp, [0.5, 1.2, 0.3])
    assert [white_span(f, 10)[0] for f in frames] == [50, 120, 30]


# ---- maps (readiness only) ----

FAKE_MAPS = """
<div class="box" id="a" style="left:10px;top:10px;background:#000"></div>
<div class="box" id="b" style="left:50px;top:10px;background:#000"></div>
<script>
  // Stand-ins with the readiness API of Leaflet and Mapbox GL: ready once their "tiles" (a local
  // file, fetched in real time) arrived, which paints their box white.
  const leaflet = { ready: false, waiting: [], whenReady(cb) { this.ready ? cb() : this.waiting.push(cb); } };
  const mapbox = { done: false, handlers: [], loaded() { return this.done; },
                   on(event, cb) { if (event === 'load') this.handlers.push(cb); } };
  window.__hfLeaflet = [leaflet];
  window.__hfMapbox = [mapbox];
  // many round trips, started after the load event: still in flight when the page is first seeked
  const trips = (n) => (n ? fetch('tiles.json?' + n).then((r) => r.json()).then(() => trips(n - 1)) : Promise.resolve());
  window.addEventListener('load', () => {
    trips(40).then(() => {
      document.getElementById('a').style.background = '#fff';
      leaflet.ready = true; leaflet.waiting.forEach((cb) => cb());
    });
    trips(60).then(() => {
      document.getElementById('b').style.background = '#fff';
      mapbox.done = true; mapbox.handlers.forEach((cb) => cb());
    });
  });
</script>"""


def test_maps_are_waited_for_before_the_first_frame(tmp_path: Path) -> None:
    comp = page(tmp_path, FAKE_MAPS, files={"tiles.json": "{}"})
    [frame] = capture(comp, [0.0])
    assert near(rgb(frame, 20, 20), WHITE) and near(rgb(frame, 60, 20), WHITE)


def test_map_problems_are_named(tmp_path: Path) -> None:
    comp = page(tmp_path, "<script>window.__hfMapbox = [{ on() {} }]; window.__hfLeaflet = {};</script>")
    with BrowserSession(comp, capture_format="png") as session:
        with pytest.raises(PageScriptError, match=r"window\.__hfLeaflet is not an array of maps.*"
                                                  r"window\.__hfMapbox\[0\] is not a Mapbox GL map"):
            session.capture_frame(0)
