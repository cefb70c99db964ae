"""The knob table is the one source: README table, CLI help and the code's readers agree with it."""

from __future__ import annotations

import dataclasses
import inspect
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from engine.errors import ConfigError
from engine.knobs import KNOBS, cli_epilog, knob, markdown_table
from engine.output.encoder import CODECS, QUALITIES
from engine.render.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def test_readme_configuration_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- knobs:start[^>]*-->\n(.*?)\n<!-- knobs:end -->", readme, re.S)
    assert block is not None, "README.md lost its knobs:start/knobs:end markers"
    assert block.group(1) == markdown_table(), "README's table drifted: paste engine.knobs.markdown_table() into it"


def test_every_environment_variable_the_code_reads_is_in_the_table() -> None:
    listed = {k.env for k in KNOBS if k.env}
    read = set()
    for path in [*(ROOT / "engine").rglob("*.py"), ROOT / "setup.py"]:
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"""(?:environ(?:\.get)?\(|environ\[|_flag\(|env=)\s*["'](ENGINE_[A-Z_]+)""", text))
    assert {"ENGINE_RING_DEPTH", "ENGINE_NATIVE"} <= read  # the search finds the readers
    assert read <= listed, f"environment variables not in engine/knobs.py: {sorted(read - listed)}"
    for k in KNOBS:
        if k.scope == "build":
            assert k.env in (ROOT / "setup.py").read_text(encoding="utf-8")


def test_every_cli_flag_is_in_the_table_and_in_the_help() -> None:
    flags = {s for a in build_parser()._actions for s in a.option_strings if s.startswith("--")}
    flags -= {"--help", "--output"}
    listed = {f for k in KNOBS if k.flag for f in k.flag.split("/") if f.startswith("--")}
    assert flags == listed
    epilog = cli_epilog()
    for k in KNOBS:
        if k.env and k.scope != "build":
            assert k.env in epilog


def test_choices_agree_with_the_parts_that_use_them() -> None:
    assert knob("codec").choices == ("auto", *CODECS)
    assert knob("quality").choices == tuple(QUALITIES)


def test_from_env_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    ring = knob("ring_depth")
    monkeypatch.setenv("ENGINE_RING_DEPTH", "")
    assert ring.from_env(4) == 4
    monkeypatch.setenv("ENGINE_RING_DEPTH", " 7 ")
    assert ring.from_env(4) == 7
    monkeypatch.setenv("ENGINE_RING_DEPTH", "deep")
    with pytest.raises(ConfigError, match=r"ENGINE_RING_DEPTH='deep' is not valid; expected an integer from 1 to 64"):
        ring.from_env(4)
    monkeypatch.setenv("ENGINE_GL", "vulkan")
    with pytest.raises(ConfigError, match="ENGINE_GL='vulkan'.*egl, off"):
        knob("gl").from_env("egl")


def test_console_script_help() -> None:
    script = Path(sys.executable).with_name("engine-render")
    assert script.exists(), "the engine-render console script is not installed (pip install -e .)"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout and "ENGINE_RING_DEPTH" in done.stdout


def test_cli_flags_are_generated_from_the_table() -> None:
    from engine.render.cli import HAND_WRITTEN, generated_knobs

    by_flag = {s: a for a in build_parser()._actions for s in a.option_strings}
    flagged = [k for k in KNOBS if k.flag]
    assert len(generated_knobs()) + len(HAND_WRITTEN) == len(flagged)
    assert all(reason.strip() for reason in HAND_WRITTEN.values())
    assert set(HAND_WRITTEN) <= set(by_flag), "a hand-written flag is missing from the parser"
    for k in generated_knobs():
        assert k.flag is not None
        for name in k.flag.split("/"):
            action = by_flag[name]
            assert action.dest == k.option, name
            assert (action.help or "").replace("%%", "%").startswith(k.help), name
            assert (tuple(action.choices) if action.choices else None) == k.choices, name
            if k.values == "flag":
                assert action.nargs == 0 and action.default is False, name
            elif k.choices is None:
                assert action.metavar == (k.metavar or k.option.upper()) and action.default is None, name


def test_flags_left_out_give_the_render_defaults() -> None:
    from engine.render.cli import _render_kwargs
    from engine.render.options import RenderOptions

    args = build_parser().parse_args(["comp", "-o", "out.mp4"])
    assert RenderOptions(**_render_kwargs(args)) == RenderOptions()


def test_every_generated_flag_reaches_its_option(tmp_path: Path) -> None:
    from engine.render.cli import _render_kwargs
    from engine.render.options import RenderOptions

    (tmp_path / "a.ttf").write_bytes(b"")  # --fonts wants a folder holding a font file
    args = build_parser().parse_args([
        "comp", "-o", "out.mp4", "--workers", "3", "--path", "sequential", "--partition", "contiguous",
        "--ring-depth", "5", "--backend", "cpu", "--codec", "h264", "--quality", "draft", "--fps", "25",
        "--frames", "0:5", "--hash-frames", "--no-audio", "--strict", "--strict-variables", "--ray", "local",
        "--chunk-frames", "40", "--allow-network", "--fonts", str(tmp_path), "--map-url", f"/lib/={tmp_path}"])
    options = RenderOptions(**_render_kwargs(args))
    assert (options.workers, options.path, options.partition, options.ring_depth, options.backend) == \
        (3, "sequential", "contiguous", 5, "cpu")
    assert (options.codec, options.quality, options.fps, options.frames) == ("h264", "draft", 25, "0:5")
    assert (options.hash_frames, options.audio, options.strict, options.strict_variables) == (True, False, True, True)
    assert (options.ray, options.chunk_frames) == ("local", 40)
    assert dict(options.capture) == {"allow_network": True, "font_dir": str(tmp_path), "url_map": {"/lib/": str(tmp_path)}}
    still = build_parser().parse_args(["comp", "-o", "a.png", "--still", "0.5", "--alpha"])
    assert (RenderOptions(**_render_kwargs(still)).still, RenderOptions(**_render_kwargs(still)).alpha) == \
        (Fraction(1, 2), True)


def _parts(annotation: object) -> set[str]:
    text = getattr(annotation, "__forward_arg__", annotation)
    assert isinstance(text, str)
    return {part.strip() for part in text.split("|")}


def test_render_knobs_options_and_signatures_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine
    from engine.render.options import RenderDefaults, RenderOptions
    from engine.render.warm import Renderer

    monkeypatch.delenv("ENGINE_RING_DEPTH", raising=False)
    knobs = {k.option: k for k in KNOBS if k.scope == "render"}
    fields = {f.name: f for f in dataclasses.fields(RenderOptions)}
    params = inspect.signature(engine.render).parameters
    assert set(fields) == set(knobs) | {"capture"}, "a render knob without a RenderOptions field, or the reverse"
    assert list(params)[:2] == ["composition", "output"]
    assert set(params) - {"composition", "output", "progress", "cancel"} == set(fields)
    assert set(RenderDefaults.__annotations__) == set(params) - {"composition", "output"}
    for name, hint in RenderDefaults.__annotations__.items():
        assert _parts(hint) == _parts(params[name].annotation), name
    for method in (Renderer.__init__, Renderer.render):
        (var,) = [p for p in inspect.signature(method).parameters.values() if p.kind is p.VAR_KEYWORD]
        assert var.annotation == "Unpack[RenderDefaults]", method
    resolved = RenderOptions()
    for name, f in fields.items():
        default = f.default_factory() if f.default is dataclasses.MISSING else f.default  # type: ignore[misc]
        assert params[name].default == (None if name == "capture" else default), name
        if name == "capture":
            continue
        k, value = knobs[name], getattr(resolved, name)
        if k.values == "flag":
            assert value is (k.default == "on"), name
        elif value is None:  # "none", or what decides it: "the composition's", "all", ...
            assert not k.default[:1].isdigit() and k.default not in ("on", "off"), name
        else:
            assert str(value) == k.default, name
