"""Write the side-by-side comparison compositions (HyperFrames' form and this engine's form).

    .venv/bin/python bench/compare/make_compositions.py      # rewrites the folders beside this file

One template per composition, so both forms show the same scenes, times, text and shaders:

- ``plain-{hf,engine}-{360p,720p}``: clips and a GSAP timeline, 4 s at 30 fps.  The two forms
  differ only in where GSAP comes from.
- ``shaders-{hf,engine}-{360p,720p}``: three scenes joined by two shader transitions
  (``glitch`` at 1.2 s, ``cross-warp-morph`` at 2.6 s, 0.6 s each, ``power2.inOut``), 4 s at
  30 fps, with GSAP animating inside every scene.  HyperFrames' form declares the transitions
  with ``HyperShader.init`` (its shader-transitions package) and keeps all three scenes on
  screen (HyperShader flips their opacity); this engine's form makes each scene a clip spanning
  its transitions and declares ``<hf-transition>`` elements.

GSAP is not vendored here: its npm package carries no license text, only a link to GreenSock's
"standard no-charge license".  Both forms load it as HyperFrames' own templates do, and the
benchmark supplies the file from a local npm install:

- this engine's form loads ``https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js``, served
  offline by ``--map-url https://cdn.jsdelivr.net/npm/gsap@3/dist/=HF_ROOT/node_modules/gsap/dist``;
- HyperFrames' form loads ``vendor/gsap.min.js`` and ``vendor/hyper-shader.js`` (HyperFrames'
  shader-transitions IIFE), which ``bench/compare_hyperframes.py`` copies into a staged copy
  of the folder (nothing of HyperFrames is kept in this repository; the renderer cannot map a
  CDN URL and this machine has no network).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"360p": (640, 360), "720p": (1280, 720)}
GSAP_CDN = "https://cdn.jsdelivr.net/npm/gsap@3/dist/gsap.min.js"
DURATION = 4
FPS = 30
# (time, duration, shader, from scene, to scene): the same in both forms.
TRANSITIONS = [(1.2, 0.6, "glitch", "s1", "s2"), (2.6, 0.6, "cross-warp-morph", "s2", "s3")]
EASE = "power2.inOut"

HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width={w}, height={h}">
<title>{title}</title>
{scripts}
<style>
  * {{ box-sizing: border-box; }}
  html, body {{ margin: 0; width: {w}px; height: {h}px; overflow: hidden; background: #0a0a0a; }}
  /* Styles on the composition root, as HyperFrames' templates put them. */
  #root {{ position: relative; width: {w}px; height: {h}px; overflow: hidden;
           font-family: "DejaVu Serif", serif; color: #f4f4f5; }}
{css}
</style>
</head>
<body>
"""

PLAIN_CSS = """  #root {{ background: linear-gradient(135deg, #1d2b64, #6a2a90); }}
  #title {{ position: absolute; left: {x1}px; top: {y1}px; margin: 0; font-size: {f1}px; font-weight: bold; }}
  #sub {{ position: absolute; left: {x1}px; top: {y2}px; margin: 0; font-size: {f2}px; font-style: italic; }}
  #box {{ position: absolute; left: {x1}px; top: {y3}px; width: {b}px; height: {b}px;
          border-radius: {r}px; background: #ffb347; }}
  #bar {{ position: absolute; left: {x1}px; bottom: {y4}px; width: {bw}px; height: {bh}px;
          background: rgba(255,255,255,0.25); border-radius: {bh}px; }}
  #fill {{ width: 100%; height: 100%; background: #c7ff9e; border-radius: {bh}px; transform-origin: 0 50%; }}
  #badge {{ position: absolute; right: {x1}px; top: {y1}px; padding: {p}px {p2}px; font-size: {f2}px;
            background: #f0c23a; color: #201000; border-radius: {r}px; font-family: "DejaVu Sans Mono", monospace; }}
"""

PLAIN_BODY = """<div id="root" data-composition-id="main" data-start="0" data-duration="{dur}"
     data-width="{w}" data-height="{h}" data-fps="{fps}">
  <h1 id="title" class="clip" data-start="0" data-duration="{dur}" data-track-index="0">Typeset in Serif</h1>
  <p id="sub" class="clip" data-start="1" data-duration="3" data-track-index="1">clips, a GSAP timeline, 30 fps</p>
  <div id="box" class="clip" data-start="0" data-duration="{dur}" data-track-index="2"></div>
  <div id="bar" class="clip" data-start="0" data-duration="{dur}" data-track-index="3"><div id="fill"></div></div>
  <div id="badge" class="clip" data-start="2.5" data-duration="1.5" data-track-index="4">mono 2.5s</div>
</div>
<script>
  const tl = gsap.timeline({{ paused: true }});
  tl.fromTo("#title", {{ opacity: 0, y: {dy} }}, {{ opacity: 1, y: 0, duration: 0.8, ease: "power2.out" }}, 0);
  tl.fromTo("#sub", {{ opacity: 0, x: -{dy} }}, {{ opacity: 1, x: 0, duration: 0.6 }}, 1);
  tl.fromTo("#box", {{ x: 0, rotation: 0 }}, {{ x: {travel}, rotation: 360, duration: 4, ease: "none" }}, 0);
  tl.fromTo("#fill", {{ scaleX: 0 }}, {{ scaleX: 1, duration: 4, ease: "none" }}, 0);
  tl.fromTo("#badge", {{ scale: 0.5 }}, {{ scale: 1, duration: 0.5, ease: "back.out(2)" }}, 2.5);
  window.__timelines = window.__timelines || {{}};
  window.__timelines["main"] = tl;
</script>
</body>
</html>
"""

SHADER_CSS = """  .scene {{ position: absolute; inset: 0; display: flex; flex-direction: column;
            align-items: center; justify-content: center; }}
  .scene h2 {{ margin: 0; font-size: {f1}px; }}
  .scene p {{ margin: {m}px 0 0; font-size: {f2}px; font-style: italic; }}
  .dot {{ position: absolute; left: {x1}px; top: {y1}px; width: {b}px; height: {b}px; border-radius: 50%;
          background: #ffffff; }}
  #s1 {{ background: linear-gradient(135deg, #203a80, #6a2a90); }}
  #s2 {{ background: radial-gradient(circle at 30% 40%, #2f8f4f, #10301a 75%); }}
  #s3 {{ background: linear-gradient(45deg, #a04010, #f0b030); color: #201000; }}
  #s3 .dot {{ background: #201000; }}
"""

SCENES = [
    ("s1", "Scene one", "glitch next"),
    ("s2", "Scene two", "cross-warp-morph next"),
    ("s3", "Scene three", "the end"),
]

SHADER_SCRIPT = """<script>
  const tl = gsap.timeline({{ paused: true }});
  tl.fromTo("#s1 h2", {{ y: {dy}, opacity: 0 }}, {{ y: 0, opacity: 1, duration: 0.6, ease: "power2.out" }}, 0);
  tl.fromTo("#s1 .dot", {{ x: 0 }}, {{ x: {travel}, duration: 1.8, ease: "none" }}, 0);
  tl.fromTo("#s2 h2", {{ scale: 0.6 }}, {{ scale: 1, duration: 1.2, ease: "power1.out" }}, 1.2);
  tl.fromTo("#s2 .dot", {{ x: 0 }}, {{ x: {travel}, duration: 2.0, ease: "none" }}, 1.2);
  tl.fromTo("#s3 h2", {{ rotation: -8 }}, {{ rotation: 0, duration: 1.4, ease: "power2.out" }}, 2.6);
  tl.fromTo("#s3 .dot", {{ x: 0 }}, {{ x: {travel}, duration: 1.4, ease: "none" }}, 2.6);
{register}
</script>
"""

HF_REGISTER = """  HyperShader.init({{
    bgColor: "#0a0a0a",
    scenes: ["s1", "s2", "s3"],
    transitions: [
{items}
    ],
    timeline: tl,
  }});
  window.__timelines = window.__timelines || {{}};
  window.__timelines["main"] = tl;"""

ENGINE_REGISTER = """  window.__timelines = window.__timelines || {};
  window.__timelines["main"] = tl;"""


def _metrics(w: int) -> dict[str, int]:
    k = w // 640
    return dict(x1=40 * k, y1=40 * k, y2=110 * k, y3=180 * k, y4=30 * k, f1=44 * k, f2=20 * k,
                b=60 * k, r=10 * k, bw=560 * k, bh=12 * k, p=4 * k, p2=10 * k, dy=30 * k,
                travel=460 * k, m=12 * k)


def plain(form: str, w: int, h: int) -> str:
    scripts = (f'<script src="{GSAP_CDN}"></script>' if form == "engine"
               else '<script src="vendor/gsap.min.js"></script>')
    m = _metrics(w)
    css = PLAIN_CSS.format(**m)
    head = HEAD.format(w=w, h=h, title=f"plain {form} {w}x{h}", scripts=scripts, css=css)
    return head + PLAIN_BODY.format(w=w, h=h, dur=DURATION, fps=FPS, **m)


def shaders(form: str, w: int, h: int) -> str:
    m = _metrics(w)
    if form == "engine":
        scripts = f'<script src="{GSAP_CDN}"></script>'
    else:
        scripts = '<script src="vendor/gsap.min.js"></script>\n<script src="vendor/hyper-shader.js"></script>'
    head = HEAD.format(w=w, h=h, title=f"shaders {form} {w}x{h}", scripts=scripts, css=SHADER_CSS.format(**m))
    lines = [f'<div id="root" data-composition-id="main" data-start="0" data-duration="{DURATION}"',
             f'     data-width="{w}" data-height="{h}" data-fps="{FPS}">']
    # Scene i is on screen from the start of the transition into it to the end of the one out of it.
    starts = [0.0] + [t for t, *_ in TRANSITIONS]
    ends = [t + d for t, d, *_ in TRANSITIONS] + [float(DURATION)]
    for i, (sid, title, sub) in enumerate(SCENES):
        if form == "engine":
            attrs = f'class="scene clip" data-start="{starts[i]:g}" data-duration="{ends[i] - starts[i]:g}"'
        else:
            attrs = 'class="scene"'
        lines.append(f'  <div id="{sid}" {attrs}>\n    <h2>{title}</h2>\n    <p>{sub}</p>\n'
                     f'    <div class="dot"></div>\n  </div>')
    if form == "engine":
        for t, d, shader, a, b in TRANSITIONS:
            lines.append(f'  <hf-transition data-shader="{shader}" data-time="{t:g}" data-duration="{d:g}"'
                         f' data-from="{a}" data-to="{b}" data-ease="{EASE}"></hf-transition>')
        register = ENGINE_REGISTER
    else:
        items = ",\n".join(f'      {{ time: {t:g}, duration: {d:g}, shader: "{shader}", ease: "{EASE}" }}'
                           for t, d, shader, _a, _b in TRANSITIONS)
        register = HF_REGISTER.format(items=items)
    lines.append("</div>")
    body = "\n".join(lines) + "\n" + SHADER_SCRIPT.format(register=register, **m) + "</body>\n</html>\n"
    return head + body


def main() -> None:
    for kind, make in (("plain", plain), ("shaders", shaders)):
        for form in ("hf", "engine"):
            for label, (w, h) in SIZES.items():
                folder = HERE / f"{kind}-{form}-{label}"
                folder.mkdir(exist_ok=True)
                (folder / "index.html").write_text(make(form, w, h))
                print(folder.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
