"""A page that stops answering is stopped by the session's watchdog, with a clear error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.capture import BrowserSession
from engine.capture.session import PageHangError, answer_limit_s

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]


def test_answer_limit_leaves_room_for_settling() -> None:
    assert answer_limit_s(30000) == pytest.approx(50.0)
    assert answer_limit_s(1000) > 1.0


def test_endless_loop_in_a_page_script_is_stopped(compositions_dir: Path) -> None:
    session = BrowserSession(compositions_dir / "hang", timeout_ms=1000)
    try:
        session.capture_frame(0.2)  # before the loop starts
        started = time.monotonic()
        with pytest.raises(PageHangError, match=r"no answer within 6.5 s seeking to t=1 s .*endless loop"):
            session.capture_frame(1.0)
        assert time.monotonic() - started < answer_limit_s(1000) + 5
        assert session.closed
    finally:
        session.close()
