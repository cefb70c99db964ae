"""The plan's updates from the page runtime's replies, without Chromium: `engine.capture.discover`
and `engine.capture.replies` fed replies recorded from real sessions (tests/data/runtime_replies.json:
a HyperFrames shader page, a page with a census and a video, a native layer seek, a refused video,
a seek that threw, a readiness promise that never settled, null transitions)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from engine.capture.discover import check_media, discover, updated_plan
from engine.capture.fidelity import PageWarning
from engine.capture.layers import NativeLayer, fallbacks_of
from engine.capture.replies import (
    RUNTIME_VERSION,
    PrepareReply,
    SeekReply,
    check_reply,
    check_version,
)
from engine.capture.runtime_source import RUNTIME_FILES, runtime_source
from engine.composition.reader import read_composition
from engine.errors import CaptureError, CompositionError, PageScriptError, SettleTimeoutError

TESTS = Path(__file__).parent
CAPTURE = TESTS.parent / "engine" / "capture"
REPLIES: dict[str, Any] = json.loads((TESTS / "data" / "runtime_replies.json").read_text(encoding="utf-8"))


def reply(name: str) -> Any:
    return json.loads(json.dumps(REPLIES[name]))  # a fresh copy


def timeline_page(folder: Path) -> Path:
    """A composition whose root has no data-duration (its timeline's counts)."""
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(
        '<!doctype html><html><body><div id="root" data-composition-id="m" data-width="320" data-height="180" '
        'data-fps="30"><div id="s1" class="clip" data-start="0" data-duration="1"></div></div>'
        "<script>window.__timelines.m = {duration: () => 2.5, seek() {}};</script></body></html>",
        encoding="utf-8")
    return folder


# ---- discover ----

def test_hypershader_reply_gives_the_blended_transitions_and_the_pages_own(tmp_path: Path) -> None:
    found = discover(reply("hypershader-prepare"), "index.html")
    assert found.root_duration == 3 and found.warnings == () and found.media == ()
    assert [(t["time"], t["shader"], t["fromScene"], t["toScene"]) for t in found.transitions] == [(1, "glitch", "s1", "s2")]
    assert len(found.notes) == 1 and "'s2' -> 's3'" in found.notes[0]  # the crossfade the page draws itself
    comp = tmp_path / "hs"
    shutil.copytree(TESTS / "fixtures" / "compositions" / "hypershader", comp)
    plan = updated_plan(read_composition(comp)[0], found)
    assert [(float(t.time), float(t.duration), t.shader, t.from_scene, t.to_scene) for t in plan.transitions] \
        == [(1.0, 0.5, "glitch", "s1", "s2")]


def test_census_reply_gives_warnings_media_and_the_timelines_duration(tmp_path: Path) -> None:
    found = discover(reply("census-prepare"), "index.html")
    assert found.transitions is None and found.notes == ()
    assert [(w.code, w.element) for w in found.warnings] == [
        ("font-fallback", 'font-family "No Such Font"'), ("image", '<img id="broken" src="data:image/png;base64,AAAA">')]
    assert all(isinstance(w, PageWarning) and w.message for w in found.warnings)
    assert [(m["index"], m["element"], m["src"]) for m in found.media] == [(0, '<video id="v" src="count.mp4">', "count.mp4")]
    static = read_composition(timeline_page(tmp_path / "t"))[0]
    assert static.duration_from_timeline
    assert float(updated_plan(static, found).duration) == 2.5


def test_a_bad_timeline_duration_is_named(tmp_path: Path) -> None:
    found = replace(discover(reply("census-prepare"), "index.html"), root_duration=None)
    with pytest.raises(CompositionError, match=r"root element has no data-duration.*window.__timelines\['m'\] \(found none\)"):
        updated_plan(read_composition(timeline_page(tmp_path / "t"))[0], found)


def test_null_transitions_are_refused() -> None:
    with pytest.raises(CompositionError, match=r"^index.html: window.__hf.transitions is null; expected an array"):
        discover(reply("null-transitions-prepare"), "index.html")


def test_malformed_census_entries_are_skipped() -> None:
    prepared = reply("census-prepare")
    prepared["warnings"] = [{"code": "image"}, "junk", prepared["warnings"][0]]
    prepared["media"] = ["junk", *prepared["media"]]
    found = discover(prepared, "index.html")
    assert [w.code for w in found.warnings] == ["font-fallback"] and len(found.media) == 1


def test_media_must_match_the_plans(tmp_path: Path) -> None:
    plan = read_composition(timeline_page(tmp_path / "t"))[0]
    media = reply("census-prepare")["media"]
    with pytest.raises(CaptureError, match=r"the page's <video>/<audio> elements differ from the plan's"):
        check_media(plan, media)  # the plan has no clip, the page one video
    check_media(plan, [dict(m, src=None) for m in media])  # elements without a source are no clips


# ---- replies ----

def test_seek_replies_with_a_layer_and_a_refusal() -> None:
    layered = check_reply(reply("layer-seek"), "index.html", "at t=0.5 s")
    layer = NativeLayer.from_page(layered.get("layer"))
    assert layer is not None and layer.index == 0 and layer.rect == (10, 10, 170, 106) and layer.below
    refused = check_reply(reply("refused-seek"), "index.html", "at t=0.5 s")
    assert refused.get("layer") is None
    assert fallbacks_of(refused.get("fallbacks")) == [
        ('<video id="blurred" src="count.mp4">', "it has a filter, mask, clip-path or blend mode")]


@pytest.mark.parametrize(("name", "error", "message"), [
    ("throwing-seek", PageScriptError, r'^index.html: at t=1.5 s: window.__timelines\["r"\].seek\(1.5\) threw: boom'),
    ("never-ready-prepare", SettleTimeoutError,
     r"^index.html: at load: timed out after 300 ms waiting for window.__hf.ready \(raise timeout_ms"),
])
def test_replies_reporting_a_problem_raise_it(name: str, error: type[Exception], message: str) -> None:
    when = "at t=1.5 s" if "seek" in name else "at load"
    with pytest.raises(error, match=message):
        check_reply(reply(name), "index.html", when)


def test_a_missing_scene_and_a_missing_runtime_are_named() -> None:
    with pytest.raises(CompositionError, match=r'^index.html: no element with id "x" in the page$'):
        check_reply({"errors": [], "missingScene": 'no element with id "x" in the page'}, "index.html", "at t=0 s")
    with pytest.raises(CaptureError, match=r"the page runtime is missing \(window.__hfEngine\)"):
        check_reply(None, "index.html", "at t=0 s")


def test_the_runtime_version_is_checked() -> None:
    for name in ("hypershader-prepare", "census-prepare", "never-ready-prepare"):
        check_version(reply(name), "index.html")
    with pytest.raises(CaptureError, match=r"^index.html: the page runtime speaks version 2 .*this engine speaks version 1"):
        check_version(dict(reply("census-prepare"), version=2), "index.html")
    with pytest.raises(CaptureError, match=r"speaks version None"):
        check_version({"errors": []}, "index.html")


def test_runtime_js_speaks_the_version_python_declares() -> None:
    source = (CAPTURE / "runtime.js").read_text(encoding="utf-8")
    assert re.findall(r"const VERSION = (\d+);", source) == [str(RUNTIME_VERSION)]
    assert "version: VERSION," in source


def test_the_typed_replies_declare_every_key_the_runtime_sends() -> None:
    prepare, seek = set(get_type_hints(PrepareReply)), set(get_type_hints(SeekReply))
    for name, recorded in REPLIES.items():
        if name.startswith("_"):
            continue
        keys = prepare if name.endswith("-prepare") else seek
        assert set(recorded) <= keys, (name, set(recorded) - keys)


# ---- the page files ----

def test_every_page_file_is_injected_once_and_parses() -> None:
    on_disk = sorted(p.name for p in CAPTURE.glob("*.js"))
    assert sorted(RUNTIME_FILES) == on_disk and len(set(RUNTIME_FILES)) == len(RUNTIME_FILES)
    assert RUNTIME_FILES[0] == "common.js" and RUNTIME_FILES[-1] == "runtime.js"
    source = runtime_source(1, "bundled")
    for name in RUNTIME_FILES:  # each part is one IIFE guarded by the hidden property it defines
        text = (CAPTURE / name).read_text(encoding="utf-8")
        assert text in source and text.count("\n(() => {\n") == 1, name
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (scripts/bootstrap.sh installs it)")
    for name in RUNTIME_FILES:
        done = subprocess.run([node, "--check", str(CAPTURE / name)], capture_output=True, text=True)
        assert done.returncode == 0, (name, done.stderr)
