"""Real Chromium: errors only the loaded page reveals, network blocking and mapping, traversal."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from engine.capture import BlockedRequestWarning, BrowserSession, MissingAssetError, PageScriptError, SettleTimeoutError
from engine.capture import load_plan
from engine.errors import CompositionError, ParameterError, UnknownTransitionError

COMPOSITIONS = Path(__file__).parent / "fixtures" / "compositions"

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_leak_check")]

ROOT = '<div id="root" data-composition-id="t" data-width="64" data-height="36" data-duration="2">{body}</div>'
SCENES = '<div class="scene" id="a"></div><div class="scene" id="b"></div>'


@pytest.fixture(scope="module", autouse=True)
def warm_playwright_driver():
    """Keep this thread's Playwright driver up across the module (each test still launches its own Chromium)."""
    from engine.capture import chromium

    chromium.acquire_playwright()
    try:
        yield
    finally:
        chromium.release_playwright()


def page(tmp_path: Path, body: str = "", script: str = "", head: str = "") -> Path:
    path = tmp_path / "index.html"
    path.write_text(f"<!doctype html><html><head>{head}</head><body>\n{ROOT.format(body=body)}\n"
                    f"<script>\n{script}\n</script></body></html>", encoding="utf-8")
    return path


def test_script_error_during_load_names_message_and_line(tmp_path: Path) -> None:
    path = page(tmp_path, script="const x = 1;\nundefinedFunction();")
    with pytest.raises(PageScriptError, match=r"threw during load: ReferenceError: undefinedFunction is not defined "
                                              r"\(at index.html:5:\d+\)"):
        load_plan(path)


def test_script_error_in_a_callback_names_the_time(tmp_path: Path) -> None:
    path = page(tmp_path, script="setTimeout(() => { throw new Error('late failure'); }, 1000);")
    with BrowserSession(path, timeout_ms=2000) as session:
        session.capture_frame(0.5)
        with pytest.raises(PageScriptError, match=r"at t=1.5 s: a timer callback threw: late failure"):
            session.capture_frame(1.5)


def test_missing_local_asset_requested_by_the_page(tmp_path: Path) -> None:
    path = page(tmp_path, body='<div style="background: url(img/nothere.png); width: 9px; height: 9px"></div>')
    with pytest.raises(MissingAssetError, match=r"local asset\(s\) that do not exist .*'/img/nothere.png'"):
        load_plan(path)


def test_an_svg_data_uri_with_quotes_and_its_own_url_is_no_asset(tmp_path: Path) -> None:
    """A CSS data: URI holding an SVG with single quotes and a filter reference, url(%23noise), as
    HyperFrames' production styles write grain: read whole, so its inner url() is not taken for a
    missing file; a real file named after it is still checked."""
    grain = ("url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Cfilter id='noise'%3E"
             "%3CfeTurbulence baseFrequency='0.8'/%3E%3C/filter%3E%3Crect width='100%25' height='100%25' "
             "filter='url(%23noise)'/%3E%3C/svg%3E\")")
    body = f'<div style="background-image: {grain}; width: 9px; height: 9px"></div>'
    (tmp_path / "ok").mkdir()
    load_plan(page(tmp_path / "ok", body=body))
    (tmp_path / "missing").mkdir()
    with pytest.raises(MissingAssetError, match=r"'/img/grain.png'"):
        load_plan(page(tmp_path / "missing", body=body + '<div style="background: url(\'img/grain.png\')"></div>'))


def test_readiness_promise_that_never_settles(tmp_path: Path) -> None:
    path = page(tmp_path, script="window.__hf = { ready: new Promise(() => {}) };")
    with pytest.raises(SettleTimeoutError, match=r"timed out after 300 ms waiting for window.__hf.ready"):
        load_plan(path, timeout_ms=300)


def test_readiness_promise_awaited(tmp_path: Path) -> None:
    script = ("let go; window.__hf = { ready: new Promise((r) => { go = r; }), transitions: [] };\n"
              "setTimeout(() => { document.body.style.background = 'rgb(0, 0, 255)'; go(); }, 0);")
    path = page(tmp_path, script=script, head="<style>body { margin: 0; background: red; }</style>")
    with BrowserSession(path, timeout_ms=2000) as session:
        assert tuple(session.capture_frame(0)[5, 5] // 257) == (0, 0, 255)


def test_timeline_seek_that_never_settles(tmp_path: Path) -> None:
    path = page(tmp_path, script="window.__timelines = { intro: { seek: () => new Promise(() => {}) } };")
    with BrowserSession(path, timeout_ms=1000) as session:
        with pytest.raises(SettleTimeoutError, match=r'timed out after 1000 ms waiting for window.__timelines\["intro"\].seek\(1\)'):
            session.capture_frame(1)


def test_timeline_with_total_time_only_and_one_with_neither(tmp_path: Path) -> None:
    script = ("const el = document.body;\n"
              "window.__timelines = { gsapLike: { totalTime(t) { el.style.background = `rgb(${t * 100}, 0, 0)`; } } };")
    path = page(tmp_path, script=script, head="<style>body { margin: 0; }</style>")
    with BrowserSession(path) as session:
        assert tuple(session.capture_frame(1.5)[5, 5] // 257) == (150, 0, 0)
    path = page(tmp_path, script="window.__timelines = { broken: { play() {} } };")
    with BrowserSession(path) as session:
        with pytest.raises(PageScriptError, match=r'window.__timelines\["broken"\] has neither seek\(seconds\) nor totalTime'):
            session.capture_frame(0)


def test_readiness_promise_rejected(tmp_path: Path) -> None:
    script = "window.__hf = { ready: new Promise((_, no) => setTimeout(() => no(new Error('assets failed')), 0)) };"
    path = page(tmp_path, script=script)
    with pytest.raises(PageScriptError, match="window.__hf.ready rejected: assets failed"):
        load_plan(path)


@pytest.mark.parametrize("transition, error, message", [
    ("{time: 0.5, duration: 0.5, shader: 'crossfade', fromScene: 'a', toScene: 'zz'}", CompositionError,
     r"window.__hf.transitions\[0\].toScene='zz' names no scene"),
    ("{time: 0.5, duration: 0.5, shader: 'no-such', fromScene: 'a', toScene: 'b'}", UnknownTransitionError,
     r"window.__hf.transitions\[0\].shader='no-such'"),
    ("{time: 0.5, duration: 0.5, shader: 'crossfade', fromScene: 'a', toScene: 'b', params: {bogus: 1}}", ParameterError,
     "bogus"),
    ("{time: 2.5, duration: 0.5, shader: 'crossfade', fromScene: 'a', toScene: 'b'}", CompositionError,
     "outside the composition"),
])
def test_page_transitions_are_validated(tmp_path: Path, transition: str, error: type, message: str) -> None:
    path = page(tmp_path, SCENES, script=f"window.__hf = {{ transitions: [{transition}] }};")
    with pytest.raises(error, match=message):
        load_plan(path)


def test_other_origins_blocked_and_warned_once() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with BrowserSession(COMPOSITIONS / "network") as session:
            frame = session.capture_frame(0)
            blocked = list(session._router.blocked)
    urls = sorted(str(w.message).split()[4] for w in caught if issubclass(w.category, BlockedRequestWarning))
    assert urls == ["https://api.example.net/data", "https://cdn.example.com/lib/colour.js",
                    "https://images.example.org/pixel.png"]  # the fetch made twice is warned once
    assert sorted(blocked) == urls
    assert tuple(frame[20, 20] // 257) == (0, 0, 0)  # the CDN script did not run


def test_url_map_renders_a_cdn_library_offline() -> None:
    vendor = COMPOSITIONS / "network" / "vendor"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BlockedRequestWarning)
        with BrowserSession(COMPOSITIONS / "network", url_map={"https://cdn.example.com/lib/": vendor}) as session:
            assert tuple(session.capture_frame(0)[20, 20] // 257) == (0, 128, 0)


@pytest.mark.parametrize("url", ["/..%2f..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/out-link"])
def test_traversal_refused_in_the_browser(tmp_path: Path, url: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    os.symlink(tmp_path / "secret.txt", site / "out-link")
    # the page is ready once the request was answered (refused): the refusal is then always seen
    script = (f"window.__hf = {{ ready: fetch({url!r}).then((r) => r.text())"
              ".then((t) => { window.__leak = t; }, () => {}) };")
    path = page(site, script=script)
    with pytest.raises(MissingAssetError, match="refused") as info:
        BrowserSession(path, timeout_ms=2000).close()
    assert "TOP SECRET" not in str(info.value)


def test_allow_network_lets_requests_through(tmp_path: Path) -> None:
    path = page(tmp_path, script="fetch('https://unreachable.invalid/x').catch(() => {});")
    with warnings.catch_warnings():
        warnings.simplefilter("error", BlockedRequestWarning)
        with BrowserSession(path, allow_network=True) as session:
            assert session.capture_frame(0).shape == (36, 64, 3)
            assert session._router.blocked == []


def test_errors_close_the_browser(tmp_path: Path) -> None:
    # chromium_leak_check fails this test if the failed session left a process behind
    path = page(tmp_path, script="throw new Error('boom');")
    with pytest.raises(PageScriptError, match="boom"):
        BrowserSession(path)
