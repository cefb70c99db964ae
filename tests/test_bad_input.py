"""Bad input, tried as a new user would: one table of malformed compositions, flags, outputs and
environment variables (fixtures in tests/fixtures/bad/), each run through the command line
in-process (`engine.render.cli.main`) and through `engine.render`.

Every case must give exit code 2 (argparse's SystemExit(2) for a flag it rejects) with a message
on stderr naming the problem (no traceback), raise an `engine.InputError` from Python, finish
within `LIMIT_S`, and leave nothing behind: no output, no temporary ``.NAME.*.partial.*`` file,
no Chromium process. The read-only output folder runs in a subprocess without
CAP_DAC_OVERRIDE when the tests run as root (root writes through ``chmod 555`` otherwise).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.blend.registry import unregister
from engine.render.cli import main

BAD = Path(__file__).parent / "fixtures" / "bad"
#: Seconds one case may take: generous for a noisy 2-core CI machine (the slowest case, which
#: starts Chromium and captures a few frames, takes about 3 s on the development machine).
LIMIT_S = 20.0

#: GLSL that fails to compile (a missing ';'): a composition can only name registered shaders, so
#: the test registers it under the name the fixture `shader-compile-error` uses.
BROKEN_SHADER = """uniform float amount; // = 0.5
vec4 transition(vec2 uv) {
    vec4 from = getFromColor(uv)
    return mix(from, getToColor(uv), progress * amount);
}
"""


@dataclass(frozen=True)
class Case:
    """One bad input. `comp` is the composition, relative to tests/fixtures/bad (default: the
    case's own folder); `api` the `engine.render` keywords for the same mistake (None: the
    mistake exists only on the command line); `special` a setup: ``output-is-folder``,
    ``read-only``, ``user-shader``."""

    name: str
    expect: str
    comp: str = ""
    args: tuple[str, ...] = ()
    output: str = "out.mp4"
    env: Mapping[str, str] = field(default_factory=dict)
    api: Mapping[str, Any] | None = field(default_factory=dict)
    api_expect: str = ""
    argparse: bool = False
    special: str = ""

    @property
    def composition(self) -> Path:
        return BAD / (self.comp or self.name)


def flag(name: str, expect: str, *args: str, api: Mapping[str, Any] | None = None, api_expect: str = "",
         argparse: bool = False, **kw: Any) -> Case:
    """A case on the valid composition that differs only in its flags."""
    return Case(name, expect, comp="valid", args=args, api=api, api_expect=api_expect, argparse=argparse, **kw)


def env(name: str, variable: str, value: str, expect: str) -> Case:
    return Case(name, expect, comp="valid", env={variable: value})


CASES = [
    # broken HTML
    Case("html-empty-file", "no root element; expected an element with data-composition-id"),
    Case("html-no-root", "no root element; expected an element with data-composition-id"),
    Case("html-unclosed-quote", "has no data-width; expected a positive number"),
    Case("html-truncated", "no root element"),
    Case("html-not-utf8", "index.html: not UTF-8 text"),
    # root attributes
    Case("root-missing-width", "has no data-width; expected a positive number"),
    Case("root-missing-height", "has no data-height; expected a positive number"),
    Case("root-missing-duration", "has no data-duration; expected a positive number"),
    Case("root-width-not-numeric", "data-width is 'wide'; expected a number of pixels from 1 to 8192"),
    Case("root-width-with-unit", "data-width is '64px'; expected a number of pixels from 1 to 8192, without a unit"),
    Case("root-width-zero", "data-width='0' is not valid; expected a whole number of pixels from 1 to 8192"),
    Case("root-height-negative", "data-height='-36' is not valid; expected a whole number of pixels from 1 to 8192"),
    Case("root-width-absurd", "data-width='100000' is not valid; expected a whole number of pixels from 1 to 8192"),
    Case("root-height-odd", "data-height='35' is odd; 4:2:0 output (yuv420p) needs even sizes"),
    Case("root-width-fractional", "data-width='64.5' is not valid; expected a whole number of pixels"),
    Case("root-duration-zero", "data-duration='0' is not valid; expected seconds > 0 and at most 86400"),
    Case("root-duration-negative", "data-duration='-1' is not valid; expected seconds > 0"),
    Case("root-duration-absurd", "data-duration='100000' is not valid; expected seconds > 0 and at most 86400"),
    Case("root-duration-not-numeric", "data-duration is 'long'; expected a number"),
    Case("root-fps-zero", "data-fps='0' is not valid; expected frames per second from 1 to 240"),
    Case("root-fps-negative", "data-fps='-30' is not valid; expected frames per second from 1 to 240"),
    Case("root-fps-absurd", "data-fps='100000' is not valid; expected frames per second from 1 to 240"),
    Case("root-fps-not-numeric", "data-fps is 'fast'; expected a number"),
    Case("root-fps-zero-denominator", "data-fps is '30/0'; expected a number"),
    # clips and scenes
    Case("clip-start-not-numeric", "<div id='title'> (line 9) data-start is 'soon'; expected a number"),
    Case("clip-start-negative", "data-start='-1' is negative; expected seconds >= 0"),
    Case("clip-duration-zero", "data-duration='0' is not positive; expected seconds > 0"),
    Case("clip-duration-not-numeric", "data-duration is 'a while'; expected a number"),
    Case("scene-duplicate-id", "two scenes have id='intro'"),
    # transitions (declarative form)
    Case("transition-overlap", "(line 11) starts at 0.5 s, inside <hf-transition> (line 10) ([0.2, 0.6) s); "
                               "transitions must not overlap"),
    Case("transition-dangling-from", "data-from='opening' names no scene; scenes (class=\"scene\" with an id): "
                                     "'intro', 'main'"),
    Case("transition-dangling-to", "data-to='mian' names no scene (did you mean 'main'?)"),
    Case("transition-missing-from", "<hf-transition> (line 9) has no data-from"),
    Case("transition-outside", "spans [1.2, 1.7) s, outside the composition's [0, 1) s"),
    Case("transition-negative-time", "spans [-0.2, 0.1) s, outside the composition's [0, 1) s"),
    Case("transition-negative-duration", "data-duration='-0.3' is not positive; expected seconds > 0"),
    Case("transition-zero-duration", "data-duration='0' is not positive; expected seconds > 0"),
    Case("transition-time-not-numeric", "data-time is 'later'; expected a number"),
    Case("shader-unknown", "unknown transition 'crossfad' (did you mean 'crossfade'"),
    Case("shader-param-unknown", "has no parameter 'smoothnes' (did you mean 'smoothness'?); valid parameters: center"),
    Case("shader-param-ill-typed", "parameter 'smoothness' expects float, got 'soft'"),
    Case("params-malformed-json", "data-params is not valid JSON"),
    Case("params-not-object", "data-params is [0.1]; expected an object of shader parameters"),
    Case("ease-unknown", "unknown ease 'power5.in' (did you mean 'power4.in'"),
    Case("shader-compile-error", "transition 'bad-user-shader' (<source>) failed to compile", special="user-shader"),
    # transitions (script form, read from the loaded page)
    Case("js-transitions-not-array", "window.__hf.transitions is dict; expected an array"),
    Case("js-transitions-null", "window.__hf.transitions is null; expected an array"),
    Case("js-transition-not-object", "window.__hf.transitions[0] is int; expected an object"),
    Case("js-transition-missing-shader", "window.__hf.transitions[0] has no shader"),
    Case("js-transition-unknown-shader", "unknown transition 'sdf-irs' (did you mean 'sdf-iris'?)"),
    Case("js-transition-dangling-scene", "window.__hf.transitions[0].toScene='ending' names no scene"),
    Case("js-transition-time-string", "window.__hf.transitions[0].time is 'soon'; expected a number"),
    # assets
    Case("asset-missing-script", "<script src='js/app.js'>: local asset"),
    Case("asset-missing-stylesheet", "<link href='style.css'>: local asset"),
    Case("asset-missing-image", "<img src='images/logo.png'>: local asset"),
    Case("asset-missing-css-url", "local asset(s) that do not exist"),
    # scripts
    Case("script-throws", "threw during load: ReferenceError: undefinedHelper is not defined (at index.html:12"),
    Case("script-syntax-error", "threw during load: SyntaxError"),
    Case("script-file-throws", "threw during load: TypeError: Cannot read properties of null (reading 'width') "
                               "(at app.js:3"),
    Case("script-ready-rejects", "fonts manifest missing"),
    # paths
    Case("folder-without-index", "holds no index.html"),
    Case("path-does-not-exist", "does not exist; expected an .html file or a folder with index.html"),
    Case("path-not-html", "is not an .html file", comp="path-not-html/notes.txt"),
    # outputs
    Case("output-unwritable-folder", "'/proc/missing/out.mp4' cannot be written: folder '/proc'", comp="valid",
         output="/proc/missing/out.mp4"),
    Case("output-read-only-folder", "/out' is not writable", comp="valid", special="read-only"),
    Case("output-ext-webm-for-h264", "has extension '.webm'; codec 'h264' writes .mp4", comp="valid", output="out.webm",
         args=("--codec", "h264"), api={"codec": "h264"}),
    Case("output-ext-unknown", "has extension '.avi'; expected one of .mp4 (h264)", comp="valid", output="out.avi"),
    Case("output-png-without-still", "is one PNG: pass --still SECONDS", comp="valid", output="poster.png",
         api_expect="is one PNG: pass still=SECONDS"),
    Case("output-still-past-end", "still=5 s is not valid; the composition lasts 1 s", comp="valid", output="poster.png",
         args=("--still", "5"), api={"still": 5}),
    Case("output-gif-too-fast", "a GIF plays at most 50 fps", comp="valid", output="out.gif", args=("--fps", "60"),
         api={"fps": 60}),
    Case("output-ext-mp4-for-prores", "has extension '.mp4'; codec 'prores' writes .mov", comp="valid",
         args=("--codec", "prores"), api={"codec": "prores"}),
    Case("output-no-extension", "has extension '(none)'", comp="valid", output="out"),
    Case("output-is-folder", "is a folder; expected a file path", comp="valid", output="clip.mp4",
         special="output-is-folder"),
    # flags
    flag("flag-unknown", "unrecognized arguments: --speed", "--speed", "2", argparse=True),
    flag("flag-missing-output", "the following arguments are required: -o/--output", argparse=True),
    flag("flag-workers-zero", "workers=0 is not valid; expected an integer from 1 to 64", "--workers", "0",
         api={"workers": 0}),
    flag("flag-workers-many", "workers=1000 is not valid; expected an integer from 1 to 64", "--workers", "1000",
         api={"workers": 1000}),
    flag("flag-workers-word", "workers='many' is not valid", "--workers", "many", api={"workers": "many"}),
    flag("flag-ring-depth-abc", "--ring-depth='abc' is not valid; expected an integer from 1 to 64", "--ring-depth", "abc",
         api={"ring_depth": "abc"}, api_expect="ring_depth='abc' is not valid; expected an integer from 1 to 64"),
    flag("flag-ring-depth-zero", "--ring-depth=0 is not valid", "--ring-depth", "0", api={"ring_depth": 0},
         api_expect="ring_depth=0 is not valid"),
    flag("flag-frames-reversed", "frames='5:2' is not valid; START (5) must be less than END (2)", "--frames", "5:2",
         api={"frames": "5:2"}),
    flag("flag-frames-beyond", "frames='0:1000' is not valid; the composition has 10 frames", "--frames", "0:1000",
         api={"frames": "0:1000"}),
    flag("flag-frames-word", "frames='all' is not valid; expected START:END", "--frames", "all", api={"frames": "all"}),
    flag("flag-frames-negative", "frames='-3:2' is not valid; START must be 0 or more", "--frames=-3:2",
         api={"frames": "-3:2"}),
    flag("flag-fps-zero", "fps='0' is not valid; expected 1 to 240", "--fps", "0", api={"fps": 0},
         api_expect="fps=0 is not valid; expected 1 to 240"),
    flag("flag-fps-absurd", "fps='1000' is not valid; expected 1 to 240", "--fps", "1000", api={"fps": "1000"}),
    flag("flag-fps-word", "fps='fast' is not valid; expected a number", "--fps", "fast", api={"fps": "fast"}),
    flag("flag-codec-vp8", "argument --codec: invalid choice: 'vp8'", "--codec", "vp8", argparse=True,
         api={"codec": "vp8"}, api_expect="codec='vp8' is not valid; expected one of: auto, h264, hevc, prores, vp9"),
    flag("flag-still-word", "still='soon' is not valid; expected a time in seconds", "--still", "soon",
         api={"still": "soon"}),
    flag("flag-quality-ultra", "argument --quality: invalid choice: 'ultra'", "--quality", "ultra", argparse=True,
         api={"quality": "ultra"}, api_expect="quality='ultra' is not valid; expected one of: draft, standard, high"),
    flag("flag-backend-metal", "argument --backend: invalid choice: 'metal'", "--backend", "metal", argparse=True,
         api={"backend": "metal"}, api_expect="backend='metal' is not valid"),
    flag("flag-partition-random", "argument --partition: invalid choice: 'random'", "--partition", "random",
         argparse=True, api={"partition": "random"}, api_expect="partition='random' is not valid"),
    flag("flag-hybrid-one-worker", "path 'hybrid' needs at least 2 workers", "--path", "hybrid", "--workers", "1",
         api={"path": "hybrid", "workers": 1}),
    flag("flag-map-url-no-folder", "--map-url 'cdn' is not valid; expected PREFIX=FOLDER", "--map-url", "cdn"),
    flag("flag-map-url-missing-folder", f"--map-url https://cdn.example.com/=no-such-folder: "
         f"'{Path.cwd() / 'no-such-folder'}' is not a folder (it does not exist; a relative FOLDER is read from "
         f"the current directory, {Path.cwd()})", "--map-url", "https://cdn.example.com/=no-such-folder",
         api={"capture": {"url_map": {"https://cdn.example.com/": "no-such-folder"}}},
         api_expect="url_map['https://cdn.example.com/'] = 'no-such-folder': '"),
    flag("flag-stats-json-missing-folder", "missing/stats.json': folder", "--stats-json", "STATS_IN_MISSING_FOLDER"),
    # environment variables
    env("env-ring-depth-abc", "ENGINE_RING_DEPTH", "abc", "ENGINE_RING_DEPTH='abc' is not valid; expected an integer"),
    env("env-ring-depth-zero", "ENGINE_RING_DEPTH", "0", "ENGINE_RING_DEPTH=0 is not valid; expected an integer from 1 to 64"),
    env("env-cpu-threads-abc", "ENGINE_CPU_THREADS", "abc", "ENGINE_CPU_THREADS='abc' is not valid"),
    env("env-gl-maybe", "ENGINE_GL", "maybe", "ENGINE_GL='maybe' is not valid; expected one of: egl, off"),
    env("env-capture-format-gif", "ENGINE_CAPTURE_FORMAT", "gif", "ENGINE_CAPTURE_FORMAT='gif' is not valid"),
    env("env-capture-timeout-abc", "ENGINE_CAPTURE_TIMEOUT_MS", "abc", "ENGINE_CAPTURE_TIMEOUT_MS='abc' is not valid"),
    env("env-capture-timeout-tiny", "ENGINE_CAPTURE_TIMEOUT_MS", "5", "expected an integer from 100 to 600000"),
    env("env-chromium-missing", "ENGINE_CHROMIUM", "/nonexistent/chromium",
        "Chromium executable '/nonexistent/chromium' (ENGINE_CHROMIUM or capture executable=) does not exist"),
]

pytestmark = pytest.mark.usefixtures("chromium_leak_check")


def test_catalogue_is_complete() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)) and len(names) >= 30
    fixtures = {p.name for p in BAD.iterdir() if p.is_dir()}
    used = {case.composition.relative_to(BAD).parts[0] for case in CASES}
    assert fixtures - used == set(), "fixtures no case uses"
    assert not (BAD / "path-does-not-exist").exists()


@pytest.fixture
def user_shader(request: pytest.FixtureRequest) -> Iterator[None]:
    case: Case = request.getfixturevalue("case")
    if case.special != "user-shader":
        yield
        return
    engine.load_transition(BROKEN_SHADER, name="bad-user-shader")
    try:
        yield
    finally:
        unregister("bad-user-shader")


def prepare(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    """(output folder, output path, CLI argv) for `case`; its environment variables are set."""
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / case.output
    if case.special == "output-is-folder":
        output.mkdir()
    args = [str(folder / "missing" / "stats.json") if a == "STATS_IN_MISSING_FOLDER" else a for a in case.args]
    argv = [str(case.composition), *args]
    if "--workers" not in args:  # one browser: only the workers cases test workers
        argv += ["--workers", "1"]
    if case.name != "flag-missing-output":
        argv += ["-o", str(output)]
    return folder, output, argv


def left_behind(folder: Path, case: Case) -> list[str]:
    """What the attempt left in the output folder (the folder made for `output-is-folder` aside)."""
    found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    return [p for p in found if not (case.special == "output-is-folder" and p == case.output)]


#: Runs a command as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH in its bounding set, so
#: it obeys file modes as any other user does (util-linux; not a preexec_fn: Python code between
#: fork and exec can deadlock in a process with threads, as this test process has).
SETPRIV = shutil.which("setpriv")
DROP_DAC = ["--bounding-set=-dac_override,-dac_read_search", "--"]


API_IN_CHILD = """
import sys, engine
try:
    engine.render(sys.argv[1], sys.argv[2], workers=1)
except engine.InputError as exc:
    print(type(exc).__name__ + ": " + str(exc), file=sys.stderr)
    sys.exit(2)
sys.exit(0)
"""


def run_read_only(case: Case, folder: Path, argv: list[str], api: bool) -> tuple[int, str]:
    """Exit code and stderr of the CLI (or the API) on a ``chmod 555`` output folder."""
    folder.chmod(0o555)
    if os.access(folder, os.W_OK) and os.geteuid() != 0:
        pytest.skip("a chmod 555 folder is writable here (not root, yet writable: an unusual filesystem)")
    if os.geteuid() != 0:
        if api:
            with pytest.raises(engine.InputError) as info:
                engine.render(case.composition, folder / case.output, workers=1)
            return 2, str(info.value)
        return main(argv), ""
    command = [sys.executable, "-c", API_IN_CHILD, str(case.composition), str(folder / case.output)] if api \
        else [sys.executable, "-m", "engine.render", *argv]
    if SETPRIV is None:
        pytest.skip("running as root without setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
    done = subprocess.run([SETPRIV, *DROP_DAC, *command], capture_output=True, text=True, timeout=60)
    if done.stderr.startswith("setpriv:"):  # no CAP_SETPCAP in this container
        pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE here ({done.stderr.strip()})")
    return done.returncode, done.stderr


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.usefixtures("user_shader")
def test_cli(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder, _, argv = prepare(case, tmp_path, monkeypatch)
    started = time.perf_counter()
    if case.special == "read-only":
        code, err = run_read_only(case, folder, argv, api=False)
        err += capsys.readouterr().err
    elif case.argparse:
        with pytest.raises(SystemExit) as info:
            main(argv)
        code, err = info.value.code, capsys.readouterr().err  # type: ignore[assignment]
        assert "usage: python -m engine.render" in err
    else:
        code, err = main(argv), capsys.readouterr().err
    elapsed = time.perf_counter() - started
    assert code == 2, f"exit code {code}, stderr: {err}"
    assert case.expect in err, f"expected {case.expect!r} in stderr: {err}"
    assert "Traceback" not in err
    assert elapsed < LIMIT_S, f"took {elapsed:.1f} s"
    folder.chmod(0o755)
    assert left_behind(folder, case) == []


API_CASES = [case for case in CASES if case.api is not None]


@pytest.mark.parametrize("case", API_CASES, ids=[case.name for case in API_CASES])
@pytest.mark.usefixtures("user_shader")
def test_api(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, output, _ = prepare(case, tmp_path, monkeypatch)
    started = time.perf_counter()
    if case.special == "read-only":
        code, message = run_read_only(case, folder, [], api=True)
        assert code == 2, message
        assert "ConfigError: " in message or os.geteuid() != 0
    else:
        with pytest.raises(engine.InputError) as info:
            engine.render(case.composition, output, **{"workers": 1, **(case.api or {})})
        message = str(info.value)
    elapsed = time.perf_counter() - started
    assert (case.api_expect or case.expect) in message
    assert elapsed < LIMIT_S, f"took {elapsed:.1f} s"
    folder.chmod(0o755)
    assert left_behind(folder, case) == []
