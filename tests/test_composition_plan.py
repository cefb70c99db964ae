"""The plan: static reading, validation errors (without a browser), frame timing and progress."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from engine.composition import TransitionSpec, build_plan, read_composition, read_static, transition_at
from engine.composition.plan import frame_count
from engine.errors import CompositionError, ParameterError, UnknownTransitionError

ROOT = 'id="root" data-composition-id="t" data-width="64" data-height="36" data-duration="4"'


def write(tmp_path: Path, body: str, root: str = ROOT, name: str = "index.html") -> Path:
    path = tmp_path / name
    path.write_text(f"<!doctype html><html><body><div {root}>{body}</div></body></html>", encoding="utf-8")
    return path


def plan_of(tmp_path: Path, body: str = "", root: str = ROOT, js: object = None, **kw: object):
    path = write(tmp_path, body, root)
    if js is not None:
        return build_plan(read_static(path), path, js_transitions=js, **kw)
    return read_composition(path, **kw)[0]


SCENES = '<div class="scene" id="a"></div><div class="scene clip" id="b" data-start="1"></div>'


def test_reads_sizes_fps_clips_scenes_transitions_media(tmp_path: Path) -> None:
    body = SCENES + ('<hf-transition data-shader="crossfade" data-time="1" data-duration="0.5" data-from="a" '
                     'data-to="b"></hf-transition><video id="v" class="clip" data-start="0.5" data-duration="2" '
                     'src="https://example.com/v.mp4"></video>')
    plan = plan_of(tmp_path, body, ROOT.replace('data-duration="4"', 'data-duration="4" data-fps="30000/1001"'))
    assert (plan.width, plan.height, plan.duration) == (64, 36, 4)
    assert plan.fps == Fraction(30000, 1001) and plan.frame_count == 120
    assert plan.scene_ids == ("a", "b") and plan.scene("b").clip.start == 1
    [t] = plan.transitions
    assert (t.time, t.duration, t.shader, t.ease, t.from_scene, t.to_scene) == (1, Fraction(1, 2), "crossfade", "power2.inOut", "a", "b")
    assert [m.tag for m in plan.media] == ["video"] and plan.media[0].start == Fraction(1, 2)
    assert plan.composition_id == "t" and plan.source.name == "index.html"


def test_folder_with_index_and_missing_paths(tmp_path: Path) -> None:
    write(tmp_path, SCENES)
    assert read_composition(tmp_path)[0].width == 64
    (tmp_path / "sub").mkdir()
    with pytest.raises(CompositionError, match="holds no index.html"):
        read_composition(tmp_path / "sub")
    with pytest.raises(CompositionError, match="is not an .html file"):
        (tmp_path / "notes.txt").write_text("x")
        read_composition(tmp_path / "notes.txt")
    with pytest.raises(CompositionError, match="does not exist"):
        read_composition(tmp_path / "nope.html")


@pytest.mark.parametrize("root, message", [
    ('data-width="64"', "no root element"),
    ('data-composition-id="t" data-height="36" data-duration="4"', "has no data-width"),
    ('data-composition-id="t" data-width="64" data-duration="4"', "has no data-height"),
    ('data-composition-id="t" data-width="64" data-height="36"', "has no data-duration"),
    ('data-composition-id="t" data-width="wide" data-height="36" data-duration="4"', r"data-width is 'wide'; expected a number"),
    ('data-composition-id="t" data-width="0" data-height="36" data-duration="4"', "from 1 to 8192"),
    ('data-composition-id="t" data-width="-64" data-height="36" data-duration="4"', "from 1 to 8192"),
    ('data-composition-id="t" data-width="10000" data-height="36" data-duration="4"', "from 1 to 8192"),
    ('data-composition-id="t" data-width="64.5" data-height="36" data-duration="4"', "whole number"),
    ('data-composition-id="t" data-width="65" data-height="36" data-duration="4"', "is odd; 4:2:0"),
    ('data-composition-id="t" data-width="64" data-height="36" data-duration="0"', "expected seconds > 0"),
    ('data-composition-id="t" data-width="64" data-height="36" data-duration="-1"', "expected seconds > 0"),
    ('data-composition-id="t" data-width="64" data-height="36" data-duration="1e9"', "at most 86400"),
    ('data-composition-id="t" data-width="64" data-height="36" data-duration="nan"', "expected a number"),
    ('data-composition-id="t" data-width="64" data-height="36" data-duration="4" data-fps="0"', "from 1 to 240"),
    ('data-composition-id="t" data-width="64" data-height="36" data-duration="4" data-fps="500"', "from 1 to 240"),
    ('data-composition-id="t" data-width="64" data-height="36" data-duration="4" data-fps="fast"', "data-fps is 'fast'"),
])
def test_root_errors_name_attribute_and_expectation(tmp_path: Path, root: str, message: str) -> None:
    with pytest.raises(CompositionError, match=message) as info:
        plan_of(tmp_path, "", root)
    assert "index.html" in str(info.value)


def test_odd_sizes_allowed_when_not_420(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, "", ROOT.replace('"64"', '"65"'), even_size=False)
    assert plan.width == 65


@pytest.mark.parametrize("body, message", [
    ('<div class="clip" id="c" data-start="-1"></div>', r"<div id='c'> \(line 1\) data-start='-1' is negative"),
    ('<div class="clip" id="c" data-start="x"></div>', r"data-start is 'x'; expected a number"),
    ('<div class="clip" id="c" data-duration="0"></div>', "data-duration='0' is not positive"),
    ('<div class="scene" id="a"></div><p class="scene" id="a"></p>', "two scenes have id='a'"),
])
def test_clip_and_scene_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(CompositionError, match=message):
        plan_of(tmp_path, body)


def tr(**attrs: str) -> str:
    base = {"shader": "crossfade", "time": "1", "duration": "0.5", "from": "a", "to": "b"}
    base.update(attrs)
    return SCENES + "<hf-transition " + " ".join(f"data-{k}='{v}'" for k, v in base.items() if v is not None) + "></hf-transition>"


@pytest.mark.parametrize("body, error, message", [
    (tr(to="c"), CompositionError, r"data-to='c' names no scene; scenes .*'a', 'b'"),
    (tr(**{"from": "aa"}), CompositionError, r"data-from='aa' names no scene \(did you mean 'a'\?\)"),
    (tr(shader="crossfad"), UnknownTransitionError, r"data-shader='crossfad'.*crossfade"),
    (tr(params='{"nope": 1}'), ParameterError, r"data-shader='crossfade'.*nope"),
    (tr(params="{oops"), CompositionError, "data-params is not valid JSON"),
    (tr(params="[1]"), CompositionError, "expected an object of shader parameters"),
    (tr(duration="-0.5"), CompositionError, "data-duration='-0.5' is not positive"),
    (tr(duration="0"), CompositionError, "is not positive"),
    (tr(time="4"), CompositionError, r"spans \[4, 4.5\) s, outside the composition's \[0, 4\) s"),
    (tr(time="-1"), CompositionError, "outside the composition"),
    (tr(ease="bouncy"), CompositionError, r"data-ease: unknown ease 'bouncy'"),
    (tr(shader=None), CompositionError, "has no data-shader"),
    (tr() + tr(time="1.25").replace(SCENES, ""), CompositionError, "transitions must not overlap"),
])
def test_html_transition_errors(tmp_path: Path, body: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message) as info:
        plan_of(tmp_path, body)
    assert "hf-transition" in str(info.value)


JS_OK = {"time": 1, "duration": 0.5, "shader": "crossfade", "fromScene": "a", "toScene": "b"}


@pytest.mark.parametrize("js, message", [
    ({"not": "a list"}, "window.__hf.transitions is dict; expected an array"),
    ([3], r"window.__hf.transitions\[0\] is int; expected an object"),
    ([{**JS_OK, "toScene": None}], r"\[0\] has no toScene"),
    ([{**JS_OK, "toScene": "zz"}], r"\[0\].toScene='zz' names no scene"),
    ([JS_OK, {**JS_OK, "shader": 5}], r"\[1\].shader is 5"),
    ([{**JS_OK, "duration": -1}], r"\[0\].duration=-1 is not positive"),
    ([{**JS_OK, "time": "soon"}], r"\[0\].time is 'soon'; expected a number"),
])
def test_js_transition_errors(tmp_path: Path, js: object, message: str) -> None:
    with pytest.raises(CompositionError, match=message):
        plan_of(tmp_path, SCENES, js=js)


def test_js_and_html_transitions_merge_sorted(tmp_path: Path) -> None:
    js = [{**JS_OK, "time": 2.5, "from_scene": "b", "fromScene": None, "ease": "sine.in", "params": {}}]
    plan = plan_of(tmp_path, tr(), js=js)
    assert [(float(t.time), t.from_scene, t.ease) for t in plan.transitions] == [(1.0, "a", "power2.inOut"), (2.5, "b", "sine.in")]
    assert "window.__hf.transitions[0]" in plan.transitions[1].origin


def test_missing_static_asset_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '<img src="img/missing.png"><script src="https://cdn.example.com/x.js"></script>')
    with pytest.raises(CompositionError, match=r"index.html:1: <img src='img/missing.png'>: local asset .* does not exist"):
        read_composition(path)


def test_frame_timing_and_progress_are_exact() -> None:
    spec = TransitionSpec(Fraction(1), Fraction(1, 2), "crossfade", "linear", "a", "b", {})
    assert frame_count(Fraction(4), Fraction(30)) == 120
    assert frame_count(Fraction(1), Fraction(30000, 1001)) == 30
    assert transition_at([spec], Fraction(29, 30)) is None
    assert transition_at([spec], Fraction(1)) == (spec, 0.0)
    assert transition_at([spec], Fraction(44, 30))[1] == pytest.approx(14 / 15)
    assert transition_at([spec], Fraction(3, 2)) is None  # end is exclusive
    assert transition_at([spec], Fraction(5, 4))[1] == 0.5
    eased = TransitionSpec(Fraction(1), Fraction(1, 2), "crossfade", "power2.in", "a", "b", {})
    assert eased.progress(Fraction(5, 4)) == pytest.approx(0.125)
    assert json.dumps(spec.as_dict())


def test_plan_frames(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, tr(ease="linear"))
    frames = plan.frames()
    assert len(frames) == 120 and frames[0].time == 0 and not frames[0].is_transition
    inside = [f for f in frames if f.is_transition]
    assert [f.index for f in inside] == list(range(30, 45))
    assert inside[0].progress == 0.0 and inside[3].progress == pytest.approx(0.2)
    with pytest.raises(IndexError):
        plan.frame(120)
