"""Renders that fail or are stopped part-way: a signal, a cancel event, a crashed browser, a full
disk, a page that hangs. Each fails cleanly, naming what went wrong, and leaves nothing behind (no
output file, no Chromium process); a crashed browser is replaced and the video is whole. (Split
from test_render.py: the slowest file, so that the two test processes share the work.)"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from chromium_procs import browser_processes
from helpers import decode_video

import engine
import engine.capture.session as session_module
from engine.errors import CaptureError

LONG = Path(__file__).parent / "fixtures" / "render" / "long"
pytestmark = pytest.mark.usefixtures("chromium_leak_check")


@pytest.mark.parametrize(("signum", "code", "word"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_signal_tears_down_and_leaves_nothing(tmp_path: Path, signum: int, code: int, word: str) -> None:
    import psutil

    out = tmp_path / "long.mp4"
    # no preexec_fn: Python code between fork and exec can deadlock in a process with threads (the
    # CLI installs its own SIGINT and SIGTERM handlers, whatever it inherits)
    proc = subprocess.Popen([sys.executable, "-m", "engine.render", str(LONG), "-o", str(out), "--workers", "2"],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not any(p.name().startswith("chrom") for p in psutil.Process(proc.pid).children(recursive=True)):
            assert time.monotonic() < deadline, "no browser started"
            time.sleep(0.1)
        time.sleep(2.0)  # mid-render
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=15)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert f"{word}: no output written" in err
    assert list(tmp_path.iterdir()) == []
    gone, alive = psutil.wait_procs(children, timeout=5)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []


def test_cancel_event_stops_a_render_from_another_thread(tmp_path: Path) -> None:
    import threading

    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 30:
            cancel.set()

    with pytest.raises(engine.RenderCancelled, match="render cancelled before frame"):
        engine.render(LONG, tmp_path / "v.mp4", workers=2, progress=progress, cancel=cancel)
    assert 30 <= max(seen) < 600
    assert list(tmp_path.iterdir()) == []


def test_a_crashed_browser_is_replaced_and_the_video_is_whole(tmp_path: Path) -> None:
    clean = engine.render(LONG, tmp_path / "clean.mp4", frames="0:60", workers=2, hash_frames=True)
    killed: list[int] = []
    killed_at: list[int] = []  # the frames done then
    marker = f"--engine-test-render={uuid.uuid4().hex}"  # on this render's browsers only

    def progress(done: int, total: int) -> None:
        if done >= 20 and not killed:
            victims = browser_processes(marker)
            assert len(victims) <= 2, [(p.pid, p.cmdline()[-3:]) for p in victims]
            if len(victims) == 2:  # once the second worker's browser is up (it may start after frame 20)
                victims[-1].kill()
                killed.append(victims[-1].pid)
                killed_at.append(done)

    result = engine.render(LONG, tmp_path / "crash.mp4", frames="0:60", workers=2, hash_frames=True,
                           progress=progress, capture={"extra_args": [marker]})
    assert killed, "the second browser never ran during the render"
    assert killed_at[0] <= 50, f"killed after {killed_at[0]} of 60 frames: not mid-render"
    assert result.frame_hashes == clean.frame_hashes
    assert len(decode_video(result.output).frames) == 60
    assert result.browser_restarts == 1 and clean.browser_restarts == 0
    assert "1 browser(s) replaced after a crash or hang" in result.summary()


DISK_FULL = """
import resource, signal, sys
import engine
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
def progress(done, total):
    if done == 5:  # the browsers are up: from now on no file may grow past 20 kB
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
try:
    engine.render(sys.argv[1], sys.argv[2], frames="0:600", workers=2, progress=progress)
except engine.EngineError as exc:
    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(1)
"""


def test_encoder_that_cannot_write_fails_cleanly(tmp_path: Path) -> None:
    """A full disk, simulated by a file-size limit on the render process (a real failing write)."""
    done = subprocess.run([sys.executable, "-c", DISK_FULL, str(LONG), str(tmp_path / "v.mp4")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert re.search(r"EncodeError: (encoding frame \d+|finishing) .*v\.mp4.* failed", done.stderr), done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_page_that_hangs_every_time_fails_naming_the_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of three sessions (the first and two new ones) is stopped by the watchdog at the same
    frame. Its limit is shortened from 6.5 s (test_capture_watchdog.py checks the real one) to 2.5 s."""
    monkeypatch.setattr(session_module, "answer_limit_s", lambda timeout_ms: 2.5)
    hang = Path(__file__).parent / "fixtures" / "compositions" / "hang"
    started = time.monotonic()
    with pytest.raises(CaptureError, match=r"capture of frame \d+ \(t=.* s\) failed after 2 new browser session\(s\)"
                                           r".*no answer within 2.5 s seeking to t="):
        engine.render(hang, tmp_path / "v.mp4", workers=1, capture={"timeout_ms": 1000})
    assert time.monotonic() - started < 30
    assert list(tmp_path.iterdir()) == []
