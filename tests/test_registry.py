"""The transition registry: built-ins, user shaders from files and strings, gl-transitions JSON."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from images import structured_frame

import engine
from engine.blend.registry import unregister
from engine.errors import ShaderCompileError, TransitionError, UnknownTransitionError

DATA = Path(__file__).parent / "data"

CLASSIC = {"crossfade", "wipe", "wipe-left", "wipe-right", "wipe-up", "wipe-down", "slide", "slide-left",
           "slide-right", "slide-up", "slide-down", "zoom", "circle-open", "dissolve"}
HYPERFRAMES = {"domain-warp", "ridged-burn", "whip-pan", "sdf-iris", "ripple-waves", "gravitational-lens",
               "cinematic-zoom", "chromatic-split", "glitch", "swirl-vortex", "thermal-distortion",
               "flash-through-white", "cross-warp-morph", "light-leak"}


def test_builtins_cover_the_hyperframes_names_and_classics() -> None:
    names = {t.name for t in engine.transitions()}
    assert HYPERFRAMES | CLASSIC <= names


def test_describe_lists_parameters() -> None:
    wipe = engine.get_transition("wipe-left").describe()
    assert wipe["cpu_kernel"] is True
    assert {"name": "direction", "type": "vec2", "default": (-1.0, 0.0)} in wipe["params"]


def test_unknown_transition_suggests_close_names() -> None:
    with pytest.raises(UnknownTransitionError, match=r"unknown transition 'crosfade' \(did you mean 'crossfade'"):
        engine.get_transition("crosfade")


USER_SHADER = """// Vertical split reveal.
uniform float softness; // = 0.1
vec4 transition(vec2 uv) {
    float m = smoothstep(progress - softness, progress, 1.0 - uv.y);
    return mix(getToColor(uv), getFromColor(uv), m);
}
"""


def test_load_transition_from_file_and_string(tmp_path: Path, gl_blender: engine.Blender) -> None:
    path = tmp_path / "split-reveal.glsl"
    path.write_text(USER_SHADER)
    try:
        t = engine.load_transition(path)
        assert t.name == "split-reveal" and not t.has_cpu_kernel
        assert t.params[0].name == "softness" and t.params[0].default == pytest.approx(0.1)
        s = engine.load_transition(USER_SHADER, name="split-reveal-2")
        frm, to = structured_frame(48, 32, 1), structured_frame(48, 32, 2)
        out = gl_blender.blend(s.name, frm, to, 0.5)
        assert not np.array_equal(out, frm) and not np.array_equal(out, to)
        assert gl_blender.choose(t) == "gl"
    finally:
        for name in ("split-reveal", "split-reveal-2"):
            unregister(name)


def test_load_transition_errors(tmp_path: Path) -> None:
    with pytest.raises(TransitionError, match="does not exist"):
        engine.load_transition(tmp_path / "missing.glsl")
    with pytest.raises(TransitionError, match="needs name="):
        engine.load_transition(USER_SHADER)
    with pytest.raises(TransitionError, match=r"does not define 'vec4 transition\(vec2 uv\)'"):
        engine.load_transition("vec4 other(vec2 uv) { return vec4(1.0); }\n", name="broken")
    with pytest.raises(TransitionError, match="would replace the built-in"):
        engine.load_transition(USER_SHADER, name="crossfade")


def test_compile_error_names_shader_and_line(gl_blender: engine.Blender) -> None:
    bad = "uniform float k; // = 1.0\nvec4 transition(vec2 uv) {\n    return getFromColor(uv) * undefined_thing;\n}\n"
    engine.load_transition(bad, name="bad-shader")
    try:
        with pytest.raises(ShaderCompileError, match=r"(?s)'bad-shader'.*failed to compile.*3.*undefined_thing"):
            gl_blender.compile("bad-shader")
    finally:
        unregister("bad-shader")


def test_every_gl_transitions_entry_runs_on_gl(gl_blender: engine.Blender) -> None:
    """All 125 transitions of the gl-transitions package (MIT, vendored in tests/data)."""
    loaded = engine.load_transitions_json(DATA / "gl-transitions.json", prefix="gl:")
    assert len(loaded) == 125
    frm, to = structured_frame(40, 30, 5), structured_frame(40, 30, 6)
    changed = 0
    try:
        for t in loaded:
            out = gl_blender.blend(t, frm, to, 0.5)
            assert out.shape == frm.shape
            changed += not np.array_equal(out, frm)
    finally:
        for t in loaded:
            unregister(t.name)
    assert changed >= 110  # a handful are still on the from-scene half-way by design


def test_json_clash_with_builtin_is_skipped_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text('[{"name": "crossfade", "glsl": "vec4 transition(vec2 uv) { return getToColor(uv); }"},'
                    ' {"name": "mine-1", "glsl": "vec4 transition(vec2 uv) { return getToColor(uv); }"}]')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = engine.load_transitions_json(path)
    try:
        assert [t.name for t in loaded] == ["mine-1"]
        assert any("skipped 'crossfade'" in str(w.message) for w in caught)
        assert engine.get_transition("crossfade").origin == "builtin"
    finally:
        unregister("mine-1")


def test_json_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(TransitionError, match="not a gl-transitions JSON file"):
        engine.load_transitions_json(bad)
    bad.write_text('[{"name": 3}]')
    with pytest.raises(TransitionError, match="entry 0 needs string fields"):
        engine.load_transitions_json(bad)
