"""The console scripts (`engine-render`, `engine-doctor`, `engine-lint`) behave as their
``python -m`` forms: the same help, the same errors, the same exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
SCRIPTS = [("engine-render", "engine.render"), ("engine-doctor", "engine.doctor"), ("engine-lint", "engine.lint")]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("script", "module"), SCRIPTS)
def test_help_is_the_same(script: str, module: str) -> None:
    path = BIN / script
    assert path.exists(), f"{path} is missing: the bootstrap's editable install makes it (pip install -e .)"
    by_script, by_module = run([str(path), "--help"]), run([sys.executable, "-m", module, "--help"])
    assert by_script.returncode == by_module.returncode == 0
    assert by_script.stdout == by_module.stdout and "usage:" in by_script.stdout


def test_render_errors_are_the_same(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    for args in ([missing, "-o", str(tmp_path / "v.mp4")], ["--workers", "0", missing, "-o", "v.mp4"], []):
        by_script = run([str(BIN / "engine-render"), *args])
        by_module = run([sys.executable, "-m", "engine.render", *args])
        assert by_script.returncode == by_module.returncode == 2, args
        assert by_script.stderr == by_module.stderr
    assert list(tmp_path.iterdir()) == []
