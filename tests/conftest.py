"""Shared fixtures. GL tests run on whatever EGL gives (Mesa llvmpipe here)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import engine  # noqa: E402
from engine.errors import BackendUnavailableError  # noqa: E402


@pytest.fixture(scope="session")
def gl_blender() -> Iterator[engine.Blender]:
    """A GL blender for the whole session; GL (llvmpipe at least) is part of the setup."""
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
