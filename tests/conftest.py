"""Shared fixtures.

- `gl_blender`, `cpu_blender`: one blender per backend for the session; GL runs on whatever EGL
  gives (Mesa llvmpipe here; the bootstrap installs it, so no GL context is a failure).
- `chromium_leak_check`: after a test, no Chromium process it started is left.
- `compositions_dir`: the small test compositions (tests/fixtures/compositions).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import engine  # noqa: E402
from chromium_procs import assert_no_new_chromium, chromium_children  # noqa: E402
from engine.errors import BackendUnavailableError  # noqa: E402

COMPOSITIONS = Path(__file__).parent / "fixtures" / "compositions"


@pytest.fixture(scope="session")
def gl_blender() -> Iterator[engine.Blender]:
    """A GL blender for the whole session."""
    try:
        blender = engine.Blender("gl")
    except BackendUnavailableError as exc:  # the bootstrap installs Mesa EGL: this is a failure
        pytest.fail(f"no GL context: {exc}")
    yield blender
    blender.close()


@pytest.fixture(scope="session")
def cpu_blender() -> Iterator[engine.Blender]:
    blender = engine.Blender("cpu")
    yield blender
    blender.close()


@pytest.fixture
def chromium_leak_check() -> Iterator[None]:
    """Fails the test if a Chromium process started during it is still running afterwards."""
    before = chromium_children()
    yield
    assert_no_new_chromium(before)


@pytest.fixture(scope="session")
def compositions_dir() -> Path:
    """Folder of the small test compositions (tests/fixtures/compositions)."""
    return COMPOSITIONS
