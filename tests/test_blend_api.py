"""engine.blend and Blender: results, backend choice, reuse of buffers, and every input error."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from images import random_frame, structured_frame

import engine
from engine.blend.registry import unregister
from engine.errors import BackendUnavailableError, ConfigError, FrameError, ParameterError, ProgressError

W, H = 80, 48
FRM, TO = random_frame(W, H, 10), random_frame(W, H, 11)


@pytest.mark.parametrize("backend", ["cpu", "gl"])
@pytest.mark.parametrize("p", [0.0, 0.1, 0.25, 1 / 3, 0.5, 0.75, 0.999, 1.0])
def test_crossfade_within_one_lsb(backend: str, p: float) -> None:
    out = engine.blend("crossfade", FRM, TO, p, backend=backend)
    a, b = FRM.astype(np.float64), TO.astype(np.float64)
    expected = np.round(a + (b - a) * p)
    assert np.abs(out - expected).max() <= 1


def test_out_buffer_is_filled_and_returned(cpu_blender: engine.Blender, gl_blender: engine.Blender) -> None:
    for blender in (cpu_blender, gl_blender):
        out = np.zeros_like(FRM)
        result = blender.blend("wipe", FRM, TO, 0.4, out=out)
        assert result is out and out.any()


def test_parameter_override_changes_output(cpu_blender: engine.Blender, gl_blender: engine.Blender) -> None:
    frm, to = structured_frame(W, H, 1), structured_frame(W, H, 2)
    for blender in (cpu_blender, gl_blender):
        default = blender.blend("wipe", frm, to, 0.5)
        moved = blender.blend("wipe", frm, to, 0.5, params={"direction": (0.0, 1.0)})
        assert not np.array_equal(default, moved)
        assert np.array_equal(moved, blender.blend("wipe-up", frm, to, 0.5))


def test_auto_prefers_cpu_kernel_over_software_gl() -> None:
    with engine.Blender("auto") as blender:
        info = blender.info
        assert info.gl_renderer is not None
        if not info.gl_hardware:
            assert blender.choose("crossfade") == "cpu"
        else:  # pragma: no cover - only on a machine with a GPU
            assert blender.choose("crossfade") == "gl"


def test_gl_reports_renderer(gl_blender: engine.Blender) -> None:
    assert gl_blender.info.gl_renderer
    assert gl_blender.choose("crossfade") == "gl"


def test_blends_from_many_threads_share_one_gl_context(gl_blender: engine.Blender) -> None:
    expected = {p: gl_blender.blend("wipe", FRM, TO, p) for p in (0.2, 0.4, 0.6, 0.8)}
    results: dict[tuple[int, float], np.ndarray] = {}

    def work(i: int) -> None:
        for p in expected:
            results[(i, p)] = gl_blender.blend("wipe", FRM, TO, p)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(v, expected[p]) for (_, p), v in results.items())


@pytest.mark.parametrize(
    ("frm", "to", "message"),
    [
        (FRM.astype(np.uint8), TO, "from-frame has dtype uint8; expected uint16"),
        (FRM, TO.astype(np.float32), "to-frame has dtype float32"),
        (FRM[..., :2].copy(), TO, r"expected \(height, width, 3\)"),
        (FRM, random_frame(W, H + 2, 3), "both frames must have the same size"),
        (FRM[:, ::2], TO[:, ::2], "not C-contiguous"),
        (FRM.tolist(), TO, "must be a numpy.ndarray"),
    ],
)
def test_frame_errors(frm: object, to: object, message: str) -> None:
    with pytest.raises(FrameError, match=message):
        engine.blend("crossfade", frm, to, 0.5, backend="cpu")


def test_out_errors() -> None:
    with pytest.raises(FrameError, match="out has shape"):
        engine.blend("crossfade", FRM, TO, 0.5, out=np.empty((H, W + 1, 3), np.uint16))
    mine = FRM.copy()
    with pytest.raises(FrameError, match="shares memory"):
        engine.blend("crossfade", mine, TO, 0.5, out=mine)
    readonly = np.empty_like(FRM)
    readonly.flags.writeable = False
    with pytest.raises(FrameError, match="read-only"):
        engine.blend("crossfade", FRM, TO, 0.5, out=readonly)


@pytest.mark.parametrize("p", [-0.01, 1.01, float("nan"), float("inf"), "0.5", None, True])
def test_progress_errors(p: object) -> None:
    with pytest.raises(ProgressError, match="progress must be"):
        engine.blend("crossfade", FRM, TO, p)  # type: ignore[arg-type]


def test_parameter_errors() -> None:
    with pytest.raises(ParameterError, match=r"'wipe' has no parameter 'smoothnes' \(did you mean 'smoothness'"):
        engine.blend("wipe", FRM, TO, 0.5, params={"smoothnes": 0.1})
    with pytest.raises(ParameterError, match=r"'direction' expects vec2 \(2 numbers\)"):
        engine.blend("wipe", FRM, TO, 0.5, params={"direction": 1.0})


def test_backend_name_is_checked() -> None:
    with pytest.raises(ConfigError, match="backend='metal' is not valid; expected one of: auto, gl, cpu"):
        engine.Blender("metal")


def test_cpu_backend_refuses_gl_only_transition() -> None:
    engine.load_transition("vec4 transition(vec2 uv) { return getToColor(uv); }\n", name="user-cut")
    try:
        with pytest.raises(BackendUnavailableError, match="'user-cut' has no CPU kernel"):
            engine.blend("user-cut", FRM, TO, 0.5, backend="cpu")
    finally:
        unregister("user-cut")


NO_GL_SCRIPT = """
import numpy as np, engine
from engine.errors import BackendUnavailableError
a = np.zeros((8, 8, 3), np.uint16); b = np.full((8, 8, 3), 1000, np.uint16)
with engine.Blender("auto") as blender:
    assert blender.choose("crossfade") == "cpu"
    print("cpu-ok", int(blender.blend("crossfade", a, b, 0.5)[0, 0, 0]))
    engine.load_transition("vec4 transition(vec2 uv) { return getToColor(uv); }\\n", name="user-cut")
    try:
        blender.blend("user-cut", a, b, 0.5)
    except BackendUnavailableError as exc:
        print("refused:", exc)
"""


def test_without_gl_cpu_kernels_still_blend() -> None:
    env = dict(os.environ, ENGINE_GL="off")
    done = subprocess.run([sys.executable, "-c", NO_GL_SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "cpu-ok 500" in done.stdout
    assert "refused: transition 'user-cut' has no CPU kernel and no GL context is available" in done.stdout
    assert "ENGINE_GL=off" in done.stdout
    assert done.stderr.count("blending on the CPU kernels") == 1  # one warning


def test_gl_knob_is_validated() -> None:
    env = dict(os.environ, ENGINE_GL="maybe")
    code = "import engine; engine.Blender('gl')"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "ENGINE_GL='maybe' is not valid; expected one of: egl, off" in done.stderr


def test_closed_blender_refuses_work() -> None:
    blender = engine.Blender("cpu")
    blender.close()
    blender.close()
    with pytest.raises(engine.EngineError, match="closed"):
        blender.blend("crossfade", FRM, TO, 0.5)
