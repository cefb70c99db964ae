"""`engine.Renderer`: renders one after another with browsers, GL and shaders kept warm; the same
frames as a cold render, nothing left running after close. (Its timing is in bench/warm_renderer.py.)"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

import engine
from chromium_procs import chromium_children
from engine.errors import ConfigError, EngineError

SOLID = Path(__file__).parent / "fixtures" / "render" / "solid"
SHOWCASE = Path(__file__).resolve().parents[1] / "examples" / "showcase"
pytestmark = pytest.mark.usefixtures("chromium_leak_check")


def test_warm_renders_give_the_frames_of_a_cold_render(tmp_path: Path) -> None:
    cold = engine.render(SHOWCASE, tmp_path / "cold.mp4", workers=2, frames="40:70", hash_frames=True)
    assert cold.workers == 2
    with engine.Renderer(workers=2, hash_frames=True) as renderer:
        first = renderer.render(SHOWCASE, tmp_path / "w1.mp4", frames="40:70")
        other = renderer.render(SOLID, tmp_path / "solid.mp4")  # another size and frame rate between them
        second = renderer.render(SHOWCASE, tmp_path / "w2.mp4", frames="40:70")
        assert renderer.renders == 3
        running = len(chromium_children())
        assert running > 0  # kept running between renders
    assert first.frame_hashes == cold.frame_hashes == second.frame_hashes
    assert other.frames == 20 and other.width == 64
    assert len(chromium_children()) < running  # and stopped by close (the leak check: none of them left)


def test_a_killed_warm_browser_is_replaced(tmp_path: Path) -> None:
    with engine.Renderer(workers=1, hash_frames=True) as renderer:
        first = renderer.render(SOLID, tmp_path / "a.mp4")
        for pid in chromium_children():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        again = renderer.render(SOLID, tmp_path / "b.mp4")
    assert again.frame_hashes == first.frame_hashes


def test_renderer_options_and_threads(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown render option"):
        engine.Renderer(wrokers=2)
    with pytest.raises(ConfigError, match="quality="):
        engine.Renderer(quality="ultra")
    renderer = engine.Renderer(workers=1, quality="draft")
    try:
        errors: list[BaseException] = []

        def elsewhere() -> None:
            try:
                renderer.render(SOLID, tmp_path / "x.mp4")
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
                errors.append(exc)

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        assert errors and isinstance(errors[0], EngineError) and "thread that made it" in str(errors[0])
        with pytest.raises(ConfigError, match="quality="):
            renderer.render(SOLID, tmp_path / "y.mp4", quality="ultra")
        result = renderer.render(SOLID, tmp_path / "z.gif", fps=5)  # per-render options override the defaults
        assert result.codec == "gif" and result.frames == 10 and result.quality == "draft"
    finally:
        renderer.close()
        renderer.close()
    with pytest.raises(EngineError, match="closed"):
        renderer.render(SOLID, tmp_path / "after.mp4")
    assert not (tmp_path / "x.mp4").exists() and not (tmp_path / "y.mp4").exists()
