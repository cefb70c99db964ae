"""Composition variables as HyperFrames scripts them: the declarations (data-composition-variables),
the values a render is given (variables=, --variables, --variables-file), the checks between them,
and what the page sees (window.__hfVariables, window.__hyperframes.getVariables(), --id, data-var-text)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

import engine
from engine.capture import BrowserSession, CaptureOptions
from engine.composition.source import read_static
from engine.composition.variables import (
    Variable,
    VariableWarning,
    check_composition,
    check_values,
    check_values_object,
    declared_variables,
    merge,
    parse_values,
    read_values_file,
    value_issues,
)
from engine.errors import ConfigError, InputError, RenderWarning
from engine.render import RenderOptions

FIXTURE = Path(__file__).parent / "fixtures" / "variables"
DEFAULTS = {"bg": "rgb(255, 0, 0)", "band": "rgb(0, 255, 0)", "title": "Hello", "count": 3, "mode": "calm"}
RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)


def census(html: str, tmp_path: Path) -> dict:
    path = tmp_path / "index.html"
    path.write_text(html, encoding="utf-8")
    return read_static(path)


def declared() -> dict[str, Variable]:
    found, ignored = declared_variables(read_static(FIXTURE / "index.html"))
    assert ignored == []
    return found


# ---- declarations ----

def test_declarations_are_read_from_html_with_types_defaults_and_options() -> None:
    found = declared()
    assert list(found) == ["bg", "band", "title", "count", "mode"]
    assert found["count"] == Variable("count", "number", 3, True, (), found["count"].where)
    assert found["mode"].options == ("calm", "loud")
    assert found["bg"].where.startswith("<html>")
    assert merge(found, {}) == DEFAULTS


def test_the_root_element_declares_too_and_wins(tmp_path: Path) -> None:
    raw = census("""<html data-composition-variables='[{"id": "a", "default": 1}, {"id": "b", "default": 2}]'><body>
        <div data-composition-id="m" data-composition-variables='[{"id": "b", "type": "number", "default": 5}]'></div>
        </body></html>""", tmp_path)
    found, ignored = declared_variables(raw)
    assert ignored == []
    assert merge(found, {}) == {"a": 1, "b": 5}
    assert found["a"].type is None and found["b"].where.startswith('<div data-composition-id="m">')


@pytest.mark.parametrize(("attr", "message"), [
    ("{bad", r"<html> \(line 1\) data-composition-variables is not valid JSON"),
    ('{"title": {"type": "string", "default": "x"}}', r"is a JSON object; expected a JSON array .*HyperFrames ignores"),
    ('[{"type": "string"}, 3]', r"data-composition-variables\[0\] is .*expected an object with a string id"),
])
def test_malformed_declarations_declare_nothing_and_are_named(tmp_path: Path, attr: str, message: str) -> None:
    raw = census(f"<html data-composition-variables='{attr}'><body><div data-composition-id='m'></div></body></html>",
                 tmp_path)
    found, ignored = declared_variables(raw)
    assert found == {}
    assert any(re.search(message, text) for text in ignored), ignored


def test_no_declarations(tmp_path: Path) -> None:
    assert declared_variables(census("<html><body><div data-composition-id='m'></div></body></html>", tmp_path)) \
        == ({}, [])


# ---- values ----

def test_parse_values() -> None:
    assert parse_values('{"title": "Q4", "n": 2, "on": true, "list": [1]}') == \
        {"title": "Q4", "n": 2, "on": True, "list": [1]}
    with pytest.raises(ConfigError, match=r"^--variables is not valid JSON \(Expecting property name .* at line 1 "
                                          r"column 2\); expected a JSON object of variable values"):
        parse_values("{bad")
    with pytest.raises(ConfigError, match=r"^--variables is a JSON array; expected a JSON object"):
        parse_values("[1, 2]")
    with pytest.raises(ConfigError, match=r"--variables is a JSON string"):
        parse_values('"title"')
    with pytest.raises(ConfigError, match=r"--variables is not valid JSON \(NaN is not JSON\)"):
        parse_values('{"n": NaN}')


def test_read_values_file(tmp_path: Path) -> None:
    good = tmp_path / "vars.json"
    good.write_text('{"title": "From a file"}\n', encoding="utf-8")
    assert read_values_file(good) == {"title": "From a file"}
    with pytest.raises(ConfigError, match=r"^--variables-file '.*missing.json' cannot be read \(No such file"):
        read_values_file(tmp_path / "missing.json")
    with pytest.raises(ConfigError, match=r"^--variables-file '.*' cannot be read \(Is a directory"):
        read_values_file(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("title=x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^--variables-file '.*bad.json' is not valid JSON"):
        read_values_file(bad)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe{")
    with pytest.raises(ConfigError, match=r"bin.json' is not UTF-8 text"):
        read_values_file(binary)


def test_values_from_python_must_be_json() -> None:
    assert check_values_object(None) == {}
    assert check_values_object({"pair": (1, 2)}) == {"pair": [1, 2]}
    with pytest.raises(ConfigError, match=r"variables=\['a'\] is not valid; expected a mapping"):
        check_values_object(["a"])
    with pytest.raises(ConfigError, match=r"variables has the key 3; expected variable names"):
        check_values_object({3: "x"})
    with pytest.raises(ConfigError, match=r"variables is not valid: .*set.*expected JSON values"):
        check_values_object({"s": {1}})
    with pytest.raises(ConfigError, match=r"variables is not valid: .*expected JSON values"):
        check_values_object({"n": float("nan")})
    with pytest.raises(ConfigError, match=r"variables="):
        CaptureOptions(variables="title")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"strict_variables='yes' is not valid; expected True or False"):
        RenderOptions(strict_variables="yes")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"variables and capture=\{'variables': \.\.\.\} cannot both be given"):
        RenderOptions(variables={"a": 1}, capture={"variables": {"a": 2}})
    assert RenderOptions(variables={"a": 1}).session_options()["variables"] == {"a": 1}
    assert "variables" not in RenderOptions(variables={}).session_options()


def test_merge_puts_values_over_defaults_undeclared_ones_included() -> None:
    assert merge(declared(), {"title": "Q4", "extra": 1}) == {**DEFAULTS, "title": "Q4", "extra": 1}


# ---- checks ----

def test_value_issues() -> None:
    found = declared()
    assert value_issues(found, {"bg": "#00f", "count": 2.5, "mode": "loud", "title": ""}) == []
    assert value_issues(found, {"titel": "x"}) == [
        "variable 'titel' is not declared in data-composition-variables (did you mean 'title'?); declared: 'bg', "
        "'band', 'title', 'count', 'mode'"]
    assert value_issues(found, {"count": "3"}) == [
        "variable 'count' is declared as number; expected a finite number, the value given is a string (\"3\")"]
    assert value_issues(found, {"count": True}) == [
        "variable 'count' is declared as number; expected a finite number, the value given is a boolean (true)"]
    assert value_issues(found, {"bg": 255}) == [
        "variable 'bg' is declared as color; expected a CSS colour (#rgb, #rrggbb, rgb(), rgba(), hsl(), hsla() or a "
        "named colour such as 'teal'), the value given is a number (255)"]
    assert value_issues(found, {"bg": "redd"}) == [
        "variable 'bg' is declared as color; expected a CSS colour (#rgb, #rrggbb, rgb(), rgba(), hsl(), hsla() or a "
        "named colour such as 'teal'), the value given is a string (\"redd\")"]
    assert value_issues(found, {"mode": "lowd"}) == [
        "variable 'mode' is 'lowd', not one of its declared options: 'calm', 'loud' (did you mean 'loud'?)"]
    assert value_issues(found, {"mode": 1}) == [
        "variable 'mode' is declared as enum; expected a string, the value given is a number (1)"]


def test_value_issues_of_the_other_types() -> None:
    found = {v.id: v for v in (Variable("on", "boolean"), Variable("font", "font"), Variable("logo", "image"),
                               Variable("any", None), Variable("odd", "gradient"))}
    ok = {"on": False, "font": {"name": "Inter", "source": "https://x/inter.css"}, "logo": {"url": "a.png"},
          "any": [1, {"x": None}], "odd": 3}
    assert value_issues(found, ok) == []
    assert value_issues(found, {"font": "Inter", "logo": "logo.svg"}) == []
    issues = value_issues(found, {"on": "true", "font": {"name": "Inter"}, "logo": {"src": "a.png"}})
    assert [i.split(";")[0] for i in issues] == ["variable 'on' is declared as boolean",
                                                 "variable 'font' is declared as font",
                                                 "variable 'logo' is declared as image"]


def test_a_composition_that_declares_nothing_takes_any_values(tmp_path: Path) -> None:
    raw = census("<html><body><div data-composition-id='m'></div></body></html>", tmp_path)
    assert check_values(raw, {"anything": 1}, strict=True) == []


def test_check_values_warns_and_strict_is_bad_input() -> None:
    raw = read_static(FIXTURE / "index.html")
    with pytest.warns(VariableWarning, match=r"^index.html: variable 'titel' is not declared"):
        texts = check_values(raw, {"titel": "x", "title": "ok"}, where="index.html")
    assert len(texts) == 1
    assert issubclass(VariableWarning, RenderWarning)
    with pytest.raises(ConfigError, match=r"^index.html: variable 'titel' is not declared .*; variable 'count' is "
                                          r"declared as number.*\(strict_variables / --strict-variables"):
        check_values(raw, {"titel": "x", "count": "3"}, strict=True, where="index.html")
    assert check_values(raw, {"title": "fine"}, strict=True) == []


def test_check_composition(tmp_path: Path) -> None:
    assert check_composition(tmp_path / "not-read", None) == []  # no values: nothing read
    with pytest.raises(InputError, match="does not exist"):
        check_composition(tmp_path / "nothing", {"a": 1})
    with pytest.raises(ConfigError, match="variable 'count'"):
        check_composition(FIXTURE, {"count": "3"}, strict=True)


# ---- in the page ----

PAGE_STATE = """() => ({
  seen: window.seen, hfVariables: window.__hfVariables === undefined ? "unset" : window.__hfVariables,
  now: window.__hyperframes.getVariables(), title: document.getElementById("title").textContent,
  band: getComputedStyle(document.getElementById("band")).backgroundColor,
  card: window.cardVars, cardTitle: document.getElementById("card-title").textContent })"""


@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
def test_the_page_sees_the_values_before_its_scripts_and_sub_compositions_keep_theirs() -> None:
    with BrowserSession(FIXTURE) as plain:
        state = plain._evaluate(PAGE_STATE, None)
    assert state["seen"] == state["now"] == DEFAULTS and state["hfVariables"] == "unset"
    assert state["title"] == "Hello" and state["band"] == "rgb(0, 255, 0)"
    assert state["card"] == {"title": "Card"} and state["cardTitle"] == "Card"

    values = {"title": "Q4", "band": "rgb(255, 255, 0)", "extra": [1, 2]}
    with BrowserSession(FIXTURE, variables=values) as session:
        state = session._evaluate(PAGE_STATE, None)
        frame = session.capture_frame(0)
    assert state["hfVariables"] == values  # as HyperFrames' engine injects them
    assert state["seen"] == state["now"] == {**DEFAULTS, **values}  # read by a script while the page parses
    assert state["title"] == "Q4" and state["band"] == "rgb(255, 255, 0)"  # data-var-text and --band
    assert state["card"] == {"title": "Card"} and state["cardTitle"] == "Card"  # the card keeps its host's values
    assert tuple(int(v) for v in frame[27, 32] >> 8) == YELLOW


# ---- rendering ----

def decoded_colours(path: Path) -> tuple[tuple[int, ...], tuple[int, ...]]:
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(container.streams.video[0])]
    assert len(frames) == 1
    top, bottom = frames[0][2:16, 4:60].reshape(-1, 3), frames[0][20:34, 4:60].reshape(-1, 3)
    return tuple(int(v) for v in np.median(top, axis=0)), tuple(int(v) for v in np.median(bottom, axis=0))


def close(got: tuple[int, ...], want: tuple[int, ...], tol: int = 6) -> bool:
    return all(abs(g - w) <= tol for g, w in zip(got, want, strict=True))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.render", *args], capture_output=True, text=True,
                          timeout=180, env=dict(os.environ))


@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
def test_render_with_the_defaults_and_with_variables_from_the_cli(tmp_path: Path) -> None:
    plain = tmp_path / "plain.mp4"
    engine.render(FIXTURE, plain, frames="0:1", quality="high", workers=1)
    top, bottom = decoded_colours(plain)
    assert close(top, RED) and close(bottom, GREEN), (top, bottom)

    out = tmp_path / "blue.mp4"
    done = run_cli(str(FIXTURE), "-o", str(out), "--frames", "0:1", "--quality", "high", "--workers", "1", "-q",
                   "--variables", json.dumps({"bg": "rgb(0, 0, 255)", "band": "rgb(255, 255, 0)", "titel": "x"}))
    assert done.returncode == 0, done.stderr
    # an undeclared name is a warning naming it and the declared ones; the render goes on
    assert "warning: index.html: variable 'titel' is not declared in data-composition-variables (did you mean " \
           "'title'?); declared: 'bg', 'band', 'title', 'count', 'mode'" in done.stderr
    top, bottom = decoded_colours(out)
    assert close(top, BLUE) and close(bottom, YELLOW), (top, bottom)


@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
def test_render_with_variables_from_a_file_through_the_api_warns(tmp_path: Path) -> None:
    values = tmp_path / "vars.json"
    values.write_text(json.dumps({"bg": "rgb(0, 0, 255)", "count": "3"}), encoding="utf-8")
    out = tmp_path / "v.mp4"
    with pytest.warns(VariableWarning, match=r"variable 'count' is declared as number"):
        result = engine.render(FIXTURE, out, frames="0:1", quality="high", workers=1,
                               variables=read_values_file(values))
    assert [w["code"] for w in result.warnings] == ["variables"]  # in the stats too
    assert "'count' is declared as number" in result.warnings[0]["message"]
    top, bottom = decoded_colours(out)
    assert close(top, BLUE) and close(bottom, GREEN), (top, bottom)


def test_strict_variables_fails_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"variable 'count' is declared as number"):
        engine.render(FIXTURE, tmp_path / "v.mp4", variables={"count": "3"}, strict_variables=True)
    with pytest.raises(ConfigError, match=r"variable 'titel' is not declared"):
        engine.render(FIXTURE, tmp_path / "v.mp4", variables={"titel": "x"}, strict_variables=True)
    assert list(tmp_path.iterdir()) == []


def test_cli_bad_variables_exit_2(tmp_path: Path) -> None:
    out = str(tmp_path / "v.mp4")
    bad_json = run_cli(str(FIXTURE), "-o", out, "--variables", "{bad")
    assert bad_json.returncode == 2, bad_json.stderr
    assert "error: --variables is not valid JSON (Expecting property name enclosed in double quotes at line 1 " \
           "column 2); expected a JSON object" in bad_json.stderr
    array = run_cli(str(FIXTURE), "-o", out, "--variables", "[1]")
    assert array.returncode == 2 and "--variables is a JSON array; expected a JSON object" in array.stderr
    missing = run_cli(str(FIXTURE), "-o", out, "--variables-file", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and "error: --variables-file '" in missing.stderr \
        and "missing.json' cannot be read (No such file or directory)" in missing.stderr
    both = run_cli(str(FIXTURE), "-o", out, "--variables", "{}", "--variables-file", "x.json")
    assert both.returncode == 2 and "argument --variables-file: not allowed with argument --variables" in both.stderr
    strict = run_cli(str(FIXTURE), "-o", out, "--variables", '{"titel": "x"}', "--strict-variables")
    assert strict.returncode == 2 and "variable 'titel' is not declared" in strict.stderr \
        and "--strict-variables" in strict.stderr
    mismatch = run_cli(str(FIXTURE), "-o", out, "--variables", '{"mode": "lowd"}', "--strict-variables")
    assert mismatch.returncode == 2 and "variable 'mode' is 'lowd', not one of its declared options" in mismatch.stderr
    assert list(tmp_path.iterdir()) == []
