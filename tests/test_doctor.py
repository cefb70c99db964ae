"""`python -m engine.doctor`: the pure rules (line format, JSON, the exit code) on fabricated
results, each check's isolation, and the real thing on this machine (Chromium, Mesa llvmpipe)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from engine.doctor import CheckSpec, Failed, run_check, run_checks
from engine.doctor.__main__ import main
from engine.doctor.browser import check_capture, check_environment
from engine.doctor.report import (
    Check,
    can_render,
    exit_code,
    format_line,
    format_report,
    missing_needs,
    summary,
    to_json,
)
from engine.doctor.system import check_cpu, check_gl
from engine.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^(OK  |WARN|FAIL) ([^:]+): (.+)$")


def good() -> list[Check]:
    """Results of a machine that can render."""
    return [Check("environment", "OK", "defaults", need="environment"),
            Check("chromium", "OK", "/usr/bin/chromium"),
            Check("capture", "WARN", "screenshot", "install the headless shell", "capture"),
            Check("gl", "WARN", "llvmpipe", "software", "blend"),
            Check("cpu kernels", "OK", "20 kernels", need="blend"),
            Check("encoder h264", "OK", "libx264", need="h264"),
            Check("encoder hevc", "FAIL", "no libx265", "install it")]


def replaced(results: list[Check], name: str, status: str) -> list[Check]:
    return [Check(r.check, status, r.detail, r.fix or "fix it", r.need) if r.check == name else r  # type: ignore[arg-type]
            for r in results]


# ---- the pure rules ---------------------------------------------------------------------------

def test_line_format() -> None:
    assert format_line(Check("chromium", "OK", "found", "ignored for OK")) == "OK   chromium: found"
    assert format_line(Check("gl", "WARN", "llvmpipe", "use a GPU")) == "WARN gl: llvmpipe — fix: use a GPU"
    assert format_line(Check("capture", "FAIL", "no\nbrowser  here", "install\nit")) == \
        "FAIL capture: no browser here — fix: install it"
    with pytest.raises(ValueError, match="status='BAD'"):
        Check("x", "BAD", "y")  # type: ignore[arg-type]


def test_exit_code_rule() -> None:
    assert exit_code(good()) == 0 and can_render(good()) and missing_needs(good()) == []
    # an informative FAIL (hevc) does not stop a render; one blend backend is enough
    assert exit_code(replaced(good(), "gl", "FAIL")) == 0
    assert exit_code(replaced(good(), "cpu kernels", "FAIL")) == 0
    assert missing_needs(replaced(replaced(good(), "gl", "FAIL"), "cpu kernels", "FAIL")) == ["blend"]
    for name, need in (("capture", "capture"), ("environment", "environment"), ("encoder h264", "h264")):
        assert missing_needs(replaced(good(), name, "FAIL")) == [need]
        assert exit_code(replaced(good(), name, "FAIL")) == 1
    # a requirement nothing speaks for is not met; a GL that is off (need None) is not a backend
    assert missing_needs([r for r in good() if r.need != "h264"]) == ["h264"]
    off = [Check("gl", "WARN", "off (ENGINE_GL=off)", "unset ENGINE_GL")]
    assert missing_needs([r for r in good() if r.need != "blend"] + off) == ["blend"]
    assert exit_code([]) == 1


def test_summary_and_report() -> None:
    assert summary(good()) == "=> the engine can render here (2 warnings, 1 failure)"
    bad = replaced(good(), "capture", "FAIL")
    assert summary(bad) == "=> the engine cannot render here: it needs Chromium starts and captures (1 warning, 2 failures)"
    lines = format_report(good()).splitlines()
    assert len(lines) == len(good()) + 1 and all(LINE.match(line) for line in lines[:-1])


def test_json_form() -> None:
    data = json.loads(to_json(good()))
    assert [d["check"] for d in data] == [r.check for r in good()]
    assert all(set(d) == {"check", "status", "detail", "fix"} for d in data)
    assert data[2] == {"check": "capture", "status": "WARN", "detail": "screenshot", "fix": "install the headless shell"}


# ---- isolation --------------------------------------------------------------------------------

def test_an_exception_in_a_check_is_a_fail_line() -> None:
    def boom() -> list[Check]:
        raise RuntimeError("kaput\nsecond line")

    def known() -> list[Check]:
        raise Failed("no such thing", "install it")

    def bad_knob() -> list[Check]:
        raise ConfigError("ENGINE_GL='x' is not valid; expected one of: egl, off")

    def noisy() -> list[Check]:
        import warnings
        warnings.warn("a warning inside a check", UserWarning, stacklevel=1)
        return [Check("noisy", "OK", "fine")]

    seen: list[Check] = []
    results = run_checks([CheckSpec("boom", boom, "capture", "see above"), CheckSpec("known", known, "blend"),
                          CheckSpec("knob", bad_knob), CheckSpec("noisy", noisy)], report=seen.append)
    assert seen == results
    assert results[0] == Check("boom", "FAIL", "RuntimeError: kaput\nsecond line", "see above", "capture")
    assert format_line(results[0]) == "FAIL boom: RuntimeError: kaput second line — fix: see above"
    assert results[1] == Check("known", "FAIL", "no such thing", "install it", "blend")
    assert results[2].detail.startswith("ENGINE_GL='x'") and "variable it names" in results[2].fix
    assert results[3] == Check("noisy", "OK", "fine")


def test_environment_check_names_the_knob(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("ENGINE_")]:
        monkeypatch.delenv(name)
    assert check_environment() == [Check("environment", "OK", "no knob set: every ENGINE_* knob at its default",
                                         need="environment")]
    monkeypatch.setenv("ENGINE_GL", "vulkan")
    monkeypatch.setenv("ENGINE_RING_DEPTH", "8")
    monkeypatch.setenv("ENGINE_RING_DEPT", "8")
    results = check_environment()
    assert [(r.status, r.need) for r in results] == [("FAIL", "environment"), ("WARN", None)]
    assert "ENGINE_GL='vulkan'" in results[0].detail and results[0].fix == "unset ENGINE_GL, or set it to one of: egl, off"
    assert "ENGINE_RING_DEPT is set" in results[1].detail and "'ENGINE_RING_DEPTH'" in results[1].detail
    assert exit_code(results) == 1


def test_engine_warnings_are_collected_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from engine.doctor.browser import _warnings_of

    logger = logging.getLogger("engine.capture")
    with _warnings_of("engine.capture") as notes:
        logger.warning("begin-frame control failed; capturing with screenshots instead")
        logger.info("not collected")
    logger.warning("after the block: not collected")
    assert notes == ["begin-frame control failed; capturing with screenshots instead"]
    assert "begin-frame" not in capsys.readouterr().err


@pytest.mark.browser
@pytest.mark.usefixtures("chromium_leak_check")
def test_capture_check_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    [result] = run_check(CheckSpec("capture", check_capture, "capture"))
    assert result.status in ("OK", "WARN") and result.need == "capture", format_line(result)
    assert result.detail.startswith(("beginframe:", "screenshot:"))
    assert list(tmp_path.iterdir()) == []  # the temporary composition folder is gone
    monkeypatch.setenv("ENGINE_CHROMIUM", str(tmp_path / "nothere"))
    [result] = run_check(CheckSpec("capture", check_capture, "capture"))
    assert result.status == "FAIL" and "ENGINE_CHROMIUM" in result.detail
    assert list(tmp_path.iterdir()) == []


def gl_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "engine-gl" and t.is_alive()}


def test_blend_checks_release_gl(monkeypatch: pytest.MonkeyPatch) -> None:
    before = gl_threads()  # other tests' blenders (the session's fixtures) may hold theirs
    [gl] = run_check(CheckSpec("gl", check_gl, "blend"))
    [cpu] = run_check(CheckSpec("cpu kernels", check_cpu, "blend"))
    assert gl.status in ("OK", "WARN") and gl.need == "blend" and "test blend passed" in gl.detail, format_line(gl)
    assert cpu.status in ("OK", "WARN") and "test blend passed" in cpu.detail, format_line(cpu)
    assert gl_threads() <= before  # the check's own GL thread is gone
    monkeypatch.setenv("ENGINE_GL", "off")
    [off] = run_check(CheckSpec("gl", check_gl, "blend"))
    assert off.status == "WARN" and off.need is None and "ENGINE_GL=off" in off.detail


# ---- the CLI ----------------------------------------------------------------------------------

def test_help_and_console_script(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--json" in text and "--verbose" in text and "exit codes: 0" in text
    declared = re.search(r'^engine-doctor = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert declared, "pyproject.toml's [project.scripts] declares no engine-doctor"
    assert EntryPoint("engine-doctor", declared.group(1), "console_scripts").load() is main


def doctor(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.doctor", *args], capture_output=True, text=True,
                          timeout=240, cwd=ROOT, env={**os.environ, **env})


@pytest.mark.browser
def test_doctor_on_this_machine() -> None:
    done = doctor()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("=> the engine can render here")
    found = {m.group(2): m.group(1).strip() for m in map(LINE.match, lines[:-1]) if m}
    assert all(LINE.match(line) for line in lines[:-1]), done.stdout
    for name in ("environment", "chromium", "capture", "gl", "cpu kernels", "pyav", "encoder h264", "encoder hevc",
                 "encoder prores", "audio aac", "fonts", "ray", "workers auto"):
        assert found.get(name) in ("OK", "WARN"), f"{name}: {found.get(name)}\n{done.stdout}"
    from engine.output.encoder import CODECS

    assert {f"encoder {name}" for name in CODECS} <= set(found)

    done = doctor("--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data, list) and all(set(d) == {"check", "status", "detail", "fix"} for d in data)
    assert {d["check"] for d in data} >= {"chromium", "capture", "gl", "encoder h264"}
    assert all(d["status"] in ("OK", "WARN") for d in data if d["check"] in ("chromium", "capture", "gl"))


@pytest.mark.browser
def test_doctor_fails_with_a_missing_chromium() -> None:
    done = doctor(ENGINE_CHROMIUM="/nonexistent/chromium")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("FAIL chromium: ENGINE_CHROMIUM='/nonexistent/chromium' does not exist — fix: ")
               for line in lines), done.stdout
    assert any(line.startswith("FAIL capture: ") and "/nonexistent/chromium" in line for line in lines)
    assert lines[-1].startswith("=> the engine cannot render here: it needs Chromium starts and captures")
    assert any(line.startswith(("OK   cpu kernels", "WARN cpu kernels")) for line in lines)  # the rest still ran
