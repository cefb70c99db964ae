"""Sub-compositions as HyperFrames documents them, in a real Chromium: a file mounted by two hosts
(own timing, playback start, variables), nesting three deep, an inline nested composition with
data-end, scoped styles; and the mistakes named clearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import composition

from engine.capture import BrowserSession, load_plan
from engine.errors import CompositionError

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]

FIXTURES = Path(__file__).parent / "fixtures"
SUBCOMP = FIXTURES / "compositions" / "subcomp"
URL_MAP = {"https://cdn.jsdelivr.net/npm/gsap@3/dist/": str(FIXTURES / "vendor" / "gsap")}
RED, BLUE, WHITE, YELLOW, CYAN, GREEN = (200, 30, 30), (30, 30, 200), (255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 200, 0)
#: Probe points: the card's bar at x=60 and x=110 (it slides 0 -> 100 px over 1 s of the card's
#: timeline), the card's tint, the badge (2nd level) and its dot (3rd level, fades in over 1 s),
#: and the main document's .label, which the card's own .label rule must not reach.
PROBES = {"bar60": (60, 10), "bar110": (110, 10), "tint": (10, 30), "badge": (155, 45), "dot": (170, 60),
          "label": (100, 95)}


def probe(frame: np.ndarray) -> dict[str, tuple[int, ...]]:
    return {name: tuple(int(v) for v in frame[y, x] >> 8) for name, (x, y) in PROBES.items()}


def mix(a: tuple[int, ...], b: tuple[int, ...], p: float) -> tuple[int, ...]:
    return tuple(round(x * (1 - p) + y * p) for x, y in zip(a, b, strict=True))


def close(got: tuple[int, ...], want: tuple[int, ...]) -> bool:
    return all(abs(g - w) <= 3 for g, w in zip(got, want, strict=True))


@pytest.fixture(scope="module")
def session():
    with BrowserSession(SUBCOMP, url_map=URL_MAP, capture_format="png") as s:
        yield s


@pytest.mark.parametrize(("t", "want"), [
    # first host [0, 1.5): red card, its timeline at t
    (0.5, {"bar60": WHITE, "bar110": RED, "tint": RED, "badge": YELLOW, "dot": mix(YELLOW, CYAN, 0.5), "label": GREEN}),
    (1.0, {"bar60": RED, "bar110": WHITE, "tint": RED, "badge": YELLOW, "dot": CYAN, "label": GREEN}),
    # second host [1.5, 3), data-playback-start 0.5: its bar at 0.5 + (t - 1.5); the nested dot's
    # timeline counts from its own start (a host's playback start does not reach its children)
    (1.6, {"bar60": WHITE, "bar110": BLUE, "tint": BLUE, "badge": YELLOW, "dot": mix(YELLOW, CYAN, 0.1), "label": GREEN}),
    (2.0, {"bar60": BLUE, "bar110": WHITE, "tint": BLUE, "badge": YELLOW, "dot": mix(YELLOW, CYAN, 0.5), "label": GREEN}),
    # the inline composition (data-start 2.5, data-end 3) fades in over 0.4 s of its own timeline
    (2.7, {"tint": mix(BLUE, (255, 0, 255), 0.5), "bar110": mix(WHITE, (255, 0, 255), 0.5), "label": GREEN}),
])
def test_each_host_runs_its_own_clock(session: BrowserSession, t: float, want: dict) -> None:
    got = probe(session.capture_frame(t))
    for name, colour in want.items():
        assert close(got[name], colour), (t, name, got[name], colour)


def test_hosts_ids_scripts_and_variables(session: BrowserSession) -> None:
    state = session._evaluate(
        "() => ({ids: [...document.querySelectorAll('[data-composition-id]')].map(e => e.getAttribute('data-composition-id')),"
        " timelines: Object.keys(window.__timelines).sort(), titles: window.cardTitles,"
        " text: [...document.querySelectorAll('.title')].map(e => e.textContent)})", None)
    # one file mounted twice: runtime ids card__hf1/card__hf2, each script run once with its own variables
    assert state["ids"] == ["main", "card__hf1", "badge__hf1", "dot__hf1", "card__hf2", "badge__hf2", "dot__hf2", "outro"]
    assert {"card__hf1", "card__hf2", "dot__hf1", "dot__hf2", "outro"} <= set(state["timelines"])
    assert state["titles"] == ["One", "Two"] and state["text"] == ["One", "Two"]
    assert session.warnings == []


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def root(folder: Path, body: str) -> Path:
    return composition(folder, body, id="main", width=32, height=32)


def test_a_missing_child_file_is_named_before_any_browser(tmp_path: Path) -> None:
    comp = root(tmp_path, '<div data-composition-id="x" data-composition-src="compositions/x.html"></div>')
    with pytest.raises(CompositionError, match=r"data-composition-src='compositions/x.html'.*does not exist"):
        load_plan(comp)


@pytest.mark.parametrize(("child", "message"), [
    ('<template><div data-composition-id="x" data-composition-src="x.html"></div></template>', "x.html includes itself"),
    ("<template><div>no root</div></template>", "holds no element with data-composition-id"),
])
def test_broken_sub_compositions_are_named(tmp_path: Path, child: str, message: str) -> None:
    comp = root(tmp_path, '<div data-composition-id="x" data-composition-src="x.html"></div>')
    _write(comp, {"x.html": child})
    with pytest.raises(CompositionError, match=message):
        load_plan(comp)
