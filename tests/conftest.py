"""Shared fixtures, and the ``browser`` lane.

- Every test that starts Chromium is marked ``browser`` here (`pytest_collection_modifyitems`,
  decided from its source by `chromium_procs.starts_chromium`): ``pytest -m "not browser"``
  (``make test-fast``) leaves them out. A test not marked that starts Chromium anyway fails,
  naming the rule to fix (`chromium_procs.ChromiumGuard`).
- Browser tests in `WARM_MODULES` share warm Chromium processes (`keep_browsers_warm`), and their
  `engine.render` calls the worker threads, browsers and blenders a `Renderer` keeps: each
  session still gets a fresh browser context; a test that makes a `Renderer` (which keeps its
  own) or counts Chromium processes, itself or in a fixture of its module, gets none. They live
  as long as the test process (one per xdist worker), so a test that counts or kills Chromium
  processes counts them from a snapshot it takes first.
- `gl_blender`, `cpu_blender`: one blender per backend for the session; GL runs on whatever EGL
  gives (Mesa llvmpipe here; the bootstrap installs it, so no GL context is a failure).
- `chromium_leak_check`: after a test, no Chromium process it started is left (the shared warm
  ones aside).
- `compositions_dir`: the small test compositions (tests/fixtures/compositions).
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from chromium_procs import (  # noqa: E402
    ChromiumGuard,
    assert_no_new_chromium,
    chromium_children,
    process_tree,
    starts_chromium,
)

import engine  # noqa: E402
from engine.errors import BackendUnavailableError  # noqa: E402
from engine.render.lanes import WarmState  # noqa: E402

COMPOSITIONS = Path(__file__).parent / "fixtures" / "compositions"

#: Test modules whose browser tests share warm Chromium processes (checked to pass that way).
WARM_MODULES = frozenset({
    "test_adapters", "test_alpha", "test_audio_automation", "test_audio_fx", "test_audio_groups",
    "test_audio_loudness", "test_bad_input", "test_capture_errors", "test_capture_modes", "test_errors_early",
    "test_fidelity_warnings", "test_first_hour_page", "test_font_dir", "test_fonts", "test_hdr_images",
    "test_hdr_layers", "test_hyperframes_compat", "test_lint", "test_media_render", "test_media_video",
    "test_named_mistakes", "test_outputs", "test_render", "test_render_faults", "test_render_security",
    "test_stills", "test_subcompositions", "test_ten_bits", "test_untagged_colour", "test_variables",
    "test_vendor", "test_video_layers", "test_video_layers_box", "test_video_layers_filters",
    "test_video_layers_multi", "test_video_layers_pixels", "test_video_layers_rotate",
    "test_video_layers_rounded",
})
#: Test modules that start a Ray cluster in the test process: Ray starts its processes with a
#: preexec_fn (Python code between fork and exec), which can deadlock while other threads run (a
#: library's thread-local swscale context freed in the child waits forever), so no warm browsers'
#: threads run then: the warm browsers are stopped before these modules, and they get none.
RAY_MODULES = frozenset({"test_audio_render_paths", "test_hdr_output", "test_ray"})
#: Names a test (or a fixture it uses, but those of this file) uses that need Chromium of its own:
#: a Renderer keeps its own warm browsers; the others count or kill Chromium processes.
NEEDS_OWN_CHROMIUM = ("Renderer", "keep_browsers_warm", "chromium_children", "assert_no_new_chromium", "kill",
                      "browser_processes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``browser`` every test that starts Chromium."""
    for item in items:
        function = getattr(item, "function", None)
        if function is None or item.get_closest_marker("browser"):
            continue
        infos = getattr(item, "_fixtureinfo", None)
        fixtures = [defs[-1].func for defs in (infos.name2fixturedefs.values() if infos else ()) if defs]
        if starts_chromium(function, fixtures):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _chromium_guard(tmp_path_factory: pytest.TempPathFactory) -> ChromiumGuard:
    return ChromiumGuard(tmp_path_factory.mktemp("chromium-guard"))


class _Pool:
    """The warm browsers the `WARM_MODULES` tests share, started on first use: `warm` on the main
    thread (worker 0 and every `BrowserSession`), `lanes` for workers 1.. of `engine.render` (the
    threads, browsers and blenders an `engine.Renderer` keeps)."""

    warm: Any = None
    lanes: Any = None

    @classmethod
    def pids(cls) -> set[int]:
        pools = [cls.warm, *(lane.warm for lane in (cls.lanes.lanes if cls.lanes is not None else []))]
        return process_tree(pid for pool in pools if pool is not None
                            for _, pid in list(pool._browsers.values()) if pid is not None)

    @classmethod
    def close(cls) -> None:
        if cls.lanes is not None:
            cls.lanes.close()
            cls.lanes = None
        if cls.warm is not None:
            cls.warm.close()
            cls.warm = None


@pytest.fixture(scope="session")
def _browser_pool() -> Iterator[type[_Pool]]:
    yield _Pool
    _Pool.close()


@pytest.fixture(scope="module", autouse=True)
def _no_warm_threads_under_ray(request: pytest.FixtureRequest) -> None:
    """Stop the warm browsers (and their lanes' threads) before a module of `RAY_MODULES`."""
    if request.module.__name__ in RAY_MODULES:
        _Pool.close()


def _names_used(item: pytest.Item) -> set[str]:
    """The global and attribute names the code of test `item` and of its fixtures uses (but those
    of this file: `chromium_leak_check` knows the warm browsers)."""
    infos = getattr(item, "_fixtureinfo", None)
    fixtures = [defs[-1].func for defs in (infos.name2fixturedefs.values() if infos else ()) if defs]
    functions = [getattr(item, "function", None), *(f for f in fixtures if f.__module__ != __name__)]
    codes = [getattr(inspect.unwrap(f), "__code__", None) for f in functions if f is not None]
    names: set[str] = set()
    while codes:  # nested functions and comprehensions too (a progress callback that kills a browser)
        code = codes.pop()
        if code is not None:
            names.update(code.co_names)
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return names


@pytest.fixture(autouse=True)
def _chromium_lane(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A browser test in `WARM_MODULES` gets the shared warm browsers; any other test not marked
    browser fails if it starts Chromium."""
    item = request.node
    if item.get_closest_marker("browser") is None:
        guard: ChromiumGuard = request.getfixturevalue("_chromium_guard")
        log = tmp_path_factory.mktemp("guard") / "chromium.log"
        with pytest.MonkeyPatch.context() as monkeypatch:
            guard.activate(monkeypatch, log)
            yield
            problem = guard.violation(log)
        if problem:
            pytest.fail(problem)
        return
    module = getattr(item, "module", None)
    if module is None or module.__name__ not in WARM_MODULES or _names_used(item) & set(NEEDS_OWN_CHROMIUM):
        yield
        return
    from engine.capture import launch

    pool = request.getfixturevalue("_browser_pool")
    if pool.warm is None:
        pool.warm = launch.WarmBrowsers()
    if pool.lanes is None:
        pool.lanes = WarmState()
    launch._local.warm = pool.warm  # what keep_browsers_warm() sets, kept across tests
    api = importlib.import_module("engine.render.api")
    cold = api.run_render

    def warm_render(*args: Any, warm: Any = None) -> Any:  # what a Renderer passes (on the main thread only)
        main = threading.current_thread() is threading.main_thread()
        return cold(*args, warm=pool.lanes if warm is None and main else warm)

    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setattr(api, "run_render", warm_render)
            yield
    finally:
        launch._local.warm = None


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
    """Fails the test if a Chromium process started during it is still running afterwards (the
    warm browsers shared by `WARM_MODULES` tests aside)."""
    before = chromium_children()
    yield
    assert_no_new_chromium(before, kept=_Pool.pids)


@pytest.fixture(scope="session")
def compositions_dir() -> Path:
    """Folder of the small test compositions (tests/fixtures/compositions)."""
    return COMPOSITIONS
