"""`python -m engine.lint`: every problem of a composition without capturing a frame.

The bad-input catalogue (tests/test_bad_input.py, fixtures in tests/fixtures/bad/) is linted
case by case: each composition problem gives its code at the line of the element that holds
it, with the render's own message. The lint collects what the render's validation would raise
first (the same checks, `census_findings` vs `build_plan`), checked on the catalogue and on
generated compositions. Cases only the loaded page shows run with ``--page`` (Chromium).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import composition
from media_gen import write_corrupt_media, write_numbered_video, write_tone_bursts
from test_bad_input import CASES, Case

from engine.capture import load_plan
from engine.composition import build_plan, read_composition, read_static
from engine.composition.validate import census_findings
from engine.errors import InputError
from engine.lint import lint
from engine.lint.cli import main

REPO = Path(__file__).resolve().parent.parent
SHOWCASE = REPO / "examples" / "showcase"

#: case -> (code, text of the line that holds the problem, which occurrence of it); text None: no line.
STATIC: dict[str, tuple[str, str | None, int]] = {
    "html-empty-file": ("root-missing", None, 1),
    "html-no-root": ("root-missing", None, 1),
    "html-truncated": ("root-missing", None, 1),
    "html-not-utf8": ("html-unreadable", None, 1),
    "html-unclosed-quote": ("root-width", "data-composition-id", 1),
    "root-missing-width": ("root-width", "data-composition-id", 1),
    "root-missing-height": ("root-height", "data-composition-id", 1),
    "root-missing-duration": ("root-duration", "data-composition-id", 1),
    "root-width-not-numeric": ("root-width", "data-composition-id", 1),
    "root-width-with-unit": ("root-width", "data-composition-id", 1),
    "root-width-zero": ("root-width", "data-composition-id", 1),
    "root-height-negative": ("root-height", "data-composition-id", 1),
    "root-width-absurd": ("root-width", "data-composition-id", 1),
    "root-height-odd": ("root-size-odd", "data-composition-id", 1),
    "root-width-fractional": ("root-width", "data-composition-id", 1),
    "root-duration-zero": ("root-duration", "data-composition-id", 1),
    "root-duration-negative": ("root-duration", "data-composition-id", 1),
    "root-duration-absurd": ("root-duration", "data-composition-id", 1),
    "root-duration-not-numeric": ("root-duration", "data-composition-id", 1),
    "root-fps-zero": ("root-fps", "data-composition-id", 1),
    "root-fps-negative": ("root-fps", "data-composition-id", 1),
    "root-fps-absurd": ("root-fps", "data-composition-id", 1),
    "root-fps-not-numeric": ("root-fps", "data-composition-id", 1),
    "root-fps-zero-denominator": ("root-fps", "data-composition-id", 1),
    "clip-start-not-numeric": ("clip-start", 'class="clip"', 1),
    "clip-start-negative": ("clip-start", 'class="clip"', 1),
    "clip-duration-zero": ("clip-duration", 'class="clip"', 1),
    "clip-duration-not-numeric": ("clip-duration", 'class="clip"', 1),
    "scene-duplicate-id": ("scene-duplicate-id", 'id="intro"', 2),
    "transition-overlap": ("transition-overlap", "<hf-transition", 2),
    "transition-dangling-from": ("transition-scene-missing", "<hf-transition", 1),
    "transition-dangling-to": ("transition-scene-missing", "<hf-transition", 1),
    "transition-missing-from": ("transition-attribute-missing", "<hf-transition", 1),
    "transition-outside": ("transition-outside", "<hf-transition", 1),
    "transition-negative-time": ("transition-outside", "<hf-transition", 1),
    "transition-negative-duration": ("transition-duration", "<hf-transition", 1),
    "transition-zero-duration": ("transition-duration", "<hf-transition", 1),
    "transition-time-not-numeric": ("transition-time", "<hf-transition", 1),
    "shader-unknown": ("shader-unknown", "<hf-transition", 1),
    "shader-param-unknown": ("shader-param", "<hf-transition", 1),
    "shader-param-ill-typed": ("shader-param", "<hf-transition", 1),
    "params-malformed-json": ("transition-params", "<hf-transition", 1),
    "params-not-object": ("transition-params", "<hf-transition", 1),
    "ease-unknown": ("ease-unknown", "<hf-transition", 1),
    "asset-missing-script": ("asset-missing", "<script src", 1),
    "asset-missing-stylesheet": ("asset-missing", "<link", 1),
    "asset-missing-image": ("asset-missing", "<img", 1),
}
#: cases only the loaded page shows (``--page``): case -> (code, line or None).
PAGE: dict[str, tuple[str, int | None]] = {
    "js-transitions-not-array": ("transitions-not-array", None),
    "js-transitions-null": ("transitions-not-array", None),
    "js-transition-not-object": ("transition-not-object", None),
    "js-transition-missing-shader": ("transition-attribute-missing", None),
    "js-transition-unknown-shader": ("shader-unknown", None),
    "js-transition-dangling-scene": ("transition-scene-missing", None),
    "js-transition-time-string": ("transition-time", None),
    "asset-missing-css-url": ("asset-missing", None),
    "script-throws": ("page-script", 12),
    "script-syntax-error": ("page-script", None),
    "script-file-throws": ("page-script", None),
    "script-ready-rejects": ("page-script", 11),
}
#: not a composition at all: exit 2.
USAGE = {"folder-without-index", "path-does-not-exist", "path-not-html"}
#: not the lint's: a GLSL compile error (the lint does not compile shaders; the catalogue
#: registers that shader in-process), and every case on the valid composition (flags, outputs,
#: environment variables of the render).
NOT_LINT = {"shader-compile-error"}


def by_name(name: str) -> Case:
    return next(case for case in CASES if case.name == name)


def line_of(case: Case, text: str, occurrence: int) -> int:
    """The line of the `occurrence`-th line holding `text` (HTML comments left out)."""
    lines = case.composition.joinpath("index.html").read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if text in line and not line.lstrip().startswith("<!--")]
    return hits[occurrence - 1]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.lint", *args], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_every_catalogue_case_is_linted_or_said_why_not() -> None:
    covered = set(STATIC) | set(PAGE) | USAGE | NOT_LINT
    for case in CASES:
        assert case.name in covered or case.comp == "valid", f"{case.name}: add it to a table of test_lint.py"


@pytest.mark.parametrize("name", sorted(STATIC))
def test_static_case_gives_its_code_at_its_line(name: str) -> None:
    case = by_name(name)
    code, text, occurrence = STATIC[name]
    problems = lint(case.composition, page=False)  # the static checks alone find it
    errors = [p for p in problems if p.severity == "error"]
    assert [p.code for p in errors] == [code], problems
    [error] = errors
    assert error.line == (None if text is None else line_of(case, text, occurrence))
    assert error.file.endswith(f"{name}/index.html")
    # the render's own message (its "(line N)" is the problem's line, dropped from the message)
    expect = case.expect.removeprefix("index.html: ")
    assert expect.replace(f" (line {error.line})", "").replace(f"(line {error.line}) ", "") in str(error)


@pytest.mark.parametrize("name", sorted(n for n in STATIC if not n.startswith("asset-") and n != "html-not-utf8"))
def test_first_finding_is_what_the_render_raises(name: str) -> None:
    html = by_name(name).composition / "index.html"
    raw = read_static(html)
    with pytest.raises(InputError) as info:
        read_composition(html)
    first = census_findings(raw, html)[0]
    assert (type(first.error), first.message) == (type(info.value), str(info.value))


def _random_composition(rnd: random.Random) -> str:
    values = ["", "1", "0", "-1", "2s", "1/3", "x", "64", "65", "64.5", "10000", "0.5", "4", "24", None, None]
    pick = rnd.choice

    def attr(name: str, value: str | None) -> str:
        return "" if value is None else f' {name}="{value}"'

    root = '<div data-composition-id="t"' + "".join(attr(a, pick(values)) for a in
                                                    ("data-width", "data-height", "data-duration", "data-fps")) + ">"
    body = "".join(f'<div class="{pick(["scene", "clip", "scene clip"])}"{attr("id", pick(["a", "b", "a", None]))}'
                   f'{attr("data-start", pick(values))}></div>\n' for _ in range(rnd.randint(0, 3)))
    for _ in range(rnd.randint(0, 3)):
        body += ("<hf-transition" + attr("data-shader", pick(["crossfade", "crossfad", "sdf-iris", None]))
                 + attr("data-time", pick(values)) + attr("data-duration", pick(values))
                 + attr("data-from", pick(["a", "b", "c", None])) + attr("data-to", pick(["a", "b", "zz"]))
                 + attr("data-ease", pick([None, "sine", "power5.in"]))
                 + pick(["", " data-params='{\"smoothness\": \"x\"}'", " data-params='{oops'", " data-params='[1]'"])
                 + "></hf-transition>\n")
    return f"<html><body>\n{root}\n{body}</div></body></html>"


def test_collecting_and_stopping_runs_agree_on_generated_compositions(tmp_path: Path) -> None:
    rnd = random.Random(20240611)
    html = tmp_path / "index.html"
    failed = 0
    for _ in range(400):
        html.write_text(_random_composition(rnd), encoding="utf-8")
        raw = read_static(html)
        js = rnd.choice([None, [{"time": 0.5, "duration": rnd.choice([0.2, -1]), "shader": "crossfade",
                                 "fromScene": "a", "toScene": rnd.choice(["b", "q"])}]])
        found = census_findings(raw, html, js_transitions=js)
        try:
            build_plan(raw, html, js_transitions=js)
        except InputError as exc:
            failed += 1
            assert found and (type(found[0].error), found[0].message) == (type(exc), str(exc))
        else:
            assert found == []
    assert 50 < failed < 400  # both outcomes were exercised


@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
@pytest.mark.parametrize("name", sorted(PAGE))
def test_page_case_with_page(name: str) -> None:
    case = by_name(name)
    code, line = PAGE[name]
    assert not [p for p in lint(case.composition, page=False) if p.severity == "error"]  # static checks cannot see it
    problems = [p for p in lint(case.composition, page=True) if p.severity == "error"]
    assert [(p.code, p.line) for p in problems] == [(code, line)], problems
    assert case.expect in problems[0].message


@pytest.mark.parametrize("name", sorted(USAGE))
def test_not_a_composition_is_bad_usage(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(by_name(name).composition)]) == 2
    assert by_name(name).expect in capsys.readouterr().err


def test_showcase_is_clean() -> None:
    assert [p for p in lint(SHOWCASE) if p.severity == "error"] == []
    done = run_cli("examples/showcase")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": error:" not in done.stdout


TWO_ROOT = 'data-composition-id="t" data-width="65" data-height="36" data-duration="2" data-fps="fast"'
MANY = f"""<!doctype html>
<html><head><script src="https://cdn.example.com/lib.js"></script></head><body>
<div id="root" {TWO_ROOT}>
  <div class="scene" id="a"></div>
  <div class="scene clip" id="b" data-start="-1"></div>
  <img src="img/missing.png">
  <hf-transition data-shader="crossfad" data-time="0.5" data-duration="0.5" data-from="a" data-to="c"></hf-transition>
  <hf-transition data-shader="crossfade" data-time="1" data-duration="0.5" data-from="a" data-to="b"
                 data-params='{{"nope": 1}}'></hf-transition>
  <div class="clip" id="late" data-start="3"></div>
  <div class="clip" id="long" data-start="1" data-duration="5"></div>
</div></body></html>
"""


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(MANY, encoding="utf-8")
    found = [(p.line, p.severity, p.code) for p in lint(tmp_path, page=False)]
    assert found == [
        (2, "warning", "remote-url"),
        (3, "error", "root-size-odd"), (3, "error", "root-fps"),
        (5, "error", "clip-start"),
        (6, "error", "asset-missing"),
        (7, "error", "transition-scene-missing"), (7, "error", "shader-unknown"),
        (8, "error", "shader-param"),
        (10, "warning", "clip-outside"), (11, "warning", "clip-past-end"),
    ]
    # the render refuses it with the first of them (in its check order)
    with pytest.raises(InputError, match="data-width='65' is odd"):
        read_composition(tmp_path)


def test_two_problems_both_reported_and_overlap(tmp_path: Path) -> None:
    composition(
        tmp_path,
        '<div class="scene" id="a"></div><div class="scene" id="b"></div>\n'
        '<hf-transition data-shader="crossfade" data-time="0.2" data-duration="1" data-from="a" data-to="b"></hf-transition>\n'
        '<hf-transition data-shader="crossfade" data-time="0.5" data-duration="0.3" data-from="b" data-to="a"></hf-transition>\n'
        '<div class="clip" data-duration="0"></div>', duration=2)
    assert [(p.line, p.code) for p in lint(tmp_path, page=False)] == [(5, "transition-overlap"), (6, "clip-duration")]


def test_remote_references_and_flags(tmp_path: Path) -> None:
    network = REPO / "tests" / "fixtures" / "compositions" / "network"
    remote = [p for p in lint(network) if p.code == "remote-url"]
    assert remote and all(p.severity == "warning" and p.line for p in remote)
    assert "--allow-network" in remote[0].message and "--map-url" in remote[0].message
    assert [p for p in lint(network, allow_network=True) if p.code == "remote-url"] == []
    composition(tmp_path, head='<script src="https://cdn.example.com/lib/a.js"></script>')
    (tmp_path / "vendor").mkdir()
    mapped = lint(tmp_path, url_map={"https://cdn.example.com/lib/": str(tmp_path / "vendor")})
    assert [(p.severity, p.code) for p in mapped] == [("error", "asset-missing")]  # mapped, but not there
    (tmp_path / "vendor" / "a.js").write_text("")
    assert lint(tmp_path, url_map={"https://cdn.example.com/lib/": str(tmp_path / "vendor")}) == []


def test_assets_outside_the_folder(tmp_path: Path) -> None:
    comp = tmp_path / "comp"
    comp.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    (comp / "link.png").symlink_to(tmp_path / "secret.png")
    composition(comp, '<img src="../secret.png">\n<img src="link.png">')
    found = [(p.line, p.severity, p.code) for p in lint(comp, page=False)]
    assert found == [(3, "error", "asset-outside"), (4, "error", "asset-outside")]


def test_media_problems(tmp_path: Path) -> None:
    write_numbered_video(tmp_path / "ok.mp4", frames=6, fps=24)
    write_corrupt_media(tmp_path / "bad.mp4", "garbage")
    write_tone_bursts(tmp_path / "tone.wav", duration=0.3, bursts=[(0.1, 0.1, 440)])
    composition(
        tmp_path,
        '<video src="ok.mp4"></video>\n<video id="b" src="bad.mp4"></video>\n<video src="tone.wav"></video>\n'
        '<video src="https://example.com/v.mp4"></video>\n<audio src="data:audio/wav;base64,AA"></audio>\n'
        '<video data-playback-rate="9"><source src="ok.mp4"></video>\n<audio src="gone.wav"></audio>')
    found = [(p.line, p.severity, p.code) for p in lint(tmp_path, page=False)]
    assert found == [(4, "error", "media-invalid"), (5, "error", "media-invalid"), (6, "error", "media-remote"),
                     (7, "error", "media-source"), (8, "warning", "media-rate"), (9, "error", "asset-missing")]
    assert [p.code for p in lint(tmp_path, media=False, page=False) if p.line in (4, 5)] == []


def test_json_output_and_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(MANY, encoding="utf-8")
    done = run_cli(str(tmp_path), "--json")
    assert done.returncode == 1, done.stderr
    rows = json.loads(done.stdout)
    assert {tuple(sorted(row)) for row in rows} == {("code", "file", "line", "message", "severity")}
    assert {row["code"] for row in rows} >= {"root-size-odd", "remote-url", "shader-unknown"}
    text = run_cli(str(tmp_path))
    assert text.returncode == 1 and f"{tmp_path}/index.html:3: error: root element" in text.stdout
    assert "7 errors, 3 warnings" in text.stderr
    assert run_cli("tests/fixtures/compositions/network").returncode == 0  # warnings only
    missing = run_cli(str(tmp_path / "nope"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr and not missing.stdout
    assert run_cli(str(tmp_path), "--bogus").returncode == 2
    assert run_cli(str(tmp_path), "--map-url", "nothing").returncode == 2


def test_help_is_complete(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for text in ("--json", "--allow-network", "--map-url", "--no-probe", "--page", "--static", "exit codes",
                 "0 no errors", "checks: static, page (Chromium)", "misspelled timing attributes"):
        assert text in out


REFUSED = {
    "media-invalid": '<video id="b" src="bad.mp4"></video>',
    "media-remote": '<video src="https://example.com/v.mp4"></video>',
    "asset-outside": '<img src="../secret.png">',
    "asset-outside-link": '<img src="link.png">',
}


@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_file_errors_are_ones_the_render_refuses(name: str, tmp_path: Path) -> None:
    """The lint's file checks (not the validation's) report as errors only what a render refuses."""
    comp = tmp_path / "comp"
    comp.mkdir()
    write_corrupt_media(comp / "bad.mp4", "garbage")
    (tmp_path / "secret.png").write_bytes(b"x")
    (comp / "link.png").symlink_to(tmp_path / "secret.png")
    composition(comp, REFUSED[name])
    [problem] = lint(comp)
    assert (problem.severity, problem.code, problem.line) == ("error", name.removesuffix("-link"), 3)
    with pytest.raises(InputError) as info:
        load_plan(comp)
    if name.startswith("media"):
        assert problem.message in str(info.value)  # the render's own message


def test_ignored_variable_declarations_are_warned(tmp_path: Path) -> None:
    from engine.lint import lint

    (tmp_path / "index.html").write_text(
        "<!doctype html>\n<html data-composition-variables='[{\"id\": \"t\", \"type\": \"string\"}, 5'>\n<body>"
        '<div id="root" data-composition-id="v" data-width="64" data-height="36" data-duration="1"></div>'
        "</body></html>", encoding="utf-8")
    problems = [p for p in lint(tmp_path, page=False) if p.code == "variables"]
    assert len(problems) == 1 and problems[0].line == 2 and problems[0].severity == "warning"
    assert "not valid JSON" in problems[0].message


def test_animated_images_are_warned(tmp_path: Path) -> None:
    import numpy as np

    from engine.lint import lint
    from engine.output.encoder import Encoder

    with Encoder(tmp_path / "spin.gif", 16, 16, 10) as enc:
        for i in range(2):
            enc.write(np.full((16, 16, 3), 40000 * i, np.uint16))
    composition(tmp_path, '<img id="spin" src="spin.gif">', id="v")
    [problem] = [p for p in lint(tmp_path, page=False) if p.code == "animated-image"]
    assert problem.line == 3 and problem.severity == "warning" and "spin.gif" in problem.message


def test_cdn_npm_files_are_not_remote_while_the_npm_cache_serves_them(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    composition(tmp_path, head='<script src="https://cdn.jsdelivr.net/npm/gsap@3.12.5/dist/gsap.min.js"></script>')
    monkeypatch.delenv("ENGINE_CDN", raising=False)
    assert [p for p in lint(tmp_path, page=False) if p.code == "remote-url"] == []
    monkeypatch.setenv("ENGINE_CDN", "off")
    assert [p.line for p in lint(tmp_path, page=False) if p.code == "remote-url"] == [1]
