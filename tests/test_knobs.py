"""The knob table is the one source: README table, CLI help and the code's readers agree with it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.encoder import CODECS, QUALITIES
from engine.errors import ConfigError
from engine.knobs import KNOBS, cli_epilog, knob, markdown_table
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
