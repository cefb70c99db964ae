"""Chromium processes started by this test process (psutil), for the leak checks."""

from __future__ import annotations

import time


def chromium_children() -> set[int]:
    import psutil

    pids = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower() and child.status() != psutil.STATUS_ZOMBIE:
                pids.add(child.pid)
        except psutil.NoSuchProcess:
            pass
    return pids


def assert_no_new_chromium(before: set[int], timeout: float = 5.0) -> None:
    """Wait up to `timeout` s for Chromium processes not in `before` to exit; fail if any remain."""
    deadline = time.monotonic() + timeout
    while True:
        left = chromium_children() - before
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert not left, f"Chromium processes left running after the test: {sorted(left)}"
