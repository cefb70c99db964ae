"""How frames are taken: begin-frame control on the headless shell, screenshots elsewhere.

Real Chromium for both builds Debian ships (bootstrap installs both), plus a fake CDP session
for the branches Chromium does not take on demand (no damage, "another frame is pending").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.capture import BrowserSession, CaptureOptions
from engine.capture.options import CHROMIUM_CANDIDATES, is_headless_shell
from engine.capture.shutter import BeginFrameUnavailable, Shutter
from engine.errors import CaptureError, ConfigError

COMPOSITIONS = Path(__file__).parent / "fixtures" / "compositions"
HEADLESS_SHELL, FULL_CHROMIUM = CHROMIUM_CANDIDATES
TIMES = [0.0, 0.5, 1.25, 2.0, 3.9]

browser = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]

def test_headless_shell_is_recognised_by_name() -> None:
    assert is_headless_shell(HEADLESS_SHELL)
    assert is_headless_shell("/opt/chrome-headless-shell-linux64/chrome-headless-shell")
    assert not is_headless_shell(FULL_CHROMIUM)
    assert not is_headless_shell("/usr/bin/google-chrome")

def test_capture_mode_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CaptureOptions().capture_mode == "auto"
    with pytest.raises(ConfigError, match="capture_mode.*auto.*beginframe.*screenshot"):
        CaptureOptions(capture_mode="vsync")
    monkeypatch.setenv("ENGINE_CAPTURE_MODE", "Screenshot")
    assert CaptureOptions.from_env().capture_mode == "screenshot"
    monkeypatch.setenv("ENGINE_CAPTURE_MODE", "fast")
    with pytest.raises(ConfigError, match="ENGINE_CAPTURE_MODE"):
        CaptureOptions.from_env()

@pytest.mark.parametrize("fmt", ["png", "jpeg"])
@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
def test_begin_frames_and_screenshots_give_the_same_pixels(fmt: str) -> None:
    assert Path(HEADLESS_SHELL).is_file(), "scripts/bootstrap.sh installs chromium-headless-shell"
    frames = {}
    for mode in ("beginframe", "screenshot"):
        with BrowserSession(COMPOSITIONS / "determinism", executable=HEADLESS_SHELL, capture_mode=mode,
                            capture_format=fmt) as session:
            assert session.capture_mode == mode
            frames[mode] = [session.capture_frame(t).copy() for t in TIMES]
    for t, a, b in zip(TIMES, frames["beginframe"], frames["screenshot"]):
        assert np.array_equal(a, b), f"t={t}: begin-frame and screenshot captures differ ({fmt})"
    assert not np.array_equal(frames["beginframe"][1], frames["beginframe"][3])

@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
def test_auto_mode_picks_begin_frames_on_the_headless_shell_and_screenshots_on_full_chromium() -> None:
    with BrowserSession(COMPOSITIONS / "clips", executable=HEADLESS_SHELL) as shell:
        assert shell.capture_mode == "beginframe"
        reference = shell.capture_frame(1.0).copy()
    with BrowserSession(COMPOSITIONS / "clips", executable=FULL_CHROMIUM) as full:
        assert full.capture_mode == "screenshot"
        assert full.capture_frame(1.0).shape == reference.shape

@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
def test_begin_frames_on_full_chromium_are_a_clear_error() -> None:
    with pytest.raises(BeginFrameUnavailable, match="headless shell.*ENGINE_CAPTURE_MODE=screenshot"):
        BrowserSession(COMPOSITIONS / "clips", executable=FULL_CHROMIUM, capture_mode="beginframe")

class FakeCDP:
    """Answers beginFrame from a script of replies: an image, None (no damage) or 'pending'."""

    def __init__(self, replies: list[Any]) -> None:
        self.replies, self.sent = list(replies), []

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.sent.append((method, params))
        if method != "HeadlessExperimental.beginFrame" or not params or "screenshot" not in params:
            return {"hasDamage": False}
        reply = self.replies.pop(0)
        if reply == "pending":
            raise RuntimeError("Protocol error (HeadlessExperimental.beginFrame): Another frame is pending")
        return {"hasDamage": reply is not None, **({"screenshotData": reply} if reply else {})}

def shutter(cdp: FakeCDP) -> Shutter:
    def call(what: str, fn: Any) -> Any:
        try:
            return fn()
        except Exception as exc:
            raise CaptureError(f"the browser failed {what}: {exc}") from None
    s = Shutter(cdp, call, capture_format="jpeg", jpeg_quality=100, begin_frame=True, interval_ms=1000 / 30)
    s.start()
    return s

def test_a_frame_without_damage_returns_the_last_picture() -> None:
    cdp = FakeCDP(["A", None, "B"])
    s = shutter(cdp)
    assert [s.take(), s.take(), s.take()] == ["A", "A", "B"]
    assert (s.frames, s.reused) == (3, 1)
    ticks = [p["frameTimeTicks"] for m, p in cdp.sent if m == "HeadlessExperimental.beginFrame"]
    assert ticks == sorted(ticks) and len(set(ticks)) == len(ticks), "frame times must increase"
    assert cdp.sent[2][1]["screenshot"] == {"format": "jpeg", "optimizeForSpeed": True, "quality": 100}

def test_no_picture_at_all_forces_one_more_frame_then_fails_clearly() -> None:
    assert shutter(FakeCDP([None, "A"])).take() == "A"
    with pytest.raises(CaptureError, match="no image for the first frame"):
        shutter(FakeCDP([None, None])).take()

def test_another_frame_pending_is_retried_then_named() -> None:
    assert shutter(FakeCDP(["pending", "pending", "A"])).take() == "A"
    with pytest.raises(CaptureError, match="another frame is pending"):
        shutter(FakeCDP(["pending"] * 6)).take()
