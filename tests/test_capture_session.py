"""Real Chromium: a frame depends only on its time; clip visibility; scene isolation; teardown."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from chromium_procs import assert_no_new_chromium, chromium_children
from engine.capture import BrowserSession, decode_into
from engine.errors import CompositionError, FrameError, InputError

COMPOSITIONS = Path(__file__).parent / "fixtures" / "compositions"

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]

CELLS = {"css": 0, "waapi": 1, "timeline": 2, "raf": 3, "date": 4, "random": 5}
TIMES = [0.0, 0.5, Fraction(37, 30), 2.0, 3.9]


@pytest.fixture(scope="module")
def determinism() -> Iterator[BrowserSession]:
    before = chromium_children()
    session = BrowserSession(COMPOSITIONS / "determinism")
    try:
        yield session
    finally:
        session.close()
    assert_no_new_chromium(before)


def cell(frame: np.ndarray, name: str) -> np.ndarray:
    x = 32 * CELLS[name]
    return frame[:, x:x + 32]


def sweep(session: BrowserSession, times: list) -> list[np.ndarray]:
    return [session.capture_frame(t).copy() for t in times]


def test_frames_are_rgb48le_of_the_composition_size(determinism: BrowserSession) -> None:
    frame = determinism.capture_frame(0)
    assert frame.dtype == np.uint16 and frame.shape == (32, 192, 3) and frame.flags.c_contiguous
    assert np.all(frame % 257 == 0)  # an 8-bit capture widened by 257
    assert determinism.capture_frame(1) is frame  # the session's reused buffer


@pytest.mark.parametrize("name", CELLS)
def test_each_mechanism_animates_and_is_deterministic(determinism: BrowserSession, name: str) -> None:
    forwards = sweep(determinism, TIMES)
    again = sweep(determinism, TIMES)
    backwards = sweep(determinism, TIMES[::-1])[::-1]
    for t, a, b, c in zip(TIMES, forwards, again, backwards):
        assert np.array_equal(cell(a, name), cell(b, name)), f"{name}: t={t} twice differs"
        assert np.array_equal(cell(a, name), cell(c, name)), f"{name}: t={t} backwards differs"
    assert not np.array_equal(cell(forwards[1], name), cell(forwards[3], name)), f"{name} does not change over time"


def test_animations_are_at_the_exact_time(determinism: BrowserSession) -> None:
    frame = determinism.capture_frame(2.0)
    assert tuple(cell(frame, "css")[1, 1] // 257) == (100, 0, 0)  # 200 * 2/4 s, linear
    assert tuple(cell(frame, "waapi")[1, 1] // 257) == (0, 100, 0)
    assert tuple(cell(frame, "timeline")[1, 1] // 257) == (0, 0, 100)  # seek(t) was called with t = 2
    assert tuple(cell(frame, "date")[1, 1] // 257) == (100, 100, 0)  # Date.now advanced by 2000 ms


def test_two_sessions_give_identical_frames(determinism: BrowserSession) -> None:
    times = [3.9, 0.5, 2.0]
    first = sweep(determinism, times)
    with BrowserSession(COMPOSITIONS / "determinism") as other:
        second = sweep(other, times)
    for a, b in zip(first, second):
        assert np.array_equal(a, b)


def test_seed_changes_math_random(determinism: BrowserSession) -> None:
    base = determinism.capture_frame(0.5).copy()
    with BrowserSession(COMPOSITIONS / "determinism", seed=12345) as other:
        seeded = other.capture_frame(0.5)
        assert not np.array_equal(cell(base, "random"), cell(seeded, "random"))
        assert np.array_equal(cell(base, "css"), cell(seeded, "css"))


def test_out_buffer_and_bad_arguments(determinism: BrowserSession) -> None:
    out = np.zeros((32, 192, 3), np.uint16)
    assert determinism.capture_frame(1, out=out) is out and out.any()
    with pytest.raises(FrameError):
        determinism.capture_frame(1, out=np.zeros((32, 192, 3), np.uint8))
    for bad in (-0.1, 4.5, float("nan"), "soon"):
        with pytest.raises(InputError, match="expected seconds from 0 to 4"):
            determinism.capture_frame(bad)


# ---- clips ----

@pytest.fixture(scope="module")
def clips() -> Iterator[BrowserSession]:
    before = chromium_children()
    session = BrowserSession(COMPOSITIONS / "clips")
    try:
        yield session
    finally:
        session.close()
    assert_no_new_chromium(before)


@pytest.mark.parametrize("frame_index, big, tiny", [
    (0, (255, 0, 0), False), (2, (255, 0, 0), False), (3, (255, 0, 0), True), (8, (255, 0, 0), True),
    (9, (255, 0, 0), False), (29, (255, 0, 0), False), (30, (0, 255, 0), False), (59, (0, 255, 0), False),
    (60, (0, 0, 255), False), (75, (0, 0, 255), False), (119, (0, 0, 255), False),
])
def test_clip_visibility_follows_its_interval(clips: BrowserSession, frame_index: int, big: tuple, tiny: bool) -> None:
    t = clips.plan.frame_time(frame_index)
    frame = clips.capture_frame(t)
    assert tuple(frame[30, 60] // 257) == big
    assert (tuple(frame[2, 2] // 257) == (255, 255, 0)) == tiny
    # the plan agrees with the page, exactly (0.1 + 0.2 s is not a float trap)
    assert any(c.id == "tiny" and c.visible_at(t) for c in clips.plan.clips) == tiny


# ---- scenes ----

@pytest.fixture(scope="module")
def scenes() -> Iterator[BrowserSession]:
    before = chromium_children()
    session = BrowserSession(COMPOSITIONS / "scenes")
    try:
        yield session
    finally:
        session.close()
    assert_no_new_chromium(before)


RED, BLUE, GREEN, WHITE = (255, 0, 0), (0, 0, 255), (0, 255, 0), (255, 255, 255)


def colours(frame: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(v) for v in c) for c in np.unique((frame // 257).reshape(-1, 3), axis=0)}


def test_plan_from_the_page_has_both_transition_forms(scenes: BrowserSession) -> None:
    plan = scenes.plan
    assert plan.scene_ids == ("a", "b", "c")
    assert [(float(t.time), t.from_scene, t.to_scene, t.ease) for t in plan.transitions] == [
        (1.5, "a", "b", "power1.in"), (3.0, "b", "c", "linear")]
    assert "window.__hf.transitions[0]" in plan.transitions[1].origin


@pytest.mark.parametrize("t, scene, expected", [
    (1.6, "a", {RED, WHITE}),
    (1.6, "b", {BLUE, WHITE}),   # b is hidden (a clip from 2 s) in the whole frame at 1.6 s
    (3.2, "a", {RED, WHITE}),    # a is covered by b in the whole frame
    (3.2, "c", {GREEN}),         # c has display: none in the whole frame
])
def test_scene_capture_isolates_the_scene(scenes: BrowserSession, t: float, scene: str, expected: set) -> None:
    whole = scenes.capture_frame(t).copy()
    alone = scenes.capture_scene(t, scene).copy()
    assert colours(alone) == expected
    assert np.array_equal(scenes.capture_frame(t), whole)  # the page was restored
    assert np.array_equal(scenes.capture_scene(t, scene), alone)


def test_a_transitions_two_scenes_in_one_seek(scenes: BrowserSession) -> None:
    whole = scenes.capture_frame(3.2).copy()
    expected = {scene: scenes.capture_scene(3.2, scene).copy() for scene in ("b", "c")}
    bufs = {scene: np.zeros_like(whole) for scene in ("b", "c")}
    scenes.capture_scenes(3.2, [("b", bufs["b"]), ("c", bufs["c"])])
    assert colours(bufs["c"]) == {GREEN}
    for scene in ("b", "c"):
        assert np.array_equal(bufs[scene], expected[scene]), scene
    assert np.array_equal(decode_into(scenes.screenshot(), np.zeros_like(whole)), whole)  # restored first
    with pytest.raises(CompositionError, match="no scene 'd'"):
        scenes.capture_scenes(3.2, [("b", bufs["b"]), ("d", bufs["c"])])
    with pytest.raises(FrameError):
        scenes.capture_scenes(3.2, [("b", bufs["b"][:2])])


def test_whole_frame_shows_what_is_visible(scenes: BrowserSession) -> None:
    assert colours(scenes.capture_frame(1.6)) == {RED, WHITE}
    assert colours(scenes.capture_frame(3.2)) == {BLUE, WHITE}


def test_unknown_scene_is_named(scenes: BrowserSession) -> None:
    with pytest.raises(CompositionError, match=r"no scene 'aa' \(did you mean 'a'\?\); scenes: 'a', 'b', 'c'"):
        scenes.capture_scene(1, "aa")


def test_jpeg_draft_capture_is_close_to_png(scenes: BrowserSession) -> None:
    png = scenes.capture_frame(1.0).astype(np.int32)
    with BrowserSession(scenes.plan, capture_format="jpeg", jpeg_quality=90) as draft:
        jpeg = draft.capture_frame(1.0).astype(np.int32)
    assert np.abs(png - jpeg).mean() < 8 * 257


def test_session_closes_completely_and_refuses_use_after(tmp_path: Path) -> None:
    session = BrowserSession(COMPOSITIONS / "clips")
    session.close()
    session.close()  # idempotent
    assert session.closed
    with pytest.raises(Exception, match="closed"):
        session.capture_frame(0)
