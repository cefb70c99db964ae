"""Mistakes a render accepts, named: misspelled timing attributes, ``color`` variables that are no
CSS colour, transitions that run past the composition's end. Each is a lint warning at its line
(``python -m engine.lint``) and, for the first and the last, a render warning
(`RenderResult.warnings`, ``{code, element, message}``) naming the file and line. The lint loads
a composition with scripts in Chromium by default, so script-made transitions and a duration
taken from the root timeline are checked too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from fractions import Fraction
from pathlib import Path

import pytest

import engine
from engine.composition.attributes import (
    COMMON_ATTRIBUTES,
    KNOWN_ATTRIBUTES,
    attribute_mistakes,
    edit_distance,
    suggestion,
)
from engine.composition.css_colors import NAMED_COLORS, is_css_color
from engine.composition.plan import TransitionSpec
from engine.composition.transition_checks import past_end
from engine.composition.variables import Variable, check_values, default_issues, value_issues
from engine.errors import ConfigError, RenderWarning
from engine.lint import lint, lint_report

REPO = Path(__file__).resolve().parent.parent
ROOT = 'data-composition-id="t" data-width="64" data-height="36"'


def write(folder: Path, html: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(html, encoding="utf-8")
    return folder


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.lint", *args], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


# ---- misspelled attributes (pure) ----

@pytest.mark.parametrize("name, meant", [
    ("data-duraton", "data-duration"), ("data-strat", "data-start"), ("data-satrt", "data-start"),
    ("data-widht", "data-width"), ("data-heigth", "data-height"), ("data-fsp", "data-fps"),
    ("data-shdaer", "data-shader"), ("data-tim", "data-time"), ("data-durration", "data-duration"),
    ("data-drtion", "data-duration"), ("data-compositon-id", "data-composition-id"),
    ("data-media-strat", "data-media-start"), ("data-playback-rat", "data-playback-rate"),
    ("data-volum", "data-volume"), ("data-var-txt", "data-var-text"),
])
def test_misspelled_names_are_recognised(name: str, meant: str) -> None:
    assert suggestion(name) == meant


@pytest.mark.parametrize("name", [
    *sorted(KNOWN_ATTRIBUTES), *sorted(COMMON_ATTRIBUTES),
    "data-hf-force", "data-hfe-split", "data-header", "data-shadow", "data-slide-index", "data-caption",
    "duraton", "strat", "aria-label", "data-", "data-x", "data-foo-bar",
])
def test_known_and_common_names_are_not_mistakes(name: str) -> None:
    assert suggestion(name) is None


def test_edit_distance_counts_a_swap_as_one_edit() -> None:
    assert edit_distance("start", "strat") == 1
    assert edit_distance("duration", "duraton") == 1
    assert edit_distance("duration", "drtion") == 2
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("a", "abcdefg") == 3  # capped


def test_attribute_mistakes_have_their_lines() -> None:
    html = ('<html><body>\n<div data-composition-id="t" data-width="64" data-height="36" data-duration="2">\n'
            '<div id="intro" class="clip" data-strat="1"\n     data-duraton="0.5"></div>\n'
            '<div data-id="7" data-name="x" data-type="y" data-state="open"></div>\n</div></body></html>')
    found = [(m.line, m.attribute, m.meant, m.element) for m in attribute_mistakes(html)]
    assert found == [(3, "data-strat", "data-start", "<div id='intro'>"),
                     (4, "data-duraton", "data-duration", "<div id='intro'>")]
    [first, _] = attribute_mistakes(html)
    assert first.message == ("data-strat='1' is not an attribute HyperFrames or the engine reads (did you mean "
                             "data-start?): it is ignored")


# ---- CSS colours (pure) ----

@pytest.mark.parametrize("text", [
    "#0f0", "#0f0a", "#00ff00", "#00FF0080", " teal ", "RebeccaPurple", "transparent", "currentColor", "grey",
    "rgb(0, 255, 0)", "rgba(0, 255, 0, 0.5)", "rgb(0%, 100%, 0%)", "rgba(0,255,0,50%)", "rgb(0 255 0)",
    "rgb(0 255 0 / 50%)", "rgb(0 255 0 / .5)", "rgba(0 255 0 / 1)", "rgb(none 255 0)", "rgb(1e2 0 0)",
    "hsl(120, 100%, 50%)", "hsla(120deg, 100%, 50%, 0.3)", "hsl(120 100% 50%)", "hsl(0.33turn 100% 50% / 0.5)",
    "hsl(2rad 50% 50%)", "hsla(120 100% 50% / 30%)", "hwb(120 0% 0%)", "lab(50% 40 59)", "lch(52% 72 50)",
    "oklab(0.6 0.1 0.1)", "oklch(0.7 0.15 180deg / 0.5)", "color(srgb 0 1 0)", "color(display-p3 0 1 0 / 50%)",
])
def test_css_colours(text: str) -> None:
    assert is_css_color(text)


@pytest.mark.parametrize("text", [
    "", "blu", "green!", "#0f", "#00ff0", "#00ff000", "#gg0000", "00ff00", "rgb(0, 255)", "rgb(0, 255, 0, 1, 1)",
    "rgb(0, 100%, 0)", "rgb(0 255, 0)", "rgb(0, 255, 0 / 1)", "rgb(0 255 0 / 1 / 1)", "rgb(a, b, c)",
    "hsl(120, 100, 50)", "hsl(120deg 100% 50% 1)", "rgb(0 255 0", "rgbx(0 255 0)", "url(#x)",
    "linear-gradient(red, blue)", "color(nowhere 0 1 0)", "rgb(0deg 0 0)", 255, None, {"r": 0},
])
def test_not_css_colours(text: object) -> None:
    assert not is_css_color(text)


def test_the_named_colour_list_is_complete() -> None:
    assert len(NAMED_COLORS) == 148
    assert {"rebeccapurple", "lightgoldenrodyellow", "darkslategrey", "aqua", "fuchsia"} <= NAMED_COLORS


# ---- colour variables ----

def test_colour_values_are_checked() -> None:
    declared = {"accent": Variable("accent", "color", "#6c5ce7", True)}
    assert value_issues(declared, {"accent": "rgb(0 0 255 / 50%)"}) == []
    [issue] = value_issues(declared, {"accent": "blu"})
    assert issue.startswith("variable 'accent' is declared as color; expected a CSS colour (#rgb")
    assert issue.endswith('the value given is a string ("blu")')
    raw = {"root": {"tag": "div", "attrs": {"data-composition-variables": json.dumps(
        [{"id": "accent", "type": "color", "default": "#fff"}])}, "line": 3}}
    with pytest.warns(RenderWarning, match="variable 'accent' is declared as color"):
        assert len(check_values(raw, {"accent": "not-a-colour"})) == 1
    with pytest.raises(ConfigError, match=r"variable 'accent' is declared as color.*--strict-variables"):
        check_values(raw, {"accent": "not-a-colour"}, strict=True)
    assert check_values(raw, {"accent": "hsl(10 50% 50%)"}, strict=True) == []


def test_defaults_of_the_wrong_type_are_named() -> None:
    declared = {v.id: v for v in (Variable("a", "color", "#12", True), Variable("b", "color", "teal", True),
                                  Variable("c", "color"), Variable("n", "number", "3", True))}
    found = [(var.id, text.split(";")[1].strip()) for var, text in default_issues(declared)]
    assert [name for name, _ in found] == ["a", "n"]
    assert found[0][1].endswith('its default is a string ("#12")')


def test_lint_warns_about_a_colour_default(tmp_path: Path) -> None:
    comp = write(tmp_path / "c", "<!doctype html>\n<html data-composition-variables='[{\"id\": \"bg\", \"type\": "
                                 "\"color\", \"default\": \"reddish\"}]'>\n<body>\n"
                                 f'<div {ROOT} data-duration="1"></div></body></html>')
    [problem] = lint(comp, page=False)
    assert (problem.line, problem.severity, problem.code) == (2, "warning", "variables")
    assert "<html> data-composition-variables: variable 'bg' is declared as color" in problem.message
    assert "'reddish'" in problem.message or '"reddish"' in problem.message


# ---- transitions past the end (pure) ----

def spec(time: str, duration: str, ease: str = "linear", origin: str = "index.html: <hf-transition> (line 9)"
         ) -> TransitionSpec:
    return TransitionSpec(Fraction(time), Fraction(duration), "crossfade", ease, "a", "b", origin=origin)


def test_past_end_gives_the_progress_of_the_last_frame() -> None:
    inside, past, unseen = spec("1", "1"), spec("2.5", "1"), spec("2.95", "1", origin="index.html: window.__hf.transitions[0]")
    found = past_end([inside, past, unseen], Fraction(3), Fraction(10))  # last frame at 2.9 s
    assert [f.spec for f in found] == [past, unseen]
    first, second = found
    assert first.last_frame == Fraction(29, 10) and first.raw == pytest.approx(0.4) and first.progress == pytest.approx(0.4)
    assert first.line == 9 and first.element == "<hf-transition>"
    assert first.message == ("runs to 3.5 s, past the composition's end (3 s): the video ends inside it, at progress "
                             "0.4 on its last frame (t=2.9 s; 0.4 before the linear ease), so 'b' never shows alone")
    assert second.progress is None and second.line is None and second.element == "window.__hf.transitions[0]"
    assert "no frame shows it" in second.message
    eased = past_end([spec("2.5", "1", "power2.inOut")], Fraction(3), Fraction(10))[0]
    assert eased.raw == pytest.approx(0.4) and eased.progress == pytest.approx(0.256)  # (2 * 0.4)^3 / 2: power2 is cubic
    assert past_end([spec("2", "1")], Fraction(3), Fraction(10)) == []  # ends exactly at the end


# ---- the lint ----

MISTAKES = f"""<!doctype html>
<html><body>
<div id="root" {ROOT} data-duration="1" data-fps="10">
  <div class="scene" id="a"></div>
  <div class="scene clip" id="b" data-strat="0.5"></div>
  <div class="clip" data-duraton="0.2" data-name="x" data-type="y"></div>
  <hf-transition data-shader="crossfade" data-time="0.8" data-duration="0.5" data-from="a" data-to="b"
                 data-ease="linear"></hf-transition>
</div></body></html>
"""


def test_lint_names_misspelled_attributes_and_a_transition_past_the_end(tmp_path: Path) -> None:
    comp = write(tmp_path / "c", MISTAKES)
    report = lint_report(comp)  # no scripts: static only
    assert report.checks == ("static",) and "no scripts" in (report.skipped or "")
    found = [(p.line, p.severity, p.code) for p in report.problems]
    assert found == [(5, "warning", "attribute-misspelled"), (6, "warning", "attribute-misspelled"),
                     (7, "warning", "transition-past-end")]
    assert "<div id='b'> data-strat='0.5' is not an attribute" in report.problems[0].message
    assert "did you mean data-duration?" in report.problems[1].message
    assert report.problems[2].message.startswith("<hf-transition> runs to 1.3 s, past the composition's end (1 s)")
    assert "at progress 0.2 on its last frame (t=0.9 s" in report.problems[2].message
    done = run_cli(str(comp), "--json")
    assert done.returncode == 0, done.stderr  # warnings only
    assert [row["code"] for row in json.loads(done.stdout)] == ["attribute-misspelled"] * 2 + ["transition-past-end"]
    assert done.stderr.strip().splitlines()[-1] == "checks: static (page not loaded: no scripts; --page loads it anyway)"
    static = run_cli(str(comp), "--static")
    assert static.stderr.strip().splitlines()[-1] == "checks: static"
    assert f"{comp}/index.html:5: warning: <div id='b'> data-strat='0.5'" in static.stdout
    paged = run_cli(str(comp), "--page")  # still accepted: loads a composition without scripts too
    assert paged.returncode == 0 and paged.stderr.strip().splitlines()[-1] == "checks: static, page (Chromium)"
    assert paged.stdout == static.stdout  # the page adds nothing here
    assert run_cli(str(comp), "--page", "--static").returncode == 2


SCRIPTED = """<!doctype html>
<html><head><style>html, body { margin: 0 } .scene { position: absolute; inset: 0 }</style></head><body>
<div id="root" data-composition-id="s" data-width="64" data-height="36" data-fps="10">
  <div class="scene" id="a"></div>
  <div class="scene" id="b"></div>
  <div class="clip" id="late" data-start="1.5"></div>
</div>
<script>
window.__timelines = { s: { duration: () => 2, seek() {}, totalTime() {}, pause() {} } };
window.__hf = { transitions: [{ time: 1.6, duration: 0.8, shader: 'crossfade', ease: 'linear',
                                 fromScene: 'a', toScene: 'b' }] };
</script>
</body></html>
"""


def test_the_page_is_loaded_by_default_for_a_composition_with_scripts(tmp_path: Path) -> None:
    comp = write(tmp_path / "c", SCRIPTED)
    static = lint_report(comp, page=False)
    assert static.checks == ("static",) and static.problems == []  # the timeline's duration and transitions: unseen
    report = lint_report(comp)
    assert report.checks == ("static", "page (Chromium)") and report.skipped is None
    found = [(p.line, p.code) for p in report.problems]
    assert found == [(None, "transition-past-end")], report.problems
    [past] = report.problems
    assert past.message.startswith("window.__hf.transitions[0] runs to 2.4 s, past the composition's end (2 s)")
    assert "at progress 0.375 on its last frame (t=1.9 s" in past.message
    done = run_cli(str(comp))
    assert done.returncode == 0 and done.stderr.strip().splitlines()[-1] == "checks: static, page (Chromium)"
    assert "warning: window.__hf.transitions[0] runs to 2.4 s" in done.stdout


def test_clips_past_a_timeline_duration_are_warned_with_the_page(tmp_path: Path) -> None:
    comp = write(tmp_path / "c", SCRIPTED.replace('data-start="1.5"', 'data-start="2.5"'))
    problems = lint(comp)
    assert [(p.line, p.code) for p in problems] == [(6, "clip-outside"), (None, "transition-past-end")]
    assert "at or after the composition's end (2 s)" in problems[0].message


# ---- the render ----

def test_render_warns_with_file_and_line(tmp_path: Path) -> None:
    comp = write(tmp_path / "c", MISTAKES)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RenderWarning)
        result = engine.render(comp, tmp_path / "out.mp4", workers=1, quality="draft")
    mine = [w for w in result.warnings if w["code"] in ("attribute-misspelled", "transition-past-end")]
    assert [(w["code"], w["element"]) for w in mine] == [
        ("attribute-misspelled", "index.html:5 <div id='b'>"), ("attribute-misspelled", "index.html:6 <div class='clip'>"),
        ("transition-past-end", "index.html:7 <hf-transition>")]
    assert all(sorted(w) == ["code", "element", "message"] for w in result.warnings)
    assert "did you mean data-start?" in mine[0]["message"]
    assert "at progress 0.2 on its last frame" in mine[2]["message"]
    texts = [str(w.message) for w in caught if issubclass(w.category, RenderWarning)]
    assert any(t.startswith("index.html:5 <div id='b'>: data-strat='0.5'") for t in texts), texts
