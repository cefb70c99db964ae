"""The preview's parts that need no browser: `import engine` stays free of it, the callable
``engine.preview``, the files' digest that keys the frame cache, the event fan-out and the
command line's refusals (issue 32; the server and page are tests/test_preview.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import CompositionError, ConfigError, EngineError
from engine.preview.cli import main
from engine.preview.events import Broadcaster
from engine.preview.frames import FolderDigest, cli_message

ROOT = Path(__file__).resolve().parent.parent


def test_import_engine_does_not_load_the_preview() -> None:
    code = ("import sys, engine; assert 'engine.preview' not in sys.modules and 'watchfiles' not in sys.modules; "
            "assert callable(engine.preview) and callable(engine.still); "
            "import engine.preview as p; assert engine.preview is p and callable(p) and engine.still is p.still")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr


def test_digest_follows_the_content_not_the_clock(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("a", encoding="utf-8")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "x.svg").write_text("<svg/>", encoding="utf-8")
    out = tmp_path / "out.mp4"
    digest = FolderDigest(tmp_path, ignore=(out,))
    first = digest.current()
    os.utime(tmp_path / "index.html", ns=(1, 1))  # touched, same bytes
    assert digest.current() == first
    (tmp_path / ".index.html.swp").write_text("editor", encoding="utf-8")  # hidden: not the composition
    out.write_bytes(b"render")  # the preview's own output: ignored
    assert digest.current() == first
    (tmp_path / "img" / "x.svg").write_text("<svg></svg>", encoding="utf-8")
    second = digest.current()
    assert second != first
    (tmp_path / "img" / "x.svg").write_text("<svg/>", encoding="utf-8")
    assert digest.current() == first  # back to the same bytes: the same version


def test_every_subscriber_gets_every_event() -> None:
    events = Broadcaster()
    a, b = events.subscribe(), events.subscribe()
    events.publish("change", {"paths": ["index.html"]})
    assert a.get_nowait() == b.get_nowait() == b'event: change\ndata: {"paths": ["index.html"]}\n\n'
    events.unsubscribe(a)
    events.close()
    assert a.empty() and b.get_nowait() is None and events.subscribers == 0


def test_messages_are_the_clis() -> None:
    assert cli_message(ConfigError("fps=0 is not valid")) == "error: fps=0 is not valid"
    assert cli_message(EngineError("Chromium died")) == "render failed: Chromium died"
    assert cli_message(ValueError("odd")) == "render failed: ValueError: odd"


def test_command_line_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "missing"), "--no-open"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([str(tmp_path), "--no-open", "--port", "70000"]) == 2
    assert "--port 70000 is not valid" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["--no-such-flag"])
    assert usage.value.code == 2
    with pytest.raises(CompositionError):
        from engine.preview.frames import FrameService

        FrameService(tmp_path)  # a folder without index.html


@pytest.mark.browser
def test_frames_come_from_one_warm_page_per_version(tmp_path: Path, chromium_leak_check: None) -> None:
    """The service seeks one loaded page for every frame of a version of the files (issue 32's
    300 ms playhead), gives the still render's pixels, and opens a new page after a save."""
    import io

    import av
    import numpy as np

    import engine
    from engine.preview.frames import FrameService

    def pixels(png: bytes) -> np.ndarray:
        with av.open(io.BytesIO(png)) as container:
            return next(container.decode(video=0)).to_ndarray(format="rgb48le")

    page = ('<!doctype html><html><body><div id="root" data-composition-id="p" data-width="96" data-height="54" '
            'data-duration="1" data-fps="10"><div id="box" style="position:absolute;left:0;top:10px;width:20px;'
            'height:20px;background:{};animation:mv 1s linear both"></div></div><style>@keyframes mv{{to{{left:70px}}}}'
            '</style></body></html>')
    (tmp_path / "index.html").write_text(page.format("#e33"), encoding="utf-8")
    service = FrameService(tmp_path).start()
    try:
        frames = {t: service.frame(t) for t in ("0.7", "0.2", "0.5")}
        first = service._stills["high"][1]
        assert first.frames == 3, "each frame should be a seek of the same page"
        for t, frame in frames.items():
            assert np.array_equal(pixels(frame.png), engine.still(tmp_path, t)), f"t={t}"
        assert service.frame("0.2").cached and first.frames == 3
        (tmp_path / "index.html").write_text(page.format("#3e3"), encoding="utf-8")
        green = service.frame("0.2")
        assert not green.cached and green.version != frames["0.2"].version
        assert first.closed and service._stills["high"][1] is not first  # a new page for the new files
        assert np.array_equal(pixels(green.png), engine.still(tmp_path, "0.2"))
    finally:
        service.close()
    assert not service._stills
