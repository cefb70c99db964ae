"""`python -m engine.doctor`: a health check of this machine for the engine.

Each check looks at one thing the engine uses (the ENGINE_* variables, Chromium, a real
capture, GL, the CPU kernels, PyAV's encoders, fonts, CPUs and memory) and returns its lines as
`Check` results (`engine.doctor.browser`, `engine.doctor.system`). `run_checks` runs them in
turn: an exception in a check becomes a FAIL line (never a traceback), and every check
releases what it opened (the browser session, the GL context, its temporary folder) before the
next starts. The pure rules (line format, JSON, the exit code) are in `engine.doctor.report`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ConfigError, EngineError
from .browser import BOOTSTRAP_FIX, check_capture, check_chromium, check_environment
from .report import Check, Failed, can_render, exit_code, format_line, format_report, summary, to_json
from .system import (
    BUILD_FIX,
    FONTS_FIX,
    MESA_FIX,
    check_bundled_fonts,
    check_cpu,
    check_encoders,
    check_fontconfig,
    check_gl,
    check_machine,
    check_ray,
    check_workers,
)

__all__ = ["Check", "CheckSpec", "Failed", "CHECKS", "run_check", "run_checks", "can_render", "exit_code",
           "format_line", "format_report", "summary", "to_json"]

log = logging.getLogger("engine.doctor")


@dataclass(frozen=True)
class CheckSpec:
    """A check: its name, the function giving its lines, the requirement of rendering it stands
    for (see `engine.doctor.report`), and the fix shown when it fails unexpectedly."""

    name: str
    run: Callable[[], list[Check]]
    need: str | None = None
    fix: str = "unexpected error in this check; rerun with --verbose for the traceback"


def run_check(spec: CheckSpec) -> list[Check]:
    """`spec`'s lines; any exception it raises is one FAIL line (a ConfigError's fix: the variable)."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = spec.run()
        for warning in caught:
            log.info("%s: %s", spec.name, warning.message)
        return results
    except Failed as exc:
        return [Check(spec.name, "FAIL", exc.detail, exc.fix, spec.need)]
    except Exception as exc:
        log.info("check %s failed", spec.name, exc_info=True)
        detail = str(exc) if isinstance(exc, EngineError) else f"{type(exc).__name__}: {exc}"
        fix = ("set the variable it names to an accepted value, or unset it" if isinstance(exc, ConfigError)
               else spec.fix)
        return [Check(spec.name, "FAIL", detail or type(exc).__name__, fix, spec.need)]


def run_checks(specs: Sequence[CheckSpec] | None = None,
               report: Callable[[Check], None] | None = None) -> list[Check]:
    """Every check of `specs` (default `CHECKS`) in turn; `report` gets each line as it comes."""
    results: list[Check] = []
    for spec in CHECKS if specs is None else specs:
        for result in run_check(spec):
            results.append(result)
            if report is not None:
                report(result)
    return results


#: Every check, in the order of the report.
CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("environment", check_environment, "environment"),
    CheckSpec("chromium", check_chromium, fix=BOOTSTRAP_FIX),
    CheckSpec("capture", check_capture, "capture", "see the chromium line above; " + BOOTSTRAP_FIX),
    CheckSpec("gl", check_gl, "blend", MESA_FIX),
    CheckSpec("cpu kernels", check_cpu, "blend", BUILD_FIX),
    CheckSpec("encoders", check_encoders, "h264", "install PyAV: .venv/bin/pip install av"),
    CheckSpec("fonts", check_bundled_fonts),
    CheckSpec("fontconfig", check_fontconfig, fix=FONTS_FIX),
    CheckSpec("ray", check_ray),
    CheckSpec("machine", check_machine),
    CheckSpec("workers auto", check_workers),
)
